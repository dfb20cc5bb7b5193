package ginauth_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/metrics"
)

// BenchmarkAPIKeyRequest is a whole request to a protected route with
// `Authorization: Bearer sk-...` against the GORM store on every dialect
// testdb offers (SQLite always; PostgreSQL and MySQL when their
// FASTAUTH_TEST_*_DSN is set): warm (the verified-key cache answers, the
// steady state of a busy key) and cold (cache disabled: every request is
// one indexed read by the key's SHA-256).
//
//	FASTAUTH_TEST_POSTGRES_DSN=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable \
//	  go test ./ginauth -run '^$' -bench APIKeyRequest -benchmem
func BenchmarkAPIKeyRequest(b *testing.B) {
	for _, d := range testdb.Dialects(b) {
		for _, mode := range []struct {
			name    string
			ttl     time.Duration // Config.APIKeyCacheTTL: 0 default (10 s), -1 off
			observe bool
		}{{"warm", 0, false}, {"warm-observed", 0, true}, {"cold", -1, false}} {
			b.Run(d.Name+"/"+mode.name, func(b *testing.B) {
				st := testdb.Store(b, d.Open(b))
				h, key, _ := benchServer(b, st, func(c *ginauth.Config) {
					c.APIKeyCacheTTL = mode.ttl
					if mode.observe {
						m, err := metrics.New(prometheus.NewRegistry())
						if err != nil {
							b.Fatal(err)
						}
						c.Observer = m
					}
				})
				req := httptest.NewRequest(http.MethodGet, "http://api.example/api/whoami", nil)
				req.Header.Set("Authorization", "Bearer "+key)
				req.Header.Set("User-Agent", "bench")
				serveBench(b, h, req, http.StatusOK)
			})
		}
	}
}

// whoamiBody is the answer of the example server's demo routes.
type whoamiBody struct {
	UserID           string       `json:"user_id"`
	Email            string       `json:"email"`
	OrganizationID   string       `json:"organization_id"`
	OrganizationRole ginauth.Role `json:"organization_role"`
}

// benchServer is gin with fastauth on st and the example server's demo
// routes (/api/whoami behind RequireUser, /api/admin behind
// RequireRole("admin")), an API key of a freshly signed-up user (the
// owner of their organization) and the user's access token.
func benchServer(b *testing.B, st ginauth.Backend, adjust func(*ginauth.Config)) (h http.Handler, key, accessToken string) {
	b.Helper()
	gin.SetMode(gin.ReleaseMode)
	cfg := ginauth.Config{
		Secret:    bytes.Repeat([]byte("k"), 32),
		Argon2:    ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		Cookie:    ginauth.CookieConfig{Insecure: true},
		RateLimit: ginauth.RateLimitConfig{Disabled: true},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	adjust(&cfg)
	r := gin.New()
	auth, err := ginauth.Register(r, cfg, st)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = auth.Close() })
	whoami := func(c *gin.Context) {
		p, _ := ginauth.PrincipalFrom(c)
		c.JSON(http.StatusOK, whoamiBody{p.UserID, p.Email, p.OrganizationID, p.OrganizationRole})
	}
	r.GET("/api/whoami", ginauth.RequireUser(), whoami)
	r.GET("/api/admin", ginauth.RequireRole(ginauth.RoleAdmin), whoami)

	post := func(path string, body any, cookies []*http.Cookie) *httptest.ResponseRecorder {
		js, _ := json.Marshal(body)
		req := httptest.NewRequest(http.MethodPost, "http://api.example"+path, bytes.NewReader(js))
		req.Header.Set("Content-Type", "application/json")
		for _, c := range cookies {
			req.AddCookie(c)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w
	}
	w := post("/auth/sign-up", map[string]string{"email": "bench@example.com", "password": "bench-password-42"}, nil)
	if w.Code != http.StatusOK {
		b.Fatalf("sign-up: %d %s", w.Code, w.Body)
	}
	cookies := w.Result().Cookies()
	for _, c := range cookies {
		if c.Name == "access_token" {
			accessToken = c.Value
		}
	}
	w = post("/auth/api-keys", map[string]string{"name": "bench"}, cookies)
	if w.Code != http.StatusCreated {
		b.Fatalf("create API key: %d %s", w.Code, w.Body)
	}
	var k struct {
		Key string `json:"key"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &k); err != nil || k.Key == "" {
		b.Fatalf("create API key: %v %s", err, w.Body)
	}
	return r, k.Key, accessToken
}

// BenchmarkChain is the whole middleware and guard chain of a protected
// request, as an application serves it: the gin engine, fastauth's base
// middleware, RequireUser or RequireRole("admin"), and the example
// server's whoami handler (encoding/json), on SQLite; the credential a
// warm access-token cookie (as a browser sends it, among other cookies)
// or a warm API key. Neither reads the store; the allocations are gin's
// (its Keys map) and the handler's JSON.
//
//	go test ./ginauth -run '^$' -bench Chain -benchmem
func BenchmarkChain(b *testing.B) {
	st := testdb.Store(b, testdb.Dialects(b)[0].Open(b))
	h, key, tok := benchServer(b, st, func(*ginauth.Config) {})
	if tok == "" {
		b.Fatal("sign-up set no access token")
	}
	for _, route := range []string{"/api/whoami", "/api/admin"} {
		guard := map[string]string{"/api/whoami": "RequireUser", "/api/admin": "RequireRole"}[route]
		b.Run("cookie/"+guard, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "http://api.example"+route, nil)
			req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) bench")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("Cookie", "theme=dark; access_token="+tok+"; _ga=GA1.1.123456789.1700000000")
			serveBench(b, h, req, http.StatusOK)
		})
		b.Run("apikey/"+guard, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "http://api.example"+route, nil)
			req.Header.Set("User-Agent", "bench")
			req.Header.Set("Authorization", "Bearer "+key)
			serveBench(b, h, req, http.StatusOK)
		})
	}
}

// benchWriter is a reusable http.ResponseWriter that drops the body.
type benchWriter struct {
	h      http.Header
	status int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *benchWriter) WriteHeader(status int)      { w.status = status }

// serveBench serves req on h once per iteration and checks the status.
func serveBench(b *testing.B, h http.Handler, req *http.Request, want int) {
	b.Helper()
	w := &benchWriter{h: make(http.Header)}
	h.ServeHTTP(w, req)
	if w.status != want {
		b.Fatalf("status %d, want %d", w.status, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		w.status = 0
		h.ServeHTTP(w, req)
		if w.status != want {
			b.Fatalf("status %d, want %d", w.status, want)
		}
	}
}
