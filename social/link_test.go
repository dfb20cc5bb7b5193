package social_test

import (
	"context"
	"errors"
	"testing"

	"github.com/fastauth/fastauth/social"
)

// lookup is an in-memory social.Lookup.
type lookup struct {
	linked   map[[2]string]string // (provider, subject) -> user
	accounts map[string]social.Account
	err      error
}

func (l lookup) LinkedUser(_ context.Context, provider, subject string) (string, bool, error) {
	if l.err != nil {
		return "", false, l.err
	}
	u, ok := l.linked[[2]string{provider, subject}]
	return u, ok, nil
}

func (l lookup) AccountByEmail(_ context.Context, email string) (social.Account, bool, error) {
	a, ok := l.accounts[email]
	return a, ok, nil
}

func TestDecide(t *testing.T) {
	t.Parallel()
	l := lookup{
		linked: map[[2]string]string{{"google", "linked"}: "u-linked"},
		accounts: map[string]social.Account{
			"confirmed@example.com":   {UserID: "u-confirmed", EmailConfirmed: true},
			"unconfirmed@example.com": {UserID: "u-unconfirmed"},
		},
	}
	prof := func(sub, email string, verified bool) social.Profile {
		return social.Profile{Provider: "google", Subject: sub, Email: email, EmailVerified: verified}
	}
	for _, c := range []struct {
		name string
		p    social.Profile
		link string
		want social.Decision
		err  error
	}{
		{"linked signs in", prof("linked", "other@example.com", false), "", social.Decision{Action: social.ActionSignIn, UserID: "u-linked"}, nil},
		{"linked wins over an address", prof("linked", "confirmed@example.com", true), "", social.Decision{Action: social.ActionSignIn, UserID: "u-linked"}, nil},
		{"linked at another provider is not linked", social.Profile{Provider: "github", Subject: "linked", Email: "new@example.com", EmailVerified: true}, "", social.Decision{Action: social.ActionCreate}, nil},
		{"verified address of a confirmed account links", prof("s", "confirmed@example.com", true), "", social.Decision{Action: social.ActionLinkAndSignIn, UserID: "u-confirmed"}, nil},
		{"unverified address of a confirmed account", prof("s", "confirmed@example.com", false), "", social.Decision{}, social.ErrAccountExists},
		{"pre-registered unconfirmed account", prof("s", "unconfirmed@example.com", true), "", social.Decision{}, social.ErrAccountExists},
		{"new verified address", prof("s", "new@example.com", true), "", social.Decision{Action: social.ActionCreate}, nil},
		{"new unverified address", prof("s", "new@example.com", false), "", social.Decision{Action: social.ActionCreate}, nil},
		{"no address", prof("s", "", false), "", social.Decision{}, social.ErrEmailRequired},
		{"link new", prof("s", "confirmed@example.com", true), "u-me", social.Decision{Action: social.ActionLink, UserID: "u-me"}, nil},
		{"link without address", prof("s", "", false), "u-me", social.Decision{Action: social.ActionLink, UserID: "u-me"}, nil},
		{"link already mine", prof("linked", "", false), "u-linked", social.Decision{Action: social.ActionAlreadyLinked, UserID: "u-linked"}, nil},
		{"link someone else's", prof("linked", "", false), "u-me", social.Decision{}, social.ErrIdentityTaken},
	} {
		got, err := social.Decide(t.Context(), l, c.p, c.link)
		if !errors.Is(err, c.err) || got != c.want {
			t.Errorf("%s: %+v, %v; want %+v, %v", c.name, got, err, c.want, c.err)
		}
	}
	boom := errors.New("store down")
	if _, err := social.Decide(t.Context(), lookup{err: boom}, prof("s", "x@example.com", true), ""); !errors.Is(err, boom) {
		t.Errorf("lookup error: %v", err)
	}
	if social.ActionLinkAndSignIn.String() != "link_and_sign_in" || social.Action(0).String() != "Action(0)" {
		t.Error("Action.String")
	}
}
