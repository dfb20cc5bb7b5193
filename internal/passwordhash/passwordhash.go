// Package passwordhash hashes and verifies passwords with argon2id (PHC
// strings) under a bound on concurrent computations, in pooled working
// memory, with the verify of an outdated hash padded to the configured
// cost and a dummy verify for unknown accounts. The kernel's accounts use
// it; its parameters come from ginauth.Config.
package passwordhash

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fastauth/fastauth/internal/argon2id"
)

// ErrOverloaded: no hashing slot freed up within the queue timeout, or
// the request ended while waiting (503 overloaded with Retry-After).
var ErrOverloaded = errors.New("ginauth: password hashing overloaded")

// ErrBadHash: a stored password hash is not a well-formed argon2id PHC
// string this package can verify.
var ErrBadHash = errors.New("ginauth: malformed password hash")

// Params are the argon2id parameters of new hashes.
type Params struct {
	// Memory in KiB, Iterations (t) and Parallelism (p).
	Memory      uint32
	Iterations  uint32
	Parallelism uint8
	// SaltLength and KeyLength in bytes.
	SaltLength, KeyLength uint32
}

// Bounds on the parameters of a stored PHC string, so that a corrupt or
// hostile row cannot make a verify allocate without limit.
const (
	maxHashMemoryKiB  = 4 << 20 // 4 GiB
	maxHashIterations = 64
	maxHashKeyLength  = 1024
	minHashSaltLength = 8
)

// Hasher hashes and verifies passwords with argon2id under a
// concurrency bound. It is safe for concurrent use.
type Hasher struct {
	params       Params
	slots        chan struct{}
	queueTimeout time.Duration
	// dummy is a hash of a random password made with the configured
	// parameters; verifying against it costs what a real verify costs.
	dummy string
	// memory holds argon2id working memory of the configured size
	// between hashes, one buffer per slot at most: a server that hashes
	// steadily allocates the m KiB once per slot instead of once per
	// sign-in, which keeps the garbage collector from marking the heap
	// every few hashes. The pool lets the buffers go, and returns the
	// memory to the operating system, when hashing has stopped for a few
	// seconds (memorypool.go).
	memory *memoryPool
	// cost holds how long the latest argon2id computations with the
	// configured parameters took (real time). A verify against a hash with
	// other parameters is padded to their median, so that after the
	// parameters are raised an account whose hash is still the old, cheaper
	// one does not answer faster than an unknown email (whose dummy verify
	// runs at the configured cost).
	cost costWindow
	// observe receives each computation's queue wait and time; nil for
	// none.
	observe func(wait, took time.Duration)
}

// costWindow keeps the durations of the latest computations at the
// configured cost. Its median tracks the machine's current speed and load
// and, unlike a mean, ignores the outliers (a GC pause, the cold first
// run) that a padded verify would otherwise always pay on top.
type costWindow struct {
	mu   sync.Mutex
	last [32]time.Duration
	n    int // computations observed (the window holds min(n, 32))
}

// observe records the duration of one computation at the configured cost.
func (w *costWindow) observe(d time.Duration) {
	w.mu.Lock()
	w.last[w.n%len(w.last)] = d
	w.n++
	w.mu.Unlock()
}

// median is the median of the recorded durations (0 before any).
func (w *costWindow) median() time.Duration {
	var buf [len(w.last)]time.Duration
	w.mu.Lock()
	ds := buf[:copy(buf[:], w.last[:min(w.n, len(w.last))])]
	w.mu.Unlock()
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// New builds a hasher with params (validated) that runs at most slots
// computations at once (GOMAXPROCS when slots <= 0), waits at most
// queueTimeout for a slot, and reports each computation's queue wait and
// time to observe (nil for none). It precomputes its dummy hash.
func New(params Params, slots int, queueTimeout time.Duration, observe func(wait, took time.Duration)) *Hasher {
	n := slots
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	h := &Hasher{
		params:       params,
		slots:        make(chan struct{}, n),
		queueTimeout: queueTimeout,
		observe:      observe,
		memory:       newMemoryPool(params.Memory, n), // a buffer per slot
	}
	var pw [32]byte
	_, _ = rand.Read(pw[:]) // crypto/rand.Read never fails (Go 1.24+)
	h.dummy, _ = h.compute(pw[:])
	return h
}

// acquire waits for a hashing slot for at most queueTimeout (real time: it
// bounds a wait, not a business rule) or until ctx ends.
func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(h.queueTimeout)
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-t.C:
		return ErrOverloaded
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrOverloaded, ctx.Err())
	}
}

func (h *Hasher) release() { <-h.slots }

// report hands a computation's queue wait and time to observe.
func (h *Hasher) report(wait, took time.Duration) {
	if h.observe != nil {
		h.observe(wait, took)
	}
}

// HoldSlots takes every hashing slot, as a burst of sign-ins would, and
// returns the function that frees them: hashes requested meanwhile queue
// (up to the queue timeout), then fail with ErrOverloaded.
func (h *Hasher) HoldSlots() (release func()) {
	n := cap(h.slots)
	for range n {
		h.slots <- struct{}{}
	}
	return func() {
		for range n {
			<-h.slots
		}
	}
}

// Hash returns the argon2id PHC string of password with a fresh salt and
// the configured parameters.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	queued := time.Now()
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	start := time.Now()
	encoded, took := h.compute([]byte(password))
	h.report(start.Sub(queued), took)
	return encoded, nil
}

// compute hashes without taking a slot; it returns the PHC string and
// the time argon2id took.
func (h *Hasher) compute(password []byte) (string, time.Duration) {
	p := h.params
	salt := make([]byte, p.SaltLength)
	_, _ = rand.Read(salt) // never fails
	start := time.Now()
	key := h.key(password, salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLength)
	took := time.Since(start)
	h.cost.observe(took)
	return encodePHC(phc{memory: p.Memory, iterations: p.Iterations, parallelism: p.Parallelism, salt: salt, key: key}), took
}

// pad waits (real time) until a verify whose computation took elapsed has
// taken as long as one at the configured cost, or until ctx ends.
func (h *Hasher) pad(ctx context.Context, elapsed time.Duration) {
	wait := h.cost.median() - elapsed
	if wait <= 0 {
		return
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// key computes argon2id in pooled working memory. Memory grown past the
// configured size (a stored hash with a larger m) is not kept.
func (h *Hasher) key(password, salt []byte, passes, memory uint32, threads uint8, keyLen uint32) []byte {
	mem := h.memory.get()
	key := mem.Key(password, salt, passes, memory, threads, keyLen)
	h.memory.put(mem)
	return key
}

// Verify reports whether password matches the PHC string encoded, and
// whether encoded should be replaced by a hash with the configured
// parameters. It fails with ErrBadHash for a malformed string and with
// ErrOverloaded when no slot is free in time. An empty encoded (an
// account without password) never matches, after the work of a verify.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (ok, rehash bool, err error) {
	if encoded == "" {
		// An account without password (made by a module's sign-up):
		// the work of a real verify, then no, as for a wrong password.
		_, _, err := h.Verify(ctx, password, h.dummy)
		return false, false, err
	}
	stored, err := parsePHC(encoded)
	if err != nil {
		return false, false, err
	}
	queued := time.Now()
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	start := time.Now()
	key := h.key([]byte(password), stored.salt, stored.iterations, stored.memory, stored.parallelism, uint32(len(stored.key)))
	elapsed := time.Since(start)
	h.release()
	h.report(start.Sub(queued), elapsed)
	rehash = h.needsRehash(stored)
	if rehash {
		// Outdated parameters: take as long as the configured cost would,
		// right or wrong password, without holding the slot.
		h.pad(ctx, elapsed)
	} else {
		h.cost.observe(elapsed)
	}
	if subtle.ConstantTimeCompare(key, stored.key) != 1 {
		return false, false, nil
	}
	return true, rehash, nil
}

// VerifyDummy spends the work of one verify against the dummy hash, for a
// sign-in with an unknown email. It only fails when overloaded.
func (h *Hasher) VerifyDummy(ctx context.Context, password string) error {
	_, _, err := h.Verify(ctx, password, h.dummy)
	return err
}

// needsRehash reports whether a stored hash was made with parameters other
// than the configured ones.
func (h *Hasher) needsRehash(stored phc) bool {
	p := h.params
	return stored.memory != p.Memory || stored.iterations != p.Iterations ||
		stored.parallelism != p.Parallelism || uint32(len(stored.salt)) != p.SaltLength ||
		uint32(len(stored.key)) != p.KeyLength
}

// phc is a decoded argon2id PHC string.
type phc struct {
	memory, iterations uint32
	parallelism        uint8
	salt, key          []byte
}

var b64 = base64.RawStdEncoding

// encodePHC formats $argon2id$v=19$m=...,t=...,p=...$salt$hash.
func encodePHC(p phc) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2id.Version, p.memory, p.iterations, p.parallelism, b64.EncodeToString(p.salt), b64.EncodeToString(p.key))
}

// parsePHC decodes an argon2id PHC string strictly: version 19, the three
// parameters in order m, t, p, within sane bounds, unpadded standard base64
// salt and hash.
func parsePHC(s string) (phc, error) {
	var out phc
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return out, fmt.Errorf("%w: not an argon2id PHC string", ErrBadHash)
	}
	if parts[2] != "v="+strconv.Itoa(argon2id.Version) {
		return out, fmt.Errorf("%w: unsupported argon2 version %q", ErrBadHash, parts[2])
	}
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return out, fmt.Errorf("%w: want parameters m,t,p", ErrBadHash)
	}
	m, err1 := phcParam(params[0], "m=", maxHashMemoryKiB)
	t, err2 := phcParam(params[1], "t=", maxHashIterations)
	p, err3 := phcParam(params[2], "p=", 255)
	if err := errors.Join(err1, err2, err3); err != nil {
		return out, err
	}
	if t < 1 || p < 1 || m < 8*p {
		return out, fmt.Errorf("%w: parameters out of range", ErrBadHash)
	}
	salt, err := b64.Strict().DecodeString(parts[4])
	if err != nil || len(salt) < minHashSaltLength {
		return out, fmt.Errorf("%w: bad salt", ErrBadHash)
	}
	key, err := b64.Strict().DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > maxHashKeyLength {
		return out, fmt.Errorf("%w: bad hash", ErrBadHash)
	}
	return phc{memory: m, iterations: t, parallelism: uint8(p), salt: salt, key: key}, nil
}

// phcParam parses "<prefix><decimal>" with the value at most max.
func phcParam(s, prefix string, max uint64) (uint32, error) {
	v, ok := strings.CutPrefix(s, prefix)
	if !ok || v == "" || (len(v) > 1 && v[0] == '0') {
		return 0, fmt.Errorf("%w: bad parameter %q", ErrBadHash, s)
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n > max {
		return 0, fmt.Errorf("%w: bad parameter %q", ErrBadHash, s)
	}
	return uint32(n), nil
}
