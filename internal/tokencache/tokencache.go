// Package tokencache remembers tokens that passed a full verification, so
// that a client presenting the same token on every request pays for its
// signature check and JSON decoding once per token lifetime instead of
// once per request.
//
// The cache is keyed by the exact token string: a lookup finds only a
// string byte-for-byte equal to one that verified, so it can accept
// nothing a full verification would refuse for its signature, header or
// claims. What depends on time stays the caller's to check on every hit,
// with the instants an Entry records: a hit is valid from NotBefore and
// expired from Expires. Only successes are added. It is safe for
// concurrent use; a nil *Cache is a disabled one.
package tokencache

import (
	"strings"
	"sync"
	"time"
)

// shards splits the cache so that concurrent requests on many cores do
// not all take one lock. A power of two.
const shards = 16

// Cache holds at most its size verified tokens, each with a value V.
type Cache[V any] struct {
	perShard int
	shards   [shards]shard[V]
}

// shard is one lock and the entries it guards.
type shard[V any] struct {
	mu      sync.RWMutex
	entries map[string]*Entry[V]
	_       [64]byte // keep neighbouring shards' locks off one cache line
}

// Entry is a verified token's value and the instants between which the
// token is valid. It must not be changed once added.
type Entry[V any] struct {
	Value V
	// NotBefore is the earliest instant the token is valid at (its iat or
	// nbf less the clock skew); zero when it has neither.
	NotBefore time.Time
	// Expires is the token's exp: from then on it is expired.
	Expires time.Time
}

// New returns a cache of at most size tokens (at least one per shard).
// Its maps are sized for a full cache up front, so that first sights
// never pay for their growth.
func New[V any](size int) *Cache[V] {
	c := &Cache[V]{perShard: max(size/shards, 1)}
	for i := range c.shards {
		c.shards[i].entries = make(map[string]*Entry[V], c.perShard)
	}
	return c
}

// shard picks the shard of token from the last characters of its
// signature, which are uniformly distributed for genuine tokens (the only
// ones ever added).
func (c *Cache[V]) shard(token string) *shard[V] {
	n := len(token)
	h := uint(n)
	if n >= 3 {
		h = uint(token[n-2])*31 + uint(token[n-3])
	}
	return &c.shards[h%shards]
}

// Get returns the entry of token, or nil.
func (c *Cache[V]) Get(token string) *Entry[V] {
	if c == nil {
		return nil
	}
	sh := c.shard(token)
	sh.mu.RLock()
	e := sh.entries[token]
	sh.mu.RUnlock()
	return e
}

// Add records e for token, which a full verification at now accepted. A
// full cache first drops its entries expired at now, then arbitrary ones.
func (c *Cache[V]) Add(token string, e *Entry[V], now time.Time) {
	if c == nil {
		return
	}
	// The token may be a slice of a request header: copy it so that the
	// cache does not pin the whole header.
	token = strings.Clone(token)
	sh := c.shard(token)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.entries[token]; !ok && len(sh.entries) >= c.perShard {
		sh.evictLocked(now, c.perShard)
	}
	sh.entries[token] = e
}

// Remove drops token if its entry is still e (a caller that found e
// expired, or stale, drops it without racing a fresher Add).
func (c *Cache[V]) Remove(token string, e *Entry[V]) {
	if c == nil {
		return
	}
	sh := c.shard(token)
	sh.mu.Lock()
	if sh.entries[token] == e {
		delete(sh.entries, token)
	}
	sh.mu.Unlock()
}

// Len is the number of cached tokens, expired ones not yet dropped
// included.
func (c *Cache[V]) Len() int {
	if c == nil {
		return 0
	}
	n := 0
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.RLock()
		n += len(sh.entries)
		sh.mu.RUnlock()
	}
	return n
}

// evictLocked makes room in a full shard: it drops the expired entries,
// then arbitrary ones (map order) down to 7/8 of capacity so that the
// sweep does not repeat on every insert. sh.mu must be held.
func (sh *shard[V]) evictLocked(now time.Time, capacity int) {
	for k, e := range sh.entries {
		if !now.Before(e.Expires) {
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
