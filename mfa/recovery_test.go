package mfa

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
)

var shownRecoveryCode = regexp.MustCompile(`^[a-z2-7]{5}-[a-z2-7]{5}$`)

// TestNewRecoveryCodes checks the size, shape and uniqueness of a set and
// that its hashes are the keyed hashes of its codes for its user.
func TestNewRecoveryCodes(t *testing.T) {
	t.Parallel()
	s := testStrategy(t)
	rc := s.NewRecoveryCodes("user-a")
	if len(rc.Codes) != RecoveryCodeCount || len(rc.Hashes) != RecoveryCodeCount {
		t.Fatalf("%d codes, %d hashes", len(rc.Codes), len(rc.Hashes))
	}
	seen := map[string]bool{}
	for i, c := range rc.Codes {
		if !shownRecoveryCode.MatchString(c) {
			t.Errorf("code %q is not xxxxx-xxxxx in lowercase base32", c)
		}
		if seen[c] {
			t.Errorf("code %q twice in a set", c)
		}
		seen[c] = true
		hashes, err := s.RecoveryCodeHashes("user-a", strings.ToUpper(c))
		if err != nil || len(hashes) != 1 || !bytes.Equal(hashes[0], rc.Hashes[i]) {
			t.Errorf("RecoveryCodeHashes(%q) = %x, %v; want [%x]", c, hashes, err, rc.Hashes[i])
		}
		other, _ := s.RecoveryCodeHashes("user-b", c)
		if bytes.Equal(other[0], rc.Hashes[i]) {
			t.Errorf("the hash of %q does not depend on the user", c)
		}
		if bytes.Contains(rc.Hashes[i], []byte(c)) || len(rc.Hashes[i]) != 32 {
			t.Errorf("hash %x is not a 32-byte keyed hash", rc.Hashes[i])
		}
	}
}

// TestRecoveryCodeRotation checks that after a key rotation a code hashed
// under the previous key is still found among the candidates.
func TestRecoveryCodeRotation(t *testing.T) {
	t.Parallel()
	oldKey := testKey(t)
	before := testStrategyKeys(t, oldKey)
	rc := before.NewRecoveryCodes("u")
	after := testStrategyKeys(t, testKey(t), oldKey)
	hashes, err := after.RecoveryCodeHashes("u", rc.Codes[0])
	if err != nil || len(hashes) != 2 || bytes.Equal(hashes[0], rc.Hashes[0]) || !bytes.Equal(hashes[1], rc.Hashes[0]) {
		t.Fatalf("candidates after rotation = %x, %v; want [new, %x]", hashes, err, rc.Hashes[0])
	}
}

// TestNormalizeRecoveryCode checks the accepted spellings and the refused
// inputs.
func TestNormalizeRecoveryCode(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"abcde-fgh27", "ABCDE-FGH27", "abcdefgh27", " abcde fgh27 ", "ab-cd-ef-gh-27", "AbCdE--FgH27", "abcde - fgh27"} {
		got, err := NormalizeRecoveryCode(in)
		if err != nil || got != "abcdefgh27" {
			t.Errorf("NormalizeRecoveryCode(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "-", "abcde-fgh2", "abcde-fgh277", "abcde-fgh21", "abcde-fgh28", "abcde_fgh27", "abcde\tfgh27",
		"abcde-fgh2\u212a", "ａbcde-fgh27", "abcde-fgh27\x00", strings.Repeat(" ", 60) + "abcdefgh27"} {
		if got, err := NormalizeRecoveryCode(in); !errors.Is(err, ErrMalformedCode) {
			t.Errorf("NormalizeRecoveryCode(%q) = %q, %v; want ErrMalformedCode", in, got, err)
		}
	}
	if got := FormatRecoveryCode("abcdefgh27"); got != "abcde-fgh27" {
		t.Errorf("FormatRecoveryCode = %q", got)
	}
}

// FuzzNormalizeRecoveryCode checks that the parser never panics, that
// what it accepts is canonical (ten characters of the alphabet), that
// normalizing is idempotent and survives formatting, and that it accepts
// exactly the inputs that are ten alphabet characters (either case) with
// dashes and spaces around them.
func FuzzNormalizeRecoveryCode(f *testing.F) {
	for _, s := range []string{"abcde-fgh27", "ABCDE FGH27", "", "abcde-fgh2\u212a", "12345-67890", "aaaaa-aaaaa-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := NormalizeRecoveryCode(in)
		stripped := strings.NewReplacer("-", "", " ", "").Replace(in)
		wantOK := len(in) <= maxCodeInput && len(stripped) == RecoveryCodeLength &&
			strings.Trim(strings.ToLower(stripped), recoveryAlphabet) == "" && isASCII(stripped)
		if (err == nil) != wantOK {
			t.Fatalf("NormalizeRecoveryCode(%q) = %q, %v; want ok %v", in, got, err, wantOK)
		}
		if err != nil {
			if !errors.Is(err, ErrMalformedCode) {
				t.Fatalf("error %v is not ErrMalformedCode", err)
			}
			return
		}
		if len(got) != RecoveryCodeLength || strings.Trim(got, recoveryAlphabet) != "" {
			t.Fatalf("NormalizeRecoveryCode(%q) = %q is not canonical", in, got)
		}
		for _, again := range []string{got, FormatRecoveryCode(got)} {
			if n, err := NormalizeRecoveryCode(again); err != nil || n != got {
				t.Fatalf("NormalizeRecoveryCode(%q) = %q, %v; want %q", again, n, err, got)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
