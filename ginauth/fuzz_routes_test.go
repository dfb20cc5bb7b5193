package ginauth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/store/sqlite"
)

// fuzzRoutes are every auth route and two application routes; {org}, {id} and {user}
// take the fuzzed id (or, when it is empty, a real id of the fuzz user).
var fuzzRoutes = []struct{ method, path string }{
	{"POST", "/auth/sign-up"}, {"POST", "/auth/sign-in"}, {"POST", "/auth/refresh"}, {"POST", "/auth/sign-out"},
	{"GET", "/auth/me"}, {"GET", "/auth/sessions"}, {"DELETE", "/auth/sessions/{id}"}, {"POST", "/auth/sessions/revoke-others"},
	{"POST", "/auth/password/change"}, {"POST", "/auth/api-keys"}, {"GET", "/auth/api-keys"}, {"DELETE", "/auth/api-keys/{id}"},
	{"GET", "/auth/organizations"}, {"POST", "/auth/organizations"}, {"GET", "/auth/organizations/{org}"},
	{"PATCH", "/auth/organizations/{org}"}, {"DELETE", "/auth/organizations/{org}"}, {"POST", "/auth/organizations/current"},
	{"GET", "/auth/organizations/{org}/members"}, {"PATCH", "/auth/organizations/{org}/members/{user}"},
	{"DELETE", "/auth/organizations/{org}/members/{user}"}, {"GET", "/auth/organizations/{org}/invites"},
	{"POST", "/auth/organizations/{org}/invites"}, {"DELETE", "/auth/organizations/{org}/invites/{id}"},
	{"POST", "/auth/organizations/invites/accept"}, {"POST", "/auth/email/confirm/send"}, {"GET", "/auth/email/confirm"},
	{"POST", "/auth/email/confirm"}, {"POST", "/auth/password/forgot"}, {"POST", "/auth/password/reset"},
	{"GET", "/api/whoami"}, {"POST", "/api/whoami"}, {"GET", "/auth/session"},
}

// Credential choices of a fuzzed request (bits of the creds argument).
const (
	credCookie    = 1 << iota // the fuzz user's access and refresh cookies
	credBearer                // the fuzz user's API key
	credBadBearer             // Authorization: Bearer <fuzzed id>
	credCrossSite             // Sec-Fetch-Site: cross-site
	credBadCookie             // access_token=<fuzzed id>
	credTextPlain             // the body sent as Content-Type: text/plain
)

// jsonBodyRoutes are the routes of fuzzRoutes that take a JSON body: sent
// as anything but application/json they never succeed.
var jsonBodyRoutes = map[string]bool{
	"POST /auth/sign-up": true, "POST /auth/sign-in": true, "POST /auth/password/change": true,
	"POST /auth/api-keys": true, "POST /auth/organizations": true, "PATCH /auth/organizations/{org}": true,
	"POST /auth/organizations/current": true, "PATCH /auth/organizations/{org}/members/{user}": true,
	"POST /auth/organizations/{org}/invites": true, "POST /auth/organizations/invites/accept": true,
	"POST /auth/email/confirm/send": true, "POST /auth/email/confirm": true, "POST /auth/password/forgot": true,
	"POST /auth/password/reset": true,
}

// fuzzServer is ginauth on a SQLite store with a user, its cookies and an
// API key, shared by every input of one fuzzing process.
type fuzzServer struct {
	engine  *gin.Engine
	email   string
	cookies []*http.Cookie
	apiKey  string
	orgID   string
	userID  string
}

func newFuzzServer(f testing.TB, adjust func(*ginauth.Config)) *fuzzServer {
	f.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, f.TempDir()+"/f.db")
	if err != nil {
		f.Fatal(err)
	}
	st := testdb.Store(f, db)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(nil); err != nil {
		f.Fatal(err)
	}
	cfg := ginauth.Config{
		Secret:    []byte("fuzz-secret-fuzz-secret-fuzz-secret!"),
		Argon2:    ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		Cookie:    ginauth.CookieConfig{Insecure: true},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		RateLimit: ginauth.RateLimitConfig{Disabled: true},
	}
	if adjust != nil {
		adjust(&cfg)
	}
	auth, err := ginauth.Register(r, cfg, st)
	if err != nil {
		f.Fatal(err)
	}
	who := func(c *gin.Context) {
		p, ok := ginauth.PrincipalFrom(c)
		if !ok {
			c.JSON(http.StatusInternalServerError, gin.H{"code": "no_principal"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"user_id": p.UserID})
	}
	api := r.Group("/api", ginauth.RequireUser())
	api.GET("/whoami", who)
	api.POST("/whoami", who)
	f.Cleanup(func() {
		_ = auth.Close()
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})
	s := &fuzzServer{engine: r, email: "fuzz@example.com"}
	s.signIn(f, "/auth/sign-up")
	var me struct {
		User         struct{ ID string }
		Organization struct{ ID string }
	}
	w := s.do(http.MethodGet, "/auth/me", "", nil, s.cookies, nil)
	if err := json.Unmarshal(w.Body.Bytes(), &me); err != nil || w.Code != http.StatusOK {
		f.Fatalf("me: %d %s", w.Code, w.Body)
	}
	s.userID, s.orgID = me.User.ID, me.Organization.ID
	w = s.do(http.MethodPost, "/auth/api-keys", "", []byte(`{"name":"fuzz"}`), s.cookies, nil)
	var key struct{ Key string }
	if err := json.Unmarshal(w.Body.Bytes(), &key); err != nil || w.Code != http.StatusCreated {
		f.Fatalf("create API key: %d %s", w.Code, w.Body)
	}
	s.apiKey = key.Key
	return s
}

// signIn signs the fuzz user up or in and keeps its cookies.
func (s *fuzzServer) signIn(t testing.TB, route string) {
	body := []byte(`{"email":"` + s.email + `","password":"correct-horse-42"}`)
	w := s.do(http.MethodPost, route, "", body, nil, nil)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", route, w.Code, w.Body)
	}
	s.cookies = w.Result().Cookies()
}

func (s *fuzzServer) do(method, path, query string, body []byte, cookies []*http.Cookie, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://fastauth.test/", bytes.NewReader(body))
	req.URL.Path = path
	req.URL.RawPath = ""
	req.URL.RawQuery = query
	req.RemoteAddr = "198.51.100.7:1234"
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	w := httptest.NewRecorder()
	s.engine.ServeHTTP(w, req)
	return w
}

// FuzzRoutes sends fuzzed bodies, ids, queries and credentials to every
// route. The invariant: never a 5xx (nor a panic), and every 4xx of a
// matched route is exactly {"code","message"}.
func FuzzRoutes(f *testing.F) {
	seeds := []struct {
		route       uint8
		id, query   string
		body        string
		credentials uint8
	}{
		{0, "", "", `{"email":"new@example.com","password":"correct-horse-42"}`, 0},
		{0, "", "", `{"email":"fuzz@example.com","password":"correct-horse-42"}`, 0},
		{1, "", "", `{"email":"FUZZ@example.com ","password":"correct-horse-42"}`, 0},
		{1, "", "", `{"email":1,"password":null}`, 0},
		{2, "", "", ``, credCookie},
		{3, "", "", `x`, credCookie},
		{4, "", "", ``, credBearer},
		{4, "not-a-token", "", ``, credBadCookie},
		{6, "", "", ``, credCookie},
		{6, "../../etc", "", ``, credCookie | credCrossSite},
		{8, "", "", `{"current_password":"correct-horse-42","new_password":"x"}`, credCookie},
		{9, "", "", `{"name":"k","expires_at":"2001-01-01T00:00:00Z"}`, credCookie},
		{10, "", "limit=0&offset=-1&sort_by=x", ``, credBearer},
		{10, "", "limit=100&sort_order=asc&sort_by=last_used_at", ``, credCookie},
		{11, "sk-00", "", ``, credBadBearer},
		{13, "", "", `{"name":"` + strings.Repeat("n", 300) + `"}`, credCookie},
		{14, "", "", ``, credCookie},
		{15, "", "", `{"name":""}`, credCookie},
		{16, "", "", ``, credBearer},
		{17, "00000000-0000-0000-0000-000000000000", "", `{"organization_id":"x"}`, credCookie},
		{19, "", "", `{"role":"owner"}`, credCookie},
		{22, "", "", `{"email":"x@example.com","role":"superuser"}`, credCookie},
		{24, "", "", `{"token":"` + strings.Repeat("a", 64) + `"}`, credCookie},
		{25, "", "", `{"email":"fuzz@example.com"}`, 0},
		{26, "", "token=%zz", ``, 0},
		{27, "", "", `{"token":[]}`, 0},
		{28, "", "", `{"email":"` + strings.Repeat("a", 70000) + `"}`, 0},
		{29, "", "", `{"token":"x","password":"correct-horse-42"}`, 0},
		{31, "", "", `{}`, credCookie | credCrossSite},
		{0, "", "", `{"email":"plain@example.com","password":"correct-horse-42"}`, credTextPlain},
		{13, "", "", `{"name":"plain"}`, credCookie | credTextPlain},
	}
	for _, s := range seeds {
		f.Add(s.route, s.id, s.query, []byte(s.body), s.credentials)
	}
	srv := newFuzzServer(f, nil)
	f.Fuzz(func(t *testing.T, route uint8, id, query string, body []byte, credentials uint8) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		org, other := url.PathEscape(id), url.PathEscape(id)
		if id == "" {
			org, other = srv.orgID, srv.userID
		}
		path := strings.NewReplacer("{org}", org, "{id}", other, "{user}", other).Replace(rt.path)
		header := http.Header{}
		var cookies []*http.Cookie
		if credentials&credCookie != 0 {
			cookies = srv.cookies
		}
		if credentials&credBadCookie != 0 {
			cookies = append(cookies, &http.Cookie{Name: "access_token", Value: sanitizeCookie(id)})
		}
		switch {
		case credentials&credBearer != 0:
			header.Set("Authorization", "Bearer "+srv.apiKey)
		case credentials&credBadBearer != 0:
			header.Set("Authorization", "Bearer "+strings.ToValidUTF8(strings.Map(dropControl, id), ""))
		}
		if credentials&credCrossSite != 0 {
			header.Set("Sec-Fetch-Site", "cross-site")
			header.Set("Origin", "https://evil.example")
		}
		if credentials&credTextPlain != 0 {
			header.Set("Content-Type", "text/plain")
		}
		var b []byte
		if len(body) > 0 {
			b = body
		}
		w := srv.do(rt.method, path, query, b, cookies, header)
		if w.Code >= 500 {
			t.Fatalf("%s %s?%s with %q: %d %s", rt.method, path, query, body, w.Code, w.Body)
		}
		if jsonBodyRoutes[rt.method+" "+rt.path] && (credentials&credTextPlain != 0 || b == nil) && w.Code < 300 {
			t.Fatalf("%s %s accepted a body that is not application/json: %d %s", rt.method, path, w.Code, w.Body)
		}
		if w.Code >= 400 && !(w.Code == http.StatusNotFound && w.Body.String() == "404 page not found") {
			var m map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil || len(m) != 2 {
				t.Fatalf("%s %s: %d body is not {code,message}: %s", rt.method, path, w.Code, w.Body)
			}
			if code, _ := m["code"].(string); code == "" {
				t.Fatalf("%s %s: %d without a code: %s", rt.method, path, w.Code, w.Body)
			}
			if msg, _ := m["message"].(string); msg == "" {
				t.Fatalf("%s %s: %d without a message: %s", rt.method, path, w.Code, w.Body)
			}
		}
		if cc := w.Header().Get("Cache-Control"); strings.HasPrefix(path, "/auth/") && w.Code != http.StatusNotFound && cc != "no-store" {
			t.Fatalf("%s %s: %d with Cache-Control %q", rt.method, path, w.Code, cc)
		}
		// Keep the shared session usable for the next inputs.
		if w.Code == http.StatusOK && (strings.HasSuffix(rt.path, "/sign-out") || strings.HasSuffix(rt.path, "/password/change") ||
			strings.HasSuffix(rt.path, "/sessions/{id}") || strings.HasSuffix(rt.path, "/revoke-others") || strings.HasSuffix(rt.path, "/refresh")) {
			srv.refreshSession(t)
		}
	})
}

// refreshSession signs the fuzz user in again after an input may have
// ended its session or changed its password (then it stays signed out:
// inputs without a valid cookie are fine too).
func (s *fuzzServer) refreshSession(t *testing.T) {
	body := []byte(`{"email":"` + s.email + `","password":"correct-horse-42"}`)
	if w := s.do(http.MethodPost, "/auth/sign-in", "", body, nil, nil); w.Code == http.StatusOK {
		s.cookies = w.Result().Cookies()
	}
}

func dropControl(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return -1
	}
	return r
}

// sanitizeCookie keeps the bytes a cookie value may hold.
func sanitizeCookie(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= 0x20 || r >= 0x7f || r == '"' || r == ';' || r == '\\' || r == ',' {
			return -1
		}
		return r
	}, s)
}

// TestRateLimitedRoutesMounted: the per-IP limit applies to the real routes
// Register mounts (the route table and the limiter agree).
func TestRateLimitedRoutesMounted(t *testing.T) {
	t.Parallel()
	srv := newFuzzServer(t, func(c *ginauth.Config) { c.RateLimit = ginauth.RateLimitConfig{PerIP: 2} })
	for _, route := range []string{
		"/auth/sign-up", "/auth/sign-in", "/auth/email/confirm/send", "/auth/password/forgot",
		"/auth/password/reset", "/auth/password/change", "/auth/organizations/invites/accept",
		"/auth/organizations/" + srv.orgID + "/invites",
	} {
		// newFuzzServer already spent one sign-up token.
		if route != "/auth/sign-up" {
			if w := srv.do(http.MethodPost, route, "", []byte(`{}`), srv.cookies, nil); w.Code == http.StatusTooManyRequests {
				t.Fatalf("%s: first request limited", route)
			}
		}
		if w := srv.do(http.MethodPost, route, "", []byte(`{}`), srv.cookies, nil); w.Code == http.StatusTooManyRequests {
			t.Fatalf("%s: second request limited", route)
		}
		w := srv.do(http.MethodPost, route, "", []byte(`{}`), srv.cookies, nil)
		if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "30" {
			t.Fatalf("%s: third request: %d Retry-After %q, want 429 30", route, w.Code, w.Header().Get("Retry-After"))
		}
	}
	// Routes without a per-IP limit are not limited.
	for range 5 {
		if w := srv.do(http.MethodGet, "/auth/me", "", nil, srv.cookies, nil); w.Code != http.StatusOK {
			t.Fatalf("GET /auth/me: %d", w.Code)
		}
	}
}
