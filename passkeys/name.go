package passkeys

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLength is the longest passkey name, in characters.
const MaxNameLength = 64

// DefaultName is the name of a passkey registered without one.
const DefaultName = "Passkey"

// normalizeName trims name and checks it; an empty name is DefaultName
// when orDefault is set, else ErrInvalidName.
func normalizeName(name string, orDefault bool) (string, error) {
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("%w: not UTF-8", ErrInvalidName)
	}
	name = strings.TrimSpace(name)
	if name == "" {
		if orDefault {
			return DefaultName, nil
		}
		return "", fmt.Errorf("%w: empty", ErrInvalidName)
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLength {
		return "", fmt.Errorf("%w: longer than %d characters", ErrInvalidName, MaxNameLength)
	}
	if strings.IndexFunc(name, forbiddenInName) >= 0 {
		return "", fmt.Errorf("%w: control characters", ErrInvalidName)
	}
	return name, nil
}

// forbiddenInName reports control characters and the bidirectional
// formatting characters that would make a name display as another.
func forbiddenInName(r rune) bool {
	switch {
	case unicode.IsControl(r), r == utf8.RuneError:
		return true
	case r == 0x061C, r == 0x200E, r == 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
