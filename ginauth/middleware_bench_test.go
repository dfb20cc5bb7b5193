package ginauth

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fastauth/fastauth/metrics"
)

// benchMetrics is a Metrics on a registry of its own, the Observer of the
// "-observed" benchmarks.
func benchMetrics(b *testing.B) *metrics.Metrics {
	b.Helper()
	m, err := metrics.New(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// Benchmarks of the authenticated hot path, in process. The HTTP-level
// figures (wrk against the example server and a bare gin server) come from
// scripts/loadtest.sh; docs/performance.md has both.
//
//	go test ./ginauth -run '^$' -bench . -benchmem

// discardWriter is a reusable http.ResponseWriter that drops the body, so
// that the benchmarks measure the handler chain and not a recorder.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }

// serveLoop serves req on h once per benchmark iteration and checks the
// status of the last response.
func serveLoop(b *testing.B, h http.Handler, req *http.Request, want int) {
	b.Helper()
	w := &discardWriter{h: make(http.Header)}
	h.ServeHTTP(w, req)
	if w.status != want {
		b.Fatalf("status %d, want %d", w.status, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, req)
	}
	if w.status != want {
		b.Fatalf("status %d, want %d", w.status, want)
	}
}

// benchWhoami is the body of the demo route of examples/server.
type benchWhoami struct {
	UserID           string `json:"user_id"`
	Email            string `json:"email"`
	OrganizationID   string `json:"organization_id"`
	OrganizationRole Role   `json:"organization_role"`
}

// benchEngine is gin with the base middleware and the example server's
// whoami route behind RequireUser, plus a public route.
func benchEngine(a *Auth) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(a.Middleware())
	r.GET("/public", func(c *gin.Context) { c.JSON(http.StatusOK, benchWhoami{}) })
	r.GET("/api/whoami", RequireUser(), func(c *gin.Context) {
		p, _ := PrincipalFrom(c)
		c.JSON(http.StatusOK, benchWhoami{p.UserID, p.Email, p.OrganizationID, p.OrganizationRole})
	})
	return r
}

// bareEngine is the baseline: gin answering the same body with no
// authentication at all.
func bareEngine() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/api/whoami", func(c *gin.Context) {
		c.JSON(http.StatusOK, benchWhoami{testUser.ID, testUser.Email, testActive.Organization.ID, testActive.Role})
	})
	return r
}

// browserRequest is a GET of path carrying the cookies and headers a
// browser sends: the access token, the refresh cookie is not sent (its
// Path is the auth base path), and the usual fetch metadata.
func browserRequest(path, accessToken string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, "http://app.example"+path, nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) bench")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if accessToken != "" {
		req.Header.Set("Cookie", "theme=dark; access_token="+accessToken+"; _ga=GA1.1.123456789.1700000000")
	}
	return req
}

// BenchmarkMiddleware is a whole request through gin: the bare baseline,
// the base middleware on a request without credentials, and the protected
// route with an access-token cookie seen before (warm: the verified-token
// cache answers) and with the cache disabled (every request a full
// verify, what a first-seen token costs).
func BenchmarkMiddleware(b *testing.B) {
	b.Run("bare-gin", func(b *testing.B) {
		serveLoop(b, bareEngine(), browserRequest("/api/whoami", ""), http.StatusOK)
	})
	b.Run("no-credentials", func(b *testing.B) {
		a := storelessAuth(b, newTestClock(), nil)
		serveLoop(b, benchEngine(a), browserRequest("/public", ""), http.StatusOK)
	})
	b.Run("no-credentials-protected", func(b *testing.B) {
		a := storelessAuth(b, newTestClock(), nil)
		serveLoop(b, benchEngine(a), browserRequest("/api/whoami", ""), http.StatusUnauthorized)
	})
	b.Run("cookie-warm", func(b *testing.B) {
		a := storelessAuth(b, newTestClock(), nil)
		tok := signFor(b, a.tokens, testSID)
		serveLoop(b, benchEngine(a), browserRequest("/api/whoami", tok), http.StatusOK)
	})
	b.Run("cookie-warm-immediate", func(b *testing.B) {
		a := immediateAuth(b)
		tok := signFor(b, a.tokens, testSID)
		serveLoop(b, benchEngine(a), browserRequest("/api/whoami", tok), http.StatusOK)
	})
	b.Run("cookie-warm-observed", func(b *testing.B) {
		a := storelessAuth(b, newTestClock(), func(c *Config) { c.Observer = benchMetrics(b) })
		tok := signFor(b, a.tokens, testSID)
		serveLoop(b, benchEngine(a), browserRequest("/api/whoami", tok), http.StatusOK)
	})
	b.Run("cookie-uncached", func(b *testing.B) {
		a := storelessAuth(b, newTestClock(), nil)
		a.tokens.cache = nil
		tok := signFor(b, a.tokens, testSID)
		serveLoop(b, benchEngine(a), browserRequest("/api/whoami", tok), http.StatusOK)
	})
}

// BenchmarkAuthenticate is the base middleware's own work on one request,
// without gin's routing and the response.
func BenchmarkAuthenticate(b *testing.B) {
	run := func(b *testing.B, a *Auth, req *http.Request) { authenticateLoop(b, a, req) }
	b.Run("no-credentials", func(b *testing.B) {
		run(b, storelessAuth(b, newTestClock(), nil), browserRequest("/", ""))
	})
	b.Run("other-cookies-only", func(b *testing.B) {
		req := browserRequest("/", "")
		req.Header.Set("Cookie", "theme=dark; _ga=GA1.1.123456789.1700000000")
		run(b, storelessAuth(b, newTestClock(), nil), req)
	})
	b.Run("cookie-warm", func(b *testing.B) {
		a := storelessAuth(b, newTestClock(), nil)
		run(b, a, browserRequest("/", signFor(b, a.tokens, testSID)))
	})
	b.Run("cookie-warm-immediate", func(b *testing.B) {
		a := immediateAuth(b)
		run(b, a, browserRequest("/", signFor(b, a.tokens, testSID)))
	})
	b.Run("cookie-uncached", func(b *testing.B) {
		a := storelessAuth(b, newTestClock(), nil)
		a.tokens.cache = nil
		run(b, a, browserRequest("/", signFor(b, a.tokens, testSID)))
	})
}

// authenticateLoop runs the base middleware's own work on req once per
// iteration, without gin's routing and the response, and returns the
// context of the last iteration.
func authenticateLoop(b *testing.B, a *Auth, req *http.Request) *gin.Context {
	b.Helper()
	gin.SetMode(gin.ReleaseMode)
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	b.ReportAllocs()
	for b.Loop() {
		c.Request = req
		c.Keys = nil
		a.authenticate(c)
	}
	return c
}

// benchColdVerify times s.verify on distinct tokens, so every verify is a
// first sight; the cache is replaced (untimed) before the pool is reused.
func benchColdVerify(b *testing.B, s *tokenSigner, clock *testClock) {
	pool := make([]string, 4096)
	for i := range pool {
		pool[i] = signFor(b, s, fmt.Sprintf("0193a1b2-0000-7000-8000-%012d", i))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == len(pool) {
			b.StopTimer()
			s.cache = newTokenCache(tokenCacheSize, clock.Now, s.skew)
			i = 0
			b.StartTimer()
		}
		if _, err := s.verify(pool[i]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkAccessTokenVerify is the single verify entry point: cold is a
// first-seen token (full HS256 verify and claims decoding, then caching),
// warm a token verified before (a cache hit).
func BenchmarkAccessTokenVerify(b *testing.B) {
	b.Run("cold", func(b *testing.B) {
		clock := newTestClock()
		benchColdVerify(b, benchSigner(b, clock), clock)
	})
	b.Run("warm", func(b *testing.B) {
		s := benchSigner(b, newTestClock())
		tok := signFor(b, s, testSID)
		if _, err := s.verify(tok); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.verify(tok); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The anchor: a straightforward golang-jwt v5 check of the same token
	// into MapClaims, with the same options.
	b.Run("golang-jwt-mapclaims", func(b *testing.B) {
		clock := newTestClock()
		s := benchSigner(b, clock)
		tok := signFor(b, s, testSID)
		p := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(), jwt.WithIssuer("fastauth"), jwt.WithAudience("fastauth"), jwt.WithTimeFunc(clock.Now))
		key := testSecret(0)
		keyFunc := func(*jwt.Token) (any, error) { return key, nil }
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.Parse(tok, keyFunc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("uncached", func(b *testing.B) {
		s := benchSigner(b, newTestClock())
		s.cache = nil
		tok := signFor(b, s, testSID)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.verify(tok); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchSigner is the signer of a default Config with the clock.
func benchSigner(b *testing.B, clock *testClock) *tokenSigner {
	b.Helper()
	s, err := newTokenSigner(Config{Secret: testSecret(0), Now: clock.Now}.withDefaults())
	if err != nil {
		b.Fatal(err)
	}
	return s
}
