package organizationstest

import (
	"errors"
	"testing"
	"time"

	"github.com/fastauth/fastauth"
)

func organizationCases() []testCase {
	return []testCase{
		{"CreateOrganizationRoundTrip", bkCreateOrganization},
		{"MembershipsAndMembersOrder", bkMembershipsOrder},
		{"RenameOrganization", bkRenameOrganization},
		{"ChangeMemberRole", bkChangeMemberRole},
		{"ChangeMemberRoleLastOwner", bkChangeMemberRoleLastOwner},
		{"OwnersDemotingEachOtherConcurrently", bkOwnersDemoteRace},
		{"RemoveMember", bkRemoveMember},
		{"RemoveMemberOwnerRules", bkRemoveMemberOwnerRules},
		{"RosterChangesReadTheActorsRoleNow", bkRosterActorRules},
		{"OwnersLeavingConcurrently", bkOwnersLeaveRace},
		{"DeleteOrganization", bkDeleteOrganization},
	}
}

func bkCreateOrganization(t *testing.T, h Harness) {
	ctx := t.Context()
	a := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, a.User, bkEpoch)
	got, err := h.Store.OrganizationByID(ctx, org.ID)
	bkNoErr(t, "OrganizationByID", err)
	if got.ID != org.ID || got.Kind != fastauth.KindShared || got.Name != org.Name {
		t.Errorf("OrganizationByID = %+v, want %+v", got, org)
	}
	bkTime(t, "CreatedAt", got.CreatedAt, org.CreatedAt)
	bkTime(t, "UpdatedAt", got.UpdatedAt, org.UpdatedAt)
	m, err := h.Store.Membership(ctx, org.ID, a.User.ID)
	bkNoErr(t, "Membership", err)
	if m.Role != fastauth.RoleOwner || m.OrganizationID != org.ID || m.UserID != a.User.ID {
		t.Errorf("Membership = %+v, want owner", m)
	}
	_, err = h.Store.OrganizationByID(ctx, bkID(t))
	bkIs(t, "OrganizationByID unknown", err, fastauth.ErrNotFound)
	_, err = h.Store.Membership(ctx, org.ID, bkID(t))
	bkIs(t, "Membership of a non-member", err, fastauth.ErrNotFound)
}

func bkMembershipsOrder(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	// The user's shared organizations are older than their workspace:
	// the workspace still comes first.
	a := bkUser(t, h, bkEpoch.Add(time.Hour))
	o1 := bkOrg(t, h, owner.User, bkEpoch)
	o2 := bkOrg(t, h, owner.User, bkEpoch)
	bkJoin(t, h, o2, owner.User, a.User, fastauth.RoleAdmin, bkEpoch.Add(time.Minute))
	bkJoin(t, h, o1, owner.User, a.User, fastauth.RoleMember, bkEpoch.Add(2*time.Minute))

	ms, err := h.Store.Memberships(ctx, a.User.ID)
	bkNoErr(t, "Memberships", err)
	want := []struct {
		org  string
		role fastauth.Role
	}{{a.Workspace.ID, fastauth.RoleOwner}, {o2.ID, fastauth.RoleAdmin}, {o1.ID, fastauth.RoleMember}}
	if len(ms) != len(want) {
		t.Fatalf("Memberships: %d, want %d", len(ms), len(want))
	}
	for i, w := range want {
		if ms[i].Organization.ID != w.org || ms[i].OrganizationID != w.org || ms[i].Role != w.role || ms[i].UserID != a.User.ID {
			t.Errorf("Memberships[%d] = %+v, want org %s role %s", i, ms[i], w.org, w.role)
		}
	}
	if ms[1].Organization.Name != o2.Name || ms[1].Organization.Kind != fastauth.KindShared {
		t.Errorf("Memberships[1].Organization = %+v, want %+v", ms[1].Organization, o2)
	}
	bkTime(t, "Memberships[1].CreatedAt", ms[1].CreatedAt, bkEpoch.Add(time.Minute))

	members, err := h.Store.Members(ctx, o1.ID)
	bkNoErr(t, "Members", err)
	if len(members) != 2 || members[0].UserID != owner.User.ID || members[1].UserID != a.User.ID ||
		members[1].Email != a.User.Email || members[0].Role != fastauth.RoleOwner || members[1].Role != fastauth.RoleMember {
		t.Errorf("Members = %+v, want the owner then %s", members, a.User.Email)
	}
}

func bkRenameOrganization(t *testing.T, h Harness) {
	ctx := t.Context()
	a := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, a.User, bkEpoch)
	now := bkEpoch.Add(time.Hour)
	for range 2 { // a rename to the same name at the same time is fine too
		got, err := h.Store.RenameOrganization(ctx, org.ID, "Renamed", now)
		bkNoErr(t, "RenameOrganization", err)
		if got.Name != "Renamed" || got.ID != org.ID {
			t.Errorf("RenameOrganization = %+v", got)
		}
		bkTime(t, "UpdatedAt", got.UpdatedAt, now)
		bkTime(t, "CreatedAt", got.CreatedAt, org.CreatedAt)
	}
	_, err := h.Store.RenameOrganization(ctx, bkID(t), "x", now)
	bkIs(t, "RenameOrganization unknown", err, fastauth.ErrNotFound)
}

func bkChangeMemberRole(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	a := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	bkJoin(t, h, org, owner.User, a.User, fastauth.RoleMember, bkEpoch)
	for _, role := range []fastauth.Role{fastauth.RoleAdmin, fastauth.RoleOwner, fastauth.RoleMember} {
		m, err := h.Store.ChangeMemberRole(ctx, org.ID, owner.User.ID, a.User.ID, role)
		bkNoErr(t, "ChangeMemberRole "+string(role), err)
		if m.Role != role || m.UserID != a.User.ID || m.OrganizationID != org.ID {
			t.Errorf("ChangeMemberRole = %+v, want role %s", m, role)
		}
		got, _ := h.Store.Membership(ctx, org.ID, a.User.ID)
		if got.Role != role {
			t.Errorf("stored role %s, want %s", got.Role, role)
		}
	}
	_, err := h.Store.ChangeMemberRole(ctx, org.ID, owner.User.ID, bkID(t), fastauth.RoleAdmin)
	bkIs(t, "ChangeMemberRole of a non-member", err, fastauth.ErrNotFound)
	_, err = h.Store.ChangeMemberRole(ctx, bkID(t), owner.User.ID, a.User.ID, fastauth.RoleAdmin)
	bkIs(t, "ChangeMemberRole in an unknown organization", err, fastauth.ErrNotFound)
}

func bkChangeMemberRoleLastOwner(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	_, err := h.Store.ChangeMemberRole(ctx, org.ID, owner.User.ID, owner.User.ID, fastauth.RoleAdmin)
	bkIs(t, "demoting the last owner", err, fastauth.ErrLastOwner)
	_, err = h.Store.ChangeMemberRole(ctx, org.ID, owner.User.ID, owner.User.ID, fastauth.RoleOwner)
	bkNoErr(t, "keeping the last owner an owner", err)
	got, _ := h.Store.Membership(ctx, org.ID, owner.User.ID)
	if got.Role != fastauth.RoleOwner {
		t.Errorf("last owner's role = %s", got.Role)
	}
}

// bkOwnerCount counts an organization's owners.
func bkOwnerCount(t *testing.T, h Harness, orgID string) int {
	t.Helper()
	members, err := h.Store.Members(t.Context(), orgID)
	bkNoErr(t, "Members", err)
	n := 0
	for _, m := range members {
		if m.Role == fastauth.RoleOwner {
			n++
		}
	}
	return n
}

func bkOwnersDemoteRace(t *testing.T, h Harness) {
	ctx := t.Context()
	for round := range 5 {
		a := bkUser(t, h, bkEpoch)
		c := bkUser(t, h, bkEpoch)
		org := bkOrg(t, h, a.User, bkEpoch)
		bkJoin(t, h, org, a.User, c.User, fastauth.RoleOwner, bkEpoch)
		users := []string{a.User.ID, c.User.ID}
		errs := bkConcurrently(2, func(i int) error {
			_, err := h.Store.ChangeMemberRole(ctx, org.ID, users[i], users[1-i], fastauth.RoleMember)
			return err
		})
		// The loser was demoted by the winner before its own change ran:
		// the store reads its role under the roster lock and refuses.
		ok, refused := bkCount(t, "ChangeMemberRole", errs, fastauth.ErrForbidden)
		if ok != 1 || refused != 1 {
			t.Errorf("round %d: two owners demoting each other: %d succeeded, %d ErrForbidden; want 1 and 1", round, ok, refused)
		}
		if n := bkOwnerCount(t, h, org.ID); n != 1 {
			t.Fatalf("round %d: %d owners left, want 1", round, n)
		}
	}
}

func bkRemoveMember(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	a := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	other := bkOrg(t, h, owner.User, bkEpoch)
	bkJoin(t, h, other, owner.User, a.User, fastauth.RoleMember, bkEpoch)
	bkJoin(t, h, org, owner.User, a.User, fastauth.RoleAdmin, bkEpoch) // active: org
	removedKey := bkAPIKey(t, h, org, a.User, "a's key", bkEpoch)
	otherOrgKey := bkAPIKey(t, h, other, a.User, "a's key elsewhere", bkEpoch)
	ownerKey := bkAPIKey(t, h, org, owner.User, "owner's key", bkEpoch)

	m, err := h.Store.RemoveMember(ctx, org.ID, owner.User.ID, a.User.ID)
	bkNoErr(t, "RemoveMember", err)
	if m.Role != fastauth.RoleAdmin || m.UserID != a.User.ID || m.OrganizationID != org.ID {
		t.Errorf("RemoveMember = %+v, want the removed admin membership", m)
	}
	_, err = h.Store.Membership(ctx, org.ID, a.User.ID)
	bkIs(t, "Membership after removal", err, fastauth.ErrNotFound)
	_, err = h.APIKeys.APIKeyByHash(ctx, removedKey.KeyHash)
	bkIs(t, "the removed member's key in the organization", err, fastauth.ErrNotFound)
	for _, k := range []fastauth.APIKey{otherOrgKey, ownerKey} {
		_, err = h.APIKeys.APIKeyByHash(ctx, k.KeyHash)
		bkNoErr(t, "APIKeyByHash of "+k.Name, err)
	}
	u, _ := h.Kernel.UserByID(ctx, a.User.ID)
	if u.ActiveOrganizationID != "" {
		t.Errorf("ActiveOrganizationID = %q after removal from it, want personal", u.ActiveOrganizationID)
	}
	_, err = h.Store.RemoveMember(ctx, org.ID, owner.User.ID, a.User.ID)
	bkIs(t, "RemoveMember twice", err, fastauth.ErrNotFound)

	// Removal from an organization that is not the active one keeps it.
	bkNoErr(t, "SetActiveOrganization", h.Kernel.SetActiveOrganization(ctx, owner.User.ID, other.ID))
	bkJoin(t, h, org, owner.User, a.User, fastauth.RoleMember, bkEpoch)
	bkNoErr(t, "SetActiveOrganization", h.Kernel.SetActiveOrganization(ctx, a.User.ID, other.ID))
	_, err = h.Store.RemoveMember(ctx, org.ID, a.User.ID, a.User.ID) // leaving
	bkNoErr(t, "RemoveMember", err)
	u, _ = h.Kernel.UserByID(ctx, a.User.ID)
	if u.ActiveOrganizationID != other.ID {
		t.Errorf("ActiveOrganizationID = %q, want the untouched %s", u.ActiveOrganizationID, other.ID)
	}
}

func bkRemoveMemberOwnerRules(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	second := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	_, err := h.Store.RemoveMember(ctx, org.ID, owner.User.ID, owner.User.ID)
	bkIs(t, "the last owner leaving", err, fastauth.ErrLastOwner)
	bkJoin(t, h, org, owner.User, second.User, fastauth.RoleOwner, bkEpoch)
	admin := bkUser(t, h, bkEpoch)
	bkJoin(t, h, org, owner.User, admin.User, fastauth.RoleAdmin, bkEpoch)
	_, err = h.Store.RemoveMember(ctx, org.ID, admin.User.ID, second.User.ID)
	bkIs(t, "an admin removing an owner", err, fastauth.ErrForbidden)
	if _, err := h.Store.Membership(ctx, org.ID, second.User.ID); err != nil {
		t.Fatalf("refused removal removed the owner: %v", err)
	}
	_, err = h.Store.RemoveMember(ctx, org.ID, owner.User.ID, second.User.ID)
	bkNoErr(t, "removing one of two owners", err)
	if n := bkOwnerCount(t, h, org.ID); n != 1 {
		t.Errorf("%d owners, want 1", n)
	}
}

func bkOwnersLeaveRace(t *testing.T, h Harness) {
	ctx := t.Context()
	for round := range 5 {
		a := bkUser(t, h, bkEpoch)
		c := bkUser(t, h, bkEpoch)
		org := bkOrg(t, h, a.User, bkEpoch)
		bkJoin(t, h, org, a.User, c.User, fastauth.RoleOwner, bkEpoch)
		users := []string{a.User.ID, c.User.ID}
		errs := bkConcurrently(2, func(i int) error {
			_, err := h.Store.RemoveMember(ctx, org.ID, users[i], users[i])
			return err
		})
		ok, last := bkCount(t, "RemoveMember", errs, fastauth.ErrLastOwner)
		if ok != 1 || last != 1 {
			t.Errorf("round %d: two owners leaving at once: %d succeeded, %d ErrLastOwner; want 1 and 1", round, ok, last)
		}
		if n := bkOwnerCount(t, h, org.ID); n != 1 {
			t.Fatalf("round %d: %d owners left, want 1", round, n)
		}
	}
}

func bkDeleteOrganization(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	a := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	keep := bkOrg(t, h, owner.User, bkEpoch)
	bkJoin(t, h, org, owner.User, a.User, fastauth.RoleMember, bkEpoch) // a's active org
	bkNoErr(t, "SetActiveOrganization", h.Kernel.SetActiveOrganization(ctx, owner.User.ID, org.ID))
	key := bkAPIKey(t, h, org, owner.User, "doomed", bkEpoch)
	keptKey := bkAPIKey(t, h, keep, owner.User, "kept", bkEpoch)
	inv := bkInvite(t, h, org, owner.User, bkEmail(t), fastauth.RoleMember, bkEpoch)

	bkNoErr(t, "DeleteOrganization", h.Store.DeleteOrganization(ctx, org.ID))
	_, err := h.Store.OrganizationByID(ctx, org.ID)
	bkIs(t, "OrganizationByID", err, fastauth.ErrNotFound)
	for _, u := range []fastauth.User{owner.User, a.User} {
		_, err = h.Store.Membership(ctx, org.ID, u.ID)
		bkIs(t, "Membership in the deleted organization", err, fastauth.ErrNotFound)
		got, err := h.Kernel.UserByID(ctx, u.ID)
		bkNoErr(t, "UserByID", err)
		if got.ActiveOrganizationID != "" {
			t.Errorf("user %s still has the deleted organization active", u.Email)
		}
		ms, _ := h.Store.Memberships(ctx, u.ID)
		for _, m := range ms {
			if m.OrganizationID == org.ID {
				t.Errorf("Memberships of %s lists the deleted organization", u.Email)
			}
		}
	}
	_, err = h.APIKeys.APIKeyByHash(ctx, key.KeyHash)
	bkIs(t, "APIKeyByHash of the deleted organization's key", err, fastauth.ErrNotFound)
	_, err = h.APIKeys.APIKeyByHash(ctx, keptKey.KeyHash)
	bkNoErr(t, "APIKeyByHash of another organization's key", err)
	_, err = h.Store.InviteByTokenHash(ctx, inv.TokenHash)
	bkIs(t, "InviteByTokenHash of the deleted organization's invite", err, fastauth.ErrNotFound)
	_, _, err = h.Store.AcceptInvite(ctx, inv.TokenHash, a.User.ID, bkEpoch)
	bkIs(t, "AcceptInvite of the deleted organization's invite", err, fastauth.ErrNotFound)
	err = h.Store.DeleteOrganization(ctx, org.ID)
	if !errors.Is(err, fastauth.ErrNotFound) {
		t.Errorf("DeleteOrganization twice: %v, want ErrNotFound", err)
	}
}

// bkRosterActorRules: role changes, removals and invites are decided on the
// actor's role as the store reads it in the roster transaction, not as the
// caller read it before: an owner demoted (or removed) since cannot change
// roles, an admin demoted cannot remove members or invite, and nothing is
// written when the store refuses.
func bkRosterActorRules(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	actor := bkUser(t, h, bkEpoch)
	target := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	bkJoin(t, h, org, owner.User, actor.User, fastauth.RoleOwner, bkEpoch)
	bkJoin(t, h, org, owner.User, target.User, fastauth.RoleMember, bkEpoch)
	roleOf := func(u fastauth.User) fastauth.Role {
		t.Helper()
		m, err := h.Store.Membership(ctx, org.ID, u.ID)
		if errors.Is(err, fastauth.ErrNotFound) {
			return ""
		}
		bkNoErr(t, "Membership", err)
		return m.Role
	}
	invite := func(by fastauth.User, role fastauth.Role) (fastauth.Invite, error) {
		inv := fastauth.Invite{ID: bkID(t), OrganizationID: org.ID, Email: bkEmail(t), Role: role, TokenHash: bkHash(t),
			InvitedByUserID: by.ID, CreatedAt: bkEpoch, ExpiresAt: bkEpoch.Add(time.Hour)}
		return inv, h.Store.CreateInvite(ctx, inv, bkEpoch)
	}
	refusedInvite := func(what string, by fastauth.User, role fastauth.Role) {
		t.Helper()
		inv, err := invite(by, role)
		bkIs(t, what, err, fastauth.ErrForbidden)
		_, err = h.Store.InviteByTokenHash(ctx, inv.TokenHash)
		bkIs(t, what+": the refused invite was stored", err, fastauth.ErrNotFound)
	}

	// As an owner the actor may do everything.
	_, err := h.Store.ChangeMemberRole(ctx, org.ID, actor.User.ID, target.User.ID, fastauth.RoleAdmin)
	bkNoErr(t, "an owner changing a role", err)
	_, err = invite(actor.User, fastauth.RoleOwner)
	bkNoErr(t, "an owner inviting an owner", err)

	// Demoted to admin: no role changes, no owner invites; members can
	// still be removed and invited.
	_, err = h.Store.ChangeMemberRole(ctx, org.ID, owner.User.ID, actor.User.ID, fastauth.RoleAdmin)
	bkNoErr(t, "demoting the actor", err)
	_, err = h.Store.ChangeMemberRole(ctx, org.ID, actor.User.ID, target.User.ID, fastauth.RoleOwner)
	bkIs(t, "a demoted owner changing a role", err, fastauth.ErrForbidden)
	if r := roleOf(target.User); r != fastauth.RoleAdmin {
		t.Fatalf("refused role change wrote %s", r)
	}
	refusedInvite("an admin inviting an owner", actor.User, fastauth.RoleOwner)
	_, err = invite(actor.User, fastauth.RoleAdmin)
	bkNoErr(t, "an admin inviting an admin", err)
	_, err = h.Store.RemoveMember(ctx, org.ID, actor.User.ID, owner.User.ID)
	bkIs(t, "an admin removing an owner", err, fastauth.ErrForbidden)

	// Demoted to member: no removals of others, no invites; leaving is
	// still allowed.
	_, err = h.Store.ChangeMemberRole(ctx, org.ID, owner.User.ID, actor.User.ID, fastauth.RoleMember)
	bkNoErr(t, "demoting the actor to member", err)
	_, err = h.Store.RemoveMember(ctx, org.ID, actor.User.ID, target.User.ID)
	bkIs(t, "a member removing another member", err, fastauth.ErrForbidden)
	if r := roleOf(target.User); r != fastauth.RoleAdmin {
		t.Fatalf("refused removal removed the target (role %q)", r)
	}
	refusedInvite("a member inviting", actor.User, fastauth.RoleMember)

	// Removed: nothing at all.
	_, err = h.Store.RemoveMember(ctx, org.ID, actor.User.ID, actor.User.ID)
	bkNoErr(t, "leaving", err)
	_, err = h.Store.ChangeMemberRole(ctx, org.ID, actor.User.ID, target.User.ID, fastauth.RoleMember)
	bkIs(t, "a former member changing a role", err, fastauth.ErrForbidden)
	_, err = h.Store.RemoveMember(ctx, org.ID, actor.User.ID, target.User.ID)
	bkIs(t, "a former member removing a member", err, fastauth.ErrForbidden)
	refusedInvite("a former member inviting", actor.User, fastauth.RoleMember)
	if r := roleOf(target.User); r != fastauth.RoleAdmin {
		t.Fatalf("target's role %q after refused changes, want admin", r)
	}
}
