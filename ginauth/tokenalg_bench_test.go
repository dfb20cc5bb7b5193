package ginauth

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"net/http"
	"testing"

	"github.com/fastauth/fastauth/internal/signingkey"
)

// Benchmarks of the access-token algorithms side by side: a warm token (a
// cache hit, whatever signed it) must cost what a warm HS256 token costs,
// allocation-free; a first-seen token costs its algorithm's verify.
//
//	go test ./ginauth -run '^$' -bench 'TokenAlg' -benchmem

// benchAlgs are the access-token algorithms the benchmarks compare.
var benchAlgs = []string{algHS256, "EdDSA", "ES256"}

// withTokenAlg is a Config adjustment signing with a fresh key of alg
// (nothing for HS256).
func withTokenAlg(b testing.TB, alg string) func(*Config) {
	b.Helper()
	if alg == algHS256 {
		return nil
	}
	k, err := signingkey.Generate(signingkey.Algorithm(alg))
	if err != nil {
		b.Fatal(err)
	}
	pem, err := k.MarshalPEM()
	if err != nil {
		b.Fatal(err)
	}
	return func(c *Config) { c.TokenAlgorithm, c.SigningKeys = alg, pem }
}

// BenchmarkTokenAlgVerify is the kernel's verify (signer plus cache) per
// algorithm: warm is a token verified before, first-seen a token never
// seen (full signature check and claims decoding, then caching).
func BenchmarkTokenAlgVerify(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(alg+"/warm", func(b *testing.B) {
			a := storelessAuth(b, newTestClock(), withTokenAlg(b, alg))
			tok := signFor(b, a.tokens, testSID)
			if _, err := a.tokens.verify(tok); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.tokens.verify(tok); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg+"/first-seen", func(b *testing.B) {
			clock := newTestClock()
			a := storelessAuth(b, clock, withTokenAlg(b, alg))
			benchColdVerify(b, a.tokens, clock)
		})
	}
}

// BenchmarkTokenAlgSignatureAlone is the anchor of the first-seen
// figures: the bare signature check of each asymmetric algorithm on a
// token-sized message, which a first-seen token cannot avoid.
func BenchmarkTokenAlgSignatureAlone(b *testing.B) {
	msg := make([]byte, 400) // about a fastauth token's signing input
	b.Run("ed25519.Verify", func(b *testing.B) {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		sig := ed25519.Sign(priv, msg)
		b.ReportAllocs()
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("bad signature")
			}
		}
	})
	b.Run("ecdsa.VerifyASN1-P256", func(b *testing.B) {
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		digest := sha256.Sum256(msg)
		sig, err := ecdsa.SignASN1(rand.Reader, priv, digest[:])
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			d := sha256.Sum256(msg)
			if !ecdsa.VerifyASN1(&priv.PublicKey, d[:], sig) {
				b.Fatal("bad signature")
			}
		}
	})
}

// BenchmarkTokenAlgAuthenticate is the base middleware's work on a warm
// cookie per algorithm, in revocation mode expiry and immediate (where
// the set lookup must add no allocation).
func BenchmarkTokenAlgAuthenticate(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(alg+"/cookie-warm", func(b *testing.B) {
			a := storelessAuth(b, newTestClock(), withTokenAlg(b, alg))
			authenticatedLoop(b, a, browserRequest("/", signFor(b, a.tokens, testSID)))
		})
		b.Run(alg+"/cookie-warm-immediate", func(b *testing.B) {
			a := immediateAuthWith(b, withTokenAlg(b, alg))
			authenticatedLoop(b, a, browserRequest("/", signFor(b, a.tokens, testSID)))
		})
	}
}

// authenticatedLoop is authenticateLoop (as BenchmarkAuthenticate runs
// it), then checks that the request authenticated a principal.
func authenticatedLoop(b *testing.B, a *Auth, req *http.Request) {
	b.Helper()
	if _, ok := PrincipalFrom(authenticateLoop(b, a, req)); !ok {
		b.Fatal("no principal: the token was refused")
	}
}
