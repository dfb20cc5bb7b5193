package apikeys

import (
	"fmt"

	"github.com/fastauth/fastauth/internal/secret"
)

// API key format: "sk-" followed by 64 lowercase hex characters (256 bits).
const (
	keyPrefix   = "sk-"
	keyShownHex = 12 // length of the visible key_prefix
)

// validKey reports whether s has the shape of an API key, so that
// malformed bearers are refused without a store access.
func validKey(s string) bool { return secret.Valid(s, keyPrefix) }

// newKey returns a new plaintext key, its visible prefix and its SHA-256,
// the only form stored.
func newKey() (plain, shown string, hash []byte, err error) {
	plain, hash, err = secret.New(keyPrefix)
	if err != nil {
		return "", "", nil, fmt.Errorf("apikeys: new key: %w", err)
	}
	return plain, plain[len(keyPrefix) : len(keyPrefix)+keyShownHex], hash, nil
}
