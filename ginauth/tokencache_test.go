package ginauth

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"
)

// uncachedSigner is a signer whose every verify is a full one.
func uncachedSigner(t *testing.T, clock *testClock) *tokenSigner {
	t.Helper()
	return testSigner(t, clock, testSecret(0))
}

// signFor mints a token for session sid.
func signFor(t testing.TB, s *tokenSigner, sid string) string {
	t.Helper()
	tok, err := s.sign(testUser, testActive, sid)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// verdict classifies a verify result: "ok", "expired" or "invalid".
func verdict(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, errTokenExpired):
		return "expired"
	case errors.Is(err, errTokenInvalid):
		return "invalid"
	}
	return "unexpected: " + err.Error()
}

// A cached token gives, at every instant, the result a full verify gives:
// valid up to its exp, token_expired from exp on, invalid before its iat.
func TestTokenCacheHitMatchesFullVerify(t *testing.T) {
	t.Parallel()
	for _, offset := range []time.Duration{
		-time.Hour, -time.Second, -time.Nanosecond, 0, time.Second,
		15*time.Minute - time.Second, 15*time.Minute - time.Nanosecond,
		15 * time.Minute, 15*time.Minute + time.Nanosecond, 15*time.Minute + time.Second, 24 * time.Hour,
	} {
		t.Run(offset.String(), func(t *testing.T) {
			t.Parallel()
			clock := newTestClock()
			full := uncachedSigner(t, clock)
			tok := signFor(t, full, testSID)
			claims, err := full.verify(tok)
			if err != nil {
				t.Fatal(err)
			}
			tc := newTokenCache(64, clock.Now)
			tc.add(tok, claims)

			clock.Advance(offset)
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
			if wantErr != nil && errors.Is(wantErr, errTokenExpired) && tc.size() != 0 {
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
	tc := newTokenCache(64, clock.Now)
	tc.add(tok, claims)
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
	tc := newTokenCache(capacity, clock.Now)
	add := func(i int) string {
		tok := signFor(t, s, fmt.Sprintf("session-%d", i))
		c, err := s.verify(tok)
		if err != nil {
			t.Fatal(err)
		}
		tc.add(tok, c)
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
	tc = newTokenCache(capacity, clock.Now)
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
			tc.add(tok, c)
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
	tc := newTokenCache(64, newTestClock().Now)
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
	tc := newTokenCache(tokenCacheShards*4, clock.Now)
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
					tc.add(p.tok, c)
				}
				if i%500 == 0 {
					clock.Advance(time.Second)
				}
			}
		})
	}
	wg.Wait()
}
