package passwordhash

import (
	"runtime/debug"
	"sync"
	"time"

	"github.com/fastauth/fastauth/internal/argon2id"
)

// idleRelease is how long hashing must have stopped before the pooled
// argon2id memory is let go and returned to the operating system.
const idleRelease = 5 * time.Second

// freeOSMinKiB is the least memory a release must let go of for it to
// call debug.FreeOSMemory (a full collection): the default 19 MiB does,
// the few KiB of test parameters do not.
const freeOSMinKiB = 4096

// memoryPool keeps argon2id working memory between hashes: at most max
// buffers of the configured size (one per hashing slot), so that a server
// that hashes steadily allocates each slot's m KiB once instead of once per
// sign-in and the garbage collector is not driven by sign-ins. When no
// hash has started or ended for idle, a timer drops the buffers and calls
// freeOS (debug.FreeOSMemory) when they held at least minFreeKiB, so that an idle server gives the memory of
// a sign-in burst back at once instead of keeping it until the runtime's
// next forced collection and its scavenger. It is safe for concurrent use.
type memoryPool struct {
	kib    uint32 // the configured memory: larger buffers are not kept
	max    int    // most buffers kept
	idle   time.Duration
	now    func() time.Time // real time; tests inject theirs
	freeOS func()           // debug.FreeOSMemory; tests count calls
	// minFreeKiB is the least a release lets go of to call freeOS.
	minFreeKiB uint64

	mu      sync.Mutex
	free    []*argon2id.Memory
	out     int       // buffers handed out and not yet returned
	lastUse time.Time // the latest get or put
	timer   *time.Timer
}

// newMemoryPool returns a pool of at most max buffers of kib KiB, released
// after idleRelease without hashing.
func newMemoryPool(kib uint32, max int) *memoryPool {
	return &memoryPool{kib: kib, max: max, idle: idleRelease, now: time.Now, freeOS: debug.FreeOSMemory, minFreeKiB: freeOSMinKiB}
}

// get returns a pooled buffer, or a new empty one.
func (p *memoryPool) get() *argon2id.Memory {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out++
	p.lastUse = p.now()
	if n := len(p.free); n > 0 {
		m := p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
		return m
	}
	return new(argon2id.Memory)
}

// put returns a buffer that get handed out and arms the idle release. A
// buffer grown past the configured size (a stored hash with a larger m),
// or one more than max, is not kept.
func (p *memoryPool) put(m *argon2id.Memory) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out--
	p.lastUse = p.now()
	if m.KiB() <= p.kib && len(p.free) < p.max {
		p.free = append(p.free, m)
	}
	p.armLocked(p.idle)
}

// armLocked (re)starts the release timer to fire after d; p.mu held.
func (p *memoryPool) armLocked(d time.Duration) {
	if p.timer == nil {
		p.timer = time.AfterFunc(d, func() { p.releaseIdle() })
		return
	}
	p.timer.Reset(d)
}

// releaseIdle, the timer's function, drops the pooled buffers if no hash
// is running and none started or ended for idle (by p.now), then returns
// the memory to the operating system. Otherwise it leaves them: a hash
// still running re-arms the timer when it puts its buffer back, and a
// recent one re-arms it for the rest of the idle time. It reports whether
// it released anything. The memory goes back to the operating system
// only when there is enough of it to be worth a full collection.
func (p *memoryPool) releaseIdle() bool {
	p.mu.Lock()
	if p.out > 0 {
		p.mu.Unlock()
		return false
	}
	if since := p.now().Sub(p.lastUse); since < p.idle {
		p.armLocked(p.idle - since)
		p.mu.Unlock()
		return false
	}
	n, kib := len(p.free), uint64(0)
	for _, m := range p.free {
		kib += uint64(m.KiB())
	}
	clear(p.free)
	p.free = p.free[:0]
	p.mu.Unlock()
	if n == 0 {
		return false
	}
	if kib >= p.minFreeKiB {
		p.freeOS()
	}
	return true
}

// pooled is the number of buffers the pool holds.
func (p *memoryPool) pooled() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.free)
}
