package ginauth

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/ginauth/module"
	"github.com/fastauth/fastauth/internal/secret"
)

func TestCrossOriginGuard(t *testing.T) {
	t.Parallel()
	a := limitedAuth(t, newTestClock(), func(c *Config) {
		c.RateLimit.Disabled = true
		c.TrustedOrigins = []string{"https://app.example"}
	})
	a.bearer = apiKeyShape{} // what the default API-key module exempts
	r := limitedEngine(t, a, nil, nil)
	const host = "http://fastauth.test" // the Host of every test request
	cases := []struct {
		name   string
		method string
		header map[string]string
		want   int
	}{
		{"no headers (curl, servers)", http.MethodPost, nil, 200},
		{"same-origin", http.MethodPost, map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
		{"user-initiated (none)", http.MethodPost, map[string]string{"Sec-Fetch-Site": "none"}, 200},
		{"same-site is still another origin", http.MethodPost, map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "https://other.fastauth.test"}, 403},
		{"cross-site", http.MethodPost, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403},
		{"cross-site PUT", http.MethodPut, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"cross-site PATCH", http.MethodPatch, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"cross-site DELETE", http.MethodDelete, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"cross-site OPTIONS is safe", http.MethodOptions, map[string]string{"Sec-Fetch-Site": "cross-site"}, 200},
		{"cross-site with a cookie", http.MethodPost, map[string]string{"Sec-Fetch-Site": "cross-site", "Cookie": "access_token=x; refresh_token=y"}, 403},
		{"cross-site bearer API key is exempt", http.MethodPost, map[string]string{"Sec-Fetch-Site": "cross-site", "Authorization": "Bearer sk-" + strings.Repeat("0a", 32)}, 200},
		{"cross-site bearer, scheme in another case", http.MethodPost, map[string]string{"Sec-Fetch-Site": "cross-site", "Authorization": "bearer sk-" + strings.Repeat("0a", 32)}, 200},
		{"cross-site malformed bearer is not exempt", http.MethodPost, map[string]string{"Sec-Fetch-Site": "cross-site", "Authorization": "Bearer sk-00"}, 403},
		{"cross-site bearer of uppercase hex is not exempt", http.MethodPost, map[string]string{"Sec-Fetch-Site": "cross-site", "Authorization": "Bearer sk-" + strings.Repeat("0A", 32)}, 403},
		{"cross-site Basic is not exempt", http.MethodPost, map[string]string{"Sec-Fetch-Site": "cross-site", "Authorization": "Basic YWRhOnB3"}, 403},
		{"cross-site bare scheme is not exempt", http.MethodPost, map[string]string{"Sec-Fetch-Site": "cross-site", "Authorization": "Bearer"}, 403},
		{"cross-site JWT bearer is not exempt", http.MethodPost, map[string]string{"Sec-Fetch-Site": "cross-site", "Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"}, 403},
		{"cross-site GET is safe", http.MethodGet, map[string]string{"Sec-Fetch-Site": "cross-site"}, 200},
		{"cross-site HEAD is safe", http.MethodHead, map[string]string{"Sec-Fetch-Site": "cross-site"}, 200},
		{"trusted origin", http.MethodPost, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://app.example"}, 200},
		{"trusted origin's sibling", http.MethodPost, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://app.example:8443"}, 403},
		{"Origin matches Host (no Sec-Fetch-Site)", http.MethodPost, map[string]string{"Origin": host}, 200},
		{"Origin differs from Host (no Sec-Fetch-Site)", http.MethodPost, map[string]string{"Origin": "http://evil.example"}, 403},
		{"Origin null", http.MethodPost, map[string]string{"Origin": "null"}, 403},
		{"Sec-Fetch-Site wins over a matching Origin", http.MethodPost, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": host}, 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := send(r, tc.method, "/auth/sign-in", "198.51.100.7:1", tc.header)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d; body %s", w.Code, tc.want, w.Body)
			}
			if tc.want == http.StatusForbidden {
				var body ErrorBody
				if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Code != CodeForbidden || body.Message == "" {
					t.Fatalf("body %s, want {code: forbidden, message}", w.Body)
				}
			}
		})
	}
}

// TestCrossOriginBeforeRateLimit: a forged cross-site request is refused
// before it can spend the victim's rate-limit bucket.
func TestCrossOriginBeforeRateLimit(t *testing.T) {
	t.Parallel()
	a := limitedAuth(t, newTestClock(), func(c *Config) { c.RateLimit.PerIP = 1 })
	r := limitedEngine(t, a, nil, nil)
	for range 5 {
		if w := send(r, http.MethodPost, "/auth/sign-in", "198.51.100.7:1", map[string]string{"Sec-Fetch-Site": "cross-site"}); w.Code != http.StatusForbidden {
			t.Fatalf("forged request: status %d", w.Code)
		}
	}
	if w := send(r, http.MethodPost, "/auth/sign-in", "198.51.100.7:1", nil); w.Code != http.StatusOK {
		t.Fatalf("victim's own request: status %d", w.Code)
	}
}

// apiKeyShape is a bearer authenticator that only knows the shape of API
// keys (the default module's, "sk-" and 64 lowercase hex characters).
type apiKeyShape struct{}

func (apiKeyShape) AuthenticateBearer(context.Context, string) (*Principal, error) {
	return nil, module.ErrInvalidCredential
}

func (apiKeyShape) WellFormed(s string) bool { return secret.Valid(s, "sk-") }
