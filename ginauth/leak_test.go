package ginauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestStoreFailureLeaksNothing: whatever a store error says, the client
// gets a fixed body; unreachable stores are 503 with Retry-After.
func TestStoreFailureLeaksNothing(t *testing.T) {
	t.Parallel()
	a := &Auth{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	secret := "dial tcp 10.1.2.3:5432: password authentication failed for user \"admin\" (hunter2)"
	for _, tc := range []struct {
		err    error
		status int
		code   string
	}{
		{errors.New(secret), http.StatusInternalServerError, CodeInternal},
		{fmt.Errorf("store: users: %w", errors.New(secret)), http.StatusInternalServerError, CodeInternal},
		{fmt.Errorf("%w: %s", ErrStoreUnavailable, secret), http.StatusServiceUnavailable, CodeStoreUnavailable},
		{fmt.Errorf("query %s: %w", secret, context.DeadlineExceeded), http.StatusServiceUnavailable, CodeStoreUnavailable},
	} {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodGet, "/auth/me", nil)
		a.storeFailure(c, tc.err)
		if w.Code != tc.status {
			t.Errorf("%v: status %d, want %d", tc.err, w.Code, tc.status)
		}
		body := expectErrorBody(t, w.Body.Bytes())
		if body.Code != tc.code {
			t.Errorf("%v: code %q, want %q", tc.err, body.Code, tc.code)
		}
		for _, leak := range []string{"10.1.2.3", "admin", "hunter2", "password", "tcp"} {
			if strings.Contains(w.Body.String(), leak) {
				t.Errorf("%v: body %s leaks %q", tc.err, w.Body, leak)
			}
		}
		if tc.status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
			t.Errorf("%v: 503 without Retry-After", tc.err)
		}
	}
}

// TestStoreFailureOfCanceledRequest: a store call that ended because the
// client disconnected is not logged as a store error.
func TestStoreFailureOfCanceledRequest(t *testing.T) {
	t.Parallel()
	var logged strings.Builder
	a := &Auth{log: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequestWithContext(ctx, http.MethodPost, "/auth/sign-in", nil)
	a.storeFailure(c, fmt.Errorf("store: memberships: %w", context.Canceled))
	if w.Code != http.StatusServiceUnavailable || logged.Len() != 0 {
		t.Fatalf("status %d, log %q; want 503 and nothing at info level or above", w.Code, logged.String())
	}

	// The same error while the request is still live is a store error.
	w = httptest.NewRecorder()
	c, _ = gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodPost, "/auth/sign-in", nil)
	a.storeFailure(c, fmt.Errorf("store: memberships: %w", context.Canceled))
	if w.Code != http.StatusInternalServerError || !strings.Contains(logged.String(), "level=ERROR") {
		t.Fatalf("status %d, log %q; want 500 and an error record", w.Code, logged.String())
	}
}
