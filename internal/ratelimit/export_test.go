package ratelimit

import "github.com/redis/go-redis/v9"

// NewRedis returns the Redis limiter the behavior tests run beside Memory.
// That limiter lives in package redislimit, which imports this package, so
// this package's own tests cannot import it: redis_test.go, an external
// test file compiled into the same test binary, sets NewRedis in its init.
var NewRedis func(client redis.UniversalClient, prefix string) Limiter
