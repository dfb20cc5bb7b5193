package tokenverify_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/tokenverify"
)

// verdict is the outcome of a verification, compared across verifiers.
type verdict struct {
	kind string // "ok", "expired", "invalid"
	p    tokenverify.Principal
}

func verdictOf(p tokenverify.Principal, err error) verdict {
	switch {
	case err == nil:
		return verdict{"ok", p}
	case errors.Is(err, tokenverify.ErrTokenExpired):
		return verdict{kind: "expired"}
	case errors.Is(err, tokenverify.ErrInvalidToken):
		return verdict{kind: "invalid"}
	}
	return verdict{kind: err.Error()}
}

// TestCacheAgrees: a repeated token gets, at every instant, the verdict a
// verifier without the cache gives, around each boundary of time (iat and
// nbf less the skew, exp), the clock going back included.
func TestCacheAgrees(t *testing.T) {
	t.Parallel()
	clk := newClock()
	key := newKey(t, signingkey.EdDSA)
	is := newIssuer(t, key)
	cached := is.verifier(t, clk)
	full := tokenverify.WithoutCache(is.verifier(t, clk))
	t0 := clk.Now()

	var tokens []string
	for _, edit := range []func(jwt.MapClaims){
		func(jwt.MapClaims) {},
		func(c jwt.MapClaims) { c["exp"] = t0.Unix() + 2 },
		func(c jwt.MapClaims) { c["iat"] = t0.Unix() + 30 },
		func(c jwt.MapClaims) { c["nbf"] = t0.Unix() + 45; c["iat"] = t0.Unix() - 100 },
		func(c jwt.MapClaims) { delete(c, "iat") },
		func(c jwt.MapClaims) { c["amr"] = []string{"oauth"}; c["aal"] = 1 },
	} {
		c := claims(t0)
		edit(c)
		tokens = append(tokens, mint(t, key, c))
	}
	offsets := []time.Duration{0, time.Second, 2 * time.Second, -14 * time.Second, -15 * time.Second, -16 * time.Second,
		-29 * time.Second, -30 * time.Second, -31 * time.Second, -60 * time.Second, -61 * time.Second,
		-10 * time.Minute, 15*time.Minute - time.Second, 15 * time.Minute, 16 * time.Minute, 0}
	for _, off := range offsets {
		clk.ns.Store(t0.Add(off).UnixNano())
		for i, tok := range tokens {
			want := verdictOf(verify(t, full, tok))
			for range 2 { // the first may fill the cache, the second hits it
				if got := verdictOf(verify(t, cached, tok)); !reflect.DeepEqual(got, want) {
					t.Fatalf("token %d at %+v: cached %+v, full %+v", i, off, got, want)
				}
			}
		}
	}
	if tokenverify.CacheLen(cached) == 0 {
		t.Fatal("nothing was cached: the test compared nothing")
	}
	if tokenverify.CacheLen(full) != 0 {
		t.Fatal("WithoutCache cached")
	}
}

// TestCacheFailuresNotKept: refused tokens are never remembered.
func TestCacheFailuresNotKept(t *testing.T) {
	t.Parallel()
	clk := newClock()
	key := newKey(t, signingkey.ES256)
	v := newIssuer(t, key).verifier(t, clk)
	forged := mint(t, newKey(t, signingkey.ES256), claims(clk.Now()))
	expired := mint(t, key, claims(clk.Now().Add(-time.Hour)))
	c := claims(clk.Now())
	c["aud"] = "other"
	for _, tok := range []string{forged, expired, mint(t, key, c), "x.y.z"} {
		for range 3 {
			if _, err := verify(t, v, tok); err == nil {
				t.Fatal("accepted")
			}
		}
	}
	if n := tokenverify.CacheLen(v); n != 0 {
		t.Fatalf("%d refused tokens cached", n)
	}
}

// TestCachedPrincipalUnshared: a caller changing its principal changes
// nobody else's.
func TestCachedPrincipalUnshared(t *testing.T) {
	t.Parallel()
	clk := newClock()
	key := newKey(t, signingkey.EdDSA)
	v := newIssuer(t, key).verifier(t, clk)
	tok := token(t, key, clk)
	for range 3 {
		p, err := verify(t, v, tok)
		if err != nil {
			t.Fatal(err)
		}
		if p.AMR[0] != "password" {
			t.Fatalf("AMR %v: changed by an earlier caller", p.AMR)
		}
		p.AMR[0] = "tampered"
	}
}
