package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/ginauth"
)

// env returns a getenv over vars.
func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

// start serves newServer's router over real HTTP on a fresh SQLite file.
func start(t *testing.T, vars map[string]string) *httptest.Server {
	t.Helper()
	if vars["DATABASE_URL"] == "" {
		vars["DATABASE_URL"] = "sqlite://" + filepath.Join(t.TempDir(), "minimal.db")
	}
	_, r, auth, err := newServer(t.Context(), env(vars))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(func() { srv.Close(); _ = auth.Close() })
	return srv
}

// do sends a request with an optional JSON body and header and decodes a
// JSON answer into out; it returns the status.
func do(t *testing.T, c *http.Client, method, url string, body any, header http.Header, out any) int {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: decode: %v", method, url, err)
		}
	}
	return resp.StatusCode
}

// The service end to end: sign-up sets the cookie, /api/whoami answers the
// example server's body with the cookie and with an API key, and 401
// without credentials or with a forged cookie.
func TestWhoami(t *testing.T) {
	t.Parallel()
	srv := start(t, map[string]string{
		"AUTH_JWT_SECRET":        "minimal-test-secret-minimal-test-secret-0123",
		"AUTH_ACCESS_TTL":        "1h",
		"AUTH_RATE_LIMIT_PER_IP": "0",
	})
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}

	var signUp struct {
		User struct {
			ID, Email string
		}
	}
	if st := do(t, browser, http.MethodPost, srv.URL+"/auth/sign-up",
		map[string]string{"email": "ada@example.com", "password": "SecurePass123"}, nil, &signUp); st != http.StatusCreated && st != http.StatusOK {
		t.Fatalf("sign-up: %d", st)
	}
	var who whoamiBody
	if st := do(t, browser, http.MethodGet, srv.URL+"/api/whoami", nil, nil, &who); st != http.StatusOK {
		t.Fatalf("whoami with the cookie: %d", st)
	}
	if who.UserID == "" || who.UserID != signUp.User.ID || who.Email != "ada@example.com" || who.OrganizationID == "" || who.OrganizationRole != ginauth.RoleOwner {
		t.Fatalf("whoami = %+v, sign-up user %+v", who, signUp.User)
	}

	// An API key of the same user, created through the cookie session.
	var created struct {
		Key string `json:"key"`
	}
	if st := do(t, browser, http.MethodPost, srv.URL+"/auth/api-keys", map[string]string{"name": "ci"},
		http.Header{"Origin": {srv.URL}}, &created); st != http.StatusCreated || !strings.HasPrefix(created.Key, "sk-") {
		t.Fatalf("create API key: %d %q", st, created.Key)
	}
	var byKey whoamiBody
	if st := do(t, http.DefaultClient, http.MethodGet, srv.URL+"/api/whoami", nil,
		http.Header{"Authorization": {"Bearer " + created.Key}}, &byKey); st != http.StatusOK || byKey != who {
		t.Fatalf("whoami with the key: %d %+v, want %+v", st, byKey, who)
	}

	for name, h := range map[string]http.Header{
		"no credentials": nil,
		"forged cookie":  {"Cookie": {"access_token=eyJhbGciOiJIUzI1NiJ9.e30.AAAA"}},
		"unknown key":    {"Authorization": {"Bearer sk-" + strings.Repeat("0", 64)}},
	} {
		var e struct{ Code string }
		if st := do(t, http.DefaultClient, http.MethodGet, srv.URL+"/api/whoami", nil, h, &e); st != http.StatusUnauthorized || e.Code != "invalid_token" {
			t.Errorf("%s: %d %q, want 401 invalid_token", name, st, e.Code)
		}
	}
}

// Invalid variables are refused with their name; unset ones take the
// defaults.
func TestConfig(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		vars map[string]string
		want string // substring of the error; empty: valid
	}{
		"defaults":       {map[string]string{}, ""},
		"all set":        {map[string]string{"ADDR": ":9999", "DATABASE_URL": "sqlite:///tmp/x.db", "AUTH_ACCESS_TTL": "5m", "AUTH_COOKIE_SECURE": "true", "AUTH_RATE_LIMIT_PER_IP": "10"}, ""},
		"postgres url":   {map[string]string{"DATABASE_URL": "postgres://localhost/db"}, "DATABASE_URL"},
		"bad ttl":        {map[string]string{"AUTH_ACCESS_TTL": "soon"}, "AUTH_ACCESS_TTL"},
		"zero ttl":       {map[string]string{"AUTH_ACCESS_TTL": "0s"}, "AUTH_ACCESS_TTL"},
		"bad secure":     {map[string]string{"AUTH_COOKIE_SECURE": "maybe"}, "AUTH_COOKIE_SECURE"},
		"negative limit": {map[string]string{"AUTH_RATE_LIMIT_PER_IP": "-1"}, "AUTH_RATE_LIMIT_PER_IP"},
	} {
		cfg, addr, path, err := config(env(tt.vars))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want one naming %s", name, err, tt.want)
		case tt.want == "" && (addr == "" || path == "" || len(cfg.Secret) < 32):
			t.Errorf("%s: addr %q path %q secret of %d bytes", name, addr, path, len(cfg.Secret))
		}
	}
}
