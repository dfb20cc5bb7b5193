package ginauth

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// storelessAuth is an Auth without a backend. The access-token path of the
// base middleware and the guards must never touch the store (access
// tokens are verified with no database access): any store call here would
// panic.
func storelessAuth(t testing.TB, clock *testClock, adjust func(*Config)) *Auth {
	t.Helper()
	cfg := Config{
		Secret: testSecret(0),
		Argon2: testArgon2,
		Now:    clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if adjust != nil {
		adjust(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := newAuth(cfg.withDefaults(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

// guardedServer mounts the base middleware and guarded routes on a gin
// engine.
func guardedServer(a *Auth) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(a.Middleware())
	ok := func(c *gin.Context) {
		p, _ := PrincipalFrom(c)
		c.String(http.StatusOK, "%s %s", p.UserID, p.OrganizationRole)
	}
	r.GET("/public", func(c *gin.Context) {
		_, ok := PrincipalFrom(c)
		c.JSON(http.StatusOK, gin.H{"authenticated": ok})
	})
	r.GET("/user", RequireUser(), ok)
	r.POST("/user", RequireUser(), ok)
	r.GET("/member", RequireRole("member"), ok)
	r.GET("/admin", RequireRole(RoleAdmin), ok)
	r.GET("/owner", RequireRole(RoleOwner), ok)
	return r
}

func accessTokenFor(t *testing.T, a *Auth, role Role) string {
	t.Helper()
	active := testActive
	active.Role = role
	tok, err := a.tokens.sign(testUser, active, testSession(testSID))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type request struct {
	method, path string
	cookie       string // access-token cookie value
	header       map[string]string
}

func serve(r http.Handler, req request) *httptest.ResponseRecorder {
	method := req.method
	if method == "" {
		method = http.MethodGet
	}
	hr := httptest.NewRequest(method, "http://api.example"+req.path, nil)
	if req.cookie != "" {
		hr.AddCookie(&http.Cookie{Name: "access_token", Value: req.cookie})
		hr.AddCookie(&http.Cookie{Name: "refresh_token", Value: "rt"})
	}
	for k, v := range req.header {
		hr.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, hr)
	return w
}

// TestRequireRoleUnknownPanics: an unknown role is refused when the route
// is declared, with a message naming it, instead of a guard that refuses
// every request; the three roles, typed or untyped, are accepted.
func TestRequireRoleUnknownPanics(t *testing.T) {
	t.Parallel()
	for _, role := range []Role{"admn", "superuser", "", "Admin", " owner"} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, fmt.Sprintf("RequireRole(%q): unknown role", string(role))) {
					t.Errorf("RequireRole(%q) panicked with %q, want an unknown-role panic", role, msg)
				}
			}()
			RequireRole(role)
		}()
	}
	for _, h := range []gin.HandlerFunc{RequireRole(RoleMember), RequireRole(RoleAdmin), RequireRole(RoleOwner), RequireRole("admin")} {
		if h == nil {
			t.Error("RequireRole returned a nil handler")
		}
	}
}

// TestRequireAALOutOfRangePanics: only levels 1 and 2 make a guard.
func TestRequireAALOutOfRangePanics(t *testing.T) {
	t.Parallel()
	for _, aal := range []int{-1, 0, 3, 100} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, fmt.Sprintf("RequireAAL(%d)", aal)) {
					t.Errorf("RequireAAL(%d) panicked with %q, want an out-of-range panic", aal, msg)
				}
			}()
			RequireAAL(aal)
		}()
	}
	for _, aal := range []int{1, 2} {
		if RequireAAL(aal) == nil {
			t.Errorf("RequireAAL(%d) returned a nil handler", aal)
		}
	}
}

func TestMiddlewareAndGuards(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	a := storelessAuth(t, clock, func(c *Config) { c.TrustedOrigins = []string{"https://trusted.example"} })
	r := guardedServer(a)
	member, admin, owner := accessTokenFor(t, a, RoleMember), accessTokenFor(t, a, RoleAdmin), accessTokenFor(t, a, RoleOwner)
	other := storelessAuth(t, clock, func(c *Config) { c.Secret = testSecret(7) })
	forged := accessTokenFor(t, other, RoleOwner)

	expiredClock := newTestClock()
	expiredClock.Advance(-time.Hour)
	stale := storelessAuth(t, expiredClock, nil)
	expired := accessTokenFor(t, stale, RoleOwner)

	tests := []struct {
		name    string
		req     request
		status  int
		code    string // error code, or "" for success
		cleared bool   // both cookies cleared in the response
	}{
		{"public without credentials", request{path: "/public"}, 200, "", false},
		{"no credentials", request{path: "/user"}, 401, CodeInvalidToken, false},
		{"valid cookie", request{path: "/user", cookie: member}, 200, "", false},
		{"expired cookie", request{path: "/user", cookie: expired}, 401, CodeTokenExpired, false},
		{"forged cookie", request{path: "/user", cookie: forged}, 401, CodeInvalidToken, true},
		{"garbage cookie", request{path: "/user", cookie: "garbage"}, 401, CodeInvalidToken, true},
		{"forged cookie on a public route still clears", request{path: "/public", cookie: forged}, 200, "", true},
		{"basic auth never falls back to the cookie", request{path: "/user", cookie: owner, header: map[string]string{"Authorization": "Basic YTpi"}}, 401, CodeInvalidToken, false},
		{"malformed bearer never falls back to the cookie", request{path: "/user", cookie: owner, header: map[string]string{"Authorization": "Bearer sk-nothex"}}, 401, CodeInvalidToken, false},
		{"access token as bearer is not accepted", request{path: "/user", header: map[string]string{"Authorization": "Bearer " + owner}}, 401, CodeInvalidToken, false},
		{"empty bearer", request{path: "/user", cookie: owner, header: map[string]string{"Authorization": "Bearer "}}, 401, CodeInvalidToken, false},
		{"member on member route", request{path: "/member", cookie: member}, 200, "", false},
		{"member on admin route", request{path: "/admin", cookie: member}, 403, CodeForbidden, false},
		{"admin on admin route", request{path: "/admin", cookie: admin}, 200, "", false},
		{"admin on owner route", request{path: "/owner", cookie: admin}, 403, CodeForbidden, false},
		{"owner on admin route", request{path: "/admin", cookie: owner}, 200, "", false},
		{"owner on owner route", request{path: "/owner", cookie: owner}, 200, "", false},
		{"role route without credentials", request{path: "/admin"}, 401, CodeInvalidToken, false},
		{"role route with expired token", request{path: "/owner", cookie: expired}, 401, CodeTokenExpired, false},
		{"same-origin POST", request{method: "POST", path: "/user", cookie: member, header: map[string]string{"Sec-Fetch-Site": "same-origin"}}, 200, "", false},
		{"cross-site POST by cookie", request{method: "POST", path: "/user", cookie: member, header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 403, CodeForbidden, false},
		{"same-site POST by cookie", request{method: "POST", path: "/user", cookie: member, header: map[string]string{"Sec-Fetch-Site": "same-site"}}, 403, CodeForbidden, false},
		{"foreign Origin POST by cookie", request{method: "POST", path: "/user", cookie: member, header: map[string]string{"Origin": "https://evil.example"}}, 403, CodeForbidden, false},
		{"trusted Origin POST by cookie", request{method: "POST", path: "/user", cookie: member, header: map[string]string{"Origin": "https://trusted.example", "Sec-Fetch-Site": "cross-site"}}, 200, "", false},
		{"cross-site GET by cookie", request{path: "/user", cookie: member, header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 200, "", false},
		{"non-browser POST", request{method: "POST", path: "/user", cookie: member}, 200, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := serve(r, tt.req)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.code != "" && !strings.Contains(w.Body.String(), `"code":"`+tt.code+`"`) {
				t.Fatalf("body %s, want code %s", w.Body, tt.code)
			}
			cookies := w.Result().Cookies()
			cleared := 0
			for _, ck := range cookies {
				if ck.MaxAge < 0 && (ck.Name == "access_token" || ck.Name == "refresh_token") {
					cleared++
				}
			}
			if tt.cleared && cleared != 2 {
				t.Fatalf("want both cookies cleared, got %v", w.Header().Values("Set-Cookie"))
			}
			if !tt.cleared && len(cookies) != 0 {
				t.Fatalf("want no Set-Cookie, got %v", w.Header().Values("Set-Cookie"))
			}
		})
	}
}

func TestMiddlewareWithoutCredentialsAllocatesNothing(t *testing.T) {
	clock := newTestClock()
	a := storelessAuth(t, clock, nil)
	gin.SetMode(gin.ReleaseMode)
	for name, cookie := range map[string]string{
		"no cookies":          "",
		"other cookies only":  "theme=dark; _ga=GA1.1.123456789.1700000000; access_token_x=1",
		"empty access cookie": "theme=dark; access_token=",
	} {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
		c.Request.Header.Set("User-Agent", "x")
		if cookie != "" {
			c.Request.Header.Set("Cookie", cookie)
		}
		if n := testing.AllocsPerRun(100, func() { a.authenticate(c) }); n != 0 {
			t.Fatalf("%s: authenticate allocates %v times", name, n)
		}
		if _, ok := PrincipalFrom(c); ok {
			t.Fatalf("%s: principal without credentials", name)
		}
		if f := recordedFailure(c); f != failNoCredentials {
			t.Fatalf("%s: failure = %+v", name, f)
		}
	}
}

// TestMiddlewareWarmCookieAllocations: a request with an access token
// seen before allocates only gin's Keys map (two allocations): no cookie
// parsing, no token decoding, no Principal (the cached token's is shared
// by the requests that present the token).
func TestMiddlewareWarmCookieAllocations(t *testing.T) {
	a := storelessAuth(t, newTestClock(), nil)
	gin.SetMode(gin.ReleaseMode)
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
	c.Request.Header.Set("Cookie", "theme=dark; access_token="+signFor(t, a.tokens, testSID)+"; _ga=GA1.1.1")
	a.authenticate(c) // first sight: verified and cached
	first, ok := PrincipalFrom(c)
	if !ok {
		t.Fatalf("no principal: %+v", recordedFailure(c))
	}
	if n := testing.AllocsPerRun(100, func() { c.Keys = nil; a.authenticate(c) }); n > 2 {
		t.Fatalf("a warm cookie request allocates %v times, want at most 2", n)
	}
	if again, _ := PrincipalFrom(c); again != first || again.UserID != testUser.ID || again.SessionID != testSID {
		t.Fatalf("warm principal %p %+v, want the first sight's %p", again, again, first)
	}
}

func TestCookieAttributes(t *testing.T) {
	t.Parallel()
	a := storelessAuth(t, newTestClock(), func(c *Config) {
		c.BasePath = "/api/auth"
		c.Cookie = CookieConfig{AccessName: "at", RefreshName: "rt", SameSite: http.SameSiteStrictMode, Domain: "app.example", AccessPath: "/api"}
		c.AccessTokenTTL = 10 * time.Minute
		c.RefreshTokenTTL = 24 * time.Hour
	})
	gin.SetMode(gin.ReleaseMode)
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodPost, "/", nil)
	// A clear followed by a set leaves only the set.
	a.clearAuthCookies(c)
	if err := a.setAccessCookie(c, testUser, testActive, Session{ID: testSID, ExpiresAt: a.now().Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	a.setRefreshCookie(c, "refresh-value", a.now().Add(24*time.Hour))
	got := w.Header().Values("Set-Cookie")
	if len(got) != 2 {
		t.Fatalf("Set-Cookie = %v, want exactly one per cookie", got)
	}
	cookies := (&http.Response{Header: w.Header()}).Cookies()
	byName := map[string]*http.Cookie{}
	for _, ck := range cookies {
		byName[ck.Name] = ck
	}
	at, rt := byName["at"], byName["rt"]
	if at == nil || rt == nil {
		t.Fatalf("cookies %v", got)
	}
	for _, ck := range []*http.Cookie{at, rt} {
		if !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteStrictMode || ck.Domain != "app.example" {
			t.Errorf("cookie %s attributes: %s", ck.Name, ck.Raw)
		}
	}
	// The access cookie lives as long as the session, not as its token.
	if at.Path != "/api" || at.MaxAge != 86400 {
		t.Errorf("access cookie %s: want Path=/api Max-Age=86400", at.Raw)
	}
	if rt.Path != "/api/auth" || rt.MaxAge != 86400 || rt.Value != "refresh-value" {
		t.Errorf("refresh cookie %s: want Path=/api/auth Max-Age=86400", rt.Raw)
	}
	if _, err := a.tokens.verify(at.Value); err != nil {
		t.Errorf("access cookie holds no valid token: %v", err)
	}

	// Clearing expires both at their paths.
	w2 := httptest.NewRecorder()
	c2, _ := gin.CreateTestContext(w2)
	c2.Request = c.Request
	a.clearAuthCookies(c2)
	for _, ck := range (&http.Response{Header: w2.Header()}).Cookies() {
		if ck.MaxAge >= 0 || ck.Value != "" || !ck.HttpOnly {
			t.Errorf("cleared cookie %s", ck.Raw)
		}
		if (ck.Name == "at" && ck.Path != "/api") || (ck.Name == "rt" && ck.Path != "/api/auth") {
			t.Errorf("cleared cookie %s at the wrong path", ck.Raw)
		}
	}

	// Insecure drops Secure.
	b := storelessAuth(t, newTestClock(), func(c *Config) { c.Cookie.Insecure = true })
	w3 := httptest.NewRecorder()
	c3, _ := gin.CreateTestContext(w3)
	c3.Request = c.Request
	b.clearAuthCookies(c3)
	for _, ck := range (&http.Response{Header: w3.Header()}).Cookies() {
		if ck.Secure || ck.SameSite != http.SameSiteLaxMode || ck.Path == "" {
			t.Errorf("insecure default cookie %s", ck.Raw)
		}
	}
}

// TestAccessCookieTTL: the access cookie lives for the rest of the session
// (at most RefreshTokenTTL), never less than the access token itself.
func TestAccessCookieTTL(t *testing.T) {
	t.Parallel()
	a := storelessAuth(t, newTestClock(), func(c *Config) {
		c.AccessTokenTTL = 10 * time.Minute
		c.RefreshTokenTTL = 24 * time.Hour
	})
	now := a.now()
	for _, tt := range []struct {
		name       string
		sessionEnd time.Time
		want       time.Duration
	}{
		{"new session", now.Add(24 * time.Hour), 24 * time.Hour},
		{"half-way", now.Add(5 * time.Hour), 5 * time.Hour},
		{"beyond RefreshTokenTTL", now.Add(48 * time.Hour), 24 * time.Hour},
		{"ending before the token", now.Add(time.Minute), 10 * time.Minute},
		{"ended", now.Add(-time.Hour), 10 * time.Minute},
		{"unknown", time.Time{}, 10 * time.Minute},
	} {
		if got := a.accessCookieTTL(tt.sessionEnd); got != tt.want {
			t.Errorf("%s: accessCookieTTL = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestTruncateUTF8(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc"},
		{"aé", 2, "a"}, // é is two bytes: never split it
		{"日本語", 4, "日"},
		{strings.Repeat("x", 600), maxUserAgentBytes, strings.Repeat("x", 512)},
	} {
		if got := truncateUTF8(tt.in, tt.n); got != tt.want {
			t.Errorf("truncateUTF8(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
