package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/redislimit"
	"github.com/fastauth/fastauth/redisrevoke"
)

// redisPingTimeout bounds the startup ping of REDIS_URL.
const redisPingTimeout = 2 * time.Second

// shared is what the instances of one service share beyond the database:
// with REDIS_URL, the rate limits (redislimit) and, in revocation mode
// immediate, the revocation broadcast (redisrevoke). Its zero value (no
// REDIS_URL) keeps both in the process.
type shared struct {
	rdb  *redis.Client // nil without REDIS_URL
	addr string        // host:port/db of REDIS_URL, without credentials, for the logs

	once     sync.Once
	closeErr error
}

// newShared connects to REDIS_URL, if set, and pings it. An unreachable
// Redis is not fatal: the limiter then lets requests through (rate limits
// fail open) and revocation mode immediate checks sessions in the
// database until the broadcast comes up, so it is logged as a warning.
func newShared(ctx context.Context, cfg config, log *slog.Logger) (*shared, error) {
	if cfg.RedisURL == "" {
		return &shared{}, nil
	}
	opts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil { // loadConfig checked it
		return nil, fmt.Errorf("invalid REDIS_URL: %s", redisURLProblem(err))
	}
	s := &shared{rdb: redis.NewClient(opts), addr: opts.Addr + "/" + strconv.Itoa(opts.DB)}
	pctx, cancel := context.WithTimeout(ctx, redisPingTimeout)
	defer cancel()
	if err := s.rdb.Ping(pctx).Err(); err != nil {
		log.Warn("REDIS_URL does not answer: rate limits are not enforced and revocation mode immediate checks sessions in the database until it does",
			"redis", s.addr, "err", err)
	}
	return s, nil
}

// configure puts the rate limiter and the revocation mode on c.
// AUTH_REVOCATION=immediate without REDIS_URL has no broadcast: sign-outs
// take effect at once on this instance only (logged at startup).
func (s *shared) configure(c *ginauth.Config, cfg config, log *slog.Logger) {
	if s.rdb != nil {
		c.RateLimit.Limiter = redislimit.New(s.rdb, "")
	}
	if cfg.Revocation != string(ginauth.RevocationImmediate) {
		return
	}
	c.Revocation.Mode = ginauth.RevocationImmediate
	if s.rdb != nil {
		c.Revocation.Broadcaster = redisrevoke.New(s.rdb, "")
		return
	}
	c.Revocation.Broadcaster = localBroadcast{}
	log.Warn("AUTH_REVOCATION=immediate without REDIS_URL: revocations take effect on this instance only; other instances accept revoked access tokens until they expire (set REDIS_URL to share them)")
}

// logAttrs says what is shared, for the startup line.
func (s *shared) logAttrs(cfg config) []any {
	redisAddr := "off"
	if s.rdb != nil {
		redisAddr = s.addr
	}
	return []any{slog.String("revocation", cfg.Revocation), slog.String("redis", redisAddr)}
}

// Close closes the Redis client, if any, once fastauth's background work
// (the broadcast's subscription among it) has stopped. It is safe to call
// more than once.
func (s *shared) Close() error {
	s.once.Do(func() {
		if s.rdb != nil {
			if err := s.rdb.Close(); err != nil {
				s.closeErr = fmt.Errorf("close redis: %w", err)
			}
		}
	})
	return s.closeErr
}

// localBroadcast is the revocation broadcast of a single instance: it
// carries nothing to other processes (the instance applies its own
// revocations as it records them) and is always up.
type localBroadcast struct{}

// Publish implements ginauth.Broadcaster: there is nobody to tell.
func (localBroadcast) Publish(context.Context, ginauth.Revocation) error { return nil }

// Listen implements ginauth.Broadcaster: up at once, nothing to deliver.
func (localBroadcast) Listen(_ func(ginauth.Revocation), health func(up bool)) error {
	health(true)
	return nil
}

// Close implements ginauth.Broadcaster.
func (localBroadcast) Close() error { return nil }

var _ ginauth.Broadcaster = localBroadcast{}
