package social

import (
	"encoding/json"
	"strings"
	"unicode"
)

// Profile is a provider account as the provider vouched for it at a
// callback: the verified identity the linking rules decide on.
type Profile struct {
	// Provider is the provider's name.
	Provider string
	// Subject is the provider's stable id of the account (the sub claim;
	// GitHub's numeric user id).
	Subject string
	// Email is the address the provider gave, trimmed and lowercased, or
	// empty when it gave none (or none that looks like an address).
	Email string
	// EmailVerified reports whether the provider verified Email: the
	// email_verified claim, or GitHub's verified flag.
	EmailVerified bool
	// Name is the display name, when the provider gave one.
	Name string
}

// Limits of what a provider may give.
const (
	maxSubjectLength = 255
	maxEmailLength   = 254
	maxDisplayName   = 200
)

// validSubject reports whether sub can be stored as a subject: not empty,
// at most 255 bytes, no control characters, no white space at either end
// (MySQL's binary collations ignore trailing spaces).
func validSubject(sub string) bool {
	if sub == "" || len(sub) > maxSubjectLength || sub != strings.TrimSpace(sub) {
		return false
	}
	for _, r := range sub {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return false
		}
	}
	return true
}

// normalizeEmail trims and lowercases an address, and returns "" for a
// value that is not a plain address (the kernel validates it again before
// an account is made with it).
func normalizeEmail(raw string) string {
	s := strings.ToLower(strings.TrimSpace(raw))
	if len(s) > maxEmailLength {
		return ""
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
			return ""
		}
	}
	if at := strings.LastIndexByte(s, '@'); at <= 0 || at == len(s)-1 {
		return ""
	}
	return s
}

// trimName bounds a display name.
func trimName(name string) string {
	name = strings.TrimSpace(name)
	if len(name) <= maxDisplayName {
		return name
	}
	cut := maxDisplayName
	for cut > 0 && !utf8Start(name[cut]) {
		cut--
	}
	return name[:cut]
}

// utf8Start reports whether b starts a UTF-8 sequence.
func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// claimBool is a boolean claim that some providers send as the string
// "true" or "false". Anything else is false.
type claimBool bool

// UnmarshalJSON reads true, false, "true" or "false"; other values are
// false, never an error.
func (b *claimBool) UnmarshalJSON(data []byte) error {
	switch string(data) {
	case "true", `"true"`:
		*b = true
	default:
		*b = false
	}
	return nil
}

var _ json.Unmarshaler = (*claimBool)(nil)
