package ginauth

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/fastauth/fastauth/internal/requestcookie"
)

// Bounds of the verified-access-token cache.
const (
	// tokenCacheShards splits the cache so that concurrent requests on
	// many cores do not all take one lock. A power of two.
	tokenCacheShards = 16
	// tokenCacheSize is the most tokens the cache holds (all shards).
	// An entry costs about 1 KiB (the token string and its decoded
	// claims), so the cache stays under about 16 MiB.
	tokenCacheSize = 16384
)

// tokenCache remembers access tokens that passed full verification, so
// that a browser presenting the same access token on every request for
// the token's whole lifetime pays for its HMAC and JSON decoding once.
//
// It is keyed by the exact token string: a lookup hits only for a string
// byte-for-byte equal to one that verified, so it accepts nothing a full
// verify would refuse for its signature, header or claims. Only successful
// verifications are added, never failures. The remaining checks depend on
// time, and a hit repeats them with the injected clock exactly as the JWT
// validator does (iat and nbf not more than the clock skew in the future,
// else rejected; exp in the future, else expired), so a hit returns what a
// full verify would return at that instant. Expired entries are dropped when met and swept when a shard is
// full; a full shard then drops arbitrary entries.
//
// A cache belongs to one tokenSigner, whose secrets never change: a
// configuration with other secrets builds a new signer and so starts with
// an empty cache. A nil *tokenCache is a disabled cache. It is safe for
// concurrent use.
type tokenCache struct {
	now      func() time.Time
	skew     time.Duration // Config.ClockSkew, the leeway on iat and nbf
	perShard int
	shards   [tokenCacheShards]tokenCacheShard
}

// tokenCacheShard is one lock and the entries it guards.
type tokenCacheShard struct {
	mu      sync.RWMutex
	entries map[string]*cachedToken
	_       [64]byte // keep neighbouring shards' locks off one cache line
}

// cachedToken is a verified token (its claims and principal) and the
// instants between which it is valid. It is immutable once added: every
// hit hands out a pointer to its verifiedToken.
type cachedToken struct {
	verifiedToken
	notBefore time.Time // the later of iat and nbf, less the skew; zero when the token has neither
	expires   time.Time
}

// newTokenCache returns a cache of at most size tokens (at least one per
// shard) judged by the clock now with skew as the leeway on iat and nbf.
func newTokenCache(size int, now func() time.Time, skew time.Duration) *tokenCache {
	tc := &tokenCache{now: now, skew: skew, perShard: max(size/tokenCacheShards, 1)}
	for i := range tc.shards {
		// Sized for a full shard up front (about 0.5 MiB in all), so that
		// first sights never pay for the map growing.
		tc.shards[i].entries = make(map[string]*cachedToken, tc.perShard)
	}
	return tc
}

// shard picks the shard of token from the last characters of its
// signature, which are uniformly distributed for tokens we signed (the
// only ones ever stored).
func (tc *tokenCache) shard(token string) *tokenCacheShard {
	n := len(token)
	h := uint(n)
	if n >= 3 {
		h = uint(token[n-2])*31 + uint(token[n-3])
	}
	return &tc.shards[h%tokenCacheShards]
}

// lookup returns the cached verification of token at the current time: ok
// is false when token is not cached (verify it in full). When ok, err is
// nil and v the cached token, shared with every other hit (read it, never
// modify it), or err is errTokenExpired or errTokenRejected (a token whose
// iat or nbf lies further in the future of the clock than the skew), as a
// full verify would say. A hit copies and allocates nothing.
func (tc *tokenCache) lookup(token string) (v *verifiedToken, ok bool, err error) {
	if tc == nil {
		return nil, false, nil
	}
	sh := tc.shard(token)
	sh.mu.RLock()
	e := sh.entries[token]
	sh.mu.RUnlock()
	if e == nil {
		return nil, false, nil
	}
	now := tc.now()
	switch {
	case now.Before(e.notBefore):
		return nil, true, fmt.Errorf("%w: token used before issued", errTokenRejected)
	case !now.Before(e.expires):
		sh.mu.Lock()
		if sh.entries[token] == e {
			delete(sh.entries, token)
		}
		sh.mu.Unlock()
		return nil, true, errTokenExpired
	}
	return &e.verifiedToken, true, nil
}

// add caches claims, the result of a successful full verification of
// token, with the principal they describe, and returns the verified token
// (the cached one, which later hits share). Claims without an expiry
// (verify refuses them) and tokens of other bytes than the compact-JWS
// alphabet (requestcookie.TokenSafe) are not cached, so that a cached
// token is always a valid cookie value, as the base middleware's
// requestcookie.Known needs; such a token is verified in full every time:
// add then returns a verified token of its own, as it does for a nil
// cache.
func (tc *tokenCache) add(token string, claims accessClaims) *verifiedToken {
	if tc == nil || claims.ExpiresAt == nil || !requestcookie.TokenSafe(token) {
		return newVerifiedToken(claims)
	}
	e := &cachedToken{verifiedToken: verifiedToken{accessClaims: claims, session: claims.principal()}, expires: claims.ExpiresAt.Time}
	for _, d := range []*numericDate{claims.IssuedAt, claims.NotBefore} {
		if d != nil && (e.notBefore.IsZero() || d.Add(-tc.skew).After(e.notBefore)) {
			e.notBefore = d.Add(-tc.skew)
		}
	}
	// The token may be a slice of the request's Cookie header: copy it so
	// that the cache does not pin the whole header.
	token = strings.Clone(token)
	sh := tc.shard(token)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.entries[token]; !ok && len(sh.entries) >= tc.perShard {
		sh.evictLocked(tc.now(), tc.perShard)
	}
	sh.entries[token] = e
	return &e.verifiedToken
}

// evictLocked makes room in a full shard: it drops the expired entries,
// then arbitrary ones (map order) down to 7/8 of capacity so that the
// sweep does not repeat on every insert. sh.mu must be held.
func (sh *tokenCacheShard) evictLocked(now time.Time, capacity int) {
	for k, e := range sh.entries {
		if !now.Before(e.expires) {
			delete(sh.entries, k)
		}
	}
	target := capacity - max(capacity/8, 1)
	for k := range sh.entries {
		if len(sh.entries) <= target {
			break
		}
		delete(sh.entries, k)
	}
}

// size is the number of cached tokens, expired ones not yet dropped
// included.
func (tc *tokenCache) size() int {
	if tc == nil {
		return 0
	}
	n := 0
	for i := range tc.shards {
		sh := &tc.shards[i]
		sh.mu.RLock()
		n += len(sh.entries)
		sh.mu.RUnlock()
	}
	return n
}
