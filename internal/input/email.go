package input

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrInvalidEmail carries the human message of a 400 invalid_email, after
// its own text and ": ".
var ErrInvalidEmail = errors.New("invalid email")

// Email length limits (RFC 5321: 64-octet local part, 254-octet path).
const (
	// MaxEmailLength is the longest address Email accepts.
	MaxEmailLength     = 254
	maxEmailLocalPart  = 64
	maxEmailLabelBytes = 63
)

// Email trims, validates and lowercases an email address. It
// accepts a bare addr-spec only (no display name, comments, quoting or
// whitespace), whose domain is a dotted host name.
func Email(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return "", fmt.Errorf("%w: email is required", ErrInvalidEmail)
	case len(s) > MaxEmailLength:
		return "", fmt.Errorf("%w: email must be at most %d characters", ErrInvalidEmail, MaxEmailLength)
	case !utf8.ValidString(s):
		return "", fmt.Errorf("%w: email must be valid UTF-8", ErrInvalidEmail)
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return "", fmt.Errorf("%w: email must not contain spaces or control characters", ErrInvalidEmail)
		}
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", fmt.Errorf("%w: email must look like name@example.com", ErrInvalidEmail)
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > maxEmailLocalPart {
		return "", fmt.Errorf("%w: the part before @ must be at most %d characters", ErrInvalidEmail, maxEmailLocalPart)
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", fmt.Errorf("%w: email must be a plain address like name@example.com", ErrInvalidEmail)
	}
	if err := checkEmailDomain(domain); err != nil {
		return "", err
	}
	return strings.ToLower(s), nil
}

// checkEmailDomain accepts a host name of at least two labels, each 1..63
// bytes, not starting or ending with a hyphen (no IP literals).
func checkEmailDomain(domain string) error {
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return fmt.Errorf("%w: the email domain must contain a dot", ErrInvalidEmail)
	}
	for _, l := range labels {
		if l == "" || len(l) > maxEmailLabelBytes || l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("%w: the email domain is not a valid host name", ErrInvalidEmail)
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return fmt.Errorf("%w: the email domain is not a valid host name", ErrInvalidEmail)
			}
		}
	}
	return nil
}
