package oidctest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/fastauth/fastauth/internal/oidctest"
)

var octocat = oidctest.GitHubUser{
	ID: 583231, Login: "octocat", Name: "The Octocat",
	Emails: []oidctest.GitHubEmail{
		{Email: "old@example.com", Verified: true, Visibility: "private"},
		{Email: "octocat@example.com", Primary: true, Verified: true, Visibility: "public"},
		{Email: "unverified@example.com"},
	},
}

func githubConfig(g *oidctest.GitHub, scopes ...string) *oauth2.Config {
	return &oauth2.Config{ClientID: g.ClientID(), ClientSecret: g.ClientSecret(), Endpoint: g.Endpoint(), RedirectURL: callback, Scopes: scopes}
}

// githubCode runs the authorize step with PKCE and returns the code.
func githubCode(t *testing.T, conf *oauth2.Config, verifier string) string {
	t.Helper()
	back := visit(t, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)))
	if back.Query().Get("state") != "st" || back.Query().Get("code") == "" {
		t.Fatalf("redirected to %s", back)
	}
	return back.Query().Get("code")
}

// apiGet GETs a REST API path with the token and decodes the JSON answer.
func apiGet(t *testing.T, g *oidctest.GitHub, path, token string, v any) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, g.URL()+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode
}

func TestGitHubFlow(t *testing.T) {
	t.Parallel()
	g := oidctest.StartGitHub(t, oidctest.GitHubConfig{User: octocat, RedirectURIs: []string{callback}})
	conf := githubConfig(g, "read:user", "user:email")
	verifier := oauth2.GenerateVerifier()
	c := githubCode(t, conf, verifier)
	if last := g.LastAuthorizeRequest(); last.Get("code_challenge_method") != "S256" || last.Get("scope") != "read:user user:email" {
		t.Fatalf("authorize request %v", last)
	}

	// x/oauth2 sends no Accept header: GitHub answers in form encoding.
	tok, err := conf.Exchange(t.Context(), c, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if !strings.HasPrefix(tok.AccessToken, "gho_") || tok.TokenType != "bearer" {
		t.Fatalf("token %+v", tok)
	}
	if raw, ok := tok.Extra("scope").(string); !ok || raw != "read:user,user:email" {
		t.Fatalf("scope %v, want GitHub's comma-separated form", tok.Extra("scope"))
	}

	var user map[string]any
	if code := apiGet(t, g, oidctest.GitHubUserPath, tok.AccessToken, &user); code != http.StatusOK {
		t.Fatalf("/user: %d", code)
	}
	if user["id"] != float64(583231) || user["login"] != "octocat" || user["name"] != "The Octocat" || user["email"] != nil {
		t.Fatalf("/user %v", user)
	}
	var emails []oidctest.GitHubEmail
	if code := apiGet(t, g, oidctest.GitHubEmailsPath, tok.AccessToken, &emails); code != http.StatusOK {
		t.Fatalf("/user/emails: %d", code)
	}
	var primary []string
	for _, e := range emails {
		if e.Primary && e.Verified {
			primary = append(primary, e.Email)
		}
	}
	if len(emails) != 3 || len(primary) != 1 || primary[0] != "octocat@example.com" {
		t.Fatalf("/user/emails %+v", emails)
	}
}

func TestGitHubTokenJSON(t *testing.T) {
	t.Parallel()
	g := oidctest.StartGitHub(t, oidctest.GitHubConfig{User: octocat})
	conf := githubConfig(g, "user:email")
	verifier := oauth2.GenerateVerifier()
	form := url.Values{"client_id": {g.ClientID()}, "client_secret": {g.ClientSecret()}, "code": {githubCode(t, conf, verifier)},
		"redirect_uri": {callback}, "code_verifier": {verifier}}
	post := func(form url.Values) (*http.Response, map[string]string) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, g.URL()+oidctest.GitHubTokenPath, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]string
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		return resp, body
	}
	resp, body := post(form)
	if resp.Header.Get("Content-Type") != "application/json" || body["token_type"] != "bearer" || body["scope"] != "user:email" || !strings.HasPrefix(body["access_token"], "gho_") {
		t.Fatalf("%s %v", resp.Header.Get("Content-Type"), body)
	}
	// The code is spent: GitHub answers 200 with an error member.
	resp, body = post(form)
	if resp.StatusCode != http.StatusOK || body["error"] != "bad_verification_code" || body["access_token"] != "" {
		t.Fatalf("reused code: %s %v", resp.Status, body)
	}
}

func TestGitHubRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		conf     func(*oauth2.Config)
		verifier func(string) string
		want     string
	}{
		{"wrong secret", func(c *oauth2.Config) { c.ClientSecret = "wrong" }, nil, "incorrect_client_credentials"},
		{"other redirect_uri", func(c *oauth2.Config) { c.RedirectURL = "https://app.example/other" }, nil, "redirect_uri_mismatch"},
		{"wrong verifier", nil, func(string) string { return oauth2.GenerateVerifier() }, "bad_verification_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := oidctest.StartGitHub(t, oidctest.GitHubConfig{User: octocat})
			conf := githubConfig(g, "user:email")
			verifier := oauth2.GenerateVerifier()
			c := githubCode(t, conf, verifier)
			if tt.conf != nil {
				tt.conf(conf)
			}
			if tt.verifier != nil {
				verifier = tt.verifier(verifier)
			}
			_, err := conf.Exchange(t.Context(), c, oauth2.VerifierOption(verifier))
			if !isRetrieveError(err, tt.want) {
				t.Fatalf("exchange: %v, want %s", err, tt.want)
			}
			var re *oauth2.RetrieveError
			if errors.As(err, &re); re.Response.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want GitHub's 200", re.Response.StatusCode)
			}
		})
	}
}

func TestGitHubAPIRefusals(t *testing.T) {
	t.Parallel()
	g := oidctest.StartGitHub(t, oidctest.GitHubConfig{User: octocat})
	var body map[string]any
	if code := apiGet(t, g, oidctest.GitHubUserPath, "", &body); code != http.StatusUnauthorized || body["message"] != "Bad credentials" {
		t.Fatalf("/user without a token: %d %v", code, body)
	}
	if code := apiGet(t, g, oidctest.GitHubUserPath, "gho_forged", &body); code != http.StatusUnauthorized {
		t.Fatalf("/user with a forged token: %d", code)
	}
	// Without the user:email scope, /user/emails is not found.
	conf := githubConfig(g, "read:user")
	verifier := oauth2.GenerateVerifier()
	tok, err := conf.Exchange(t.Context(), githubCode(t, conf, verifier), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if code := apiGet(t, g, oidctest.GitHubEmailsPath, tok.AccessToken, &body); code != http.StatusNotFound {
		t.Fatalf("/user/emails without user:email: %d %v", code, body)
	}
	if code := apiGet(t, g, oidctest.GitHubUserPath, tok.AccessToken, &body); code != http.StatusOK {
		t.Fatalf("/user with read:user: %d", code)
	}
}

func TestGitHubKnobs(t *testing.T) {
	t.Parallel()
	g := oidctest.StartGitHub(t, oidctest.GitHubConfig{User: octocat})
	conf := githubConfig(g, "user:email")
	g.SetKnobs(oidctest.Knobs{AuthorizeError: "access_denied"})
	back := visit(t, conf.AuthCodeURL("st"))
	if back.Query().Get("error") != "access_denied" || back.Query().Get("state") != "st" || back.Query().Has("code") {
		t.Fatalf("error redirect %s", back)
	}
	g.SetKnobs(oidctest.Knobs{Down: true})
	resp, err := http.Get(conf.AuthCodeURL("st"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("authorize while down: %s", resp.Status)
	}
	g.SetKnobs(oidctest.Knobs{})
	githubCode(t, conf, oauth2.GenerateVerifier())
}
