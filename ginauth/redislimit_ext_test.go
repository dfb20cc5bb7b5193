package ginauth_test

import (
	"github.com/redis/go-redis/v9"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/redislimit"
)

func init() {
	ginauth.NewRedisLimiter = func(client redis.UniversalClient, prefix string) ginauth.RateLimiter {
		return redislimit.New(client, prefix)
	}
}
