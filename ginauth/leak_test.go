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
