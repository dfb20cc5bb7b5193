// Package ratelimit implements the request limits and sign-in lockouts of
// fastauth: token buckets and consecutive-failure lockouts, in memory (one
// process, Memory here) or in Redis (shared by every instance: the Limiter
// of package redislimit, which computes with Micros, Dur and Interval, so
// that only a service importing redislimit links go-redis).
//
// Buckets use GCRA, the generic cell rate algorithm: a bucket of Limit tokens
// refilled at Limit per Per is represented by one number, its theoretical
// arrival time (TAT). Both backends compute in integer microseconds with the
// same formulas (gcra and cooldown below), so they agree to the microsecond.
//
// Time always comes from the caller's now: nothing here reads a clock, so
// tests drive the limits with a fake clock.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Rule is a token bucket: at most Limit requests at once, refilled at Limit
// per Per (one token every Per/Limit).
type Rule struct {
	Limit int
	Per   time.Duration
}

// Decision is the outcome of Allow.
type Decision struct {
	// Allowed reports whether a token was taken.
	Allowed bool
	// RetryAfter is, when not allowed, how long until a token is available.
	RetryAfter time.Duration
}

// LockoutPolicy is the per-account sign-in lockout: after Threshold
// consecutive failures the account is locked for Cooldown; every further
// failure (made once the lock has passed) locks it again for twice the
// previous cool-down, up to MaxCooldown. A success resets it. A record with
// no failure for Forget is dropped, so no lock is ever permanent.
//
// Attempts are counted when they are reserved, before the password is
// checked (ReserveAttempt), so that concurrent guesses cannot all pass a
// check made before any of them is counted; the caller resets the record
// when the password was right.
type LockoutPolicy struct {
	Threshold   int
	Cooldown    time.Duration
	MaxCooldown time.Duration
	Forget      time.Duration
}

// ErrInvalidRule reports a Rule or LockoutPolicy that cannot be applied.
var ErrInvalidRule = errors.New("ratelimit: invalid rule")

// Limiter stores buckets and lockouts. Implementations are safe for
// concurrent use. Keys are opaque; callers namespace them.
type Limiter interface {
	// Allow takes one token from the bucket key under rule at now.
	Allow(ctx context.Context, key string, rule Rule, now time.Time) (Decision, error)
	// ReserveAttempt atomically checks key's lockout at now and, unless it
	// is locked, counts one attempt as a failure (starting a lock when the
	// count reaches the policy's threshold). It returns how long key stays
	// locked: 0 means the attempt is reserved and may be made; a locked key
	// counts nothing.
	ReserveAttempt(ctx context.Context, key string, policy LockoutPolicy, now time.Time) (time.Duration, error)
	// ResetLockout forgets key's failures (a success).
	ResetLockout(ctx context.Context, key string) error
}

// Validate reports whether r can be applied.
func (r Rule) Validate() error {
	if r.Limit < 1 || r.Per < time.Microsecond {
		return fmt.Errorf("%w: limit %d per %s (want limit >= 1, per >= 1µs)", ErrInvalidRule, r.Limit, r.Per)
	}
	return nil
}

// Validate reports whether p can be applied.
func (p LockoutPolicy) Validate() error {
	if p.Threshold < 1 || p.Cooldown < time.Microsecond || p.MaxCooldown < p.Cooldown || p.Forget < time.Microsecond {
		return fmt.Errorf("%w: lockout threshold %d, cool-down %s..%s, forget %s", ErrInvalidRule, p.Threshold, p.Cooldown, p.MaxCooldown, p.Forget)
	}
	return nil
}

// micros is t in Unix microseconds.
func micros(t time.Time) int64 { return t.UnixMicro() }

// dur converts microseconds to a Duration.
func dur(us int64) time.Duration { return time.Duration(us) * time.Microsecond }

// interval is the emission interval of r in microseconds, rounded up so a
// bucket never refills faster than r says.
func (r Rule) interval() int64 {
	per := r.Per.Microseconds()
	lim := int64(r.Limit)
	return (per + lim - 1) / lim
}

// Micros, Dur and Interval are micros, dur and Rule.interval for the Redis
// limiter in package redislimit, which computes exactly like Memory.
func Micros(t time.Time) int64 { return micros(t) }

// Dur converts microseconds to a Duration (see Micros).
func Dur(us int64) time.Duration { return dur(us) }

// Interval is the emission interval of r in microseconds (see Micros).
func Interval(r Rule) int64 { return r.interval() }

// gcra applies one request at now to a bucket whose theoretical arrival time
// is tat (0 for a new bucket). It returns the TAT to store (unchanged when
// refused), whether the request is allowed and, if not, how long until it
// would be (microseconds). The burst is exactly limit.
func gcra(tat, now, interval, limit int64) (next int64, allowed bool, retry int64) {
	if tat < now {
		tat = now
	}
	next = tat + interval
	burst := interval * limit
	if over := next - now - burst; over > 0 {
		return tat, false, over
	}
	return next, true, 0
}

// cooldown is the lock length after failures consecutive failures under p
// (microseconds; 0 below the threshold).
func cooldown(p LockoutPolicy, failures int64) int64 {
	if failures < int64(p.Threshold) {
		return 0
	}
	cd, ceiling := p.Cooldown.Microseconds(), p.MaxCooldown.Microseconds()
	for i := int64(p.Threshold); i < failures && cd < ceiling; i++ {
		cd *= 2
	}
	return min(cd, ceiling)
}
