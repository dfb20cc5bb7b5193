package ginauth

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// uncachedSigner is a signer whose every verify is a full one.
func uncachedSigner(t *testing.T, clock *testClock) *tokenSigner {
	t.Helper()
	s := testSigner(t, clock, testSecret(0))
	s.cache = nil
	return s
}

// signFor mints a token for session sid.
func signFor(t testing.TB, s *tokenSigner, sid string) string {
	t.Helper()
	tok, err := s.sign(testUser, testActive, testSession(sid))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// verdict classifies a verify result: "ok", "expired", "rejected" (signed
// by one of our secrets, refused for its claims) or "invalid".
func verdict(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, errTokenExpired):
		return "expired"
	case errors.Is(err, errTokenRejected):
		return "rejected"
	case errors.Is(err, errTokenInvalid):
		return "invalid"
	}
	return "unexpected: " + err.Error()
}

// A cached token gives, at every instant, the result a full verify gives:
// valid from the clock skew (the default, 60 s) before its iat up to its
// exp, token_expired from exp on (no leeway), rejected earlier.
func TestTokenCacheHitMatchesFullVerify(t *testing.T) {
	t.Parallel()
	// Instants relative to the token's own iat and exp (whole seconds,
	// while the clock has a fractional part), boundaries exactly.
	type instant struct {
		name string
		at   func(iat, exp time.Time) time.Time
	}
	rel := func(name string, base func(iat, exp time.Time) time.Time, d time.Duration) instant {
		return instant{name, func(iat, exp time.Time) time.Time { return base(iat, exp).Add(d) }}
	}
	iat := func(iat, _ time.Time) time.Time { return iat }
	exp := func(_, exp time.Time) time.Time { return exp }
	for _, in := range []instant{
		rel("iat-1h", iat, -time.Hour), rel("iat-skew-1ns", iat, -time.Minute-time.Nanosecond),
		rel("iat-skew", iat, -time.Minute), rel("iat-1ns", iat, -time.Nanosecond), rel("iat", iat, 0),
		rel("iat+1s", iat, time.Second), rel("exp-1s", exp, -time.Second), rel("exp-1ns", exp, -time.Nanosecond),
		rel("exp", exp, 0), rel("exp+1ns", exp, time.Nanosecond), rel("exp+1s", exp, time.Second),
		rel("exp+skew-1ns", exp, time.Minute-time.Nanosecond), rel("exp+skew", exp, time.Minute),
		rel("exp+24h", exp, 24*time.Hour),
	} {
		t.Run(in.name, func(t *testing.T) {
			t.Parallel()
			clock := newTestClock()
			full := uncachedSigner(t, clock)
			tok := signFor(t, full, testSID)
			claims, err := full.verify(tok)
			if err != nil {
				t.Fatal(err)
			}
			tc := newTokenCache(64, clock.Now, full.skew)
			tc.add(tok, claims.accessClaims)

			clock.Advance(in.at(claims.IssuedAt.Time, claims.ExpiresAt.Time).Sub(clock.Now()))
			wantClaims, wantErr := full.verify(tok)
			got, ok, gotErr := tc.lookup(tok)
			if !ok {
				t.Fatal("lookup missed a cached token")
			}
			if verdict(gotErr) != verdict(wantErr) {
				t.Fatalf("cached verdict %q, full verify %q (%v)", verdict(gotErr), verdict(wantErr), wantErr)
			}
			if !reflect.DeepEqual(got, wantClaims) {
				t.Fatalf("cached claims %+v, full verify %+v", got, wantClaims)
			}
			if errors.Is(wantErr, errTokenExpired) && tc.size() != 0 {
				t.Fatalf("expired entry kept: size %d", tc.size())
			}
		})
	}
}

// Only the exact token string hits: any other string, even one differing
// in a single character of the signature, misses and gets a full verify.
func TestTokenCacheExactMatchOnly(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	s := uncachedSigner(t, clock)
	tok := signFor(t, s, testSID)
	claims, err := s.verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	tc := newTokenCache(64, clock.Now, s.skew)
	tc.add(tok, claims.accessClaims)
	flip := func(i int) string {
		b := []byte(tok)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	for name, other := range map[string]string{
		"last char":   flip(len(tok) - 1),
		"first char":  flip(0),
		"prefix":      tok[:len(tok)-1],
		"extended":    tok + "A",
		"with space":  tok + " ",
		"empty":       "",
		"other token": signFor(t, s, "0193a1b2-0000-7000-8000-0000000000fe"),
	} {
		if _, ok, _ := tc.lookup(other); ok {
			t.Errorf("%s: lookup hit", name)
		}
	}
	if _, ok, err := tc.lookup(tok); !ok || err != nil {
		t.Fatalf("exact token: ok=%v err=%v", ok, err)
	}
}

// The cache never holds more than its bound, and evicts expired entries
// before live ones.
func TestTokenCacheBounded(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	s := uncachedSigner(t, clock)
	const capacity = tokenCacheShards * 8
	tc := newTokenCache(capacity, clock.Now, s.skew)
	add := func(i int) string {
		tok := signFor(t, s, fmt.Sprintf("session-%d", i))
		c, err := s.verify(tok)
		if err != nil {
			t.Fatal(err)
		}
		tc.add(tok, c.accessClaims)
		return tok
	}
	for i := range 50 * capacity {
		add(i)
		if n := tc.size(); n > capacity {
			t.Fatalf("after %d adds the cache holds %d > %d", i+1, n, capacity)
		}
	}

	// Fill with tokens that then expire; new live tokens replace them
	// first.
	tc = newTokenCache(capacity, clock.Now, s.skew)
	for i := range 4 * capacity {
		add(i)
	}
	clock.Advance(16 * time.Minute)
	// Live tokens, at most half a shard's capacity in any shard.
	var live []string
	perShard := map[*tokenCacheShard]int{}
	for i := 0; len(live) < capacity/4; i++ {
		tok := signFor(t, s, fmt.Sprintf("live-%d", i))
		if sh := tc.shard(tok); perShard[sh] < capacity/tokenCacheShards/2 {
			perShard[sh]++
			c, err := s.verify(tok)
			if err != nil {
				t.Fatal(err)
			}
			tc.add(tok, c.accessClaims)
			live = append(live, tok)
		}
	}
	for _, tok := range live {
		if _, ok, err := tc.lookup(tok); !ok || err != nil {
			t.Fatalf("a live token was evicted while expired ones were held: ok=%v err=%v", ok, err)
		}
	}
}

// Claims without exp are never cached.
func TestTokenCacheRefusesNoExpiry(t *testing.T) {
	t.Parallel()
	tc := newTokenCache(64, newTestClock().Now, time.Minute)
	tc.add("tok", accessClaims{Subject: "u"})
	if tc.size() != 0 {
		t.Fatal("claims without exp cached")
	}
}

// A nil cache is a disabled one.
func TestTokenCacheNil(t *testing.T) {
	t.Parallel()
	var tc *tokenCache
	tc.add("tok", accessClaims{})
	if _, ok, err := tc.lookup("tok"); ok || err != nil {
		t.Fatalf("nil cache: ok=%v err=%v", ok, err)
	}
	if tc.size() != 0 {
		t.Fatal("nil cache has entries")
	}
}

// Concurrent lookups, adds and expiries are race-free (run with -race)
// and never return another token's claims.
func TestTokenCacheConcurrent(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	s := uncachedSigner(t, clock)
	tc := newTokenCache(tokenCacheShards*4, clock.Now, s.skew)
	type pair struct {
		tok string
		sid string
	}
	var pairs []pair
	for i := range 200 {
		sid := fmt.Sprintf("session-%d", i)
		pairs = append(pairs, pair{signFor(t, s, sid), sid})
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				p := pairs[(i*7+g)%len(pairs)]
				if c, ok, err := tc.lookup(p.tok); ok && err == nil && c.SessionID != p.sid {
					t.Errorf("token of %s returned claims of %s", p.sid, c.SessionID)
					return
				}
				if c, err := s.verify(p.tok); err == nil {
					tc.add(p.tok, c.accessClaims)
				}
				if i%500 == 0 {
					clock.Advance(time.Second)
				}
			}
		})
	}
	wg.Wait()
}

// Through the signer's single verify entry point: failures are never
// cached and keep failing the same way; a success is cached once.
func TestTokenVerifyCachesOnlySuccesses(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	secret := testSecret(0)
	s := testSigner(t, clock, secret)
	kid := keyID(secret)
	now := clock.Now()
	good := validClaims(now)
	for name, tc := range map[string]struct {
		token string
		want  string
	}{
		"garbage":      {"not.a.jwt", "invalid"},
		"other secret": {forge(t, jwt.SigningMethodHS256, testSecret(1), kid, good), "invalid"},
		"wrong aud":    {forge(t, jwt.SigningMethodHS256, secret, kid, with(good, "aud", "other")), "rejected"},
		"future iat":   {forge(t, jwt.SigningMethodHS256, secret, kid, with(good, "iat", now.Add(s.skew+time.Second).Unix())), "rejected"},
		"expired":      {forge(t, jwt.SigningMethodHS256, secret, kid, with(good, "exp", now.Add(-time.Second).Unix())), "expired"},
	} {
		for range 2 {
			if _, err := s.verify(tc.token); verdict(err) != tc.want {
				t.Errorf("%s: verify = %v, want %s", name, err, tc.want)
			}
		}
	}
	if n := s.cache.size(); n != 0 {
		t.Fatalf("failed verifications left %d cache entries", n)
	}
	tok := signFor(t, s, testSID)
	first, err := s.verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.cache.lookup(tok); !ok || s.cache.size() != 1 {
		t.Fatalf("a verified token is not cached (size %d)", s.cache.size())
	}
	again, err := s.verify(tok)
	if err != nil || !reflect.DeepEqual(first, again) {
		t.Fatalf("cached verify = %+v, %v; first %+v", again, err, first)
	}
}

// The cached signer and an uncached one agree at every instant of a
// token's life and beyond, including a clock set back before its iat.
func TestTokenVerifyCachedEqualsFull(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	cached := testSigner(t, clock, testSecret(0))
	full := uncachedSigner(t, clock)
	tok := signFor(t, cached, testSID)
	for _, step := range []time.Duration{
		0, time.Minute, 13 * time.Minute, time.Minute - time.Nanosecond, time.Nanosecond,
		-15*time.Minute - time.Second, 15 * time.Minute, time.Second, time.Hour,
	} {
		clock.Advance(step)
		c1, err1 := cached.verify(tok)
		c2, err2 := full.verify(tok)
		if verdict(err1) != verdict(err2) || !reflect.DeepEqual(c1, c2) {
			t.Fatalf("at %s: cached %q %+v, full %q %+v", clock.Now(), verdict(err1), c1, verdict(err2), c2)
		}
	}
}

// A signer's cache is its own: a configuration without the secret that
// signed a token refuses it even after another signer cached it, and a
// signer built for a rotation verifies it through its previous secrets.
func TestTokenCacheDiesWithTheKeys(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	old := testSigner(t, clock, testSecret(0))
	tok := signFor(t, old, testSID)
	if _, err := old.verify(tok); err != nil {
		t.Fatal(err)
	}
	if _, err := testSigner(t, clock, testSecret(1)).verify(tok); verdict(err) != "invalid" {
		t.Fatalf("new secret only: %v, want invalid", err)
	}
	if _, err := testSigner(t, clock, testSecret(1), testSecret(0)).verify(tok); err != nil {
		t.Fatalf("new secret with the old one as previous: %v", err)
	}
}
