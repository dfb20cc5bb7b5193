package passwordhash

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

// testArgon2 are the fast test parameters of the brief.
var testArgon2 = Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func testHasher(params Params, slots int, wait time.Duration) *Hasher {
	return New(params, slots, wait, nil)
}

func TestPasswordHashVerify(t *testing.T) {
	t.Parallel()
	h := testHasher(testArgon2, 2, time.Second)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "correct-horse-42")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(enc) {
		t.Fatalf("hash %q is not the expected PHC string", enc)
	}
	again, err := h.Hash(ctx, "correct-horse-42")
	if err != nil {
		t.Fatal(err)
	}
	if again == enc {
		t.Fatal("two hashes of one password must differ (random salt)")
	}
	tests := []struct {
		pw   string
		want bool
	}{
		{"correct-horse-42", true},
		{"correct-horse-43", false},
		{"Correct-horse-42", false},
		{"", false},
		{"correct-horse-42 ", false},
	}
	for _, tt := range tests {
		ok, rehash, err := h.Verify(ctx, tt.pw, enc)
		if err != nil || ok != tt.want || rehash {
			t.Errorf("verify(%q) = %v, %v, %v; want %v, false, nil", tt.pw, ok, rehash, err, tt.want)
		}
	}
}

// TestPasswordVerifyPadsOutdatedHash: a verify against a hash made with
// other (outdated) parameters takes at least the median time of the
// latest computations at the configured cost, right or wrong password,
// and frees its hashing slot before the padding; a verify at the
// configured cost is not padded.
func TestPasswordVerifyPadsOutdatedHash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	enc, err := testHasher(testArgon2, 1, time.Second).Hash(ctx, "pw-1234567")
	if err != nil {
		t.Fatal(err)
	}
	raised := testArgon2
	raised.Iterations = 2
	h := testHasher(raised, 1, time.Second)
	const cost = 150 * time.Millisecond
	for range 40 {
		h.cost.observe(cost) // as if every configured computation took 150 ms
	}
	for _, pw := range []string{"pw-1234567", "wrong-pw-1"} {
		start := time.Now()
		ok, rehash, err := h.Verify(ctx, pw, enc)
		if took := time.Since(start); err != nil || took < cost {
			t.Fatalf("verify(%q) of an outdated hash took %s (err %v), want at least %s", pw, took, err, cost)
		}
		if ok != (pw == "pw-1234567") || rehash != ok {
			t.Fatalf("verify(%q) = %v, %v", pw, ok, rehash)
		}
		if len(h.slots) != 0 {
			t.Fatal("the padding held the hashing slot")
		}
	}
	current, err := h.Hash(ctx, "pw-1234567")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if ok, _, err := h.Verify(ctx, "pw-1234567", current); !ok || err != nil {
		t.Fatalf("verify at the configured cost: %v %v", ok, err)
	}
	if took := time.Since(start); took >= cost {
		t.Fatalf("a verify at the configured cost was padded (%s)", took)
	}
	// The window's median ignores outliers.
	var w costWindow
	for _, d := range []time.Duration{10, 10, 10, 10, 1000} {
		w.observe(d * time.Millisecond)
	}
	if m := w.median(); m != 10*time.Millisecond {
		t.Fatalf("median %s, want 10ms", m)
	}
}

func TestPasswordNeedsRehash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	old := testHasher(testArgon2, 1, time.Second)
	enc, err := old.Hash(ctx, "pw-1234567")
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]Params{
		"memory":      {Memory: 128, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32},
		"iterations":  {Memory: 64, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32},
		"parallelism": {Memory: 64, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32},
		"salt length": {Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 24, KeyLength: 32},
		"key length":  {Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 64},
	} {
		h := testHasher(p, 1, time.Second)
		ok, rehash, err := h.Verify(ctx, "pw-1234567", enc)
		if err != nil || !ok || !rehash {
			t.Errorf("%s changed: verify = %v, %v, %v; want true, true, nil", name, ok, rehash, err)
		}
		if ok, rehash, _ := h.Verify(ctx, "wrong", enc); ok || rehash {
			t.Errorf("%s changed: a wrong password must not report a rehash", name)
		}
	}
}

// TestPasswordHashesInteroperate: the pooled-memory argon2id gives the
// hashes golang.org/x/crypto/argon2 gives, both ways, so stored hashes
// move freely between fastauth and other argon2id implementations.
func TestPasswordHashesInteroperate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := testHasher(testArgon2, 1, time.Second)
	for range 3 { // through the pool: later hashes reuse the first one's memory
		enc, err := h.Hash(ctx, "pw-interop-1")
		if err != nil {
			t.Fatal(err)
		}
		stored, err := parsePHC(enc)
		if err != nil {
			t.Fatal(err)
		}
		want := argon2.IDKey([]byte("pw-interop-1"), stored.salt, stored.iterations, stored.memory, stored.parallelism, uint32(len(stored.key)))
		if !bytes.Equal(want, stored.key) {
			t.Fatalf("our hash %q differs from x/crypto's key %x", enc, want)
		}
	}
	// A hash made by x/crypto with other parameters verifies (and asks for
	// a rehash), through memory the pool already holds.
	salt := []byte("0123456789abcdef")
	foreign := encodePHC(phc{memory: 256, iterations: 3, parallelism: 2, salt: salt,
		key: argon2.IDKey([]byte("pw-interop-2"), salt, 3, 256, 2, 32)})
	ok, rehash, err := h.Verify(ctx, "pw-interop-2", foreign)
	if err != nil || !ok || !rehash {
		t.Fatalf("verify of an x/crypto hash = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
}

// TestPasswordMemoryPoolKeepsOnlyConfiguredSize: verifying a stored hash
// with a larger memory parameter must not leave that much memory pooled.
func TestPasswordMemoryPoolKeepsOnlyConfiguredSize(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := testHasher(testArgon2, 1, time.Second)
	salt := []byte("0123456789abcdef")
	big := encodePHC(phc{memory: 4096, iterations: 1, parallelism: 1, salt: salt,
		key: argon2.IDKey([]byte("pw-big"), salt, 1, 4096, 1, 32)})
	for range 4 {
		if ok, _, err := h.Verify(ctx, "pw-big", big); err != nil || !ok {
			t.Fatalf("verify = %v, %v", ok, err)
		}
		if _, err := h.Hash(ctx, "pw-small"); err != nil {
			t.Fatal(err)
		}
	}
	h.memory.mu.Lock()
	defer h.memory.mu.Unlock()
	if len(h.memory.free) > 1 {
		t.Fatalf("pool holds %d buffers, want at most one per slot", len(h.memory.free))
	}
	for _, mem := range h.memory.free {
		if mem.KiB() > testArgon2.Memory {
			t.Fatalf("pool holds %d KiB, want at most the configured %d", mem.KiB(), testArgon2.Memory)
		}
	}
}

func TestParsePHCRefusesMalformed(t *testing.T) {
	t.Parallel()
	const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	good := "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key
	if _, err := parsePHC(good); err != nil {
		t.Fatalf("baseline: %v", err)
	}
	bad := map[string]string{
		"empty":               "",
		"bcrypt":              "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":             "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"argon2d":             "$argon2d$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"version 16":          "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"no version":          "$argon2id$m=64,t=1,p=1$" + salt + "$" + key,
		"params out of order": "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key,
		"missing param":       "$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"extra param":         "$argon2id$v=19$m=64,t=1,p=1,k=2$" + salt + "$" + key,
		"zero iterations":     "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"zero parallelism":    "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"memory below 8p":     "$argon2id$v=19$m=7,t=1,p=1$" + salt + "$" + key,
		"huge memory":         "$argon2id$v=19$m=99999999999,t=1,p=1$" + salt + "$" + key,
		"huge iterations":     "$argon2id$v=19$m=64,t=100000,p=1$" + salt + "$" + key,
		"p over 255":          "$argon2id$v=19$m=4096,t=1,p=256$" + salt + "$" + key,
		"negative":            "$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key,
		"leading zero":        "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key,
		"padded salt":         "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key,
		"bad base64":          "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:20] + "!!" + key[22:],
		"short salt":          "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + key,
		"short hash":          "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$a2V5",
		"missing hash":        "$argon2id$v=19$m=64,t=1,p=1$" + salt,
		"trailing field":      good + "$x",
		"no leading dollar":   strings.TrimPrefix(good, "$"),
	}
	h := testHasher(testArgon2, 1, time.Second)
	for name, s := range bad {
		if _, err := parsePHC(s); !errors.Is(err, ErrBadHash) {
			t.Errorf("%s: parsePHC(%q) = %v, want ErrBadHash", name, s, err)
		}
		if s == "" {
			continue // an account without password: see below
		}
		if ok, _, err := h.Verify(context.Background(), "pw", s); ok || !errors.Is(err, ErrBadHash) {
			t.Errorf("%s: verify = %v, %v; want false, ErrBadHash", name, ok, err)
		}
	}
	// An account without password (a module's sign-up) has an empty
	// hash: no password matches it, and it is no malformed hash (which
	// would answer 500 rather than a wrong password).
	for _, pw := range []string{"", "pw", "correct-horse-42"} {
		if ok, rehash, err := h.Verify(context.Background(), pw, ""); ok || rehash || err != nil {
			t.Errorf("verify(%q, empty hash) = %v, %v, %v; want false, false, nil", pw, ok, rehash, err)
		}
	}
}

func TestPasswordDummyVerifyDoesTheWork(t *testing.T) {
	t.Parallel()
	h := testHasher(testArgon2, 1, time.Second)
	stored, err := parsePHC(h.dummy)
	if err != nil {
		t.Fatalf("dummy hash %q: %v", h.dummy, err)
	}
	if h.needsRehash(stored) {
		t.Fatal("the dummy hash must use the configured parameters, so it costs what a real verify costs")
	}
	if err := h.VerifyDummy(context.Background(), "anything"); err != nil {
		t.Fatal(err)
	}
}

func TestPasswordHashingIsBounded(t *testing.T) {
	t.Parallel()
	h := testHasher(testArgon2, 1, 50*time.Millisecond)
	// Occupy the only slot.
	if err := h.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := h.Hash(context.Background(), "pw"); !errors.Is(err, ErrOverloaded) {
		t.Fatalf("hash with no free slot = %v, want ErrOverloaded", err)
	}
	if waited := time.Since(start); waited < 40*time.Millisecond {
		t.Fatalf("gave up after %v, before the queue timeout", waited)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := h.Verify(ctx, "pw", h.dummy); !errors.Is(err, ErrOverloaded) || !errors.Is(err, context.Canceled) {
		t.Fatalf("verify with an ended context = %v, want ErrOverloaded wrapping context.Canceled", err)
	}
	h.release()
	if _, err := h.Hash(context.Background(), "pw"); err != nil {
		t.Fatalf("after the slot is freed: %v", err)
	}
}

func TestPasswordConcurrencyNeverExceedsBound(t *testing.T) {
	t.Parallel()
	const slots = 2
	h := testHasher(testArgon2, slots, 10*time.Second)
	var wg sync.WaitGroup
	var mu sync.Mutex
	maxSeen := 0
	for range 16 {
		wg.Go(func() {
			if _, err := h.Hash(context.Background(), "pw-1234567"); err != nil {
				t.Error(err)
			}
			mu.Lock()
			maxSeen = max(maxSeen, len(h.slots))
			mu.Unlock()
		})
	}
	wg.Wait()
	if cap(h.slots) != slots || maxSeen > slots || len(h.slots) != 0 {
		t.Fatalf("slots cap %d, max in use %d, left in use %d", cap(h.slots), maxSeen, len(h.slots))
	}
}
