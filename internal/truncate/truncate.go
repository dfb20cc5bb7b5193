// Package truncate cuts text to a byte budget without splitting a
// character.
package truncate

import "unicode/utf8"

// UTF8 cuts s to at most n bytes without splitting a character.
func UTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
