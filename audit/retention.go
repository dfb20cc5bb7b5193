package audit

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Retention defaults.
const (
	DefaultRetention         = 365 * 24 * time.Hour
	DefaultRetentionInterval = time.Hour
	DefaultPurgeBatch        = 1000
)

// Retention deletes the events older than Period, with their deliveries.
type Retention struct {
	// Store holds the events.
	Store EventStore
	// Period is how long events are kept (DefaultRetention when zero).
	Period time.Duration
	// Interval is how often Run purges (DefaultRetentionInterval when
	// zero).
	Interval time.Duration
	// Batch is the most events one statement deletes
	// (DefaultPurgeBatch when zero), so a purge holds no long lock.
	Batch int
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Logger receives purge failures; nil discards.
	Logger *slog.Logger
}

func (r Retention) withDefaults() Retention {
	if r.Period <= 0 {
		r.Period = DefaultRetention
	}
	if r.Interval <= 0 {
		r.Interval = DefaultRetentionInterval
	}
	if r.Batch <= 0 {
		r.Batch = DefaultPurgeBatch
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Logger == nil {
		r.Logger = slog.New(slog.DiscardHandler)
	}
	return r
}

// Purge deletes every event that occurred more than Period ago, batch by
// batch, and returns how many it deleted.
func (r Retention) Purge(ctx context.Context) (int, error) {
	if r.Store == nil {
		return 0, fmt.Errorf("%w: retention without a store", ErrInvalidConfig)
	}
	r = r.withDefaults()
	cutoff := r.Now().Add(-r.Period)
	total := 0
	for {
		n, err := r.Store.PurgeEvents(ctx, cutoff, r.Batch)
		total += n
		if err != nil {
			return total, fmt.Errorf("audit: purge events: %w", err)
		}
		if n < r.Batch {
			return total, nil
		}
	}
}

// Run purges at once and then every Interval until ctx ends; it returns
// nil then. Failures are logged and retried at the next interval.
func (r Retention) Run(ctx context.Context) error {
	if r.Store == nil {
		return fmt.Errorf("%w: retention without a store", ErrInvalidConfig)
	}
	r = r.withDefaults()
	t := time.NewTicker(r.Interval)
	defer t.Stop()
	for {
		if _, err := r.Purge(ctx); err != nil && ctx.Err() == nil {
			r.Logger.Warn("audit retention: purge failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
