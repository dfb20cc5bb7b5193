package social_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/conformance"
	"github.com/fastauth/fastauth/internal/oidctest"
	"github.com/fastauth/fastauth/social"
)

// newClock returns a fake clock at the present second.
func newClock() *clock { return conformance.NewClock(time.Now().UTC().Truncate(time.Second)) }

// clock is the fake clock the strategy and the providers share.
type clock = conformance.Clock

// flowKey is the tests' flow cookie key.
var flowKey = []byte("0123456789abcdef0123456789abcdef")

const callbackBase = "https://app.example/auth/oauth"

// newStrategy returns a Strategy on the providers with clk.
func newStrategy(t *testing.T, clk *clock, providers ...social.ProviderConfig) *social.Strategy {
	t.Helper()
	s, err := social.New(social.Config{
		Providers:       providers,
		CallbackBaseURL: callbackBase,
		FlowKey:         flowKey,
		TrustedOrigins:  []string{"https://app.example"},
		Now:             clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// oidcProvider starts a provider for the test and returns it with its
// configuration under name.
func oidcProvider(t *testing.T, clk *clock, name string, user oidctest.User) (*oidctest.Provider, social.ProviderConfig) {
	t.Helper()
	p := oidctest.Start(t, oidctest.Config{User: user, Algorithm: oidctest.ES256, Now: clk.Now})
	return p, social.ProviderConfig{Name: name, Issuer: p.Issuer(), ClientID: p.ClientID(), ClientSecret: p.ClientSecret()}
}

// noRedirect is a browser that does not follow redirects.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorize visits the authorization URL as a browser and returns the raw
// query the provider redirects back to the callback with.
func authorize(t *testing.T, authURL string) string {
	t.Helper()
	resp, err := noRedirect.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %s", resp.Status)
	}
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(back.String(), callbackBase+"/") {
		t.Fatalf("redirected to %s, not to the callback", back)
	}
	return back.RawQuery
}

// signIn runs a whole flow and returns the callback's outcome.
func signIn(t *testing.T, s *social.Strategy, name string, req social.StartRequest) (social.Flow, social.Profile, error) {
	t.Helper()
	st, err := s.Start(t.Context(), name, req)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return s.Callback(t.Context(), name, authorize(t, st.URL), st.Cookie)
}

// withQuery returns rawQuery with key set to value.
func withQuery(t *testing.T, rawQuery, key, value string) string {
	t.Helper()
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		t.Fatal(err)
	}
	q.Set(key, value)
	return q.Encode()
}
