package mfa

import (
	"crypto/rand"
	"fmt"
)

// Recovery codes: RecoveryCodeCount per set, each RecoveryCodeLength
// characters of the RFC 4648 base32 alphabet (50 bits), shown lowercase in
// two groups of five: "xxxxx-xxxxx".
const (
	RecoveryCodeCount  = 10
	RecoveryCodeLength = 10
)

// recoveryAlphabet is RFC 4648 base32 in lowercase: no 0, 1, 8 or 9, so
// nothing reads as O, l or B.
const recoveryAlphabet = "abcdefghijklmnopqrstuvwxyz234567"

// maxCodeInput bounds the length of any submitted code before it is
// looked at.
const maxCodeInput = 64

// newRecoveryCode returns a fresh code in its shown form, from crypto/rand.
// Each character takes the low five bits of a random byte: 256 is a
// multiple of 32, so every character is uniform.
func newRecoveryCode() string {
	var raw [RecoveryCodeLength]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails (Go 1.24+)
	var out [RecoveryCodeLength + 1]byte
	j := 0
	for i, r := range raw {
		if i == RecoveryCodeLength/2 {
			out[j] = '-'
			j++
		}
		out[j] = recoveryAlphabet[r&31]
		j++
	}
	return string(out[:])
}

// NormalizeRecoveryCode returns the canonical form of a submitted recovery
// code: the ten characters, lowercase, with dashes and spaces removed. It
// compares ASCII only (no Unicode case folding, under which 'K', the
// Kelvin sign, would become 'k'). Anything else is ErrMalformedCode.
func NormalizeRecoveryCode(code string) (string, error) {
	if len(code) > maxCodeInput {
		return "", fmt.Errorf("%w: too long", ErrMalformedCode)
	}
	var buf [RecoveryCodeLength]byte
	n := 0
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == ' ' || c == '-':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case 'a' <= c && c <= 'z', '2' <= c && c <= '7':
		default:
			return "", fmt.Errorf("%w: a recovery code has letters and the digits 2 to 7 only", ErrMalformedCode)
		}
		if n == RecoveryCodeLength {
			return "", fmt.Errorf("%w: a recovery code has %d characters", ErrMalformedCode, RecoveryCodeLength)
		}
		buf[n] = c
		n++
	}
	if n != RecoveryCodeLength {
		return "", fmt.Errorf("%w: a recovery code has %d characters", ErrMalformedCode, RecoveryCodeLength)
	}
	return string(buf[:]), nil
}

// FormatRecoveryCode returns a normalized code in its shown form,
// "xxxxx-xxxxx".
func FormatRecoveryCode(normalized string) string {
	if len(normalized) != RecoveryCodeLength {
		return normalized
	}
	return normalized[:RecoveryCodeLength/2] + "-" + normalized[RecoveryCodeLength/2:]
}

// RecoveryCodes is a fresh set: the codes to show once and their hashes to
// store.
type RecoveryCodes struct {
	// Codes are the codes as the user sees them ("xxxxx-xxxxx"). Show
	// them once; they are never stored.
	Codes []string
	// Hashes are the keyed hashes of the codes, in the same order: what
	// Store.EnableTOTP and Store.RegenerateRecoveryCodes store.
	Hashes [][]byte
}
