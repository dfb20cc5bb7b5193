package oidctest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/fastauth/fastauth/internal/oidctest"
)

// The authorization-code flow with state, nonce and PKCE against the
// in-process provider, as the callback of a sign-in module runs it with
// go-oidc and x/oauth2; then the same flow with an ID token for another
// client, which go-oidc refuses.
func Example() {
	ctx := context.Background()
	p, err := oidctest.New(oidctest.Config{
		User: oidctest.User{Subject: "1001", Email: "alice@example.com", EmailVerified: true, Name: "Alice"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	provider, err := oidc.NewProvider(ctx, p.Issuer()) // discovery
	if err != nil {
		fmt.Println(err)
		return
	}
	conf := &oauth2.Config{
		ClientID:     p.ClientID(),
		ClientSecret: p.ClientSecret(),
		Endpoint:     provider.Endpoint(),
		RedirectURL:  "https://app.example/callback",
		Scopes:       []string{oidc.ScopeOpenID, "email"},
	}
	verifier := provider.Verifier(&oidc.Config{ClientID: p.ClientID()})
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	signIn := func() (*oidc.IDToken, error) {
		state, nonce, pkce := oauth2.GenerateVerifier(), oauth2.GenerateVerifier(), oauth2.GenerateVerifier()
		resp, err := browser.Get(conf.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(pkce)))
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		back, _ := url.Parse(resp.Header.Get("Location")) // the callback, with code and state
		if back.Query().Get("state") != state {
			return nil, fmt.Errorf("state mismatch")
		}
		tok, err := conf.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(pkce))
		if err != nil {
			return nil, err
		}
		raw, _ := tok.Extra("id_token").(string)
		idToken, err := verifier.Verify(ctx, raw)
		if err != nil {
			return nil, err
		}
		if idToken.Nonce != nonce {
			return nil, fmt.Errorf("nonce mismatch")
		}
		return idToken, nil
	}

	idToken, err := signIn()
	if err != nil {
		fmt.Println(err)
		return
	}
	var claims struct {
		Email    string `json:"email"`
		Verified bool   `json:"email_verified"`
	}
	_ = idToken.Claims(&claims)
	fmt.Println(idToken.Subject, claims.Email, claims.Verified)

	p.SetKnobs(oidctest.Knobs{Audience: "another-client"})
	_, err = signIn()
	fmt.Println(err)

	// Output:
	// 1001 alice@example.com true
	// oidc: expected audience "test-client" got ["another-client"]
}

// The GitHub preset's flow: OAuth2 with PKCE, then the verified primary
// address from /user/emails.
func ExampleGitHub() {
	ctx := context.Background()
	g := oidctest.NewGitHub(oidctest.GitHubConfig{User: oidctest.GitHubUser{
		ID: 42, Login: "octocat",
		Emails: []oidctest.GitHubEmail{
			{Email: "work@example.com", Verified: false},
			{Email: "octocat@example.com", Primary: true, Verified: true},
		},
	}})
	defer g.Close()

	conf := &oauth2.Config{
		ClientID:     g.ClientID(),
		ClientSecret: g.ClientSecret(),
		Endpoint:     g.Endpoint(),
		RedirectURL:  "https://app.example/callback",
		Scopes:       []string{"read:user", "user:email"},
	}
	pkce := oauth2.GenerateVerifier()
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(conf.AuthCodeURL("state", oauth2.S256ChallengeOption(pkce)))
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	tok, err := conf.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(pkce))
	if err != nil {
		fmt.Println(err)
		return
	}

	api := conf.Client(ctx, tok) // sends Authorization: Bearer <token>
	var user struct {
		ID    int64  `json:"id"`
		Login string `json:"login"`
	}
	var emails []oidctest.GitHubEmail
	for path, v := range map[string]any{oidctest.GitHubUserPath: &user, oidctest.GitHubEmailsPath: &emails} {
		r, err := api.Get(g.URL() + path)
		if err != nil {
			fmt.Println(err)
			return
		}
		_ = json.NewDecoder(r.Body).Decode(v)
		r.Body.Close()
	}
	for _, e := range emails {
		if e.Primary && e.Verified {
			fmt.Println(user.ID, user.Login, e.Email)
		}
	}

	// Output:
	// 42 octocat octocat@example.com
}
