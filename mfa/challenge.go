package mfa

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// ChallengeTokenPrefix starts every mfa_token; 64 hex characters (256 bits
// of crypto/rand) follow it.
const ChallengeTokenPrefix = "mfa_"

// challengeTokenLen is the length of an mfa_token.
const challengeTokenLen = len(ChallengeTokenPrefix) + 64

// Challenge is a pending second-factor step of a sign-in: the password (or
// another first factor) was right, and the mfa_token handed to the client
// names this row until a second factor redeems it.
type Challenge struct {
	// ID identifies the challenge (UUIDv7) in logs and events; the token
	// never appears there.
	ID string
	// UserID is the account signing in.
	UserID string
	// TokenHash is the SHA-256 of the mfa_token, the only form stored.
	TokenHash []byte
	// FirstMethod is the method of the first factor ("password",
	// "oauth", ...), the first entry of the session's amr.
	FirstMethod string
	// CreatedAt and ExpiresAt bound the challenge's life.
	CreatedAt time.Time
	ExpiresAt time.Time
	// ConsumedAt is when a second factor redeemed it; nil while pending.
	ConsumedAt *time.Time
	// Failures counts the wrong codes submitted with it.
	Failures int
}

// newChallengeToken returns a fresh mfa_token and its hash.
func newChallengeToken() (token string, hash []byte) {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	token = ChallengeTokenPrefix + hex.EncodeToString(b[:])
	return token, hashToken(token)
}

// HashChallengeToken returns the stored form of a submitted mfa_token, or
// ErrChallengeInvalid when it is not shaped like one (so that a malformed
// token gets the same answer as an unknown one).
func HashChallengeToken(token string) ([]byte, error) {
	if len(token) != challengeTokenLen || !strings.HasPrefix(token, ChallengeTokenPrefix) {
		return nil, fmt.Errorf("%w: malformed", ErrChallengeInvalid)
	}
	for i := len(ChallengeTokenPrefix); i < len(token); i++ {
		if c := token[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, fmt.Errorf("%w: malformed", ErrChallengeInvalid)
		}
	}
	return hashToken(token), nil
}

// hashToken is the SHA-256 of a token: a fast hash is right for 256-bit
// random secrets.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
