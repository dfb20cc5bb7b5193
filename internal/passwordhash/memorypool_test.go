package passwordhash

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fastauth/fastauth/internal/argon2id"
)

// poolClock is a settable clock for the pool's idle decisions.
type poolClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *poolClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *poolClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// testPool is a pool of at most max 64-KiB buffers judged by a fake clock
// whose timer never fires on its own within a test (an hour), counting
// its returns of memory to the OS.
func testPool(max int) (*memoryPool, *poolClock, *atomic.Int32) {
	clock := &poolClock{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	var freed atomic.Int32
	p := newMemoryPool(64, max)
	p.idle = time.Hour
	p.now = clock.Now
	p.freeOS = func() { freed.Add(1) }
	p.minFreeKiB = 64 // one test buffer is worth returning
	return p, clock, &freed
}

// hashWith fills a buffer the way a hash does.
func hashWith(m *argon2id.Memory) {
	m.Key([]byte("pw"), []byte("0123456789abcdef"), 1, 64, 1, 32)
}

// TestMemoryPoolReleaseIdle: the pool keeps its buffers while hashing goes
// on, lets them go (and returns memory to the OS once) when no hash has
// started or ended for the idle time, and never while a hash runs.
func TestMemoryPoolReleaseIdle(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		advance   time.Duration
		running   bool   // a hash still holds a buffer
		minFree   uint64 // memoryPool.minFreeKiB; 0 for one test buffer's 64
		released  bool
		wantFreed int32
	}{
		{"recent use", time.Hour - time.Nanosecond, false, 0, false, 0},
		{"idle", time.Hour, false, 0, true, 1},
		{"long idle", 3 * time.Hour, false, 0, true, 1},
		{"too little to return", time.Hour, false, 1 << 20, true, 0},
		{"hash running", 3 * time.Hour, true, 0, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, clock, freed := testPool(2)
			if tc.minFree > 0 {
				p.minFreeKiB = tc.minFree
			}
			a, b := p.get(), p.get()
			hashWith(a)
			hashWith(b)
			p.put(a)
			if !tc.running {
				p.put(b)
			}
			before := p.pooled()
			clock.Advance(tc.advance)
			if got := p.releaseIdle(); got != tc.released {
				t.Fatalf("releaseIdle = %v, want %v", got, tc.released)
			}
			want := before
			if tc.released {
				want = 0
			}
			if p.pooled() != want || freed.Load() != tc.wantFreed {
				t.Fatalf("pooled %d (was %d), freed %d; want %d, %d", p.pooled(), before, freed.Load(), want, tc.wantFreed)
			}
			// Hashing works after a release, through a new buffer.
			m := p.get()
			hashWith(m)
			p.put(m)
			if p.pooled() == 0 {
				t.Fatal("a hash after the release did not refill the pool")
			}
		})
	}
}

// TestMemoryPoolBounded: the pool keeps at most max buffers, and none
// grown past the configured size.
func TestMemoryPoolBounded(t *testing.T) {
	t.Parallel()
	p, _, _ := testPool(2)
	ms := []*argon2id.Memory{p.get(), p.get(), p.get()}
	for _, m := range ms {
		hashWith(m)
		p.put(m)
	}
	if p.pooled() != 2 {
		t.Fatalf("pooled %d, want 2", p.pooled())
	}
	big := p.get()
	big.Key([]byte("pw"), []byte("0123456789abcdef"), 1, 128, 1, 32)
	p.put(big)
	for _, m := range p.free {
		if m.KiB() > 64 {
			t.Fatalf("pool kept a %d-KiB buffer", m.KiB())
		}
	}
}

// TestHasherReleasesMemoryWhenIdle: with the real timer, a hasher's pool
// empties once hashing stops for the idle time, and hashing still works
// (and verifies) afterwards.
func TestHasherReleasesMemoryWhenIdle(t *testing.T) {
	t.Parallel()
	h := testHasher(testArgon2, 2, time.Second)
	var freed atomic.Int32
	h.memory.mu.Lock()
	h.memory.idle = 20 * time.Millisecond
	h.memory.freeOS = func() { freed.Add(1) }
	h.memory.minFreeKiB = 0
	h.memory.mu.Unlock()
	ctx := context.Background()
	enc, err := h.Hash(ctx, "pw-idle-1")
	if err != nil {
		t.Fatal(err)
	}
	if h.memory.pooled() == 0 {
		t.Fatal("no buffer pooled after a hash")
	}
	deadline := time.Now().Add(5 * time.Second)
	for h.memory.pooled() != 0 || freed.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("pool still holds %d buffers (freed %d) after idling", h.memory.pooled(), freed.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if ok, _, err := h.Verify(ctx, "pw-idle-1", enc); err != nil || !ok {
		t.Fatalf("verify after the release = %v, %v", ok, err)
	}
	if h.memory.pooled() == 0 {
		t.Fatal("no buffer pooled after hashing resumed")
	}
}
