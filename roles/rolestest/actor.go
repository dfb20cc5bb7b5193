package rolestest

import (
	"errors"
	"testing"
	"time"

	"github.com/fastauth/fastauth"
)

// withRole adds u to o as a member and gives it role.
func withRole(t *testing.T, h Harness, o fastauth.Organization, owner, u fastauth.User, role fastauth.Role) {
	t.Helper()
	member(t, h, o, owner, u)
	if role == fastauth.RoleMember {
		return
	}
	if _, err := h.Organizations.ChangeMemberRole(t.Context(), o.ID, owner.ID, u.ID, role); err != nil {
		t.Fatalf("ChangeMemberRole(%s): %v", role, err)
	}
}

// setPermissions replaces a role's permissions.
func setPermissions(t *testing.T, h Harness, o fastauth.Organization, name string, perms ...string) {
	t.Helper()
	if perms == nil {
		perms = []string{}
	}
	if _, err := h.Store.UpdateRole(t.Context(), o.ID, name, perms, epoch.Add(time.Minute)); err != nil {
		t.Fatalf("UpdateRole(%s): %v", name, err)
	}
}

// testCustomInviter: CreateInvite by an inviter of a custom role decides on
// the role's definition as stored now: invites:manage, and only to member
// or to a custom role holding nothing the inviter's lacks; never admin or
// owner. Revoking the permission refuses the next invite at once.
func testCustomInviter(t *testing.T, h Harness) {
	owner, rec := user(t, h), user(t, h)
	o := org(t, h, owner)
	create(t, h, o, "recruiter", "invites:manage")
	create(t, h, o, "viewer", "project:read")
	create(t, h, o, "helper")
	withRole(t, h, o, owner, rec, "recruiter")
	for _, tc := range []struct {
		role fastauth.Role
		ok   bool
	}{
		{fastauth.RoleMember, true},
		{"recruiter", true},
		{"helper", true},
		{"viewer", false},
		{fastauth.RoleAdmin, false},
		{fastauth.RoleOwner, false},
	} {
		_, err := invite(h, t, o, rec, newID(t)+"@example.com", tc.role)
		if tc.ok && err != nil {
			t.Errorf("recruiter inviting a %s: %v", tc.role, err)
		}
		if !tc.ok && !errors.Is(err, fastauth.ErrForbidden) {
			t.Errorf("recruiter inviting a %s = %v, want ErrForbidden", tc.role, err)
		}
	}
	setPermissions(t, h, o, "recruiter", "invites:manage", "project:read")
	if _, err := invite(h, t, o, rec, newID(t)+"@example.com", "viewer"); err != nil {
		t.Errorf("recruiter inviting a viewer once it holds project:read: %v", err)
	}
	setPermissions(t, h, o, "recruiter", "project:read")
	if _, err := invite(h, t, o, rec, newID(t)+"@example.com", fastauth.RoleMember); !errors.Is(err, fastauth.ErrForbidden) {
		t.Errorf("inviting after invites:manage was removed = %v, want ErrForbidden", err)
	}
}

// testCustomRemover: RemoveMember by an actor of a custom role decides on
// the role's definition as stored now: members:manage, and only members
// and custom roles holding nothing the actor's lacks; never an admin or an
// owner. Revoking the permission refuses the next removal at once.
func testCustomRemover(t *testing.T, h Harness) {
	ctx := t.Context()
	owner, co, hr, adm, v, m1, m2 := user(t, h), user(t, h), user(t, h), user(t, h), user(t, h), user(t, h), user(t, h)
	o := org(t, h, owner)
	create(t, h, o, "hr", "members:manage")
	create(t, h, o, "viewer", "project:read")
	withRole(t, h, o, owner, co, fastauth.RoleOwner)
	withRole(t, h, o, owner, hr, "hr")
	withRole(t, h, o, owner, adm, fastauth.RoleAdmin)
	withRole(t, h, o, owner, v, "viewer")
	withRole(t, h, o, owner, m1, fastauth.RoleMember)
	withRole(t, h, o, owner, m2, fastauth.RoleMember)
	for _, target := range []fastauth.User{owner, co, adm, v} {
		if _, err := h.Organizations.RemoveMember(ctx, o.ID, hr.ID, target.ID); !errors.Is(err, fastauth.ErrForbidden) {
			t.Errorf("hr removing %s = %v, want ErrForbidden", target.ID, err)
		}
	}
	if _, err := h.Organizations.RemoveMember(ctx, o.ID, hr.ID, m1.ID); err != nil {
		t.Errorf("hr removing a member: %v", err)
	}
	setPermissions(t, h, o, "viewer")
	if _, err := h.Organizations.RemoveMember(ctx, o.ID, hr.ID, v.ID); err != nil {
		t.Errorf("hr removing a viewer holding nothing: %v", err)
	}
	setPermissions(t, h, o, "hr")
	if _, err := h.Organizations.RemoveMember(ctx, o.ID, hr.ID, m2.ID); !errors.Is(err, fastauth.ErrForbidden) {
		t.Errorf("removing after members:manage was removed = %v, want ErrForbidden", err)
	}
	for _, u := range []fastauth.User{owner, co, adm, m2, hr} {
		if _, err := h.Organizations.Membership(ctx, o.ID, u.ID); err != nil {
			t.Errorf("%s should still be a member: %v", u.ID, err)
		}
	}
}

// builtins are the built-in roles' permissions a catalog would pass on
// invite creation (fastauth.Invite.BuiltinPermissions): admins lack
// billing:manage; the owner's set is the whole catalog.
var builtins = map[fastauth.Role][]string{
	fastauth.RoleOwner:  {"billing:manage", "invites:manage", "members:manage", "project:read", "project:write"},
	fastauth.RoleAdmin:  {"invites:manage", "members:manage", "project:read", "project:write"},
	fastauth.RoleMember: {"project:read"},
}

// inviteWith is invite with the built-in sets passed, as the HTTP route
// does, and no pre-check before the store.
func inviteWith(h Harness, t *testing.T, o fastauth.Organization, by fastauth.User, role fastauth.Role) error {
	inv := fastauth.Invite{ID: newID(t), OrganizationID: o.ID, Email: newID(t) + "@example.com", Role: role, TokenHash: hash(t),
		InvitedByUserID: by.ID, CreatedAt: epoch, ExpiresAt: epoch.Add(7 * 24 * time.Hour), BuiltinPermissions: builtins}
	return h.Organizations.CreateInvite(t.Context(), inv, epoch)
}

// testBuiltinSetsInTransaction: with the built-in sets passed, CreateInvite
// compares inside its transaction the target role as stored now: an admin
// invites to a custom role it fully holds, not once that role is widened
// with a permission admins lack; a custom-role inviter invites to member
// only while it holds all of the member role's permissions.
func testBuiltinSetsInTransaction(t *testing.T, h Harness) {
	owner, adm, rec := user(t, h), user(t, h), user(t, h)
	o := org(t, h, owner)
	create(t, h, o, "reader", "project:read")
	create(t, h, o, "recruiter", "invites:manage", "project:read")
	withRole(t, h, o, owner, adm, fastauth.RoleAdmin)
	withRole(t, h, o, owner, rec, "recruiter")
	for _, tc := range []struct {
		name   string
		by     fastauth.User
		role   fastauth.Role
		widen  func()
		wantOK bool
	}{
		{"admin to a role it holds", adm, "reader", nil, true},
		{"admin to the role widened", adm, "reader", func() { setPermissions(t, h, o, "reader", "project:read", "billing:manage") }, false},
		{"owner to the widened role", owner, "reader", nil, true},
		{"admin to a role holding a name the catalog dropped", adm, "reader", func() { setPermissions(t, h, o, "reader", "project:read", "gone:perm") }, true},
		{"custom to member while holding it", rec, fastauth.RoleMember, nil, true},
		{"custom to member once narrowed", rec, fastauth.RoleMember, func() { setPermissions(t, h, o, "recruiter", "invites:manage") }, false},
		{"owner to member", owner, fastauth.RoleMember, nil, true},
	} {
		if tc.widen != nil {
			tc.widen()
		}
		err := inviteWith(h, t, o, tc.by, tc.role)
		if tc.wantOK && err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !tc.wantOK && !errors.Is(err, fastauth.ErrForbidden) {
			t.Errorf("%s = %v, want ErrForbidden", tc.name, err)
		}
	}
	// Without the sets (a caller that does not pass them) the store keeps
	// its earlier rules: the admin's invite to the widened role passes.
	setPermissions(t, h, o, "reader", "project:read", "billing:manage")
	if _, err := invite(h, t, o, adm, newID(t)+"@example.com", "reader"); err != nil {
		t.Errorf("admin to the widened role without built-in sets: %v", err)
	}
}
