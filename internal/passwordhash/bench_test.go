package passwordhash

import "testing"

// BenchmarkArgon2idHash is one password hash with the production default
// parameters (m=19 MiB, t=2, p=1): the cost of a sign-up, and of a sign-in
// (a verify is the same computation). Its inverse is the machine's hash
// rate per core that sign-in throughput is judged against.
func BenchmarkArgon2idHash(b *testing.B) {
	// ginauth.DefaultArgon2Params
	h := New(Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}, 1, 5e9, nil)
	pw := []byte("correct-horse-battery-42")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = h.compute(pw)
	}
}
