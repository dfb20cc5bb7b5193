package ratelimit_test

import (
	"github.com/redis/go-redis/v9"

	"github.com/fastauth/fastauth/internal/ratelimit"
	"github.com/fastauth/fastauth/redislimit"
)

func init() {
	ratelimit.NewRedis = func(client redis.UniversalClient, prefix string) ratelimit.Limiter {
		return redislimit.New(client, prefix)
	}
}
