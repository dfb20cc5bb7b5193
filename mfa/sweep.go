package mfa

import (
	"context"
	"time"
)

// sweepTimeout bounds one deletion of expired mfa_tokens.
const sweepTimeout = 30 * time.Second

// sweep starts deleting the expired mfa_tokens every interval, at the
// kernel's time, and returns the function that stops it and waits for a
// sweep under way (for Host.OnClose). A failed sweep is logged; the next
// one retries.
func (m *Module) sweep(every time.Duration) func() error {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			sctx, stop := context.WithTimeout(ctx, sweepTimeout)
			n, err := m.store.DeleteExpiredChallenges(sctx, m.h.Now())
			stop()
			switch {
			case err != nil && ctx.Err() == nil:
				m.h.Logger().ErrorContext(ctx, "fastauth: deleting expired mfa_tokens failed", "err", err)
			case n > 0:
				m.h.Logger().DebugContext(ctx, "fastauth: deleted expired mfa_tokens", "count", n)
			}
		}
	}()
	return func() error {
		cancel()
		<-done
		return nil
	}
}
