//go:build amd64 && gc && !purego

package argon2id

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// TestVectorsWithoutSSE4 runs the known answers through the SSE2-only
// path that CPUs without SSE4.1 take. It changes useSSE4, so it does not
// run in parallel with the other tests.
func TestVectorsWithoutSSE4(t *testing.T) {
	defer func(v bool) { useSSE4 = v }(useSSE4)
	useSSE4 = false
	var m Memory
	for i, v := range vectors {
		want, _ := hex.DecodeString(v.hash)
		if got := m.Key([]byte("password"), []byte("somesalt"), v.time, v.memory, v.threads, uint32(len(want))); !bytes.Equal(got, want) {
			t.Errorf("vector %d: got %x, want %x", i, got, want)
		}
	}
}
