package tokenverify_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/tokenverify"
)

func TestConfig(t *testing.T) {
	t.Parallel()
	ok := tokenverify.Config{
		JWKSURL:  "https://auth.example.com/auth/.well-known/jwks.json",
		Issuer:   "fastauth",
		Audience: "fastauth",
		// No fetch leaves the process.
		HTTPClient: &http.Client{Transport: handlerTransport{http.NotFoundHandler()}},
		Logger:     quietLogger(),
	}
	for _, tc := range []struct {
		name string
		edit func(*tokenverify.Config)
		want string // "" when accepted
	}{
		{"https", func(*tokenverify.Config) {}, ""},
		{"http on localhost", func(c *tokenverify.Config) { c.JWKSURL = "http://localhost:8080/auth/.well-known/jwks.json" }, ""},
		{"http on 127.0.0.1", func(c *tokenverify.Config) { c.JWKSURL = "http://127.0.0.1:8080/jwks.json" }, ""},
		{"http on ::1", func(c *tokenverify.Config) { c.JWKSURL = "http://[::1]:8080/jwks.json" }, ""},
		{"http elsewhere with AllowHTTP", func(c *tokenverify.Config) { c.JWKSURL = "http://auth:8080/jwks.json"; c.AllowHTTP = true }, ""},
		{"http elsewhere", func(c *tokenverify.Config) { c.JWKSURL = "http://auth.example.com/jwks.json" }, "plain http on a non-loopback host"},
		{"no URL", func(c *tokenverify.Config) { c.JWKSURL = "" }, "JWKSURL is required"},
		{"relative URL", func(c *tokenverify.Config) { c.JWKSURL = "/auth/.well-known/jwks.json" }, "not an absolute http(s) URL"},
		{"other scheme", func(c *tokenverify.Config) { c.JWKSURL = "file:///etc/jwks.json" }, "not an absolute http(s) URL"},
		{"unparsable URL", func(c *tokenverify.Config) { c.JWKSURL = "https://a b/%zz" }, "not an absolute http(s) URL"},
		{"no issuer", func(c *tokenverify.Config) { c.Issuer = "" }, "Issuer is required"},
		{"no audience", func(c *tokenverify.Config) { c.Audience = "" }, "Audience is required"},
		{"negative skew", func(c *tokenverify.Config) { c.ClockSkew = -time.Second }, "ClockSkew must not be negative"},
		{"negative refresh", func(c *tokenverify.Config) { c.RefreshInterval = -time.Second }, "RefreshInterval must not be negative"},
		{"bad trusted origin", func(c *tokenverify.Config) { c.TrustedOrigins = []string{"app.test"} }, "TrustedOrigins"},
	} {
		cfg := ok
		tc.edit(&cfg)
		v, err := tokenverify.New(t.Context(), cfg)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (!errors.Is(err, tokenverify.ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want ErrInvalidConfig saying %q", tc.name, err, tc.want)
		case tc.want != "" && v != nil:
			t.Errorf("%s: a verifier with the error", tc.name)
		}
	}
}
