package ginauth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fastauth/fastauth/conformance"
	"github.com/fastauth/fastauth/ginauth"
)

// failAfterRotation is a backend whose first UserByID after a successful
// refresh-token rotation fails as an unreachable database would: the
// rotation has committed, the read that follows it has not.
type failAfterRotation struct {
	ginauth.Backend
	armed, rotated atomic.Bool
}

func (b *failAfterRotation) RotateRefreshToken(ctx context.Context, tokenHash []byte, next ginauth.RefreshToken, now time.Time) (ginauth.Session, error) {
	s, err := b.Backend.RotateRefreshToken(ctx, tokenHash, next, now)
	if err == nil && b.armed.Load() {
		b.rotated.Store(true)
	}
	return s, err
}

func (b *failAfterRotation) UserByID(ctx context.Context, id string) (ginauth.User, error) {
	if b.rotated.CompareAndSwap(true, false) {
		b.armed.Store(false)
		return ginauth.User{}, fmt.Errorf("injected: %w", ginauth.ErrStoreUnavailable)
	}
	return b.Backend.UserByID(ctx, id)
}

// TestRefreshStoreErrorAfterRotationKeepsSuccessor: when the store fails
// after a rotation committed, the 503 still carries the successor refresh
// token, so the client's retry succeeds instead of replaying the consumed
// token (which, past the grace window, would revoke the session as stolen).
func TestRefreshStoreErrorAfterRotationKeepsSuccessor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, cleanup := newExampleStore(ctx)
	t.Cleanup(cleanup)
	backend := &failAfterRotation{Backend: st}
	clock := conformance.NewClock(time.Now())
	cfg := exampleConfig()
	cfg.Now = clock.Now
	base := serveAuth(t, backend, cfg)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	do := func(path, body string) *http.Response {
		t.Helper()
		res, err := client.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		return res
	}
	refreshToken := func() string {
		u, _ := url.Parse(base + "/auth/refresh")
		for _, c := range jar.Cookies(u) {
			if c.Name == "refresh_token" {
				return c.Value
			}
		}
		return ""
	}
	if res := do("/auth/sign-up", `{"email":"ada@example.com","password":"correct-horse-42"}`); res.StatusCode != http.StatusOK {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}
	before := refreshToken()

	backend.armed.Store(true)
	res := do("/auth/refresh", "")
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("refresh with the store failing after the rotation: %d, want 503", res.StatusCode)
	}
	if after := refreshToken(); after == "" || after == before {
		t.Error("the 503 after a committed rotation did not hand over the successor refresh token")
	}
	// The client retries later, past the reuse grace window.
	clock.Advance(time.Minute)
	if res := do("/auth/refresh", ""); res.StatusCode != http.StatusOK {
		t.Errorf("retry after the store came back: %d, want 200", res.StatusCode)
	}
	u, err := st.UserByEmail(ctx, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if list, err := st.ListSessions(ctx, u.ID, clock.Now()); err != nil || len(list) != 1 {
		t.Fatalf("active sessions after the retry: %v, %v; want the one session, not revoked", list, err)
	}
}
