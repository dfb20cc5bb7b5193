package ginauth

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// errInvalidEmail and errWeakPassword carry the human message of a 400
// invalid_email / weak_password.
var (
	errInvalidEmail = errors.New("invalid email")
	errWeakPassword = errors.New("weak password")
)

// Email length limits (RFC 5321: 64-octet local part, 254-octet path).
const (
	maxEmailLength     = 254
	maxEmailLocalPart  = 64
	maxEmailLabelBytes = 63
)

// normalizeEmail trims, validates and lowercases an email address. It
// accepts a bare addr-spec only (no display name, comments, quoting or
// whitespace), whose domain is a dotted host name.
func normalizeEmail(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return "", fmt.Errorf("%w: email is required", errInvalidEmail)
	case len(s) > maxEmailLength:
		return "", fmt.Errorf("%w: email must be at most %d characters", errInvalidEmail, maxEmailLength)
	case !utf8.ValidString(s):
		return "", fmt.Errorf("%w: email must be valid UTF-8", errInvalidEmail)
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return "", fmt.Errorf("%w: email must not contain spaces or control characters", errInvalidEmail)
		}
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", fmt.Errorf("%w: email must look like name@example.com", errInvalidEmail)
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > maxEmailLocalPart {
		return "", fmt.Errorf("%w: the part before @ must be at most %d characters", errInvalidEmail, maxEmailLocalPart)
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", fmt.Errorf("%w: email must be a plain address like name@example.com", errInvalidEmail)
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
		return fmt.Errorf("%w: the email domain must contain a dot", errInvalidEmail)
	}
	for _, l := range labels {
		if l == "" || len(l) > maxEmailLabelBytes || l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("%w: the email domain is not a valid host name", errInvalidEmail)
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return fmt.Errorf("%w: the email domain is not a valid host name", errInvalidEmail)
			}
		}
	}
	return nil
}

// checkPassword applies the policy to a new password. Lengths count
// characters (runes); a letter is unicode.IsLetter, a digit unicode.IsDigit.
// The error names the rule that failed.
func checkPassword(p PasswordPolicy, pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < p.MinLength {
		return fmt.Errorf("%w: password must be at least %d characters", errWeakPassword, p.MinLength)
	}
	if p.MaxLength > 0 && n > p.MaxLength {
		return fmt.Errorf("%w: password must be at most %d characters", errWeakPassword, p.MaxLength)
	}
	var letter, digit bool
	for _, r := range pw {
		letter = letter || unicode.IsLetter(r)
		digit = digit || unicode.IsDigit(r)
	}
	if p.RequireLetter && !letter {
		return fmt.Errorf("%w: password must contain a letter", errWeakPassword)
	}
	if p.RequireDigit && !digit {
		return fmt.Errorf("%w: password must contain a digit", errWeakPassword)
	}
	return nil
}

// errorMessage is the client-facing message of a validation error: its
// text after the sentinel prefix.
func errorMessage(err error, sentinel error) string {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, sentinel.Error()+": "); ok {
		return rest
	}
	return msg
}
