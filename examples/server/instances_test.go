package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/redislimit"
	"github.com/fastauth/fastauth/redisrevoke"
)

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// TestSharedConfigure: REDIS_URL puts the rate limiter in Redis and, with
// AUTH_REVOCATION=immediate, the broadcast on Redis pub/sub; immediate
// without it is in-process and says so; an unreachable Redis is a warning,
// not a failed start, and its password is never logged.
func TestSharedConfigure(t *testing.T) {
	t.Parallel()
	down := "redis://:hunter2@" + closedPort(t) + "/3"
	tests := []struct {
		name          string
		env           map[string]string
		wantMode      ginauth.RevocationMode
		wantLimiter   bool // a redislimit.Limiter
		wantBroadcast string
		wantLog       []string
		wantAttrs     string
	}{
		{"defaults", nil, "", false, "", nil, "revocation=expiry redis=off"},
		{"immediate, no redis", map[string]string{"AUTH_REVOCATION": "immediate"}, ginauth.RevocationImmediate, false, "local",
			[]string{"AUTH_REVOCATION=immediate without REDIS_URL", "this instance only"}, "revocation=immediate redis=off"},
		{"expiry, redis down", map[string]string{"REDIS_URL": down}, "", true, "",
			[]string{"REDIS_URL does not answer"}, "revocation=expiry redis=127.0.0.1:"},
		{"immediate, redis down", map[string]string{"AUTH_REVOCATION": "immediate", "REDIS_URL": down}, ginauth.RevocationImmediate, true, "redis",
			[]string{"REDIS_URL does not answer"}, "revocation=immediate redis=127.0.0.1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := loadConfig(envMap(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			out := &syncBuffer{}
			log := newLogger(out)
			sh, err := newShared(context.Background(), cfg, log)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = sh.Close() })
			var c ginauth.Config
			sh.configure(&c, cfg, log)

			if c.Revocation.Mode != tt.wantMode {
				t.Errorf("Revocation.Mode = %q, want %q", c.Revocation.Mode, tt.wantMode)
			}
			if _, ok := c.RateLimit.Limiter.(*redislimit.Limiter); ok != tt.wantLimiter || (!tt.wantLimiter && c.RateLimit.Limiter != nil) {
				t.Errorf("RateLimit.Limiter = %T, want redislimit: %v", c.RateLimit.Limiter, tt.wantLimiter)
			}
			switch b := c.Revocation.Broadcaster.(type) {
			case nil:
				if tt.wantBroadcast != "" {
					t.Errorf("no Broadcaster, want %s", tt.wantBroadcast)
				}
			case localBroadcast:
				if tt.wantBroadcast != "local" {
					t.Errorf("Broadcaster local, want %q", tt.wantBroadcast)
				}
			case *redisrevoke.Broadcaster:
				if tt.wantBroadcast != "redis" {
					t.Errorf("Broadcaster redisrevoke, want %q", tt.wantBroadcast)
				}
			default:
				t.Errorf("Broadcaster %T", b)
			}
			if err := c.Revocation.Validate(); err != nil {
				t.Errorf("Revocation.Validate: %v", err)
			}
			logged := out.String()
			for _, w := range tt.wantLog {
				if !strings.Contains(logged, w) {
					t.Errorf("log lacks %q:\n%s", w, logged)
				}
			}
			if len(tt.wantLog) == 0 && logged != "" {
				t.Errorf("unexpected log:\n%s", logged)
			}
			if strings.Contains(logged, "hunter2") {
				t.Errorf("log leaks the Redis password:\n%s", logged)
			}
			attrs := out2attrs(sh.logAttrs(cfg))
			if !strings.HasPrefix(attrs, tt.wantAttrs) {
				t.Errorf("logAttrs = %q, want prefix %q", attrs, tt.wantAttrs)
			}
		})
	}
}

// out2attrs renders slog attributes as the text handler would, key=value
// separated by spaces.
func out2attrs(attrs []any) string {
	var b strings.Builder
	for i, a := range attrs {
		if i > 0 {
			b.WriteByte(' ')
		}
		if at, ok := a.(slog.Attr); ok {
			fmt.Fprintf(&b, "%s=%s", at.Key, at.Value)
		}
	}
	return b.String()
}

// TestLocalBroadcastIsUp: the in-process broadcast reports itself up at
// once and publishes to nobody without failing.
func TestLocalBroadcastIsUp(t *testing.T) {
	t.Parallel()
	var b ginauth.Broadcaster = localBroadcast{}
	up := false
	if err := b.Listen(func(ginauth.Revocation) { t.Error("delivered a revocation") }, func(u bool) { up = u }); err != nil || !up {
		t.Fatalf("Listen = %v, up %v; want nil, up", err, up)
	}
	if err := b.Publish(context.Background(), ginauth.Revocation{Event: "session.revoked"}); err != nil {
		t.Fatalf("Publish = %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
}
