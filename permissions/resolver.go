package permissions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fastauth/fastauth"
)

// Source loads the custom roles of one organization: role name to its
// permission names. The roles module provides it.
type Source func(ctx context.Context, organizationID string) (map[string][]string, error)

// DefaultCacheTTL is how long a Resolver trusts an organization's cached
// custom roles when no change reached it: the bound within which another
// instance sees a change in revocation mode expiry.
const DefaultCacheTTL = 10 * time.Second

// Resolver answers which permissions a role holds in an organization.
// Built-in roles are answered from the catalog (no store read, no
// allocation); custom roles from an in-process cache of each
// organization's definitions, loaded through the Source on a miss and
// dropped by Invalidate (a change in this process, or one another
// instance broadcast) or after the TTL. It is safe for concurrent use.
type Resolver struct {
	cat *Catalog
	ttl time.Duration
	now func() time.Time
	src atomic.Pointer[Source]

	mu   sync.RWMutex
	orgs map[string]orgRoles
	// gen counts invalidations: a load started before one is not cached.
	gen atomic.Uint64
}

// orgRoles is one organization's custom roles as loaded.
type orgRoles struct {
	roles    map[string]Set
	loadedAt time.Time
}

// NewResolver returns a resolver on cat; ttl <= 0 means DefaultCacheTTL,
// now nil time.Now.
func NewResolver(cat *Catalog, ttl time.Duration, now func() time.Time) *Resolver {
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	if now == nil {
		now = time.Now
	}
	return &Resolver{cat: cat, ttl: ttl, now: now, orgs: make(map[string]orgRoles)}
}

// Catalog returns the resolver's catalog.
func (r *Resolver) Catalog() *Catalog { return r.cat }

// SetSource installs the loader of custom roles (the roles module does,
// when it mounts) and how long a load is trusted (ttl <= 0 keeps the
// current bound, DefaultCacheTTL at first). Without a source, custom roles
// hold nothing. Call it before serving requests.
func (r *Resolver) SetSource(src Source, ttl time.Duration) {
	if ttl > 0 {
		r.ttl = ttl
	}
	r.src.Store(&src)
	r.InvalidateAll()
}

// HasSource reports whether custom roles are served (a roles module is
// mounted).
func (r *Resolver) HasSource() bool { return r.src.Load() != nil }

// Invalidate drops the cached roles of an organization.
func (r *Resolver) Invalidate(organizationID string) {
	r.gen.Add(1)
	r.mu.Lock()
	delete(r.orgs, organizationID)
	r.mu.Unlock()
}

// InvalidateAll drops every cached organization.
func (r *Resolver) InvalidateAll() {
	r.gen.Add(1)
	r.mu.Lock()
	clear(r.orgs)
	r.mu.Unlock()
}

// ErrUnknownRole: a custom role the organization does not define (a
// deleted one). It holds nothing.
var ErrUnknownRole = errors.New("permissions: role not defined in the organization")

// RoleSet returns the permissions of role in the organization. Built-in
// roles never fail; a custom role may need a store read (the context
// bounds it) and gives ErrUnknownRole when the organization does not
// define it.
func (r *Resolver) RoleSet(ctx context.Context, organizationID string, role fastauth.Role) (Set, error) {
	if s, ok := r.cat.Builtin(string(role)); ok {
		return s, nil
	}
	if !role.Custom() {
		return Set{}, fmt.Errorf("%w: %q", ErrUnknownRole, role)
	}
	r.mu.RLock()
	o, ok := r.orgs[organizationID]
	r.mu.RUnlock()
	if !ok || r.now().Sub(o.loadedAt) >= r.ttl {
		var err error
		if o, err = r.load(ctx, organizationID); err != nil {
			return Set{}, err
		}
	}
	s, ok := o.roles[string(role)]
	if !ok {
		return Set{}, fmt.Errorf("%w: %q", ErrUnknownRole, role)
	}
	return s, nil
}

// load reads an organization's roles through the source and caches them
// unless an invalidation happened meanwhile.
func (r *Resolver) load(ctx context.Context, organizationID string) (orgRoles, error) {
	src := r.src.Load()
	if src == nil {
		return orgRoles{}, nil
	}
	gen := r.gen.Load()
	defs, err := (*src)(ctx, organizationID)
	if err != nil {
		return orgRoles{}, fmt.Errorf("permissions: load roles of %s: %w", organizationID, err)
	}
	o := orgRoles{roles: make(map[string]Set, len(defs)), loadedAt: r.now()}
	for name, perms := range defs {
		o.roles[name] = r.cat.SetOf(perms)
	}
	r.mu.Lock()
	if r.gen.Load() == gen {
		r.orgs[organizationID] = o
	}
	r.mu.Unlock()
	return o, nil
}

// Allows reports whether role holds the permission named perm in the
// organization. A permission the catalog does not declare is held by
// nobody.
func (r *Resolver) Allows(ctx context.Context, organizationID string, role fastauth.Role, perm string) (bool, error) {
	i, ok := r.cat.index[perm]
	if !ok {
		return false, nil
	}
	s, err := r.RoleSet(ctx, organizationID, role)
	if errors.Is(err, ErrUnknownRole) {
		return false, nil
	}
	return s.Has(i), err
}

// Names returns the permission names role holds in the organization, for
// AuthResponse (nil when it holds none or cannot be read).
func (r *Resolver) Names(ctx context.Context, organizationID string, role fastauth.Role) []string {
	s, err := r.RoleSet(ctx, organizationID, role)
	if err != nil {
		return []string{}
	}
	if n := r.cat.Names(s); n != nil {
		return n
	}
	return []string{}
}

// Scoped reports whether p is an API key limited to a permission list:
// besides RequirePermission, such a key is refused the auth routes that
// need more than a member's role (managing the organization, its members,
// invites, other members' keys, the audit log), whatever its creator's
// role; the roles routes intersect its list with its creator's role.
func Scoped(p *fastauth.Principal) bool {
	return p != nil && p.Kind == fastauth.PrincipalAPIKey && p.Permissions != nil
}

// Check reports whether p holds perm in its active organization: its
// role's permissions, and for an API key with a permission list only
// those in it. A nil resolver holds nothing.
func (r *Resolver) Check(ctx context.Context, p *fastauth.Principal, perm string) (bool, error) {
	if r == nil || p == nil {
		return false, nil
	}
	if p.Permissions != nil && !slices.Contains(p.Permissions, perm) {
		return false, nil
	}
	return r.Allows(ctx, p.OrganizationID, p.OrganizationRole, perm)
}

// New validates cfg (NewCatalog) and returns a resolver on its catalog
// with the default cache bound and the clock now.
func New(cfg Config, now func() time.Time) (*Resolver, error) {
	cat, err := NewCatalog(cfg)
	if err != nil {
		return nil, err
	}
	return NewResolver(cat, 0, now), nil
}
