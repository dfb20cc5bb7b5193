package metrics

import (
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fastauth/fastauth"
)

// cacheCollector is token_cache_lookups_total: the lookups counted by
// TokenCache calls plus those of the kernels' counters (ReadCacheCounts),
// read when the registry is scraped.
type cacheCollector struct {
	desc *prometheus.Desc
	// counted by TokenCache: [cache index][0 hit, 1 miss]; the last cache
	// index is Other.
	counts [3][2]atomic.Uint64

	mu      sync.Mutex
	readers []func() fastauth.CacheCounts
}

func newCacheCollector() *cacheCollector {
	return &cacheCollector{desc: prometheus.NewDesc(prometheus.BuildFQName(namespace, "", "token_cache_lookups_total"),
		"Lookups in the caches of verified credentials, by cache and result (hit or miss).", []string{"cache", "result"}, nil)}
}

// count adds one lookup of cache.
func (c *cacheCollector) count(cache string, hit bool) {
	i := len(caches)
	for j, name := range caches {
		if name == cache {
			i = j
		}
	}
	r := 1
	if hit {
		r = 0
	}
	c.counts[i][r].Add(1)
}

func (c *cacheCollector) addReader(read func() fastauth.CacheCounts) {
	if read == nil {
		return
	}
	c.mu.Lock()
	c.readers = append(c.readers, read)
	c.mu.Unlock()
}

// Describe implements prometheus.Collector.
func (c *cacheCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector: the api_key and access_token
// series always, the other series once a lookup was labeled so.
func (c *cacheCollector) Collect(ch chan<- prometheus.Metric) {
	var v [3][2]uint64
	for i := range v {
		for r := range v[i] {
			v[i][r] = c.counts[i][r].Load()
		}
	}
	c.mu.Lock()
	readers := c.readers
	c.mu.Unlock()
	for _, read := range readers {
		n := read()
		v[0][0] += n.APIKeyHits
		v[0][1] += n.APIKeyMisses
		v[1][0] += n.AccessTokenHits
		v[1][1] += n.AccessTokenMisses
	}
	names := [3]string{caches[0], caches[1], Other}
	for i, name := range names {
		if i == 2 && v[i][0] == 0 && v[i][1] == 0 {
			continue
		}
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.CounterValue, float64(v[i][0]), name, "hit")
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.CounterValue, float64(v[i][1]), name, "miss")
	}
}
