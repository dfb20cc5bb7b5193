package permissions_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/permissions"
)

// fakeClock is a settable clock.
type fakeClock struct{ t atomic.Int64 }

func (f *fakeClock) now() time.Time      { return time.Unix(0, f.t.Load()) }
func (f *fakeClock) add(d time.Duration) { f.t.Add(int64(d)) }
func newClock() *fakeClock {
	f := &fakeClock{}
	f.t.Store(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	return f
}
func principal(role fastauth.Role) *fastauth.Principal {
	return &fastauth.Principal{Kind: fastauth.PrincipalSession, UserID: "u", OrganizationID: "org", OrganizationRole: role}
}

// countingSource serves fixed roles and counts its loads.
type countingSource struct {
	loads atomic.Int64
	roles atomic.Pointer[map[string][]string]
	err   atomic.Pointer[error]
}

func (s *countingSource) load(_ context.Context, org string) (map[string][]string, error) {
	s.loads.Add(1)
	if e := s.err.Load(); e != nil {
		return nil, *e
	}
	if org != "org" {
		return nil, nil
	}
	return *s.roles.Load(), nil
}

func newResolver(t testing.TB) (*permissions.Resolver, *countingSource, *fakeClock) {
	clock := newClock()
	r := permissions.NewResolver(mustCatalog(t, exampleConfig), 0, clock.now)
	src := &countingSource{}
	roles := map[string][]string{"billing": {"billing:manage", "project:read", "gone:away"}}
	src.roles.Store(&roles)
	r.SetSource(src.load, 0)
	return r, src, clock
}

func TestResolverCheck(t *testing.T) {
	t.Parallel()
	r, _, _ := newResolver(t)
	scoped := principal(fastauth.RoleAdmin)
	scoped.Kind, scoped.Permissions = fastauth.PrincipalAPIKey, []string{"project:read"}
	for _, tc := range []struct {
		name string
		p    *fastauth.Principal
		perm string
		want bool
	}{
		{"owner holds owner-only", principal(fastauth.RoleOwner), "billing:manage", true},
		{"admin lacks owner-only", principal(fastauth.RoleAdmin), "billing:manage", false},
		{"admin holds members:manage", principal(fastauth.RoleAdmin), permissions.MembersManage, true},
		{"admin lacks roles:manage", principal(fastauth.RoleAdmin), permissions.RolesManage, false},
		{"member holds configured", principal(fastauth.RoleMember), "project:read", true},
		{"member lacks others", principal(fastauth.RoleMember), "project:write", false},
		{"custom holds its own", principal("billing"), "billing:manage", true},
		{"custom lacks others", principal("billing"), "project:write", false},
		{"undefined custom holds nothing", principal("deleted"), "project:read", false},
		{"malformed role holds nothing", principal("Owner"), "project:read", false},
		{"uncatalogued permission held by nobody", principal(fastauth.RoleOwner), "gone:away", false},
		{"scoped key within scope", scoped, "project:read", true},
		{"scoped key outside scope", scoped, "project:write", false},
		{"nil principal", nil, "project:read", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := r.Check(t.Context(), tc.p, tc.perm)
			if err != nil || got != tc.want {
				t.Fatalf("Check = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	var nilResolver *permissions.Resolver
	if ok, err := nilResolver.Check(t.Context(), principal(fastauth.RoleOwner), "project:read"); ok || err != nil {
		t.Fatalf("nil resolver Check = %v, %v", ok, err)
	}
}

// TestResolverCache: one load per organization while warm, a reload after
// Invalidate and after the TTL, nothing cached from a load that raced an
// invalidation, and a failing source reported (not cached).
func TestResolverCache(t *testing.T) {
	t.Parallel()
	r, src, clock := newResolver(t)
	ctx := t.Context()
	check := func(perm string, want bool) {
		t.Helper()
		if ok, err := r.Check(ctx, principal("billing"), perm); err != nil || ok != want {
			t.Fatalf("Check(%s) = %v, %v; want %v", perm, ok, err, want)
		}
	}
	for range 100 {
		check("billing:manage", true)
	}
	if n := src.loads.Load(); n != 1 {
		t.Fatalf("%d loads for a warm organization, want 1", n)
	}
	changed := map[string][]string{"billing": {"project:write"}}
	src.roles.Store(&changed)
	check("billing:manage", true) // cached
	r.Invalidate("org")
	check("billing:manage", false)
	check("project:write", true)
	if n := src.loads.Load(); n != 2 {
		t.Fatalf("%d loads after one invalidation, want 2", n)
	}
	clock.add(permissions.DefaultCacheTTL)
	check("project:write", true)
	if n := src.loads.Load(); n != 3 {
		t.Fatalf("%d loads after the TTL, want 3", n)
	}
	boom := errors.New("store down")
	src.err.Store(&boom)
	r.InvalidateAll()
	if _, err := r.Check(ctx, principal("billing"), "project:write"); !errors.Is(err, boom) {
		t.Fatalf("Check with a failing source = %v, want %v", err, boom)
	}
	if ok, err := r.Check(ctx, principal(fastauth.RoleOwner), "project:write"); !ok || err != nil {
		t.Fatalf("a built-in role needs no source: %v, %v", ok, err)
	}
}

func TestResolverNames(t *testing.T) {
	t.Parallel()
	r, _, _ := newResolver(t)
	if got := r.Names(t.Context(), "org", "billing"); len(got) != 2 || got[0] != "project:read" || got[1] != "billing:manage" {
		t.Fatalf("Names(billing) = %v", got)
	}
	if got := r.Names(t.Context(), "org", "nobody"); got == nil || len(got) != 0 {
		t.Fatalf("Names(undefined) = %#v, want []", got)
	}
}
