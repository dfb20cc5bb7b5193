package argon2id

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"runtime"
	"testing"

	"golang.org/x/crypto/argon2"
)

// The argon2id vectors of golang.org/x/crypto/argon2's tests (from the
// reference implementation): password "password", salt "somesalt".
var vectors = []struct {
	time, memory uint32
	threads      uint8
	hash         string
}{
	{1, 64, 1, "655ad15eac652dc59f7170a7332bf49b8469be1fdb9c28bb"},
	{2, 64, 1, "068d62b26455936aa6ebe60060b0a65870dbfa3ddf8d41f7"},
	{2, 64, 2, "350ac37222f436ccb5c0972f1ebd3bf6b958bf2071841362"},
	{3, 256, 2, "4668d30ac4187e6878eedeacf0fd83c5a0a30db2cc16ef0b"},
	{4, 4096, 4, "145db9733a9f4ee43edf33c509be96b934d505a4efb33c5a"},
	{4, 1024, 8, "8dafa8e004f8ea96bf7c0f93eecf67a6047476143d15577f"},
	{2, 64, 3, "4a15b31aec7c2590b87d1f520be7d96f56658172deaa3079"},
	{3, 1024, 6, "1640b932f4b60e272f5d2207b9a9c626ffa1bd88d2349016"},
}

// TestVectors checks the known answers, each with a fresh Memory and then
// all in a row (largest first) through one reused Memory, whose blocks
// then hold the previous hash's values.
func TestVectors(t *testing.T) {
	t.Parallel()
	password, salt := []byte("password"), []byte("somesalt")
	var reused Memory
	reused.Key([]byte("dirty"), []byte("dirty salt"), 1, 4096, 1, 32) // fill it with something else
	for _, fresh := range []bool{true, false} {
		for i, v := range vectors {
			want, _ := hex.DecodeString(v.hash)
			m := &reused
			if fresh {
				m = new(Memory)
			}
			got := m.Key(password, salt, v.time, v.memory, v.threads, uint32(len(want)))
			if !bytes.Equal(got, want) {
				t.Errorf("vector %d (fresh memory %v): got %x, want %x", i, fresh, got, want)
			}
		}
	}
}

// TestMatchesXCrypto compares Key through one reused Memory with
// argon2.IDKey over random inputs and parameters, in random order, so that
// every hash after the first starts from another hash's blocks.
func TestMatchesXCrypto(t *testing.T) {
	t.Parallel()
	rng := mrand.New(mrand.NewPCG(1, 2))
	var m Memory
	n := 60
	if testing.Short() {
		n = 20
	}
	for i := range n {
		password := make([]byte, rng.IntN(40))
		salt := make([]byte, 8+rng.IntN(24))
		_, _ = rand.Read(password)
		_, _ = rand.Read(salt)
		time := uint32(1 + rng.IntN(3))
		threads := uint8(1 + rng.IntN(4))
		memory := uint32(8*int(threads) + rng.IntN(600))
		keyLen := uint32(4 + rng.IntN(100))
		name := fmt.Sprintf("%d:t=%d,m=%d,p=%d,len=%d", i, time, memory, threads, keyLen)
		want := argon2.IDKey(password, salt, time, memory, threads, keyLen)
		if got := m.Key(password, salt, time, memory, threads, keyLen); !bytes.Equal(got, want) {
			t.Fatalf("%s: got %x, want %x", name, got, want)
		}
	}
}

// TestProductionParameters compares one hash at the parameters fastauth
// uses by default (m=19 MiB, t=2, p=1), twice through the same Memory.
func TestProductionParameters(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("19 MiB hashes; covered at small sizes by TestMatchesXCrypto")
	}
	var m Memory
	for _, pw := range []string{"first password", "second password"} {
		want := argon2.IDKey([]byte(pw), []byte("0123456789abcdef"), 2, 19*1024, 1, 32)
		if got := m.Key([]byte(pw), []byte("0123456789abcdef"), 2, 19*1024, 1, 32); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %x, want %x", pw, got, want)
		}
	}
	if m.KiB() != 19*1024 {
		t.Fatalf("KiB() = %d, want %d", m.KiB(), 19*1024)
	}
}

// TestReuseAllocatesNoBlocks: once a Memory has grown, a hash of the same
// or a smaller size allocates only the key and small buffers.
func TestReuseAllocatesNoBlocks(t *testing.T) {
	var m Memory
	m.Key([]byte("pw"), []byte("saltsalt"), 1, 2048, 1, 32)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 5 {
		m.Key([]byte("pw"), []byte("saltsalt"), 1, 2048, 1, 32)
		m.Key([]byte("pw"), []byte("saltsalt"), 1, 512, 1, 32)
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<10 {
		t.Fatalf("10 hashes through a grown Memory allocated %d bytes, want well under one 512 KiB buffer", got)
	}
	if m.KiB() != 2048 {
		t.Fatalf("KiB() = %d after smaller hashes, want it kept at 2048", m.KiB())
	}
}

// TestPanicsOnZeroParameters keeps x/crypto's contract for time and
// threads of zero.
func TestPanicsOnZeroParameters(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		time, threads int
	}{{"time", 0, 1}, {"threads", 1, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			var m Memory
			m.Key([]byte("pw"), []byte("saltsalt"), uint32(tc.time), 64, uint8(tc.threads), 32)
		})
	}
}

// BenchmarkKey compares a reused Memory with argon2.IDKey at fastauth's
// default parameters (m=19 MiB, t=2, p=1).
func BenchmarkKey(b *testing.B) {
	pw, salt := []byte("correct horse battery staple"), []byte("0123456789abcdef")
	b.Run("reused-memory", func(b *testing.B) {
		b.ReportAllocs()
		var m Memory
		for b.Loop() {
			m.Key(pw, salt, 2, 19*1024, 1, 32)
		}
	})
	b.Run("x-crypto-IDKey", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			argon2.IDKey(pw, salt, 2, 19*1024, 1, 32)
		}
	})
}
