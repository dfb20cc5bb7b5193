package mfa_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/mfa"
	"github.com/fastauth/fastauth/store/sqlite"
)

// sweepCounter is a Store that records the sweeps of expired challenges.
type sweepCounter struct {
	mfa.Store
	mu      sync.Mutex
	calls   int
	deleted int64
	nows    []time.Time
}

func (s *sweepCounter) DeleteExpiredChallenges(ctx context.Context, now time.Time) (int64, error) {
	n, err := s.Store.DeleteExpiredChallenges(ctx, now)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.deleted += n
	s.nows = append(s.nows, now)
	return n, err
}

func (s *sweepCounter) snapshot() (calls int, deleted int64, nows []time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls, s.deleted, append([]time.Time(nil), s.nows...)
}

// TestModuleSweepsExpiredChallenges: the mounted module deletes expired
// mfa_tokens in the background at the kernel's time, leaves live ones, and
// stops with the kernel's Close.
func TestModuleSweepsExpiredChallenges(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir()+"/sweep.db")
	if err != nil {
		t.Fatal(err)
	}
	st := testdb.Store(t, db)
	if err := st.MFA().Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	counter := &sweepCounter{Store: st.MFA()}
	cfg := mfa.Config{Issuer: "sweep", Key: make([]byte, mfa.KeySize), SweepInterval: 5 * time.Millisecond}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	auth, err := ginauth.Register(r, ginauth.Config{
		Secret:    []byte("sweep-secret-sweep-secret-sweep-secret"),
		Argon2:    ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		RateLimit: ginauth.RateLimitConfig{Disabled: true},
		Now:       func() time.Time { return now },
		Modules:   []ginauth.Module{mfa.NewModule(cfg, counter)},
	}, st)
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			_ = auth.Close()
		}
	})
	req := httptest.NewRequest(http.MethodPost, "/auth/sign-up", strings.NewReader(`{"email":"sweep@example.com","password":"correct-horse-42"}`))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	var up struct{ User struct{ ID string } }
	if err := json.Unmarshal(w.Body.Bytes(), &up); err != nil || w.Code != http.StatusOK {
		t.Fatalf("sign-up: %d %s", w.Code, w.Body)
	}
	s, err := mfa.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, expired, err := s.NewChallenge(up.User.ID, "password", now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	liveToken, live, err := s.NewChallenge(up.User.ID, "password", now)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []mfa.Challenge{expired, live} {
		if err := st.MFA().CreateChallenge(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, deleted, _ := counter.snapshot(); deleted == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the expired challenge was not swept within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	hash, _ := mfa.HashChallengeToken(liveToken)
	if _, err := st.MFA().Challenge(ctx, hash, 5, now); err != nil {
		t.Fatalf("the live challenge was swept: %v", err)
	}
	if err := auth.Close(); err != nil {
		t.Fatal(err)
	}
	closed = true
	calls, deleted, nows := counter.snapshot()
	for _, n := range nows {
		if !n.Equal(now) {
			t.Fatalf("swept at %v, want the kernel's time %v", n, now)
		}
	}
	time.Sleep(30 * time.Millisecond)
	if again, _, _ := counter.snapshot(); again != calls || deleted != 1 {
		t.Fatalf("after Close: %d sweeps (was %d), %d deleted", again, calls, deleted)
	}
}
