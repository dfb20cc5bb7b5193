package organizations

import (
	"context"
	"errors"
	"net/http"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/permissions"
)

// ErrRoleNotDefined is returned (wrapped) by ChangeMemberRole and
// CreateInvite for a custom role the organization does not define (never
// created, or deleted meanwhile): checked under the organization lock that
// the roles module's deletion also takes.
var ErrRoleNotDefined = errors.New("organizations: custom role not defined in the organization")

// errRoleNotFound answers a custom role the organization does not define.
var errRoleNotFound = fastauth.NewError(http.StatusNotFound, fastauth.CodeRoleNotFound, "the organization has no role of that name")

// assignable checks that the caller in scope s may give role to someone.
// A built-in caller giving a built-in role: the route's own rules apply.
// Otherwise nobody grants what they do not hold: the role (a built-in one,
// or, with the roles module mounted, a custom role of the organization)
// must hold nothing the caller's role does not hold (403). invalid is the
// answer to a name that is neither.
func (m *Module) assignable(ctx context.Context, s scope, role fastauth.Role, invalid error) error {
	r := m.host.Permissions()
	switch {
	case role.Valid() && s.me.Role.Valid():
		return nil
	case !role.Valid() && (!role.Custom() || !r.HasSource()):
		return invalid
	}
	ctx, cancel := m.host.StoreContext(ctx)
	defer cancel()
	want, err := r.RoleSet(ctx, s.org.ID, role)
	if errors.Is(err, permissions.ErrUnknownRole) {
		return errRoleNotFound
	}
	if err != nil {
		return storeError("role permissions", err)
	}
	have, err := r.RoleSet(ctx, s.org.ID, s.me.Role)
	if err != nil && !errors.Is(err, permissions.ErrUnknownRole) {
		return storeError("role permissions", err)
	}
	if !have.Contains(want) {
		return forbidden("the role holds permissions you do not hold")
	}
	return nil
}

// builtinPermissions returns the permission names of the built-in roles
// from the catalog, for the store's no-escalation decision on invite
// creation (fastauth.Invite.BuiltinPermissions).
func (m *Module) builtinPermissions() map[fastauth.Role][]string {
	cat := m.host.Permissions().Catalog()
	out := make(map[fastauth.Role][]string, 3)
	for _, role := range []fastauth.Role{fastauth.RoleOwner, fastauth.RoleAdmin, fastauth.RoleMember} {
		if set, ok := cat.Builtin(string(role)); ok {
			out[role] = cat.Names(set)
		}
	}
	return out
}
