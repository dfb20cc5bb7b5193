package social_test

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/conformance"
	"github.com/fastauth/fastauth/internal/oidctest"
	"github.com/fastauth/fastauth/social"
)

var alice = oidctest.User{Subject: "alice-1", Email: " Alice@Example.com", EmailVerified: true, Name: "Alice"}

func TestOIDCHappyPath(t *testing.T) {
	t.Parallel()
	clk := newClock()
	p, cfg := oidcProvider(t, clk, "acme", alice)
	s := newStrategy(t, clk, cfg)

	st, err := s.Start(t.Context(), "acme", social.StartRequest{RedirectTo: "/dashboard?tab=1"})
	if err != nil {
		t.Fatal(err)
	}
	raw := authorize(t, st.URL)
	req := p.LastAuthorizeRequest()
	sum := sha256.Sum256([]byte(st.Flow.Verifier))
	for k, want := range map[string]string{
		"response_type":         "code",
		"client_id":             cfg.ClientID,
		"redirect_uri":          callbackBase + "/acme/callback",
		"state":                 st.Flow.State,
		"nonce":                 st.Flow.Nonce,
		"code_challenge_method": "S256",
		"code_challenge":        base64.RawURLEncoding.EncodeToString(sum[:]),
	} {
		if got := req.Get(k); got != want {
			t.Errorf("authorization request %s = %q, want %q", k, got, want)
		}
	}
	if scopes := strings.Fields(req.Get("scope")); !slices.Contains(scopes, "openid") || !slices.Contains(scopes, "email") {
		t.Errorf("scope %q", req.Get("scope"))
	}
	for _, v := range []string{st.Flow.State, st.Flow.Nonce, st.Flow.Verifier} {
		if len(v) < 43 || strings.Contains(st.Cookie, v) {
			t.Errorf("flow value %q: short, or readable in the cookie", v)
		}
	}
	if !st.Expires.Equal(clk.Now().Add(social.DefaultFlowTTL)) {
		t.Errorf("expires %v", st.Expires)
	}

	f, prof, err := s.Callback(t.Context(), "acme", raw, st.Cookie)
	if err != nil {
		t.Fatal(err)
	}
	if f.RedirectTo != "/dashboard?tab=1" || f.LinkUserID != "" {
		t.Errorf("flow %+v", f)
	}
	want := social.Profile{Provider: "acme", Subject: "alice-1", Email: "alice@example.com", EmailVerified: true, Name: "Alice"}
	if prof != want {
		t.Errorf("profile %+v, want %+v", prof, want)
	}

	// The code is single use: the same callback again is refused.
	if _, _, err := s.Callback(t.Context(), "acme", raw, st.Cookie); !errors.Is(err, social.ErrProviderError) {
		t.Errorf("replayed callback: %v, want ErrProviderError", err)
	}
}

// Each way an ID token can be wrong is refused.
func TestIDTokenRefusals(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		knobs oidctest.Knobs
		want  error
	}{
		{"audience", oidctest.Knobs{Audience: "another-client"}, social.ErrInvalidIDToken},
		{"issuer", oidctest.Knobs{Issuer: "https://evil.example"}, social.ErrInvalidIDToken},
		{"expired", oidctest.Knobs{Expired: true}, social.ErrInvalidIDToken},
		{"signature", oidctest.Knobs{UnknownKey: true}, social.ErrInvalidIDToken},
		{"nonce", oidctest.Knobs{Nonce: "another-nonce"}, social.ErrNonceMismatch},
		{"access denied", oidctest.Knobs{AuthorizeError: "access_denied"}, social.ErrAccessDenied},
		{"other provider error", oidctest.Knobs{AuthorizeError: "server_error"}, social.ErrProviderError},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			p, cfg := oidcProvider(t, clk, "acme", alice)
			s := newStrategy(t, clk, cfg)
			p.SetKnobs(c.knobs)
			f, _, err := signIn(t, s, "acme", social.StartRequest{RedirectTo: "/back"})
			if !errors.Is(err, c.want) {
				t.Fatalf("%v, want %v", err, c.want)
			}
			if f.RedirectTo != "/back" {
				t.Errorf("redirect_to of the failure %q", f.RedirectTo)
			}
			if code := social.Code(err); code == "" || code == "server_error" {
				t.Errorf("code %q", code)
			}
			// A well-behaved provider signs in again.
			p.SetKnobs(oidctest.Knobs{})
			if _, _, err := signIn(t, s, "acme", social.StartRequest{}); err != nil {
				t.Fatalf("after the knob: %v", err)
			}
		})
	}
}

// The ID token's expiry is checked on the strategy's clock: the strategy
// runs 55 minutes ahead of the provider, so six minutes into the flow (the
// flow still valid) the provider's one-hour token has expired.
func TestIDTokenExpiryOnClock(t *testing.T) {
	t.Parallel()
	clk := conformance.NewClock(time.Now().Add(55 * time.Minute))
	p := oidctest.Start(t, oidctest.Config{User: alice, Algorithm: oidctest.ES256})
	s := newStrategy(t, clk, social.ProviderConfig{Name: "acme", Issuer: p.Issuer(), ClientID: p.ClientID(), ClientSecret: p.ClientSecret()})
	st, err := s.Start(t.Context(), "acme", social.StartRequest{})
	if err != nil {
		t.Fatal(err)
	}
	raw := authorize(t, st.URL)
	clk.Advance(6 * time.Minute)
	if _, _, err := s.Callback(t.Context(), "acme", raw, st.Cookie); !errors.Is(err, social.ErrInvalidIDToken) {
		t.Fatalf("token expired on the strategy's clock: %v, want ErrInvalidIDToken", err)
	}
}

func TestStateAndCookie(t *testing.T) {
	t.Parallel()
	clk := newClock()
	_, cfg := oidcProvider(t, clk, "acme", alice)
	_, other := oidcProvider(t, clk, "other", alice)
	s := newStrategy(t, clk, cfg, other)
	start := func() (social.Started, string) {
		st, err := s.Start(t.Context(), "acme", social.StartRequest{RedirectTo: "/here"})
		if err != nil {
			t.Fatal(err)
		}
		return st, authorize(t, st.URL)
	}

	t.Run("state mismatch", func(t *testing.T) {
		st, raw := start()
		f, _, err := s.Callback(t.Context(), "acme", withQuery(t, raw, "state", "forged"), st.Cookie)
		if !errors.Is(err, social.ErrStateMismatch) || f.RedirectTo != "/here" {
			t.Fatalf("%v %q", err, f.RedirectTo)
		}
	})
	t.Run("no state", func(t *testing.T) {
		st, raw := start()
		if _, _, err := s.Callback(t.Context(), "acme", withQuery(t, raw, "state", ""), st.Cookie); !errors.Is(err, social.ErrStateMismatch) {
			t.Fatal(err)
		}
	})
	t.Run("forged error response", func(t *testing.T) {
		st, _ := start()
		if _, _, err := s.Callback(t.Context(), "acme", "error=access_denied&state=forged", st.Cookie); !errors.Is(err, social.ErrStateMismatch) {
			t.Fatal(err)
		}
	})
	t.Run("missing cookie (login CSRF)", func(t *testing.T) {
		_, raw := start()
		f, _, err := s.Callback(t.Context(), "acme", raw, "")
		if !errors.Is(err, social.ErrInvalidFlow) || f.RedirectTo != social.DefaultRedirect {
			t.Fatalf("%v %q", err, f.RedirectTo)
		}
	})
	t.Run("another browser's cookie", func(t *testing.T) {
		_, raw := start()
		theirs, _ := start()
		if _, _, err := s.Callback(t.Context(), "acme", raw, theirs.Cookie); !errors.Is(err, social.ErrStateMismatch) {
			t.Fatal(err)
		}
	})
	t.Run("tampered cookie", func(t *testing.T) {
		st, raw := start()
		b := []byte(st.Cookie)
		for _, i := range []int{0, 5, len(b) / 2, len(b) - 1} {
			tampered := append([]byte(nil), b...)
			tampered[i] ^= 0x01
			if tampered[i] == '+' || tampered[i] == '/' || tampered[i] == '=' {
				continue
			}
			if _, _, err := s.Callback(t.Context(), "acme", raw, string(tampered)); !errors.Is(err, social.ErrInvalidFlow) {
				t.Fatalf("byte %d: %v", i, err)
			}
		}
		for _, junk := range []string{"x", "!!!", strings.Repeat("A", 5000), st.Cookie[:20]} {
			if _, _, err := s.Callback(t.Context(), "acme", raw, junk); !errors.Is(err, social.ErrInvalidFlow) {
				t.Fatalf("%.20q: %v", junk, err)
			}
		}
	})
	t.Run("cookie of another provider", func(t *testing.T) {
		theirs, err := s.Start(t.Context(), "other", social.StartRequest{})
		if err != nil {
			t.Fatal(err)
		}
		_, raw := start()
		if _, _, err := s.Callback(t.Context(), "acme", raw, theirs.Cookie); !errors.Is(err, social.ErrInvalidFlow) {
			t.Fatal(err)
		}
	})
	t.Run("cookie sealed with another key", func(t *testing.T) {
		s2, err := social.New(social.Config{Providers: []social.ProviderConfig{cfg}, CallbackBaseURL: callbackBase,
			FlowKey: []byte("another key of thirty-two bytes!"), Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		st, err := s2.Start(t.Context(), "acme", social.StartRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Callback(t.Context(), "acme", authorize(t, st.URL), st.Cookie); !errors.Is(err, social.ErrInvalidFlow) {
			t.Fatal(err)
		}
	})
}

func TestFlowExpires(t *testing.T) {
	t.Parallel()
	clk := newClock()
	_, cfg := oidcProvider(t, clk, "acme", alice)
	s := newStrategy(t, clk, cfg)
	st, err := s.Start(t.Context(), "acme", social.StartRequest{})
	if err != nil {
		t.Fatal(err)
	}
	raw := authorize(t, st.URL)
	clk.Advance(social.DefaultFlowTTL)
	if _, _, err := s.Callback(t.Context(), "acme", raw, st.Cookie); !errors.Is(err, social.ErrInvalidFlow) {
		t.Fatalf("expired flow: %v", err)
	}
}

// PKCE: a code obtained for one flow (an intercepted or injected code)
// does not redeem in another flow even with that flow's state: the
// verifier does not match the code's challenge.
func TestPKCEBindsCodeToFlow(t *testing.T) {
	t.Parallel()
	clk := newClock()
	_, cfg := oidcProvider(t, clk, "acme", alice)
	s := newStrategy(t, clk, cfg)
	a, err := s.Start(t.Context(), "acme", social.StartRequest{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Start(t.Context(), "acme", social.StartRequest{})
	if err != nil {
		t.Fatal(err)
	}
	codeOfA := authorize(t, a.URL)
	injected := withQuery(t, codeOfA, "state", b.Flow.State)
	if _, _, err := s.Callback(t.Context(), "acme", injected, b.Cookie); !errors.Is(err, social.ErrProviderError) {
		t.Fatalf("code of another flow: %v, want ErrProviderError", err)
	}
}

func TestEmailVerifiedClaim(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		user     oidctest.User
		email    string
		verified bool
	}{
		{"unverified", oidctest.User{Subject: "s", Email: "bob@example.com"}, "bob@example.com", false},
		{"verified as string", oidctest.User{Subject: "s", Email: "bob@example.com", Claims: map[string]any{"email_verified": "true"}}, "bob@example.com", true},
		{"unverified as string", oidctest.User{Subject: "s", Email: "bob@example.com", Claims: map[string]any{"email_verified": "false"}}, "bob@example.com", false},
		{"verified but no address", oidctest.User{Subject: "s", Claims: map[string]any{"email_verified": true}}, "", false},
		{"not an address", oidctest.User{Subject: "s", Email: "bob at example", EmailVerified: true}, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			_, cfg := oidcProvider(t, clk, "acme", c.user)
			s := newStrategy(t, clk, cfg)
			_, prof, err := signIn(t, s, "acme", social.StartRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if prof.Email != c.email || prof.EmailVerified != c.verified {
				t.Fatalf("email %q verified %v, want %q %v", prof.Email, prof.EmailVerified, c.email, c.verified)
			}
		})
	}
}

func TestLinkFlow(t *testing.T) {
	t.Parallel()
	clk := newClock()
	_, cfg := oidcProvider(t, clk, "acme", alice)
	s := newStrategy(t, clk, cfg)
	f, _, err := signIn(t, s, "acme", social.StartRequest{LinkUserID: "user-1", RedirectTo: "https://app.example/settings"})
	if err != nil {
		t.Fatal(err)
	}
	if f.LinkUserID != "user-1" || f.RedirectTo != "https://app.example/settings" {
		t.Fatalf("flow %+v", f)
	}
	if f.CheckLink("user-1") != nil || !errors.Is(f.CheckLink("user-2"), social.ErrLinkMismatch) || !errors.Is(f.CheckLink(""), social.ErrLinkMismatch) {
		t.Fatal("CheckLink of a link flow")
	}
	if (social.Flow{}).CheckLink("") != nil || (social.Flow{}).CheckLink("user-2") != nil {
		t.Fatal("CheckLink of a sign-in flow")
	}
}

func TestUnknownProviderAndBadRequests(t *testing.T) {
	t.Parallel()
	clk := newClock()
	_, cfg := oidcProvider(t, clk, "acme", alice)
	s := newStrategy(t, clk, cfg)
	if _, err := s.Start(t.Context(), "nope", social.StartRequest{}); !errors.Is(err, social.ErrUnknownProvider) {
		t.Fatal(err)
	}
	if _, _, err := s.Callback(t.Context(), "nope", "code=x&state=y", ""); !errors.Is(err, social.ErrUnknownProvider) {
		t.Fatal(err)
	}
	if _, err := s.Start(t.Context(), "acme", social.StartRequest{RedirectTo: "//evil.example"}); !errors.Is(err, social.ErrInvalidRedirect) {
		t.Fatal(err)
	}
	st, err := s.Start(t.Context(), "acme", social.StartRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"code=a&code=b&state=s", "state=a&state=b", "code=%zz", strings.Repeat("x=1&", 3000)} {
		if _, _, err := s.Callback(t.Context(), "acme", q, st.Cookie); !errors.Is(err, social.ErrInvalidCallback) {
			t.Fatalf("%.30q: %v", q, err)
		}
	}
}
