package social_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/internal/oidctest"
	"github.com/fastauth/fastauth/social"
)

// githubProvider starts a GitHub fake and returns the preset pointed at it.
func githubProvider(t *testing.T, clk *clock, user oidctest.GitHubUser, scopes ...string) (*oidctest.GitHub, social.ProviderConfig) {
	t.Helper()
	g := oidctest.StartGitHub(t, oidctest.GitHubConfig{User: user, Now: clk.Now})
	cfg := social.GitHub(g.ClientID(), g.ClientSecret())
	cfg.AuthURL, cfg.TokenURL, cfg.APIURL = g.Endpoint().AuthURL, g.Endpoint().TokenURL, g.URL()
	if scopes != nil {
		cfg.Scopes = scopes
	}
	return g, cfg
}

func TestGitHub(t *testing.T) {
	t.Parallel()
	octocat := oidctest.GitHubUser{ID: 42, Login: "octocat", Name: "The Octocat", Emails: []oidctest.GitHubEmail{
		{Email: "work@example.com", Verified: true},
		{Email: "Octocat@Example.com", Primary: true, Verified: true},
	}}
	unverified := octocat
	unverified.Emails = []oidctest.GitHubEmail{{Email: "octo@example.com", Primary: true}}
	noName := octocat
	noName.Name = ""
	for _, c := range []struct {
		name   string
		user   oidctest.GitHubUser
		scopes []string
		want   social.Profile
	}{
		{"verified primary", octocat, nil, social.Profile{Provider: "github", Subject: "42", Email: "octocat@example.com", EmailVerified: true, Name: "The Octocat"}},
		{"unverified primary", unverified, nil, social.Profile{Provider: "github", Subject: "42", Email: "octo@example.com", Name: "The Octocat"}},
		{"no user:email scope", octocat, []string{"read:user"}, social.Profile{Provider: "github", Subject: "42", Name: "The Octocat"}},
		{"login as name", noName, nil, social.Profile{Provider: "github", Subject: "42", Email: "octocat@example.com", EmailVerified: true, Name: "octocat"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			g, cfg := githubProvider(t, clk, c.user, c.scopes...)
			s := newStrategy(t, clk, cfg)
			st, err := s.Start(t.Context(), "github", social.StartRequest{})
			if err != nil {
				t.Fatal(err)
			}
			raw := authorize(t, st.URL)
			req := g.LastAuthorizeRequest()
			if req.Get("code_challenge_method") != "S256" || req.Get("state") != st.Flow.State || req.Get("nonce") != "" {
				t.Errorf("authorization request %v", req)
			}
			_, prof, err := s.Callback(t.Context(), "github", raw, st.Cookie)
			if err != nil {
				t.Fatal(err)
			}
			if prof != c.want {
				t.Fatalf("profile %+v, want %+v", prof, c.want)
			}
		})
	}
}

func TestGitHubFailures(t *testing.T) {
	t.Parallel()
	clk := newClock()
	g, cfg := githubProvider(t, clk, oidctest.GitHubUser{ID: 7, Login: "x"})
	s := newStrategy(t, clk, cfg)

	g.SetKnobs(oidctest.Knobs{AuthorizeError: "access_denied"})
	if _, _, err := signIn(t, s, "github", social.StartRequest{}); !errors.Is(err, social.ErrAccessDenied) {
		t.Fatalf("denied: %v", err)
	}
	g.SetKnobs(oidctest.Knobs{})

	// A code of another flow: GitHub answers the refusal with 200.
	a, _ := s.Start(t.Context(), "github", social.StartRequest{})
	b, _ := s.Start(t.Context(), "github", social.StartRequest{})
	injected := withQuery(t, authorize(t, a.URL), "state", b.Flow.State)
	if _, _, err := s.Callback(t.Context(), "github", injected, b.Cookie); !errors.Is(err, social.ErrProviderError) {
		t.Fatalf("code of another flow: %v", err)
	}

	st, _ := s.Start(t.Context(), "github", social.StartRequest{})
	raw := authorize(t, st.URL)
	g.SetKnobs(oidctest.Knobs{Down: true})
	if _, _, err := s.Callback(t.Context(), "github", raw, st.Cookie); !errors.Is(err, social.ErrProviderUnavailable) {
		t.Fatalf("down: %v", err)
	}
}

// GitHub needs no discovery: a start works while it is down (the browser
// then meets the outage at github.com).
func TestGitHubStartNeedsNoNetwork(t *testing.T) {
	t.Parallel()
	clk := newClock()
	g, cfg := githubProvider(t, clk, oidctest.GitHubUser{ID: 7})
	g.SetKnobs(oidctest.Knobs{Down: true})
	s := newStrategy(t, clk, cfg)
	st, err := s.Start(t.Context(), "github", social.StartRequest{})
	if err != nil || !strings.HasPrefix(st.URL, g.URL()) {
		t.Fatalf("%v %s", err, st.URL)
	}
}
