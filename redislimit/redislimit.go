// Package redislimit keeps fastauth's rate limits and sign-in lockouts in
// Redis, so that every instance of a service behind a load balancer shares
// them:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	cfg.RateLimit.Limiter = redislimit.New(rdb, "")
//
// Each operation is one atomic Lua script (or one DEL) on one key,
// so it works on Redis Cluster too. Every key carries a TTL after which its
// state equals "absent"; nothing needs cleaning up. Instances compute time
// from their own clocks (the injected Config.Now), which are assumed to be
// NTP-synchronised.
//
// When Redis fails, ginauth logs the error and lets the request through:
// rate limits fail open so that a Redis outage never locks users out of
// authentication. Monitor the "rate limiter failed" log line.
//
// Only a service that imports this package links go-redis: ginauth's
// default limiter is in memory.
package redislimit

import (
	"github.com/redis/go-redis/v9"

	"github.com/fastauth/fastauth/ginauth"
)

// DefaultPrefix starts every key when New is given an empty prefix.
const DefaultPrefix = "fastauth:rl:"

var _ ginauth.RateLimiter = (*Limiter)(nil)

// New returns a limiter on client (a *redis.Client, *redis.ClusterClient or
// *redis.Ring) whose keys all start with prefix (DefaultPrefix when empty).
// Give services that share a Redis but not their users different prefixes.
func New(client redis.UniversalClient, prefix string) *Limiter {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Limiter{client: client, prefix: prefix}
}
