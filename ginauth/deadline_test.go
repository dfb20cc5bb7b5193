package ginauth_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
)

// TestStoreDeadlineExcludesHashQueue: StoreTimeout bounds store calls, not
// the wait for a password-hashing slot. A correct sign-in or password
// change that queues for the hash longer than StoreTimeout (but within
// HashQueueTimeout) succeeds instead of failing with 503 on a deadline
// that started before the hash.
func TestStoreDeadlineExcludesHashQueue(t *testing.T) {
	t.Parallel()
	// The store calls themselves must fit in StoreTimeout on a loaded CI
	// machine under -race, so the margin is wide: the hash wait is three
	// times the store deadline, and the deadline is generous on its own.
	const queued = 2400 * time.Millisecond
	st, cleanup := newExampleStore(context.Background())
	t.Cleanup(cleanup)
	cfg := exampleConfig()
	cfg.StoreTimeout = queued / 3
	cfg.HashQueueTimeout = 10 * time.Second
	cfg.MaxConcurrentHashes = 1
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	auth, err := ginauth.Register(r, cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(func() {
		srv.Close()
		_ = auth.Close()
	})
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	do := func(path, body string) int {
		t.Helper()
		res, err := client.Post(srv.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		return res.StatusCode
	}
	if s := do("/auth/sign-up", `{"email":"ada@example.com","password":"correct-horse-42"}`); s != http.StatusOK {
		t.Fatalf("sign-up: %d", s)
	}
	for _, tc := range []struct{ name, path, body string }{
		{"sign-in", "/auth/sign-in", `{"email":"ada@example.com","password":"correct-horse-42"}`},
		{"password change", "/auth/password/change", `{"current_password":"correct-horse-42","new_password":"battery-staple-77"}`},
	} {
		release := ginauth.HoldHashSlots(auth)
		timer := time.AfterFunc(queued, release)
		start := time.Now()
		status := do(tc.path, tc.body)
		timer.Stop()
		if waited := time.Since(start); waited < queued {
			t.Fatalf("%s answered after %s, before the hashing slot was freed (%s): the test proves nothing", tc.name, waited, queued)
		}
		if status != http.StatusOK {
			t.Errorf("%s after queueing %s for the hash (StoreTimeout %s): %d, want 200", tc.name, queued, cfg.StoreTimeout, status)
		}
	}
}
