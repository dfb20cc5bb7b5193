package mfa

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Defaults of Config.
const (
	// DefaultChallengeTTL is how long an mfa_token can be redeemed.
	DefaultChallengeTTL = 5 * time.Minute
	// DefaultMaxChallengeFailures is how many wrong codes kill an mfa_token.
	DefaultMaxChallengeFailures = 5
	// DefaultSweepInterval is how often the module deletes expired
	// mfa_tokens.
	DefaultSweepInterval = 10 * time.Minute
	// KeySize is the size of Config.Key and of every previous key: 32
	// bytes (AES-256).
	KeySize = 32
)

// Config configures the second factor.
type Config struct {
	// Issuer names the service in authenticator apps: the issuer of the
	// otpauth URL, e.g. "Acme". Required; it may not contain ':'.
	Issuer string
	// Key is the 32-byte secret from which the key that seals TOTP secrets
	// (AES-256-GCM) and the key of the recovery-code hashes (HMAC-SHA256)
	// are derived. Keep it apart from the database: whoever has both can
	// read TOTP secrets. DeriveKey makes one from a longer-lived master
	// secret. Required.
	Key []byte
	// PreviousKeys are keys that were Key before a rotation: sealed secrets
	// still open with them and recovery codes hashed under them still
	// match. New secrets and codes use Key only.
	PreviousKeys [][]byte
	// ChallengeTTL is how long an mfa_token can be redeemed; default
	// DefaultChallengeTTL.
	ChallengeTTL time.Duration
	// MaxChallengeFailures is how many wrong codes kill an mfa_token;
	// default DefaultMaxChallengeFailures.
	MaxChallengeFailures int
	// SweepInterval is how often the mounted module deletes the expired
	// mfa_tokens (Store.DeleteExpiredChallenges), in the background until
	// the kernel's Close; default DefaultSweepInterval, negative: never
	// (the application sweeps itself). Only the module reads it.
	SweepInterval time.Duration
}

// withDefaults returns c with its zero durations and counts defaulted.
func (c Config) withDefaults() Config {
	if c.ChallengeTTL == 0 {
		c.ChallengeTTL = DefaultChallengeTTL
	}
	if c.MaxChallengeFailures == 0 {
		c.MaxChallengeFailures = DefaultMaxChallengeFailures
	}
	return c
}

// validate reports the first invalid setting of a defaulted c.
func (c Config) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("mfa: config: "+format, args...)
	}
	switch {
	case strings.TrimSpace(c.Issuer) == "":
		return bad("Issuer is required")
	case strings.Contains(c.Issuer, ":"):
		return bad("Issuer %q may not contain ':' (it separates issuer and account in authenticator apps)", c.Issuer)
	case len(c.Issuer) > 64:
		return bad("Issuer is longer than 64 bytes")
	case len(c.Key) != KeySize:
		return bad("Key must be %d bytes, not %d (mfa.DeriveKey makes one from a master secret)", KeySize, len(c.Key))
	case c.ChallengeTTL < 0:
		return bad("ChallengeTTL must be positive")
	case c.MaxChallengeFailures < 0:
		return bad("MaxChallengeFailures must be positive")
	}
	for i, k := range c.PreviousKeys {
		if len(k) != KeySize {
			return bad("PreviousKeys[%d] must be %d bytes, not %d", i, KeySize, len(k))
		}
	}
	return nil
}

// errShortMaster is DeriveKey's error for a master secret under 32 bytes.
var errShortMaster = errors.New("mfa: DeriveKey: the master secret must be at least 32 bytes")
