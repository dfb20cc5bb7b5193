package permissions

// Set is a set of catalog permissions by index: a fixed-size bitset,
// copied by value and compared without allocation.
type Set struct{ bits [MaxPermissions / 64]uint64 }

// add puts index i in s.
func (s *Set) add(i int) { s.bits[i/64] |= 1 << (i % 64) }

// Has reports whether index i is in s.
func (s Set) Has(i int) bool {
	return i >= 0 && i < MaxPermissions && s.bits[i/64]&(1<<(i%64)) != 0
}

// Contains reports whether every permission of o is in s.
func (s Set) Contains(o Set) bool {
	for i := range s.bits {
		if o.bits[i]&^s.bits[i] != 0 {
			return false
		}
	}
	return true
}

// Intersect returns the permissions in both s and o.
func (s Set) Intersect(o Set) Set {
	for i := range s.bits {
		s.bits[i] &= o.bits[i]
	}
	return s
}
