package tokenverify_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/tokenverify"
)

// request is one request to a protected service.
type request struct {
	method  string
	bearer  string            // Authorization: Bearer <bearer> when not ""
	auth    string            // a raw Authorization header when not ""
	cookies map[string]string // name → value
	headers map[string]string
}

// answer is what the service answered.
type answer struct {
	status int
	code   string // of an error body
	user   string // of a success body
	header http.Header
}

// do sends r to srv over real HTTP.
func do(t *testing.T, srv *httptest.Server, r request) answer {
	t.Helper()
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+"/api/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+r.bearer)
	}
	if r.auth != "" {
		req.Header.Set("Authorization", r.auth)
	}
	for name, value := range r.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	var m map[string]string
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("%s: body %q is not a JSON object of strings: %v", resp.Status, body, err)
	}
	if resp.StatusCode >= 400 {
		if m["message"] == "" || len(m) != 2 {
			t.Fatalf("%s: error body %s, want {code, message}", resp.Status, body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Fatalf("%s: Content-Type %q", resp.Status, ct)
		}
	}
	return answer{status: resp.StatusCode, code: m["code"], user: m["user_id"], header: resp.Header}
}

// middlewareCases are the requests both middlewares are held to, against
// a service whose handler answers {"user_id"} from PrincipalFrom.
func middlewareCases(t *testing.T, srv *httptest.Server, key *signingkey.Key, clk *clock) {
	t.Helper()
	valid := token(t, key, clk)
	expired := mint(t, key, claims(clk.Now().Add(-time.Hour)))
	forged := mint(t, newKey(t, signingkey.EdDSA), claims(clk.Now()))
	crossSite := map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.test"}
	for _, tc := range []struct {
		name string
		req  request
		want answer
		auth string // WWW-Authenticate
	}{
		{"bearer", request{bearer: valid}, answer{status: 200, user: "user-1"}, ""},
		{"bearer, lowercase scheme", request{auth: "bearer " + valid}, answer{status: 200, user: "user-1"}, ""},
		{"cookie", request{cookies: map[string]string{"access_token": valid}}, answer{status: 200, user: "user-1"}, ""},
		{"no credentials", request{}, answer{status: 401, code: "invalid_token"}, "Bearer"},
		{"other cookies only", request{cookies: map[string]string{"session": valid}}, answer{status: 401, code: "invalid_token"}, "Bearer"},
		{"expired bearer", request{bearer: expired}, answer{status: 401, code: "token_expired"}, `Bearer error="invalid_token", error_description="the access token expired"`},
		{"expired cookie", request{cookies: map[string]string{"access_token": expired}}, answer{status: 401, code: "token_expired"}, ""},
		{"forged bearer", request{bearer: forged}, answer{status: 401, code: "invalid_token"}, `Bearer error="invalid_token"`},
		{"garbage cookie", request{cookies: map[string]string{"access_token": "x"}}, answer{status: 401, code: "invalid_token"}, ""},
		{"Basic header, valid cookie: no fallback", request{auth: "Basic dTpw", cookies: map[string]string{"access_token": valid}}, answer{status: 401, code: "invalid_token"}, `Bearer error="invalid_request"`},
		{"empty bearer, valid cookie: no fallback", request{auth: "Bearer ", cookies: map[string]string{"access_token": valid}}, answer{status: 401, code: "invalid_token"}, ""},
		{"forged bearer, valid cookie: no fallback", request{bearer: forged, cookies: map[string]string{"access_token": valid}}, answer{status: 401, code: "invalid_token"}, ""},
		{"API key bearer", request{bearer: "sk-" + strings.Repeat("ab", 32)}, answer{status: 401, code: "invalid_token"}, ""},
		{"cross-site POST with the cookie", request{method: "POST", cookies: map[string]string{"access_token": valid}, headers: crossSite}, answer{status: 403, code: "forbidden"}, ""},
		{"cross-site DELETE with the cookie, Origin only", request{method: "DELETE", cookies: map[string]string{"access_token": valid}, headers: map[string]string{"Origin": "https://evil.test"}}, answer{status: 403, code: "forbidden"}, ""},
		{"cross-site POST from a trusted origin", request{method: "POST", cookies: map[string]string{"access_token": valid}, headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://app.test"}}, answer{status: 200, user: "user-1"}, ""},
		{"cross-site GET with the cookie", request{cookies: map[string]string{"access_token": valid}, headers: crossSite}, answer{status: 200, user: "user-1"}, ""},
		{"same-origin POST with the cookie", request{method: "POST", cookies: map[string]string{"access_token": valid}, headers: map[string]string{"Sec-Fetch-Site": "same-origin"}}, answer{status: 200, user: "user-1"}, ""},
		{"cross-site POST with a bearer", request{method: "POST", bearer: valid, headers: crossSite}, answer{status: 200, user: "user-1"}, ""},
		{"cross-site POST, expired cookie", request{method: "POST", cookies: map[string]string{"access_token": expired}, headers: crossSite}, answer{status: 401, code: "token_expired"}, ""},
	} {
		got := do(t, srv, tc.req)
		if got.status != tc.want.status || got.code != tc.want.code || got.user != tc.want.user {
			t.Errorf("%s: %d %q user %q, want %d %q user %q", tc.name, got.status, got.code, got.user, tc.want.status, tc.want.code, tc.want.user)
		}
		if tc.auth != "" && got.header.Get("WWW-Authenticate") != tc.auth {
			t.Errorf("%s: WWW-Authenticate %q, want %q", tc.name, got.header.Get("WWW-Authenticate"), tc.auth)
		}
		if got.status == 401 && got.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", tc.name)
		}
	}
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	clk := newClock()
	key := newKey(t, signingkey.EdDSA)
	is := newIssuer(t, key)
	cfg := is.config(clk)
	cfg.TrustedOrigins = []string{"https://app.test"}
	v := newVerifier(t, cfg)
	mux := http.NewServeMux()
	mux.Handle("/api/", v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := tokenverify.PrincipalFrom(r.Context())
		if !ok {
			t.Error("handler reached without a principal")
			http.Error(w, "no principal", 500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"user_id": p.UserID, "org_role": p.OrganizationRole})
	})))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	middlewareCases(t, srv, key, clk)
}

func TestMiddlewareCookieName(t *testing.T) {
	t.Parallel()
	clk := newClock()
	key := newKey(t, signingkey.ES256)
	is := newIssuer(t, key)
	cfg := is.config(clk)
	cfg.CookieName = "__Host-fa_access"
	v := newVerifier(t, cfg)
	srv := httptest.NewServer(v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := tokenverify.PrincipalFrom(r.Context())
		_ = json.NewEncoder(w).Encode(map[string]string{"user_id": p.UserID})
	})))
	t.Cleanup(srv.Close)
	tok := token(t, key, clk)
	if got := do(t, srv, request{cookies: map[string]string{"__Host-fa_access": tok}}); got.status != 200 {
		t.Fatalf("configured cookie: %d %s", got.status, got.code)
	}
	if got := do(t, srv, request{cookies: map[string]string{"access_token": tok}}); got.status != 401 {
		t.Fatalf("default cookie name when another is configured: %d", got.status)
	}
}

// TestMiddlewareIssuerDown: without keys the middleware answers 401
// invalid_token with a message that says why.
func TestMiddlewareIssuerDown(t *testing.T) {
	t.Parallel()
	clk := newClock()
	key := newKey(t, signingkey.EdDSA)
	is := newIssuer(t, key)
	is.Fail(http.StatusBadGateway)
	v := is.verifier(t, clk)
	srv := httptest.NewServer(v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("admitted without keys")
	})))
	t.Cleanup(srv.Close)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
	req.Header.Set("Authorization", "Bearer "+token(t, key, clk))
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var body tokenverify.ErrorBody
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 401 || body.Code != "invalid_token" || !strings.Contains(body.Message, "signing keys are unavailable") {
		t.Fatalf("issuer down: %d %+v", resp.StatusCode, body)
	}
}

func TestWriteErrorUnknown(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	tokenverify.WriteError(w, io.ErrUnexpectedEOF)
	if w.Code != 401 || !strings.Contains(w.Body.String(), `"code":"invalid_token"`) || strings.Contains(w.Body.String(), "EOF") {
		t.Fatalf("unknown error: %d %s", w.Code, w.Body)
	}
}
