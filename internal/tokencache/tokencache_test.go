package tokencache_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fastauth/fastauth/internal/tokencache"
)

func TestCache(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := tokencache.New[string](64)
	if c.Get("a.b.cde") != nil || c.Len() != 0 {
		t.Fatal("empty cache has an entry")
	}
	e := &tokencache.Entry[string]{Value: "v", Expires: now.Add(time.Minute)}
	buf := []byte("a.b.cde")
	c.Add(string(buf), e, now)
	buf[0] = 'x' // the cache holds its own copy
	if got := c.Get("a.b.cde"); got != e {
		t.Fatalf("Get = %v, want the entry added", got)
	}
	if c.Get("a.b.cdf") != nil || c.Get("a.b.cd") != nil {
		t.Fatal("a lookup matched another string")
	}
	other := &tokencache.Entry[string]{Value: "w", Expires: now.Add(time.Minute)}
	c.Remove("a.b.cde", other) // not its entry: kept
	if c.Get("a.b.cde") != e {
		t.Fatal("Remove dropped an entry that was not the one named")
	}
	c.Remove("a.b.cde", e)
	if c.Get("a.b.cde") != nil || c.Len() != 0 {
		t.Fatal("Remove kept the entry")
	}

	var nilCache *tokencache.Cache[string]
	nilCache.Add("a", e, now)
	nilCache.Remove("a", e)
	if nilCache.Get("a") != nil || nilCache.Len() != 0 {
		t.Fatal("a nil cache holds entries")
	}
}

// TestCacheBounded: however many tokens are added, the cache stays within
// its size, and a full shard drops its expired entries first.
func TestCacheBounded(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const size = 160
	c := tokencache.New[int](size)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				c.Add(fmt.Sprintf("h.p.sig%d-%d", g, i), &tokencache.Entry[int]{Value: i, Expires: now.Add(time.Hour)}, now)
				_ = c.Get(fmt.Sprintf("h.p.sig%d-%d", g, i/2))
			}
		})
	}
	wg.Wait()
	if n := c.Len(); n > size || n < size/2 {
		t.Fatalf("%d entries after 8,000 adds, want at most %d (and not empty)", n, size)
	}

	// Expired entries go first.
	c = tokencache.New[int](16) // one entry per shard
	c.Add("h.p.aax", &tokencache.Entry[int]{Value: 1, Expires: now}, now)
	fresh := &tokencache.Entry[int]{Value: 2, Expires: now.Add(time.Hour)}
	c.Add("h.p.aay", fresh, now) // same shard (the shard is picked by the two characters before the last)
	if c.Get("h.p.aax") != nil || c.Get("h.p.aay") != fresh {
		t.Fatal("a full shard kept an expired entry over a fresh one")
	}
}
