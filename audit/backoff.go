package audit

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"time"
)

// Backoff is the retry schedule of webhook deliveries: exponential delays
// with jitter, retried for at least RetryFor after the first attempt.
//
// The n-th retry (n >= 1) waits First * Factor^(n-1), at most Max, times a
// random factor in [1-Jitter, 1+Jitter]. A failed attempt that ends
// RetryFor or later after the delivery was queued is the last: the
// delivery is then failed. So retries go on for at least RetryFor
// whatever the jitter, and stop soon after it.
type Backoff struct {
	First    time.Duration
	Factor   float64
	Max      time.Duration
	Jitter   float64
	RetryFor time.Duration
}

// DefaultBackoff retries after about 10 s, 30 s, 1.5 min, 4.5 min, 13.5
// min, 40 min, 2 h, 6 h, then every 8 h, for 24 h: eleven or twelve
// attempts in all.
func DefaultBackoff() Backoff {
	return Backoff{First: 10 * time.Second, Factor: 3, Max: 8 * time.Hour, Jitter: 0.1, RetryFor: 24 * time.Hour}
}

// Validate reports a schedule that cannot work.
func (b Backoff) Validate() error {
	if b.First <= 0 || b.Factor < 1 || b.Max < b.First || b.Jitter < 0 || b.Jitter >= 1 || b.RetryFor <= 0 {
		return fmt.Errorf("%w: backoff needs First > 0, Factor >= 1, Max >= First, 0 <= Jitter < 1, RetryFor > 0", ErrInvalidConfig)
	}
	return nil
}

// Nominal is the delay before retry n (n >= 1) without jitter.
func (b Backoff) Nominal(n int) time.Duration {
	d := float64(b.First)
	for i := 1; i < n && d < float64(b.Max); i++ {
		d *= b.Factor
	}
	if d > float64(b.Max) {
		return b.Max
	}
	return time.Duration(d)
}

// Next decides what follows a failed attempt (the attempt-th, 1-based) of
// a delivery queued at queued that ended at now: retry at the returned
// time, or give up (false) once RetryFor has passed since queued.
func (b Backoff) Next(attempt int, queued, now time.Time) (time.Time, bool) {
	if now.Sub(queued) >= b.RetryFor {
		return time.Time{}, false
	}
	d := float64(b.Nominal(attempt))
	d *= 1 + b.Jitter*(2*unitRandom()-1)
	return now.Add(time.Duration(d)), true
}

// unitRandom returns a uniformly random number in [0, 1) from crypto/rand.
func unitRandom() float64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return float64(binary.BigEndian.Uint64(b[:])>>11) / (1 << 53)
}
