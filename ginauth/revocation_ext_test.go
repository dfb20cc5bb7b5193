package ginauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
)

// memBroadcast is an in-process ginauth.Broadcaster shared by the
// instances of a test: a publish reaches every listener at once, unless
// the test has cut one off (down), which then misses it, as an instance
// whose Redis connection is lost does.
type memBroadcast struct {
	mu        sync.Mutex
	listeners []*memListener
}

type memListener struct {
	b       *memBroadcast
	deliver func(ginauth.Revocation)
	health  func(bool)
	down    bool
}

func (b *memBroadcast) instance() *memListener { return &memListener{b: b} }

func (l *memListener) Publish(_ context.Context, r ginauth.Revocation) error {
	l.b.mu.Lock()
	defer l.b.mu.Unlock()
	for _, o := range l.b.listeners {
		if !o.down {
			o.deliver(r)
		}
	}
	return nil
}

func (l *memListener) Listen(deliver func(ginauth.Revocation), health func(bool)) error {
	l.b.mu.Lock()
	defer l.b.mu.Unlock()
	l.deliver, l.health = deliver, health
	l.b.listeners = append(l.b.listeners, l)
	health(true)
	return nil
}

func (l *memListener) Close() error { return nil }

// setDown cuts the instance off the broadcast (or reconnects it).
func (l *memListener) setDown(down bool) {
	l.b.mu.Lock()
	defer l.b.mu.Unlock()
	l.down = down
	l.health(!down)
}

// revocationInstance is ginauth with revocation mode immediate on db.
func revocationInstance(t *testing.T, db *gorm.DB, bc ginauth.Broadcaster) (*fuzzServer, *ginauth.Auth) {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(nil); err != nil {
		t.Fatal(err)
	}
	cfg := ginauth.Config{
		Secret:     []byte("revocation-secret-revocation-secret!"),
		Argon2:     ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		Cookie:     ginauth.CookieConfig{Insecure: true},
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		RateLimit:  ginauth.RateLimitConfig{Disabled: true},
		Revocation: ginauth.RevocationConfig{Mode: ginauth.RevocationImmediate, Broadcaster: bc},
	}
	auth, err := ginauth.Register(r, cfg, testdb.Store(t, db))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = auth.Close() })
	r.GET("/api/whoami", ginauth.RequireUser(), func(c *gin.Context) {
		p, _ := ginauth.PrincipalFrom(c)
		c.JSON(http.StatusOK, gin.H{"user_id": p.UserID})
	})
	return &fuzzServer{engine: r}, auth
}

// errorCode is the code of an error body.
func errorCode(body []byte) string {
	var e struct{ Code string }
	_ = json.Unmarshal(body, &e)
	return e.Code
}

// TestRevocationAcrossInstances: two instances on one database and one
// broadcast. What A revokes, B refuses at once; cut off the broadcast, B
// checks the store and still refuses; a live session stays accepted.
func TestRevocationAcrossInstances(t *testing.T) {
	t.Parallel()
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			db := d.Open(t)
			bc := &memBroadcast{}
			lb := bc.instance()
			a, _ := revocationInstance(t, db, bc.instance())
			b, authB := revocationInstance(t, db, lb)
			if !authB.RevocationBroadcastUp() {
				t.Fatal("broadcast not up after Listen reported it")
			}
			const body = `{"email":"rev@example.com","password":"correct-horse-42"}`
			if w := a.do(http.MethodPost, "/auth/sign-up", "", []byte(body), nil, nil); w.Code != http.StatusOK {
				t.Fatalf("sign-up: %d %s", w.Code, w.Body)
			}
			signIn := func() []*http.Cookie {
				w := a.do(http.MethodPost, "/auth/sign-in", "", []byte(body), nil, nil)
				if w.Code != http.StatusOK {
					t.Fatalf("sign-in: %d %s", w.Code, w.Body)
				}
				return w.Result().Cookies()
			}
			expect := func(s *fuzzServer, cookies []*http.Cookie, status int, code string) {
				t.Helper()
				w := s.do(http.MethodGet, "/api/whoami", "", nil, cookies, nil)
				if w.Code != status || (code != "" && errorCode(w.Body.Bytes()) != code) {
					t.Fatalf("whoami: %d %s, want %d %s", w.Code, w.Body, status, code)
				}
			}

			// Sign-out on A: B refuses the token (it is warm in B's cache).
			s1 := signIn()
			expect(b, s1, http.StatusOK, "")
			a.do(http.MethodPost, "/auth/sign-out", "", nil, s1, nil)
			expect(b, s1, http.StatusUnauthorized, "invalid_token")
			expect(a, s1, http.StatusUnauthorized, "invalid_token")

			// Revoke-others on A from s3: s2 refused on B, s3 accepted.
			s2, s3 := signIn(), signIn()
			expect(b, s2, http.StatusOK, "")
			if w := a.do(http.MethodPost, "/auth/sessions/revoke-others", "", nil, s3, nil); w.Code != http.StatusOK {
				t.Fatalf("revoke-others: %d %s", w.Code, w.Body)
			}
			expect(b, s2, http.StatusUnauthorized, "invalid_token")
			expect(b, s3, http.StatusOK, "")

			// B cut off the broadcast: it checks the store per request.
			s4 := signIn()
			expect(b, s4, http.StatusOK, "")
			lb.setDown(true)
			if authB.RevocationBroadcastUp() {
				t.Fatal("broadcast up after it went down")
			}
			a.do(http.MethodPost, "/auth/sign-out", "", nil, s4, nil)
			expect(b, s4, http.StatusUnauthorized, "invalid_token") // from the store
			expect(b, s3, http.StatusOK, "")                        // still live
			lb.setDown(false)
			expect(b, s3, http.StatusOK, "")

			// Revoked while B was cut off, and B back: B's set missed it,
			// and earlier tokens are checked in the store once more.
			lb.setDown(true)
			a.do(http.MethodPost, "/auth/sign-out", "", nil, s3, nil)
			lb.setDown(false)
			expect(b, s3, http.StatusUnauthorized, "invalid_token")
		})
	}
}

// TestRevocationConfig: mode immediate needs a broadcaster; an unknown
// mode is refused; expiry needs nothing.
func TestRevocationConfig(t *testing.T) {
	t.Parallel()
	base := ginauth.Config{Secret: []byte("revocation-secret-revocation-secret!")}
	for _, tc := range []struct {
		name string
		rc   ginauth.RevocationConfig
		ok   bool
	}{
		{"default", ginauth.RevocationConfig{}, true},
		{"expiry", ginauth.RevocationConfig{Mode: ginauth.RevocationExpiry}, true},
		{"immediate without broadcaster", ginauth.RevocationConfig{Mode: ginauth.RevocationImmediate}, false},
		{"immediate", ginauth.RevocationConfig{Mode: ginauth.RevocationImmediate, Broadcaster: (&memBroadcast{}).instance()}, true},
		{"unknown", ginauth.RevocationConfig{Mode: "sometimes"}, false},
	} {
		cfg := base
		cfg.Revocation = tc.rc
		err := cfg.Validate()
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ginauth.ErrInvalidConfig)) {
			t.Errorf("%s: Validate = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
