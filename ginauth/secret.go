package ginauth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/google/uuid"
)

// newID returns a new UUIDv7 string (time-ordered, random from crypto/rand).
func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("ginauth: new id: %w", err)
	}
	return id.String(), nil
}

// newSecret returns prefix followed by 64 hex characters of crypto/rand
// (256 bits), and the SHA-256 of the whole string, the only form stored.
// Refresh tokens, verification tokens, invite tokens and API keys are all
// made here.
func newSecret(prefix string) (plain string, hash []byte, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, fmt.Errorf("ginauth: random: %w", err)
	}
	plain = prefix + hex.EncodeToString(b[:])
	return plain, hashSecret(plain), nil
}

// hashSecret is the stored form of a secret: its SHA-256. A fast hash is
// right for 256-bit random secrets; passwords use argon2id instead.
func hashSecret(plain string) []byte {
	h := secretDigest(plain)
	return h[:]
}

// secretDigest is hashSecret as an array. For secrets of our own formats
// (at most 128 bytes) it allocates nothing, which matters on the bearer
// hot path.
func secretDigest(plain string) [sha256.Size]byte {
	var buf [128]byte
	if len(plain) > len(buf) {
		return sha256.Sum256([]byte(plain))
	}
	n := copy(buf[:], plain)
	return sha256.Sum256(buf[:n])
}
