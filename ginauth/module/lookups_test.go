package module_test

import (
	"testing"

	"github.com/fastauth/fastauth/ginauth/module"
)

// TestLookupCounter: a nil counter counts nothing, a counter counts hits
// and misses apart without allocating, and one with a report hands every
// lookup over. (Not parallel: AllocsPerRun.)
func TestLookupCounter(t *testing.T) {
	var none *module.LookupCounter
	none.Count(true)
	if h, m := none.Counts(); h != 0 || m != 0 {
		t.Fatalf("nil counter: %d hits, %d misses", h, m)
	}
	c := module.NewLookupCounter(nil)
	for _, hit := range []bool{true, true, false} {
		c.Count(hit)
	}
	if h, m := c.Counts(); h != 2 || m != 1 {
		t.Fatalf("%d hits, %d misses, want 2 and 1", h, m)
	}
	var got []bool
	r := module.NewLookupCounter(func(hit bool) { got = append(got, hit) })
	r.Count(false)
	r.Count(true)
	if h, m := r.Counts(); len(got) != 2 || got[0] || !got[1] || h != 0 || m != 0 {
		t.Fatalf("reported %v, counted %d/%d", got, h, m)
	}
	if n := testing.AllocsPerRun(100, func() { c.Count(true) }); n != 0 {
		t.Fatalf("Count allocates %v times", n)
	}
}
