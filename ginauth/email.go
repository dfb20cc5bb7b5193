package ginauth

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// errWeakPassword carries the human message of a 400 weak_password (and
// input.ErrInvalidEmail that of a 400 invalid_email).
var errWeakPassword = errors.New("weak password")

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
