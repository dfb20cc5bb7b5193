package mfa

import (
	"crypto/rand"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Strategy is the protocol logic of the second factor that handlers call:
// it makes and checks secrets, codes and tokens, and turns a submitted code
// into a Proof for the Store. It holds no state but its configuration and
// is safe for concurrent use.
type Strategy struct {
	cfg  Config
	keys keyring
}

// New validates cfg, applies its defaults and derives its keys.
func New(cfg Config) (*Strategy, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	keys, err := newKeyring(cfg.Key, cfg.PreviousKeys)
	if err != nil {
		return nil, err
	}
	return &Strategy{cfg: cfg, keys: keys}, nil
}

// Config returns the configuration in force, defaults applied.
func (s *Strategy) Config() Config { return s.cfg }

// TOTPSetup is what POST /auth/mfa/totp/setup shows the user.
type TOTPSetup struct {
	// Secret is the secret in base32 without padding, for manual entry.
	Secret string
	// OtpauthURL is the key URI the QR code holds.
	OtpauthURL string
	// QRCode is a data:image/png;base64 URL of the QR code.
	QRCode string
}

// NewTOTPSetup makes a fresh 160-bit secret for userID, whose address
// (account) names it in the authenticator app. It returns what to show and
// the pending secret, sealed, for Store.SetPendingTOTP.
func (s *Strategy) NewTOTPSetup(userID, account string) (TOTPSetup, PendingTOTP, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return TOTPSetup{}, PendingTOTP{}, fmt.Errorf("mfa: new secret id: %w", err)
	}
	var raw [TOTPSecretSize]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails (Go 1.24+)
	secret := EncodeSecret(raw[:])
	u := otpauthURL(s.cfg.Issuer, account, secret)
	qr, err := QRCodeDataURL(u)
	if err != nil {
		return TOTPSetup{}, PendingTOTP{}, err
	}
	return TOTPSetup{Secret: secret, OtpauthURL: u, QRCode: qr},
		PendingTOTP{SecretID: id.String(), Secret: s.keys.seal(userID, raw[:])}, nil
}

// VerifyPendingTOTP checks the code that enables a pending secret and
// returns its step for Store.EnableTOTP. ErrSetupRequired without a pending
// secret (also when TOTP is already on); ErrInvalidCode for a wrong code;
// ErrMalformedCode for input that is not six digits.
func (s *Strategy) VerifyPendingTOTP(st TOTPState, code string, now time.Time) (int64, error) {
	if !st.Pending() {
		return 0, ErrSetupRequired
	}
	return s.verify(st, code, now)
}

// verify checks code against the sealed secret of st.
func (s *Strategy) verify(st TOTPState, code string, now time.Time) (int64, error) {
	raw, err := s.keys.open(st.UserID, st.Secret)
	if err != nil {
		return 0, fmt.Errorf("mfa: TOTP secret of user %s: %w", st.UserID, err)
	}
	return verifyTOTP(EncodeSecret(raw), code, st.LastStep, now)
}

// Accept says which kinds of code a route takes.
type Accept uint8

// The kinds of code.
const (
	// AcceptTOTP takes a TOTP code (six digits).
	AcceptTOTP Accept = 1 << iota
	// AcceptRecoveryCode takes a recovery code ("xxxxx-xxxxx").
	AcceptRecoveryCode
	// AcceptAny takes either.
	AcceptAny = AcceptTOTP | AcceptRecoveryCode
)

// Proof checks a submitted code against the user's enabled TOTP secret
// (st) or prepares a recovery code for the Store, whichever the code's
// shape says it is, and returns the Proof to hand to the Store with the
// change it authorizes. Six digits (spaces ignored) are a TOTP code; ten
// base32 characters (case, dashes and spaces ignored) a recovery code.
//
// ErrMalformedCode: the input has neither shape, or a shape the route does
// not accept. ErrInvalidCode: a wrong TOTP code, or a TOTP code for an
// account without TOTP on. ErrCodeReplayed: a TOTP code whose step was
// already accepted. A recovery code is only checked by the Store, which
// answers ErrInvalidCode when it is unknown or used.
func (s *Strategy) Proof(st TOTPState, code string, accept Accept, now time.Time) (Proof, error) {
	kind, err := codeKind(code)
	if err != nil {
		return Proof{}, err
	}
	switch {
	case kind == AcceptTOTP && accept&AcceptTOTP != 0:
		if !st.Enabled() {
			return Proof{}, fmt.Errorf("%w: TOTP is not enabled", ErrInvalidCode)
		}
		step, err := s.verify(st, code, now)
		if err != nil {
			return Proof{}, err
		}
		return Proof{Method: MethodTOTP, TOTPSecretID: st.SecretID, TOTPStep: step}, nil
	case kind == AcceptRecoveryCode && accept&AcceptRecoveryCode != 0:
		hashes, err := s.RecoveryCodeHashes(st.UserID, code)
		if err != nil {
			return Proof{}, err
		}
		return Proof{Method: MethodRecoveryCode, RecoveryCodeHashes: hashes}, nil
	case accept == AcceptTOTP:
		return Proof{}, fmt.Errorf("%w: a TOTP code is required", ErrMalformedCode)
	default:
		return Proof{}, fmt.Errorf("%w: a recovery code is required", ErrMalformedCode)
	}
}

// codeKind tells a TOTP code from a recovery code by shape.
func codeKind(code string) (Accept, error) {
	if _, err := normalizeTOTPCode(code); err == nil {
		return AcceptTOTP, nil
	}
	if _, err := NormalizeRecoveryCode(code); err == nil {
		return AcceptRecoveryCode, nil
	}
	if len(code) > maxCodeInput {
		return 0, fmt.Errorf("%w: too long", ErrMalformedCode)
	}
	return 0, fmt.Errorf("%w: expected a six-digit TOTP code or a recovery code", ErrMalformedCode)
}

// NewRecoveryCodes makes a fresh set of RecoveryCodeCount distinct codes
// for userID, hashed under the current key.
func (s *Strategy) NewRecoveryCodes(userID string) RecoveryCodes {
	rc := RecoveryCodes{Codes: make([]string, 0, RecoveryCodeCount), Hashes: make([][]byte, 0, RecoveryCodeCount)}
	seen := make(map[string]bool, RecoveryCodeCount)
	for len(rc.Codes) < RecoveryCodeCount {
		code := newRecoveryCode()
		normalized, _ := NormalizeRecoveryCode(code) // our own format
		if seen[normalized] {
			continue
		}
		seen[normalized] = true
		rc.Codes = append(rc.Codes, code)
		rc.Hashes = append(rc.Hashes, recoveryHash(s.keys[0].hmacKey, userID, normalized))
	}
	return rc
}

// RecoveryCodeHashes normalizes a submitted recovery code and returns its
// keyed hashes under every configured key (current first), for
// Proof.RecoveryCodeHashes. ErrMalformedCode for input that is not a
// recovery code.
func (s *Strategy) RecoveryCodeHashes(userID, code string) ([][]byte, error) {
	normalized, err := NormalizeRecoveryCode(code)
	if err != nil {
		return nil, err
	}
	return s.keys.recoveryHashes(userID, normalized), nil
}

// NewChallenge makes the mfa_token of a sign-in whose first factor
// (firstMethod, e.g. "password") was right: the token to hand out once and
// the Challenge to store, expiring Config.ChallengeTTL after now.
func (s *Strategy) NewChallenge(userID, firstMethod string, now time.Time) (string, Challenge, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", Challenge{}, fmt.Errorf("mfa: new challenge id: %w", err)
	}
	token, hash := newChallengeToken()
	return token, Challenge{
		ID:          id.String(),
		UserID:      userID,
		TokenHash:   hash,
		FirstMethod: firstMethod,
		CreatedAt:   now,
		ExpiresAt:   now.Add(s.cfg.ChallengeTTL),
	}, nil
}
