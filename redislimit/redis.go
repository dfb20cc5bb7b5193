package redislimit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fastauth/fastauth/internal/ratelimit"
)

// Limiter is a ginauth.RateLimiter kept in Redis, so that every instance
// of a service shares the limits. Each operation is one atomic Lua script;
// every key carries a TTL after which its state is equivalent to absent, so
// Redis holds nothing stale. Times are passed in by the caller (the
// instances' clocks are assumed NTP-synchronised) and computed in integer
// microseconds, exactly like the in-memory limiter. It is safe for
// concurrent use.
type Limiter struct {
	client redis.UniversalClient
	prefix string
}

// allowScript is gcra: KEYS[1] bucket; ARGV now, interval, limit (µs, µs, n).
// Numbers are Lua doubles, exact below 2^53 (Unix µs is about 2^51); they
// are written back with %d so no digit is lost.
var allowScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nxt = tat + interval
local over = nxt - now - interval * limit
if over > 0 then return {0, string.format('%d', over)} end
local ttl = math.floor((nxt - now) / 1000) + 1
redis.call('SET', KEYS[1], string.format('%d', nxt), 'PX', string.format('%d', ttl))
return {1, '0'}
`)

// reserveScript reserves a sign-in attempt: KEYS[1] lockout hash {f
// failures, u locked until, e forget at}; ARGV now, threshold, cooldown,
// max cooldown, forget (µs except threshold). A locked key returns the time
// left and changes nothing; otherwise the attempt counts as a failure and
// '0' is returned. It mirrors internal/ratelimit: Memory.ReserveAttempt
// and cooldown.
var reserveScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local threshold = tonumber(ARGV[2])
local cd = tonumber(ARGV[3])
local ceiling = tonumber(ARGV[4])
local forget = tonumber(ARGV[5])
local e = tonumber(redis.call('HGET', KEYS[1], 'e') or '0')
if e <= now then redis.call('DEL', KEYS[1]) end
local untl = tonumber(redis.call('HGET', KEYS[1], 'u') or '0')
if untl > now then return string.format('%d', untl - now) end
local f = redis.call('HINCRBY', KEYS[1], 'f', 1)
if f >= threshold then
  local i = threshold
  while i < f and cd < ceiling do
    cd = cd * 2
    i = i + 1
  end
  if cd > ceiling then cd = ceiling end
  untl = now + cd
  redis.call('HSET', KEYS[1], 'u', string.format('%d', untl))
end
local base = untl
if base < now then base = now end
redis.call('HSET', KEYS[1], 'e', string.format('%d', base + forget))
redis.call('PEXPIRE', KEYS[1], string.format('%d', math.floor((base + forget - now) / 1000) + 1))
return '0'
`)

// Allow implements ginauth.RateLimiter.
func (r *Limiter) Allow(ctx context.Context, key string, rule ratelimit.Rule, now time.Time) (ratelimit.Decision, error) {
	if err := rule.Validate(); err != nil {
		return ratelimit.Decision{}, err
	}
	res, err := allowScript.Run(ctx, r.client, []string{r.prefix + "b:" + key}, ratelimit.Micros(now), ratelimit.Interval(rule), rule.Limit).Slice()
	if err != nil {
		return ratelimit.Decision{}, fmt.Errorf("ratelimit: redis allow: %w", err)
	}
	if len(res) != 2 {
		return ratelimit.Decision{}, fmt.Errorf("ratelimit: redis allow: unexpected reply %v", res)
	}
	allowed, _ := res[0].(int64)
	var retry int64
	if s, ok := res[1].(string); ok {
		var err error
		if retry, err = strconv.ParseInt(s, 10, 64); err != nil {
			return ratelimit.Decision{}, fmt.Errorf("ratelimit: redis allow: bad reply %q: %w", s, err)
		}
	}
	if allowed == 1 {
		return ratelimit.Decision{Allowed: true}, nil
	}
	return ratelimit.Decision{RetryAfter: ratelimit.Dur(retry)}, nil
}

// ReserveAttempt implements ginauth.RateLimiter.
func (r *Limiter) ReserveAttempt(ctx context.Context, key string, p ratelimit.LockoutPolicy, now time.Time) (time.Duration, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	left, err := reserveScript.Run(ctx, r.client, []string{r.prefix + "l:" + key},
		ratelimit.Micros(now), p.Threshold, p.Cooldown.Microseconds(), p.MaxCooldown.Microseconds(), p.Forget.Microseconds()).Int64()
	if err != nil {
		return 0, fmt.Errorf("ratelimit: redis reserve attempt: %w", err)
	}
	return ratelimit.Dur(left), nil
}

// ResetLockout implements ginauth.RateLimiter.
func (r *Limiter) ResetLockout(ctx context.Context, key string) error {
	if err := r.client.Del(ctx, r.prefix+"l:"+key).Err(); err != nil {
		return fmt.Errorf("ratelimit: redis reset lockout: %w", err)
	}
	return nil
}
