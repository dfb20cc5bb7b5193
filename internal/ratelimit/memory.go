package ratelimit

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// Memory bounds: the limiter keeps at most MaxKeys entries (buckets plus
// lockout records). Idle entries (a full bucket, a lockout record past its
// Forget time) are swept when a shard doubles in size; if a shard is still
// over its share of MaxKeys after a sweep, arbitrary entries are dropped
// (buckets first), which can only make a limit more lenient, never refuse a
// request wrongly.
const (
	memoryShards   = 64
	defaultMaxKeys = 1 << 20
	minSweepAt     = 64
)

// Memory is an in-process Limiter: correct for one instance only. It starts
// no goroutine and needs no Close. The zero value is not usable; call
// NewMemory.
type Memory struct {
	seed   maphash.Seed
	shards [memoryShards]memShard
}

type memShard struct {
	mu       sync.Mutex
	buckets  map[string]int64 // key → TAT (µs)
	locks    map[string]lockRecord
	sweepAt  int // sweep when len(buckets)+len(locks) reaches this
	maxShard int
}

// lockRecord is one account's lockout state (µs).
type lockRecord struct {
	failures    int64
	lockedUntil int64
	expires     int64 // forget the record after this instant
}

// NewMemory returns an in-memory limiter holding at most maxKeys entries
// (maxKeys <= 0 means 1<<20, about 100 MiB at worst).
func NewMemory(maxKeys int) *Memory {
	if maxKeys <= 0 {
		maxKeys = defaultMaxKeys
	}
	m := &Memory{seed: maphash.MakeSeed()}
	per := max(maxKeys/memoryShards, 1)
	for i := range m.shards {
		s := &m.shards[i]
		s.buckets = map[string]int64{}
		s.locks = map[string]lockRecord{}
		s.sweepAt = min(minSweepAt, per)
		s.maxShard = per
	}
	return m
}

func (m *Memory) shard(key string) *memShard {
	return &m.shards[maphash.String(m.seed, key)%memoryShards]
}

// Allow implements Limiter.
func (m *Memory) Allow(ctx context.Context, key string, rule Rule, now time.Time) (Decision, error) {
	if err := rule.Validate(); err != nil {
		return Decision{}, err
	}
	n := micros(now)
	s := m.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	tat, seen := s.buckets[key]
	next, ok, retry := gcra(tat, n, rule.interval(), int64(rule.Limit))
	if !ok {
		return Decision{RetryAfter: dur(retry)}, nil
	}
	s.buckets[key] = next
	if !seen {
		s.grew(n)
	}
	return Decision{Allowed: true}, nil
}

// ReserveAttempt implements Limiter.
func (m *Memory) ReserveAttempt(ctx context.Context, key string, p LockoutPolicy, now time.Time) (time.Duration, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	n := micros(now)
	s := m.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	r, seen := s.locks[key]
	if seen && r.expires <= n {
		r = lockRecord{}
	}
	if r.lockedUntil > n {
		return dur(r.lockedUntil - n), nil
	}
	r.failures++
	if cd := cooldown(p, r.failures); cd > 0 {
		r.lockedUntil = n + cd
	}
	r.expires = max(r.lockedUntil, n) + p.Forget.Microseconds()
	s.locks[key] = r
	if !seen {
		s.grew(n)
	}
	return 0, nil
}

// ResetLockout implements Limiter.
func (m *Memory) ResetLockout(ctx context.Context, key string) error {
	s := m.shard(key)
	s.mu.Lock()
	delete(s.locks, key)
	s.mu.Unlock()
	return nil
}

// Len returns the number of entries held (for tests and metrics).
func (m *Memory) Len() int {
	total := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		total += len(s.buckets) + len(s.locks)
		s.mu.Unlock()
	}
	return total
}

// grew runs after a new entry was added, with s.mu held: it sweeps idle
// entries when the shard reached its sweep mark, then enforces the cap.
func (s *memShard) grew(now int64) {
	size := len(s.buckets) + len(s.locks)
	if size < s.sweepAt && size <= s.maxShard {
		return
	}
	for k, tat := range s.buckets {
		if tat <= now { // refilled completely: same as absent
			delete(s.buckets, k)
		}
	}
	for k, r := range s.locks {
		if r.expires <= now {
			delete(s.locks, k)
		}
	}
	for k := range s.buckets {
		if len(s.buckets)+len(s.locks) <= s.maxShard {
			break
		}
		delete(s.buckets, k)
	}
	for k := range s.locks {
		if len(s.buckets)+len(s.locks) <= s.maxShard {
			break
		}
		delete(s.locks, k)
	}
	s.sweepAt = min(max(2*(len(s.buckets)+len(s.locks)), minSweepAt), s.maxShard+1)
}
