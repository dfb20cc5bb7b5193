package organizations

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/internal/input"
	"github.com/fastauth/fastauth/internal/secret"
)

// The organization, member and invite routes run against real backends in
// package conformance; these cover the input checks exhaustively.

func TestCheckName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw, want string
		ok        bool
	}{
		{"Acme", "Acme", true},
		{"  Acme Inc \n", "Acme Inc", true},
		{strings.Repeat("a", 100), strings.Repeat("a", 100), true},
		{strings.Repeat("ü", 100), strings.Repeat("ü", 100), true},
		{"日本の会社", "日本の会社", true},
		{"", "", false},
		{" \t ", "", false},
		{strings.Repeat("a", 101), "", false},
		{"a\x00b", "", false},
		{"line\nbreak", "", false},
		{"bell\x07", "", false},
	} {
		got, err := checkName(tc.raw, "name")
		if ok := err == nil; ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("checkName(%q) = %q, %v; want %q, %v", tc.raw, got, err, tc.want, tc.ok)
		}
		var e *fastauth.Error
		if err != nil && (!errors.As(err, &e) || e.Status != http.StatusBadRequest || e.Code != fastauth.CodeInvalidRequest) {
			t.Errorf("checkName(%q): error %v, want 400 invalid_request", tc.raw, err)
		}
	}
}

func TestValidIDAndTokens(t *testing.T) {
	t.Parallel()
	id, err := secret.NewID()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{id, true},
		{"00000000-0000-7000-8000-000000000000", true},
		{"not-a-uuid", false},
		{strings.ToUpper(id), false},
		{"", false},
		{"{" + id + "}", false},
		{"urn:uuid:" + id, false},
		{strings.ReplaceAll(id, "-", ""), false},
	} {
		if got := input.ID(tc.s); got != tc.want {
			t.Errorf("input.ID(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
	tok, _, err := secret.New(inviteTokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{tok, true},
		{strings.ToUpper(tok), false},
		{tok[:len(tok)-1], false},
		{tok + "0", false},
		{strings.TrimPrefix(tok, inviteTokenPrefix), false},
		{"sk-" + strings.TrimPrefix(tok, inviteTokenPrefix), false},
	} {
		if got := validInviteToken(tc.s); got != tc.want {
			t.Errorf("validInviteToken(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}
