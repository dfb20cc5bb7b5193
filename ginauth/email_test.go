package ginauth

import (
	"errors"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/internal/input"
)

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + ".com" // 262
	tests := []struct {
		in, want string // want "" means invalid
	}{
		{"ada@example.com", "ada@example.com"},
		{"  Ada.Lovelace@Example.COM \n", "ada.lovelace@example.com"},
		{"ada+tag@mail.example.co.uk", "ada+tag@mail.example.co.uk"},
		{"o'brien@example.ie", "o'brien@example.ie"},
		{"user@xn--bcher-kva.example", "user@xn--bcher-kva.example"},
		{"JOSÉ@EXAMPLE.COM", "josé@example.com"},
		{long, ""}, // 254 is the limit
		{"", ""},
		{"   ", ""},
		{"ada", ""},
		{"ada@", ""},
		{"@example.com", ""},
		{"ada@example", ""},
		{"ada@@example.com", ""},
		{"a da@example.com", ""},
		{"ada@exa mple.com", ""},
		{"ada\t@example.com", ""},
		{"ada@example.com\x00", ""},
		{"Ada <ada@example.com>", ""},
		{"<ada@example.com>", ""},
		{"ada@example.com (Ada)", ""},
		{`"ada"@example.com`, ""},
		{`"a b"@example.com`, ""},
		{"ada@[127.0.0.1]", ""},
		{"ada@.example.com", ""},
		{"ada@example..com", ""},
		{"ada@example.com.", ""},
		{"ada@-example.com", ""},
		{"ada@example-.com", ""},
		{"ada@exa_mple.com", ""},
		{".ada@example.com", ""},
		{"ada.@example.com", ""},
		{"a..da@example.com", ""},
		{"ada@example.com,bob@example.com", ""},
		{strings.Repeat("a", 65) + "@example.com", ""},
		{"ada@" + strings.Repeat("b", 64) + ".com", ""},
	}
	for _, tt := range tests {
		got, err := input.Email(tt.in)
		if tt.want == "" {
			if err == nil || !errors.Is(err, input.ErrInvalidEmail) {
				t.Errorf("input.Email(%q) = %q, %v; want input.ErrInvalidEmail", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("input.Email(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizeEmailLengthLimit(t *testing.T) {
	t.Parallel()
	// Exactly 254 characters is accepted, 255 is not.
	domain := strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + ".com" // 193
	ok := strings.Repeat("a", 254-1-len(domain)) + "@" + domain
	if len(ok) != 254 {
		t.Fatalf("setup: %d", len(ok))
	}
	if _, err := input.Email(ok); err != nil {
		t.Errorf("254 characters: %v", err)
	}
	if _, err := input.Email("a" + ok); err == nil {
		t.Error("255 characters accepted")
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	def := DefaultPasswordPolicy
	tests := []struct {
		name   string
		policy PasswordPolicy
		pw     string
		rule   string // "" means accepted; else a word the message must contain
	}{
		{"ok", def, "correct-horse-42", ""},
		{"exactly min", def, "abcdefg1", ""},
		{"too short", def, "abcdef1", "at least 8"},
		{"empty", def, "", "at least 8"},
		{"exactly max", def, "a1" + strings.Repeat("x", 126), ""},
		{"too long", def, "a1" + strings.Repeat("x", 127), "at most 128"},
		{"runes not bytes (short)", def, "äöüß1äö", "at least 8"},
		{"runes not bytes (ok)", def, "äöüßäöü1", ""},
		{"runes not bytes (max)", def, "1" + strings.Repeat("ä", 127), ""},
		{"no digit", def, "correct-horse", "digit"},
		{"no letter", def, "1234567890", "letter"},
		{"unicode letter", def, "日本語日本語日本1", ""},
		{"unicode digit", def, "abcdefg٣", ""},
		{"symbols only", def, "!!!!!!!!!!", "letter"},
		{"custom: no letter needed", PasswordPolicy{MinLength: 4, MaxLength: 10, RequireDigit: true}, "1234", ""},
		{"custom: no digit needed", PasswordPolicy{MinLength: 4, MaxLength: 10, RequireLetter: true}, "abcd", ""},
		{"custom: nothing required", PasswordPolicy{MinLength: 1, MaxLength: 10}, "!", ""},
		{"custom: max", PasswordPolicy{MinLength: 1, MaxLength: 3}, "abcd", "at most 3"},
	}
	for _, tt := range tests {
		err := checkPassword(tt.policy, tt.pw)
		switch {
		case tt.rule == "" && err != nil:
			t.Errorf("%s: checkPassword(%q) = %v, want nil", tt.name, tt.pw, err)
		case tt.rule != "" && (!errors.Is(err, errWeakPassword) || !strings.Contains(errorMessage(err, errWeakPassword), tt.rule)):
			t.Errorf("%s: checkPassword(%q) = %v, want errWeakPassword naming %q", tt.name, tt.pw, err, tt.rule)
		}
	}
	if msg := errorMessage(checkPassword(def, "short1"), errWeakPassword); strings.HasPrefix(msg, "weak password") {
		t.Errorf("message %q must not repeat the sentinel", msg)
	}
}
