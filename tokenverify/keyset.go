package tokenverify

import (
	"context"
	"crypto"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Backoff of the retries while the JWK Set cannot be fetched: the first
// retry after about minBackoff, each later one after twice as long, up to
// min(maxBackoff, Config.RefreshInterval).
const (
	minBackoff = time.Second
	maxBackoff = 30 * time.Second
)

// keySet holds the issuer's verifying keys: the last JWK Set fetched,
// read without locks on every verification, and the fetches that renew
// it. At most one fetch runs at a time; whoever needs one while it runs
// waits for it rather than start another.
type keySet struct {
	url             string
	client          *http.Client
	now             func() time.Time
	log             *slog.Logger
	life            context.Context // ends the refresh loop; bounds fetches
	refreshInterval time.Duration
	minBackoff      time.Duration // minBackoff; tests shorten it

	keys atomic.Pointer[map[string]*publicKey] // nil until the first successful fetch

	mu          sync.Mutex
	inflight    *fetch    // the running fetch, if any
	lastUnknown time.Time // start of the last fetch for an unknown kid (Config.Now)
	failures    int       // consecutive failed fetches
}

// fetch is one download of the JWK Set; done closes when it ends.
type fetch struct {
	done chan struct{}
	err  error
}

// newKeySet returns the key set of cfg (defaults applied), retrying
// failed fetches after backoff at first; run is its refresh loop, which
// ends with ctx.
func newKeySet(ctx context.Context, cfg Config, backoff time.Duration) *keySet {
	return &keySet{
		url:             cfg.JWKSURL,
		client:          cfg.HTTPClient,
		now:             cfg.Now,
		log:             cfg.Logger,
		life:            ctx,
		refreshInterval: cfg.RefreshInterval,
		minBackoff:      backoff,
	}
}

// key returns the key named kid. A kid the set lacks (or a set not yet
// fetched) makes it wait for the running fetch, or start one unless a
// fetch for an unknown kid started less than UnknownKeyRefetchInterval
// ago; it waits no longer than ctx allows.
func (s *keySet) key(ctx context.Context, kid string) (*publicKey, error) {
	keys := s.keys.Load()
	if keys != nil {
		if k := (*keys)[kid]; k != nil {
			return k, nil
		}
	}
	f := s.fetchForUnknown()
	if f == nil {
		return nil, s.unknown(keys, kid)
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: waiting for the JWK Set: %w", ErrInvalidToken, ctx.Err())
	}
	keys = s.keys.Load()
	if keys != nil {
		if k := (*keys)[kid]; k != nil {
			return k, nil
		}
	}
	return nil, s.unknown(keys, kid)
}

// current reports whether key is still the issuer's key named kid.
func (s *keySet) current(kid string, key *publicKey) bool {
	keys := s.keys.Load()
	return keys != nil && (*keys)[kid] == key
}

// carryOver returns fetched, in which each key that old holds unchanged
// (same kid, algorithm and public key) is old's value, so that the tokens
// it verified stay cached across refreshes.
func carryOver(old *map[string]*publicKey, fetched map[string]*publicKey) *map[string]*publicKey {
	if old != nil {
		for kid, k := range fetched {
			if o := (*old)[kid]; o != nil && o.alg == k.alg && samePublicKey(o.key, k.key) {
				fetched[kid] = o
			}
		}
	}
	return &fetched
}

// samePublicKey reports whether a and b are the same Ed25519 or ECDSA key.
func samePublicKey(a, b any) bool {
	ka, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ka.Equal(b)
}

// unknown is the error for a kid missing from keys.
func (s *keySet) unknown(keys *map[string]*publicKey, kid string) error {
	if keys == nil {
		return ErrKeysUnavailable
	}
	return fmt.Errorf("%w: unknown key id %q", ErrInvalidToken, truncate(kid))
}

// fetchForUnknown returns the running fetch, or starts one if no fetch
// for an unknown kid started within UnknownKeyRefetchInterval, or returns
// nil.
func (s *keySet) fetchForUnknown() *fetch {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inflight != nil {
		return s.inflight
	}
	now := s.now()
	if !s.lastUnknown.IsZero() && now.Sub(s.lastUnknown) < UnknownKeyRefetchInterval && !now.Before(s.lastUnknown) {
		return nil
	}
	s.lastUnknown = now
	return s.startLocked()
}

// startLocked starts a fetch (s.mu held, none running). It runs on its
// own goroutine, bounded by the set's life and fetchTimeout, not by the
// request that asked for it: others may be waiting for it too.
func (s *keySet) startLocked() *fetch {
	f := &fetch{done: make(chan struct{})}
	s.inflight = f
	go func() {
		ctx, cancel := context.WithTimeout(s.life, fetchTimeout)
		keys, err := fetchJWKS(ctx, s.client, s.url, s.log)
		cancel()
		s.mu.Lock()
		if err == nil {
			s.keys.Store(carryOver(s.keys.Load(), keys))
			s.failures = 0
		} else {
			err = fmt.Errorf("tokenverify: fetch JWK Set %s: %w", s.url, err)
			s.failures++
		}
		f.err = err
		s.inflight = nil
		s.mu.Unlock()
		if err != nil {
			s.log.Warn("tokenverify: JWK Set fetch failed; keeping the keys already known", "err", err)
		}
		close(f.done)
	}()
	return f
}

// join returns the running fetch or starts one.
func (s *keySet) join() *fetch {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inflight != nil {
		return s.inflight
	}
	return s.startLocked()
}

// run waits for first, the fetch New started, then fetches the set every
// refreshInterval, retrying a failed fetch with exponential backoff (with
// jitter, so that the instances of a service do not retry in step), until
// s.life ends.
func (s *keySet) run(first *fetch) {
	timer := time.NewTimer(0)
	timer.Stop()
	defer timer.Stop()
	f := first
	for {
		select {
		case <-s.life.Done():
			return
		case <-f.done:
		}
		wait := s.refreshInterval
		if f.err != nil {
			s.mu.Lock()
			wait = s.backoff(s.failures)
			s.mu.Unlock()
		}
		timer.Reset(wait)
		select {
		case <-s.life.Done():
			return
		case <-timer.C:
		}
		f = s.join()
	}
}

// backoff is the wait after n consecutive failures: minBackoff doubled
// per failure, capped, and drawn from its upper half.
func (s *keySet) backoff(n int) time.Duration {
	limit := min(maxBackoff, s.refreshInterval)
	d := s.minBackoff
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	return d/2 + rand.N(d/2+1)
}

// truncate shortens an attacker-chosen string for an error message.
func truncate(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
