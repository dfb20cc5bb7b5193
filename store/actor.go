package store

import (
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/models"
)

// The roster changes decide on the actor's authority inside their
// transaction, after lockOrganization: the actor's role is read there
// (lockedActorRole), and so is a custom role's definition (the roles
// module's UpdateRole and DeleteRole take the same lock), so that a role
// edited or a member demoted meanwhile cannot act on what it held a
// moment before.
//
// Built-in roles keep their rules: the permissions of the roster routes
// (members:manage, invites:manage) belong to admins and owners, and only
// owners act on owners. A custom role ranks as a member: it acts only when
// its definition holds the route's permission, and then only on members
// and on custom roles whose permissions it holds all of, never on an
// admin or an owner.

// customRolePermissions reads the permission names of a custom role of the
// organization inside a roster transaction, with a locking read where the
// dialect has one (MySQL then reads the latest committed row, not its
// snapshot). ok is false when the organization does not define the role.
func (s *Store) customRolePermissions(tx *gorm.DB, organizationID string, role ginauth.Role) (perms []string, ok bool, err error) {
	var ms []models.Role
	err = s.forUpdate(tx.Where("organization_id = ? AND name = ?", organizationID, string(role))).Limit(1).Find(&ms).Error
	if err != nil || len(ms) == 0 {
		return nil, false, err
	}
	return strings.Fields(ms[0].Permissions), true, nil
}

// actorHolds reports whether an actor of role actor holds perm, one of the
// roster routes' permissions that admins and owners hold: a built-in role
// by rank, a custom role by its definition read now (returned, for
// actorOutranks; an undefined custom role holds nothing).
func (s *Store) actorHolds(tx *gorm.DB, organizationID string, actor ginauth.Role, perm string) (bool, []string, error) {
	if actor.Valid() {
		return actor.AtLeast(ginauth.RoleAdmin), nil, nil
	}
	have, _, err := s.customRolePermissions(tx, organizationID, actor)
	if err != nil {
		return false, nil, err
	}
	return slices.Contains(have, perm), have, nil
}

// actorOutranks reports whether an actor of role actor (holding have, if
// a custom role) may act on someone of role target: built-in actors on
// anyone but an owner unless they are one; custom actors on members and on
// custom roles holding nothing they do not (an undefined custom role
// holds nothing), never on admins or owners.
func (s *Store) actorOutranks(tx *gorm.DB, organizationID string, actor ginauth.Role, have []string, target ginauth.Role) (bool, error) {
	switch {
	case actor.Valid():
		return target != ginauth.RoleOwner || actor == ginauth.RoleOwner, nil
	case target == ginauth.RoleMember:
		return true, nil
	case target.Valid():
		return false, nil
	}
	want, _, err := s.customRolePermissions(tx, organizationID, target)
	if err != nil {
		return false, err
	}
	for _, p := range want {
		if !slices.Contains(have, p) {
			return false, nil
		}
	}
	return true, nil
}

// inviteWithin decides, inside CreateInvite's transaction and after the
// organization lock, the comparisons that need the catalog's built-in
// sets (inv.BuiltinPermissions): a built-in inviter may invite to a custom
// role only when its built-in set holds all of the role's stored
// permissions, and a custom-role inviter (holding have) may invite to
// member only when it holds all of the member role's permissions. The
// owner's set is the whole catalog. Without the built-in sets these two
// are left to the caller.
func (s *Store) inviteWithin(tx *gorm.DB, inv ginauth.Invite, inviter ginauth.Role, have []string) (bool, error) {
	if inv.BuiltinPermissions == nil {
		return true, nil
	}
	var want []string
	switch {
	case inviter.Valid() && !inv.Role.Valid():
		perms, _, err := s.customRolePermissions(tx, inv.OrganizationID, inv.Role)
		if err != nil {
			return false, err
		}
		// A name the catalog no longer declares (not in the owner's set,
		// which is the whole catalog) grants nothing: the resolver drops
		// it too, so it is not compared.
		all := inv.BuiltinPermissions[ginauth.RoleOwner]
		have = inv.BuiltinPermissions[inviter]
		for _, p := range perms {
			if slices.Contains(all, p) {
				want = append(want, p)
			}
		}
	case !inviter.Valid() && inv.Role == ginauth.RoleMember:
		want = inv.BuiltinPermissions[ginauth.RoleMember]
	default:
		return true, nil
	}
	for _, p := range want {
		if !slices.Contains(have, p) {
			return false, nil
		}
	}
	return true, nil
}
