package passkeys_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/passkeys"
)

// TestModulePurgesExpiredCeremonies: ceremonies begun and never finished
// are deleted once expired by the clock, and not before; Close stops the
// purge.
func TestModulePurgesExpiredCeremonies(t *testing.T) {
	t.Parallel()
	st := testdb.Store(t, testdb.SQLite(t))
	if err := st.Passkeys().Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	m := passkeys.NewModule(passkeys.Config{RPID: "localhost", RPDisplayName: "t", Origins: []string{"http://localhost:8080"}}, st.Passkeys(), nil)
	m.SetPurgeEvery(5 * time.Millisecond)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	auth, err := ginauth.Register(r, ginauth.Config{
		Secret:    []byte("purge-secret-purge-secret-purge-secret"),
		Argon2:    ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		RateLimit: ginauth.RateLimitConfig{Disabled: true},
		Now:       clock,
		Modules:   []ginauth.Module{m},
	}, st)
	if err != nil {
		t.Fatal(err)
	}
	count := func() int64 {
		var n int64
		if err := st.DB().Table("auth_passkey_ceremonies").Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	for range 3 {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/auth/passkeys/sign-in/options", nil))
		if w.Code != http.StatusOK {
			t.Fatalf("sign-in options: %d %s", w.Code, w.Body)
		}
	}
	time.Sleep(50 * time.Millisecond) // several purges at a time the ceremonies are live
	if n := count(); n != 3 {
		t.Fatalf("%d ceremonies before expiry, want 3", n)
	}
	mu.Lock()
	now = now.Add(passkeys.CeremonyLifetime)
	mu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for count() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d expired ceremonies left after 10 s", count())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := auth.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}
