package ginauth

import "github.com/redis/go-redis/v9"

// NewRedisLimiter returns the Redis limiter of package redislimit for the
// rate-limit tests here. redislimit imports ginauth, so this package's own
// tests cannot import it: redislimit_ext_test.go, an external test file
// compiled into the same test binary, sets NewRedisLimiter in its init.
var NewRedisLimiter func(client redis.UniversalClient, prefix string) RateLimiter
