// Package input holds the checks of client input that the kernel and its
// modules share, so that a name or an id is accepted alike by every route.
package input

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// MaxNameLength is the longest organization or API key name, in
// characters.
const MaxNameLength = 100

// NameRule is the message of a refused name, after the field's name.
const NameRule = " must be 1 to 100 characters without control characters"

// Name trims raw and reports whether it is a valid name: 1 to
// MaxNameLength characters of valid UTF-8 without control characters.
func Name(raw string) (string, bool) {
	name := strings.TrimSpace(raw)
	n := utf8.RuneCountInString(name)
	ok := n >= 1 && n <= MaxNameLength && utf8.ValidString(name)
	for _, r := range name {
		if unicode.IsControl(r) {
			ok = false
		}
	}
	return name, ok
}

// ID reports whether s is a UUID in its canonical lowercase form, as ids
// are issued; path ids that are not get a 404 without a store access (and
// every dialect answers alike: PostgreSQL would match an uppercase uuid,
// the others not).
func ID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36 && s == strings.ToLower(s)
}
