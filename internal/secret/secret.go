// Package secret makes the identifiers and the random secrets of fastauth
// (refresh tokens, verification and invite tokens, API keys) and their
// stored form, shared by the kernel and its modules.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/google/uuid"
)

// NewID returns a new UUIDv7 string (time-ordered, random from crypto/rand).
func NewID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("secret: new id: %w", err)
	}
	return id.String(), nil
}

// New returns prefix followed by 64 hex characters of crypto/rand
// (256 bits), and the SHA-256 of the whole string, the only form stored.
// Refresh tokens, verification tokens, invite tokens and API keys are all
// made here.
func New(prefix string) (plain string, hash []byte, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, fmt.Errorf("secret: random: %w", err)
	}
	plain = prefix + hex.EncodeToString(b[:])
	return plain, Hash(plain), nil
}

// Hash is the stored form of a secret: its SHA-256. A fast hash is
// right for 256-bit random secrets; passwords use argon2id instead.
func Hash(plain string) []byte {
	h := Digest(plain)
	return h[:]
}

// Digest is Hash as an array. For secrets of our own formats
// (at most 128 bytes) it allocates nothing, which matters on the bearer
// hot path.
func Digest(plain string) [sha256.Size]byte {
	var buf [128]byte
	if len(plain) > len(buf) {
		return sha256.Sum256([]byte(plain))
	}
	n := copy(buf[:], plain)
	return sha256.Sum256(buf[:n])
}

// Valid reports whether s has the shape of a secret New(prefix) makes:
// prefix followed by 64 lowercase hex characters. It lets malformed
// secrets be refused without a store access.
func Valid(s, prefix string) bool {
	return len(s) == len(prefix)+2*sha256.Size && s[:len(prefix)] == prefix && isLowerHex(s[len(prefix):])
}

// isLowerHex reports whether s consists of lowercase hex digits only.
func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
