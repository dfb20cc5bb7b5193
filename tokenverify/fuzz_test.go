package tokenverify_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/tokenverify"
)

// FuzzVerify feeds Verify arbitrary strings, seeded with genuine EdDSA
// and ES256 tokens and forgeries of them. It never panics, refuses with
// ErrInvalidToken or ErrTokenExpired only, and accepts no string but the
// genuine tokens themselves.
func FuzzVerify(f *testing.F) {
	clk := newClock()
	ed, es := newKey(f, signingkey.EdDSA), newKey(f, signingkey.ES256)
	v := newIssuer(f, ed, es).verifier(f, clk)
	genuine := []string{token(f, ed, clk), token(f, es, clk)}
	for _, tok := range genuine {
		f.Add(tok)
	}
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(clk.Now()))
	hs.Header["kid"] = ed.ID()
	forged, _ := hs.SignedString([]byte(ed.JWK().X))
	f.Add(forged)
	f.Add(mint(f, ed, claims(clk.Now().Add(-time.Hour))))
	f.Add("")
	f.Add("..")

	f.Fuzz(func(t *testing.T, tok string) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // never wait for a fetch: unknown kids are refused at once
		_, err := v.Verify(ctx, tok)
		switch {
		case err == nil:
			if !slices.Contains(genuine, tok) {
				t.Fatalf("accepted a string that is no genuine token: %q", tok)
			}
		case !errors.Is(err, tokenverify.ErrInvalidToken) && !errors.Is(err, tokenverify.ErrTokenExpired):
			t.Fatalf("undocumented error %v", err)
		}
	})
}
