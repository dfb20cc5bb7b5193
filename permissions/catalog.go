package permissions

import (
	"errors"
	"fmt"
	"slices"
)

// The auth routes' own permissions, held by the built-in roles exactly as
// the organization and API-key rules describe: owners hold all of them,
// admins all but OrganizationDelete and RolesManage, members none.
const (
	OrganizationUpdate = "organization:update"
	OrganizationDelete = "organization:delete"
	MembersManage      = "members:manage"
	InvitesManage      = "invites:manage"
	APIKeysManage      = "api_keys:manage"
	RolesManage        = "roles:manage"
	AuditLogRead       = "audit_log:read"
)

// MaxPermissions caps the catalog (the auth routes' permissions included),
// and so the size of a role's permission list.
const MaxPermissions = 256

// MaxNameLength caps a permission name ("resource:action").
const MaxNameLength = 64

// Permission is one entry of the catalog.
type Permission struct {
	// Name is "resource:action": lowercase letters, digits, '_' and '-'
	// on each side of one colon, at most MaxNameLength characters.
	Name string
	// Description says what the permission allows, for people.
	Description string
	// OwnerOnly permissions are held by owners and not by admins.
	OwnerOnly bool
}

// Config is the application's catalog and what the member role holds.
type Config struct {
	// Catalog lists the application's permissions; the auth routes' own
	// are added before them.
	Catalog []Permission
	// Member lists the application permissions every member holds (auth
	// routes' permissions are refused here: members hold none of them).
	Member []string
}

// builtinCatalog is the auth routes' own permissions.
var builtinCatalog = []Permission{
	{Name: OrganizationUpdate, Description: "Rename the organization."},
	{Name: OrganizationDelete, Description: "Delete the organization.", OwnerOnly: true},
	{Name: MembersManage, Description: "Remove members."},
	{Name: InvitesManage, Description: "Invite people and revoke invites."},
	{Name: APIKeysManage, Description: "See and delete other members' API keys."},
	{Name: RolesManage, Description: "Define custom roles and change members' roles.", OwnerOnly: true},
	{Name: AuditLogRead, Description: "Read the organization's audit log."},
}

// Builtin reports whether name is one of the auth routes' own permissions.
func Builtin(name string) bool {
	return slices.ContainsFunc(builtinCatalog, func(p Permission) bool { return p.Name == name })
}

// OwnerReserved reports whether name is one of the auth routes' own
// permissions that only owners hold (OrganizationDelete, RolesManage):
// no custom role may hold them. The other auth routes' permissions
// (OrganizationUpdate, MembersManage, InvitesManage, APIKeysManage,
// AuditLogRead) may be granted to a custom role, and the routes honour them.
func OwnerReserved(name string) bool {
	return slices.ContainsFunc(builtinCatalog, func(p Permission) bool { return p.Name == name && p.OwnerOnly })
}

// WellFormed reports whether name has the shape "resource:action".
func WellFormed(name string) bool {
	if len(name) < 3 || len(name) > MaxNameLength {
		return false
	}
	colon := -1
	for i := 0; i < len(name); i++ {
		switch b := name[i]; {
		case b == ':':
			if colon >= 0 || i == 0 || i == len(name)-1 {
				return false
			}
			colon = i
		case b >= 'a' && b <= 'z', b >= '0' && b <= '9', b == '_', b == '-':
		default:
			return false
		}
	}
	return colon > 0
}

// Catalog is a validated catalog: every permission with its index in a
// Set, the built-in roles' sets. Build it with NewCatalog; it is
// immutable.
type Catalog struct {
	list  []Permission
	index map[string]int
	// owner, admin, member are the built-in roles' sets.
	owner, admin, member Set
}

// ErrConfig is wrapped by NewCatalog's errors.
var ErrConfig = errors.New("permissions: invalid configuration")

// NewCatalog validates cfg: well-formed, unique names (the auth routes'
// own cannot be redeclared), at most MaxPermissions in all, member
// permissions from the catalog and none of the auth routes' own.
func NewCatalog(cfg Config) (*Catalog, error) {
	list := append(slices.Clone(builtinCatalog), cfg.Catalog...)
	if len(list) > MaxPermissions {
		return nil, fmt.Errorf("%w: %d permissions, at most %d", ErrConfig, len(list), MaxPermissions)
	}
	c := &Catalog{list: list, index: make(map[string]int, len(list))}
	for i, p := range list {
		if !WellFormed(p.Name) {
			return nil, fmt.Errorf("%w: permission %q is not resource:action", ErrConfig, p.Name)
		}
		if _, dup := c.index[p.Name]; dup {
			return nil, fmt.Errorf("%w: permission %q declared twice", ErrConfig, p.Name)
		}
		c.index[p.Name] = i
		c.owner.add(i)
		if !p.OwnerOnly {
			c.admin.add(i)
		}
	}
	for _, name := range cfg.Member {
		i, ok := c.index[name]
		if !ok {
			return nil, fmt.Errorf("%w: member permission %q is not in the catalog", ErrConfig, name)
		}
		if Builtin(name) {
			return nil, fmt.Errorf("%w: member permission %q: the auth routes' permissions belong to owners and admins", ErrConfig, name)
		}
		c.member.add(i)
	}
	return c, nil
}

// Permissions returns the catalog, the auth routes' permissions first.
// The slice is shared: do not modify it.
func (c *Catalog) Permissions() []Permission { return c.list }

// Index returns the index of a permission in a Set.
func (c *Catalog) Index(name string) (int, bool) {
	i, ok := c.index[name]
	return i, ok
}

// Builtin returns the set of a built-in role (ok false for any other).
func (c *Catalog) Builtin(role string) (Set, bool) {
	switch role {
	case "owner":
		return c.owner, true
	case "admin":
		return c.admin, true
	case "member":
		return c.member, true
	}
	return Set{}, false
}

// Names lists the permissions of s in catalog order (nil when empty).
func (c *Catalog) Names(s Set) []string {
	var out []string
	for i, p := range c.list {
		if s.Has(i) {
			out = append(out, p.Name)
		}
	}
	return out
}
