package audit_test

import (
	"testing"
	"time"

	"github.com/fastauth/fastauth/audit"
)

// TestDefaultBackoff follows the default schedule many times (jitter is
// random) and checks the rules: first retry within a minute, delays that
// grow until the cap, retries for at least 24 hours and not much more.
func TestDefaultBackoff(t *testing.T) {
	t.Parallel()
	b := audit.DefaultBackoff()
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	queued := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	for range 2000 {
		now, attempts := queued, 1
		var delays []time.Duration
		for {
			next, ok := b.Next(attempts, queued, now)
			if !ok {
				break
			}
			delays = append(delays, next.Sub(now))
			now, attempts = next, attempts+1
		}
		if delays[0] > time.Minute || delays[0] <= 0 {
			t.Fatalf("first retry after %v", delays[0])
		}
		if total := now.Sub(queued); total < 24*time.Hour || total > 33*time.Hour {
			t.Fatalf("gave up %v after the first attempt (%d attempts, delays %v)", total, attempts, delays)
		}
		if attempts < 9 || attempts > 14 {
			t.Fatalf("%d attempts", attempts)
		}
		for i := 1; i < len(delays); i++ {
			lo := time.Duration(float64(b.Nominal(i+1)) * (1 - b.Jitter))
			hi := time.Duration(float64(b.Nominal(i+1)) * (1 + b.Jitter))
			if delays[i] < lo || delays[i] > hi {
				t.Fatalf("retry %d after %v, outside [%v, %v]", i+1, delays[i], lo, hi)
			}
		}
	}
	for n, want := range map[int]time.Duration{1: 10 * time.Second, 2: 30 * time.Second, 3: 90 * time.Second, 8: 6*time.Hour + 4*time.Minute + 30*time.Second, 9: 8 * time.Hour, 50: 8 * time.Hour} {
		if got := b.Nominal(n); got != want {
			t.Errorf("Nominal(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestBackoffValidate(t *testing.T) {
	t.Parallel()
	for _, b := range []audit.Backoff{
		{First: 0, Factor: 2, Max: time.Hour, RetryFor: time.Hour},
		{First: time.Second, Factor: 0.5, Max: time.Hour, RetryFor: time.Hour},
		{First: time.Hour, Factor: 2, Max: time.Second, RetryFor: time.Hour},
		{First: time.Second, Factor: 2, Max: time.Hour, Jitter: 1, RetryFor: time.Hour},
		{First: time.Second, Factor: 2, Max: time.Hour},
	} {
		if err := b.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil", b)
		}
	}
}
