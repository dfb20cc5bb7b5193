package signingkey_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fastauth/fastauth/internal/signingkey"
)

// FuzzParsePEM feeds ParsePEM arbitrary bytes, seeded with every file of
// testdata/ alone and in pairs. It never panics; it returns either keys
// that are what they claim (kid = thumbprint of the public key, an
// algorithm this package signs with, a PEM that reads back as the same
// key) or no keys and an error matching exactly one documented sentinel.
func FuzzParsePEM(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.pem"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	var seeds [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	for i, a := range seeds {
		f.Add(a)
		f.Add(join(a, seeds[(i+1)%len(seeds)]))
		f.Add(a[:len(a)/2])
	}
	f.Add([]byte(""))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte("-----BEGIN -----BEGIN PRIVATE KEY-----"))

	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := signingkey.ParsePEM(data)
		if err != nil {
			if keys != nil {
				t.Fatal("keys returned with an error")
			}
			checkDocumented(t, err)
			return
		}
		if len(keys) == 0 {
			t.Fatal("no keys and no error")
		}
		for _, k := range keys {
			if a := k.Algorithm(); a != signingkey.EdDSA && a != signingkey.ES256 {
				t.Fatalf("algorithm %q", a)
			}
			if kid, err := signingkey.Thumbprint(k.Public()); err != nil || kid != k.ID() {
				t.Fatalf("kid %q, thumbprint %q (%v)", k.ID(), kid, err)
			}
			p, err := k.MarshalPEM()
			if err != nil {
				t.Fatal(err)
			}
			again, err := signingkey.ParsePEM(p)
			if err != nil || len(again) != 1 || again[0].ID() != k.ID() {
				t.Fatalf("MarshalPEM does not read back: %v", err)
			}
		}
	})
}
