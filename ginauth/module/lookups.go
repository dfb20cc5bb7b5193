package module

import "sync/atomic"

// LookupCounter counts the hits and misses of a cache of verified
// credentials for the kernel's Config.Observer (Host.CacheLookups). A nil
// *LookupCounter counts nothing, so that a cache on the request path
// costs one nil check when metrics are off; otherwise a lookup is one
// atomic increment, which the observer reads when it is scraped, or a
// call to the observer when it does not read counters.
type LookupCounter struct {
	hits   paddedCounter
	misses paddedCounter
	// report, when set, receives each lookup instead of the counters.
	report func(hit bool)
}

// paddedCounter is an atomic counter alone on its cache line, so that
// concurrent requests counting different things do not contend.
type paddedCounter struct {
	n atomic.Uint64
	_ [56]byte
}

// NewLookupCounter returns a counter that keeps atomic counts, or, with a
// non-nil report, hands each lookup to report instead.
func NewLookupCounter(report func(hit bool)) *LookupCounter {
	return &LookupCounter{report: report}
}

// Count records one lookup; c may be nil.
func (c *LookupCounter) Count(hit bool) {
	switch {
	case c == nil:
	case c.report != nil:
		c.report(hit)
	case hit:
		c.hits.n.Add(1)
	default:
		c.misses.n.Add(1)
	}
}

// Counts returns the hits and misses counted so far (zero for a nil c).
func (c *LookupCounter) Counts() (hits, misses uint64) {
	if c == nil {
		return 0, 0
	}
	return c.hits.n.Load(), c.misses.n.Load()
}
