package tokenverify_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/tokenverify"
)

// BenchmarkVerify verifies with the keys in memory: "first" is a token
// seen for the first time (signature, JSON, claim checks; the cache is
// off), "warm" one seen before (answered from the cache, time checks
// redone).
func BenchmarkVerify(b *testing.B) {
	for _, alg := range []signingkey.Algorithm{signingkey.EdDSA, signingkey.ES256} {
		for _, warm := range []bool{false, true} {
			name := string(alg) + "/first"
			if warm {
				name = string(alg) + "/warm"
			}
			b.Run(name, func(b *testing.B) {
				clk := newClock()
				key := newKey(b, alg)
				is := newIssuer(b, key)
				v := is.verifier(b, clk)
				if !warm {
					v = tokenverify.WithoutCache(v)
				}
				tok := token(b, key, clk)
				if _, err := verify(b, v, tok); err != nil {
					b.Fatal(err)
				}
				ctx := b.Context()
				b.ReportAllocs()
				for b.Loop() {
					if _, err := v.Verify(ctx, tok); err != nil {
						b.Fatal(err)
					}
				}
				if is.Hits() != 1 {
					b.Fatalf("%d fetches", is.Hits())
				}
			})
		}
	}
}

// BenchmarkMiddleware is a request through the net/http middleware with
// a warm token in the cookie, without the network.
func BenchmarkMiddleware(b *testing.B) {
	clk := newClock()
	key := newKey(b, signingkey.EdDSA)
	v := newIssuer(b, key).verifier(b, clk)
	h := v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	req := httptest.NewRequestWithContext(b.Context(), http.MethodGet, "/api/me", nil)
	req.AddCookie(&http.Cookie{Name: "access_token", Value: token(b, key, clk)})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("status %d: %s", w.Code, w.Body)
	}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}
