package webhook

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
)

// SecretPrefix starts every serialized secret.
const SecretPrefix = "whsec_"

// Secret sizes in bytes, before base64: the Standard Webhooks bounds.
const (
	MinSecretBytes = 24
	MaxSecretBytes = 64
	// GeneratedSecretBytes is the size of the secrets GenerateSecret makes.
	GeneratedSecretBytes = 32
)

// Secret is the HMAC-SHA256 key shared by a sender and a receiver. Its
// zero value is no secret: Sign refuses it and a Verifier ignores it.
//
// A Secret does not print itself: String and GoString return a
// placeholder, so that a Secret logged by mistake stays secret. Reveal
// returns the serialized form.
type Secret struct {
	key []byte
}

// ParseSecret reads a secret in its serialized form: "whsec_" followed by
// the padded standard base64 of 24 to 64 bytes. Anything else (no prefix,
// whitespace, URL-safe or unpadded base64, a key too short or too long) is
// an error wrapping ErrInvalidSecret that does not repeat the secret.
func ParseSecret(s string) (Secret, error) {
	enc, ok := strings.CutPrefix(s, SecretPrefix)
	if !ok {
		return Secret{}, fmt.Errorf("%w: it must start with %q", ErrInvalidSecret, SecretPrefix)
	}
	// The base64 decoder skips \r and \n; a serialized secret has none.
	if strings.ContainsAny(enc, " \t\r\n") {
		return Secret{}, fmt.Errorf("%w: it contains whitespace", ErrInvalidSecret)
	}
	key, err := base64.StdEncoding.Strict().DecodeString(enc)
	if err != nil {
		return Secret{}, fmt.Errorf("%w: the part after %q is not padded standard base64", ErrInvalidSecret, SecretPrefix)
	}
	if len(key) < MinSecretBytes || len(key) > MaxSecretBytes {
		return Secret{}, fmt.Errorf("%w: it holds %d bytes, not %d to %d", ErrInvalidSecret, len(key), MinSecretBytes, MaxSecretBytes)
	}
	return Secret{key: key}, nil
}

// GenerateSecret returns a new secret of GeneratedSecretBytes bytes from
// crypto/rand. Give each endpoint its own.
func GenerateSecret() Secret {
	key := make([]byte, GeneratedSecretBytes)
	_, _ = rand.Read(key) // never fails (crypto/rand, Go 1.24+)
	return Secret{key: key}
}

// Reveal returns the secret in its serialized form, "whsec_<base64>",
// which ParseSecret reads back: the text to hand to the receiver.
func (s Secret) Reveal() string {
	if s.IsZero() {
		return ""
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(s.key)
}

// IsZero reports whether s is the zero Secret (no key).
func (s Secret) IsZero() bool { return len(s.key) == 0 }

// String returns a placeholder, never the key.
func (s Secret) String() string {
	if s.IsZero() {
		return "webhook.Secret(none)"
	}
	return "webhook.Secret(redacted)"
}

// GoString returns the same placeholder as String, for %#v.
func (s Secret) GoString() string { return s.String() }
