package permissions_test

import (
	"testing"

	"github.com/fastauth/fastauth"
)

// BenchmarkCheck measures a warm check: a built-in role (a bit test, no
// store read, no allocation) and a custom role (a read-locked map lookup
// of the organization's cached definitions).
func BenchmarkCheck(b *testing.B) {
	for _, bc := range []struct {
		name  string
		role  fastauth.Role
		loads int64
	}{{"builtin", fastauth.RoleMember, 0}, {"custom", "billing", 1}} {
		b.Run(bc.name, func(b *testing.B) {
			r, src, _ := newResolver(b)
			p := principal(bc.role)
			ctx := b.Context()
			if ok, err := r.Check(ctx, p, "project:read"); !ok || err != nil {
				b.Fatalf("Check = %v, %v", ok, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if ok, _ := r.Check(ctx, p, "project:read"); !ok {
					b.Fatal("refused")
				}
			}
			if n := src.loads.Load(); n != bc.loads {
				b.Fatalf("%d loads, want %d", n, bc.loads)
			}
		})
	}
}

// TestCheckAllocations holds the warm checks to zero allocations.
func TestCheckAllocations(t *testing.T) {
	r, _, _ := newResolver(t)
	ctx := t.Context()
	for _, role := range []fastauth.Role{fastauth.RoleOwner, fastauth.RoleMember, "billing"} {
		p := principal(role)
		_, _ = r.Check(ctx, p, "project:read")
		if n := testing.AllocsPerRun(100, func() { _, _ = r.Check(ctx, p, "project:read") }); n != 0 {
			t.Errorf("%s: %v allocations per warm check, want 0", role, n)
		}
	}
}
