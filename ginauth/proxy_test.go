package ginauth_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
)

// TestTrustedProxiesWarning: at the first request, the middleware warns
// (once) when the engine believes X-Forwarded-For from any client, gin's
// default; an engine whose proxies are configured, before or after
// Register, gets no warning. The check asks the engine that serves the
// request, so a RouterGroup mount is covered too.
func TestTrustedProxiesWarning(t *testing.T) {
	t.Parallel()
	gin.SetMode(gin.ReleaseMode)
	st, cleanup := newExampleStore(context.Background())
	t.Cleanup(cleanup)
	for _, tc := range []struct {
		name   string
		before func(r *gin.Engine) error // before Register
		after  func(r *gin.Engine) error // after Register
		group  bool
		warn   bool
	}{
		{name: "never configured", warn: true},
		{name: "never configured, mounted on a group", group: true, warn: true},
		{name: "trusts everyone", before: func(r *gin.Engine) error { return r.SetTrustedProxies([]string{"0.0.0.0/0", "::/0"}) }, warn: true},
		{name: "no proxies", before: func(r *gin.Engine) error { return r.SetTrustedProxies(nil) }},
		{name: "private proxies", before: func(r *gin.Engine) error { return r.SetTrustedProxies([]string{"10.0.0.0/8", "fd00::/8"}) }},
		{name: "configured after Register", after: func(r *gin.Engine) error { return r.SetTrustedProxies([]string{"10.0.0.1"}) }},
		{name: "forwarding headers off", before: func(r *gin.Engine) error { r.ForwardedByClientIP = false; return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs syncLog
			r := gin.New()
			if tc.before != nil {
				if err := tc.before(r); err != nil {
					t.Fatal(err)
				}
			}
			cfg := exampleConfig()
			cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			cfg.Mailer = ginauth.NewLogMailer(nil) // no mail warning
			var router gin.IRouter = r
			if tc.group {
				router = r.Group("")
			}
			auth, err := ginauth.Register(router, cfg, st)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = auth.Close() })
			if tc.after != nil {
				if err := tc.after(r); err != nil {
					t.Fatal(err)
				}
			}
			if strings.Contains(logs.String(), "SetTrustedProxies") {
				t.Fatalf("warned before any request: %s", logs.String())
			}
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() {
					req := httptest.NewRequest(http.MethodGet, "/auth/me", nil)
					req.Header.Set("X-Forwarded-For", "192.0.2.1")
					r.ServeHTTP(httptest.NewRecorder(), req)
				})
			}
			wg.Wait()
			n := strings.Count(logs.String(), "Engine.SetTrustedProxies was never called")
			switch {
			case tc.warn && n != 1:
				t.Fatalf("%d warnings, want exactly 1: %s", n, logs.String())
			case !tc.warn && n != 0:
				t.Fatalf("unexpected warning: %s", logs.String())
			}
		})
	}
}

// syncLog is a bytes.Buffer safe for concurrent writers.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
