package mfa

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestChallenge checks the mfa_token: its shape, that its hash is what is
// stored, its lifetime, and that malformed tokens get ErrChallengeInvalid.
func TestChallenge(t *testing.T) {
	t.Parallel()
	s := testStrategy(t)
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	token, c, err := s.NewChallenge("user-a", "password", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != len(ChallengeTokenPrefix)+64 || !strings.HasPrefix(token, ChallengeTokenPrefix) {
		t.Fatalf("token %q", token)
	}
	h, err := HashChallengeToken(token)
	if err != nil || !bytes.Equal(h, c.TokenHash) || bytes.Contains(c.TokenHash, []byte(token[4:])) {
		t.Fatalf("HashChallengeToken = %x, %v; stored %x", h, err, c.TokenHash)
	}
	if c.ID == "" || c.UserID != "user-a" || c.FirstMethod != "password" || !c.CreatedAt.Equal(now) ||
		!c.ExpiresAt.Equal(now.Add(5*time.Minute)) || c.ConsumedAt != nil || c.Failures != 0 {
		t.Fatalf("challenge %+v", c)
	}
	other, _, _ := s.NewChallenge("user-a", "password", now)
	if other == token {
		t.Fatal("two challenges with one token")
	}
	for _, bad := range []string{"", token[:len(token)-1], token + "0", strings.ToUpper(token), "xyz_" + token[4:],
		token[:10] + "g" + token[11:], strings.Repeat("a", 68)} {
		if _, err := HashChallengeToken(bad); !errors.Is(err, ErrChallengeInvalid) {
			t.Errorf("HashChallengeToken(%q) = %v", bad, err)
		}
	}
}
