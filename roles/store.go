package roles

import (
	"context"
	"errors"
	"time"
)

// Role is a custom role of a shared organization.
type Role struct {
	OrganizationID string
	// Name matches ^[a-z][a-z0-9_-]{0,31}$ and is not a built-in role.
	Name string
	// Permissions are catalog names, deduplicated and sorted.
	Permissions []string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// The errors of Store. ErrNotFound is also matched by fastauth.ErrNotFound
// when the implementation wraps both.
var (
	// ErrNotFound: no such role in the organization.
	ErrNotFound = errors.New("roles: role not found")
	// ErrExists: the organization already has a role of that name
	// (also when two creations race).
	ErrExists = errors.New("roles: role exists")
	// ErrInUse: a member or a pending invite has the role.
	ErrInUse = errors.New("roles: role in use")
	// ErrTooMany: the organization has its maximum number of roles.
	ErrTooMany = errors.New("roles: too many roles")
)

// Store is the storage of custom roles. Package store implements it
// (store.Store.Roles()); rolestest proves an implementation.
//
// Deletion and assignment exclude each other: DeleteRole and the
// organizations store's ChangeMemberRole and CreateInvite take the same
// organization lock, and the assignments refuse a custom role the
// organization does not define (organizations.ErrRoleNotDefined), so one
// of a concurrent delete and assign wins and no member or pending invite
// is left with a deleted role.
type Store interface {
	// Migrate creates or upgrades the module's tables.
	Migrate(ctx context.Context) error
	// Roles lists an organization's custom roles by name.
	Roles(ctx context.Context, organizationID string) ([]Role, error)
	// CreateRole stores r unless the organization has a role of its name
	// (ErrExists) or max roles already (ErrTooMany).
	CreateRole(ctx context.Context, r Role, max int) error
	// UpdateRole replaces a role's permissions (ErrNotFound).
	UpdateRole(ctx context.Context, organizationID, name string, permissions []string, now time.Time) (Role, error)
	// DeleteRole deletes a role unless a member or an invite pending at
	// now has it (ErrInUse); ErrNotFound if there is none.
	DeleteRole(ctx context.Context, organizationID, name string, now time.Time) error
}
