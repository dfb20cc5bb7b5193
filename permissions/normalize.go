package permissions

import (
	"errors"
	"fmt"
	"slices"
)

// MaxListLength caps a permission list in a request (before duplicates
// are dropped), so that a body cannot make the server sort a huge list.
const MaxListLength = 2 * MaxPermissions

// The errors of Normalize.
var (
	// ErrTooMany: more than MaxListLength entries.
	ErrTooMany = errors.New("permissions: too many permissions in the list")
	// ErrUnknown: a name that is not in the catalog.
	ErrUnknown = errors.New("permissions: unknown permission")
)

// Normalize checks a permission list against the catalog and returns it
// deduplicated and sorted, with its Set. An empty list is valid (a role
// that holds nothing). Errors wrap ErrTooMany or ErrUnknown (with the
// first unknown name).
func (c *Catalog) Normalize(names []string) ([]string, Set, error) {
	if len(names) > MaxListLength {
		return nil, Set{}, fmt.Errorf("%w: %d entries, at most %d", ErrTooMany, len(names), MaxListLength)
	}
	var s Set
	out := make([]string, 0, len(names))
	for _, n := range names {
		i, ok := c.index[n]
		if !ok {
			return nil, Set{}, fmt.Errorf("%w: %q", ErrUnknown, n)
		}
		if !s.Has(i) {
			s.add(i)
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, s, nil
}

// SetOf returns the set of names, ignoring names not in the catalog (a
// stored role whose permission the catalog no longer declares holds the
// rest).
func (c *Catalog) SetOf(names []string) Set {
	var s Set
	for _, n := range names {
		if i, ok := c.index[n]; ok {
			s.add(i)
		}
	}
	return s
}
