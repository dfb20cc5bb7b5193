package conformance

import (
	"errors"
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
)

func backendOrganizationCases() []backendCase {
	return []backendCase{
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

func bkCreateOrganization(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, a.User, bkEpoch)
	got, err := b.OrganizationByID(ctx, org.ID)
	bkNoErr(t, "OrganizationByID", err)
	if got.ID != org.ID || got.Kind != ginauth.KindShared || got.Name != org.Name {
		t.Errorf("OrganizationByID = %+v, want %+v", got, org)
	}
	bkTime(t, "CreatedAt", got.CreatedAt, org.CreatedAt)
	bkTime(t, "UpdatedAt", got.UpdatedAt, org.UpdatedAt)
	m, err := b.Membership(ctx, org.ID, a.User.ID)
	bkNoErr(t, "Membership", err)
	if m.Role != ginauth.RoleOwner || m.OrganizationID != org.ID || m.UserID != a.User.ID {
		t.Errorf("Membership = %+v, want owner", m)
	}
	_, err = b.OrganizationByID(ctx, bkID(t))
	bkIs(t, "OrganizationByID unknown", err, ginauth.ErrNotFound)
	_, err = b.Membership(ctx, org.ID, bkID(t))
	bkIs(t, "Membership of a non-member", err, ginauth.ErrNotFound)
}

func bkMembershipsOrder(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	// The user's shared organizations are older than their workspace:
	// the workspace still comes first.
	a := bkUser(t, b, bkEpoch.Add(time.Hour))
	o1 := bkOrg(t, b, owner.User, bkEpoch)
	o2 := bkOrg(t, b, owner.User, bkEpoch)
	bkJoin(t, b, o2, owner.User, a.User, ginauth.RoleAdmin, bkEpoch.Add(time.Minute))
	bkJoin(t, b, o1, owner.User, a.User, ginauth.RoleMember, bkEpoch.Add(2*time.Minute))

	ms, err := b.Memberships(ctx, a.User.ID)
	bkNoErr(t, "Memberships", err)
	want := []struct {
		org  string
		role ginauth.Role
	}{{a.Workspace.ID, ginauth.RoleOwner}, {o2.ID, ginauth.RoleAdmin}, {o1.ID, ginauth.RoleMember}}
	if len(ms) != len(want) {
		t.Fatalf("Memberships: %d, want %d", len(ms), len(want))
	}
	for i, w := range want {
		if ms[i].Organization.ID != w.org || ms[i].OrganizationID != w.org || ms[i].Role != w.role || ms[i].UserID != a.User.ID {
			t.Errorf("Memberships[%d] = %+v, want org %s role %s", i, ms[i], w.org, w.role)
		}
	}
	if ms[1].Organization.Name != o2.Name || ms[1].Organization.Kind != ginauth.KindShared {
		t.Errorf("Memberships[1].Organization = %+v, want %+v", ms[1].Organization, o2)
	}
	bkTime(t, "Memberships[1].CreatedAt", ms[1].CreatedAt, bkEpoch.Add(time.Minute))

	members, err := b.Members(ctx, o1.ID)
	bkNoErr(t, "Members", err)
	if len(members) != 2 || members[0].UserID != owner.User.ID || members[1].UserID != a.User.ID ||
		members[1].Email != a.User.Email || members[0].Role != ginauth.RoleOwner || members[1].Role != ginauth.RoleMember {
		t.Errorf("Members = %+v, want the owner then %s", members, a.User.Email)
	}
}

func bkRenameOrganization(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, a.User, bkEpoch)
	now := bkEpoch.Add(time.Hour)
	for range 2 { // a rename to the same name at the same time is fine too
		got, err := b.RenameOrganization(ctx, org.ID, "Renamed", now)
		bkNoErr(t, "RenameOrganization", err)
		if got.Name != "Renamed" || got.ID != org.ID {
			t.Errorf("RenameOrganization = %+v", got)
		}
		bkTime(t, "UpdatedAt", got.UpdatedAt, now)
		bkTime(t, "CreatedAt", got.CreatedAt, org.CreatedAt)
	}
	_, err := b.RenameOrganization(ctx, bkID(t), "x", now)
	bkIs(t, "RenameOrganization unknown", err, ginauth.ErrNotFound)
}

func bkChangeMemberRole(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	a := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	bkJoin(t, b, org, owner.User, a.User, ginauth.RoleMember, bkEpoch)
	for _, role := range []ginauth.Role{ginauth.RoleAdmin, ginauth.RoleOwner, ginauth.RoleMember} {
		m, err := b.ChangeMemberRole(ctx, org.ID, owner.User.ID, a.User.ID, role)
		bkNoErr(t, "ChangeMemberRole "+string(role), err)
		if m.Role != role || m.UserID != a.User.ID || m.OrganizationID != org.ID {
			t.Errorf("ChangeMemberRole = %+v, want role %s", m, role)
		}
		got, _ := b.Membership(ctx, org.ID, a.User.ID)
		if got.Role != role {
			t.Errorf("stored role %s, want %s", got.Role, role)
		}
	}
	_, err := b.ChangeMemberRole(ctx, org.ID, owner.User.ID, bkID(t), ginauth.RoleAdmin)
	bkIs(t, "ChangeMemberRole of a non-member", err, ginauth.ErrNotFound)
	_, err = b.ChangeMemberRole(ctx, bkID(t), owner.User.ID, a.User.ID, ginauth.RoleAdmin)
	bkIs(t, "ChangeMemberRole in an unknown organization", err, ginauth.ErrNotFound)
}

func bkChangeMemberRoleLastOwner(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	_, err := b.ChangeMemberRole(ctx, org.ID, owner.User.ID, owner.User.ID, ginauth.RoleAdmin)
	bkIs(t, "demoting the last owner", err, ginauth.ErrLastOwner)
	_, err = b.ChangeMemberRole(ctx, org.ID, owner.User.ID, owner.User.ID, ginauth.RoleOwner)
	bkNoErr(t, "keeping the last owner an owner", err)
	got, _ := b.Membership(ctx, org.ID, owner.User.ID)
	if got.Role != ginauth.RoleOwner {
		t.Errorf("last owner's role = %s", got.Role)
	}
}

// bkOwnerCount counts an organization's owners.
func bkOwnerCount(t *testing.T, b ginauth.Backend, orgID string) int {
	t.Helper()
	members, err := b.Members(t.Context(), orgID)
	bkNoErr(t, "Members", err)
	n := 0
	for _, m := range members {
		if m.Role == ginauth.RoleOwner {
			n++
		}
	}
	return n
}

func bkOwnersDemoteRace(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	for round := range 5 {
		a := bkUser(t, b, bkEpoch)
		c := bkUser(t, b, bkEpoch)
		org := bkOrg(t, b, a.User, bkEpoch)
		bkJoin(t, b, org, a.User, c.User, ginauth.RoleOwner, bkEpoch)
		users := []string{a.User.ID, c.User.ID}
		errs := bkConcurrently(2, func(i int) error {
			_, err := b.ChangeMemberRole(ctx, org.ID, users[i], users[1-i], ginauth.RoleMember)
			return err
		})
		// The loser was demoted by the winner before its own change ran:
		// the store reads its role under the roster lock and refuses.
		ok, refused := bkCount(t, "ChangeMemberRole", errs, ginauth.ErrForbidden)
		if ok != 1 || refused != 1 {
			t.Errorf("round %d: two owners demoting each other: %d succeeded, %d ErrForbidden; want 1 and 1", round, ok, refused)
		}
		if n := bkOwnerCount(t, b, org.ID); n != 1 {
			t.Fatalf("round %d: %d owners left, want 1", round, n)
		}
	}
}

func bkRemoveMember(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	a := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	other := bkOrg(t, b, owner.User, bkEpoch)
	bkJoin(t, b, other, owner.User, a.User, ginauth.RoleMember, bkEpoch)
	bkJoin(t, b, org, owner.User, a.User, ginauth.RoleAdmin, bkEpoch) // active: org
	removedKey := bkAPIKey(t, b, org, a.User, "a's key", bkEpoch)
	otherOrgKey := bkAPIKey(t, b, other, a.User, "a's key elsewhere", bkEpoch)
	ownerKey := bkAPIKey(t, b, org, owner.User, "owner's key", bkEpoch)

	m, err := b.RemoveMember(ctx, org.ID, owner.User.ID, a.User.ID)
	bkNoErr(t, "RemoveMember", err)
	if m.Role != ginauth.RoleAdmin || m.UserID != a.User.ID || m.OrganizationID != org.ID {
		t.Errorf("RemoveMember = %+v, want the removed admin membership", m)
	}
	_, err = b.Membership(ctx, org.ID, a.User.ID)
	bkIs(t, "Membership after removal", err, ginauth.ErrNotFound)
	_, err = b.APIKeyByHash(ctx, removedKey.KeyHash)
	bkIs(t, "the removed member's key in the organization", err, ginauth.ErrNotFound)
	for _, k := range []ginauth.APIKey{otherOrgKey, ownerKey} {
		_, err = b.APIKeyByHash(ctx, k.KeyHash)
		bkNoErr(t, "APIKeyByHash of "+k.Name, err)
	}
	u, _ := b.UserByID(ctx, a.User.ID)
	if u.ActiveOrganizationID != "" {
		t.Errorf("ActiveOrganizationID = %q after removal from it, want personal", u.ActiveOrganizationID)
	}
	_, err = b.RemoveMember(ctx, org.ID, owner.User.ID, a.User.ID)
	bkIs(t, "RemoveMember twice", err, ginauth.ErrNotFound)

	// Removal from an organization that is not the active one keeps it.
	bkNoErr(t, "SetActiveOrganization", b.SetActiveOrganization(ctx, owner.User.ID, other.ID))
	bkJoin(t, b, org, owner.User, a.User, ginauth.RoleMember, bkEpoch)
	bkNoErr(t, "SetActiveOrganization", b.SetActiveOrganization(ctx, a.User.ID, other.ID))
	_, err = b.RemoveMember(ctx, org.ID, a.User.ID, a.User.ID) // leaving
	bkNoErr(t, "RemoveMember", err)
	u, _ = b.UserByID(ctx, a.User.ID)
	if u.ActiveOrganizationID != other.ID {
		t.Errorf("ActiveOrganizationID = %q, want the untouched %s", u.ActiveOrganizationID, other.ID)
	}
}

func bkRemoveMemberOwnerRules(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	second := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	_, err := b.RemoveMember(ctx, org.ID, owner.User.ID, owner.User.ID)
	bkIs(t, "the last owner leaving", err, ginauth.ErrLastOwner)
	bkJoin(t, b, org, owner.User, second.User, ginauth.RoleOwner, bkEpoch)
	admin := bkUser(t, b, bkEpoch)
	bkJoin(t, b, org, owner.User, admin.User, ginauth.RoleAdmin, bkEpoch)
	_, err = b.RemoveMember(ctx, org.ID, admin.User.ID, second.User.ID)
	bkIs(t, "an admin removing an owner", err, ginauth.ErrForbidden)
	if _, err := b.Membership(ctx, org.ID, second.User.ID); err != nil {
		t.Fatalf("refused removal removed the owner: %v", err)
	}
	_, err = b.RemoveMember(ctx, org.ID, owner.User.ID, second.User.ID)
	bkNoErr(t, "removing one of two owners", err)
	if n := bkOwnerCount(t, b, org.ID); n != 1 {
		t.Errorf("%d owners, want 1", n)
	}
}

func bkOwnersLeaveRace(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	for round := range 5 {
		a := bkUser(t, b, bkEpoch)
		c := bkUser(t, b, bkEpoch)
		org := bkOrg(t, b, a.User, bkEpoch)
		bkJoin(t, b, org, a.User, c.User, ginauth.RoleOwner, bkEpoch)
		users := []string{a.User.ID, c.User.ID}
		errs := bkConcurrently(2, func(i int) error {
			_, err := b.RemoveMember(ctx, org.ID, users[i], users[i])
			return err
		})
		ok, last := bkCount(t, "RemoveMember", errs, ginauth.ErrLastOwner)
		if ok != 1 || last != 1 {
			t.Errorf("round %d: two owners leaving at once: %d succeeded, %d ErrLastOwner; want 1 and 1", round, ok, last)
		}
		if n := bkOwnerCount(t, b, org.ID); n != 1 {
			t.Fatalf("round %d: %d owners left, want 1", round, n)
		}
	}
}

func bkDeleteOrganization(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	a := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	keep := bkOrg(t, b, owner.User, bkEpoch)
	bkJoin(t, b, org, owner.User, a.User, ginauth.RoleMember, bkEpoch) // a's active org
	bkNoErr(t, "SetActiveOrganization", b.SetActiveOrganization(ctx, owner.User.ID, org.ID))
	key := bkAPIKey(t, b, org, owner.User, "doomed", bkEpoch)
	keptKey := bkAPIKey(t, b, keep, owner.User, "kept", bkEpoch)
	inv := bkInvite(t, b, org, owner.User, bkEmail(t), ginauth.RoleMember, bkEpoch)

	bkNoErr(t, "DeleteOrganization", b.DeleteOrganization(ctx, org.ID))
	_, err := b.OrganizationByID(ctx, org.ID)
	bkIs(t, "OrganizationByID", err, ginauth.ErrNotFound)
	for _, u := range []ginauth.User{owner.User, a.User} {
		_, err = b.Membership(ctx, org.ID, u.ID)
		bkIs(t, "Membership in the deleted organization", err, ginauth.ErrNotFound)
		got, err := b.UserByID(ctx, u.ID)
		bkNoErr(t, "UserByID", err)
		if got.ActiveOrganizationID != "" {
			t.Errorf("user %s still has the deleted organization active", u.Email)
		}
		ms, _ := b.Memberships(ctx, u.ID)
		for _, m := range ms {
			if m.OrganizationID == org.ID {
				t.Errorf("Memberships of %s lists the deleted organization", u.Email)
			}
		}
	}
	_, err = b.APIKeyByHash(ctx, key.KeyHash)
	bkIs(t, "APIKeyByHash of the deleted organization's key", err, ginauth.ErrNotFound)
	_, err = b.APIKeyByHash(ctx, keptKey.KeyHash)
	bkNoErr(t, "APIKeyByHash of another organization's key", err)
	_, err = b.InviteByTokenHash(ctx, inv.TokenHash)
	bkIs(t, "InviteByTokenHash of the deleted organization's invite", err, ginauth.ErrNotFound)
	_, _, err = b.AcceptInvite(ctx, inv.TokenHash, a.User.ID, bkEpoch)
	bkIs(t, "AcceptInvite of the deleted organization's invite", err, ginauth.ErrNotFound)
	err = b.DeleteOrganization(ctx, org.ID)
	if !errors.Is(err, ginauth.ErrNotFound) {
		t.Errorf("DeleteOrganization twice: %v, want ErrNotFound", err)
	}
}

// bkRosterActorRules: role changes, removals and invites are decided on the
// actor's role as the store reads it in the roster transaction, not as the
// caller read it before: an owner demoted (or removed) since cannot change
// roles, an admin demoted cannot remove members or invite, and nothing is
// written when the store refuses.
func bkRosterActorRules(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	actor := bkUser(t, b, bkEpoch)
	target := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	bkJoin(t, b, org, owner.User, actor.User, ginauth.RoleOwner, bkEpoch)
	bkJoin(t, b, org, owner.User, target.User, ginauth.RoleMember, bkEpoch)
	roleOf := func(u ginauth.User) ginauth.Role {
		t.Helper()
		m, err := b.Membership(ctx, org.ID, u.ID)
		if errors.Is(err, ginauth.ErrNotFound) {
			return ""
		}
		bkNoErr(t, "Membership", err)
		return m.Role
	}
	invite := func(by ginauth.User, role ginauth.Role) (ginauth.Invite, error) {
		inv := ginauth.Invite{ID: bkID(t), OrganizationID: org.ID, Email: bkEmail(t), Role: role, TokenHash: bkHash(t),
			InvitedByUserID: by.ID, CreatedAt: bkEpoch, ExpiresAt: bkEpoch.Add(time.Hour)}
		return inv, b.CreateInvite(ctx, inv, bkEpoch)
	}
	refusedInvite := func(what string, by ginauth.User, role ginauth.Role) {
		t.Helper()
		inv, err := invite(by, role)
		bkIs(t, what, err, ginauth.ErrForbidden)
		_, err = b.InviteByTokenHash(ctx, inv.TokenHash)
		bkIs(t, what+": the refused invite was stored", err, ginauth.ErrNotFound)
	}

	// As an owner the actor may do everything.
	_, err := b.ChangeMemberRole(ctx, org.ID, actor.User.ID, target.User.ID, ginauth.RoleAdmin)
	bkNoErr(t, "an owner changing a role", err)
	_, err = invite(actor.User, ginauth.RoleOwner)
	bkNoErr(t, "an owner inviting an owner", err)

	// Demoted to admin: no role changes, no owner invites; members can
	// still be removed and invited.
	_, err = b.ChangeMemberRole(ctx, org.ID, owner.User.ID, actor.User.ID, ginauth.RoleAdmin)
	bkNoErr(t, "demoting the actor", err)
	_, err = b.ChangeMemberRole(ctx, org.ID, actor.User.ID, target.User.ID, ginauth.RoleOwner)
	bkIs(t, "a demoted owner changing a role", err, ginauth.ErrForbidden)
	if r := roleOf(target.User); r != ginauth.RoleAdmin {
		t.Fatalf("refused role change wrote %s", r)
	}
	refusedInvite("an admin inviting an owner", actor.User, ginauth.RoleOwner)
	_, err = invite(actor.User, ginauth.RoleAdmin)
	bkNoErr(t, "an admin inviting an admin", err)
	_, err = b.RemoveMember(ctx, org.ID, actor.User.ID, owner.User.ID)
	bkIs(t, "an admin removing an owner", err, ginauth.ErrForbidden)

	// Demoted to member: no removals of others, no invites; leaving is
	// still allowed.
	_, err = b.ChangeMemberRole(ctx, org.ID, owner.User.ID, actor.User.ID, ginauth.RoleMember)
	bkNoErr(t, "demoting the actor to member", err)
	_, err = b.RemoveMember(ctx, org.ID, actor.User.ID, target.User.ID)
	bkIs(t, "a member removing another member", err, ginauth.ErrForbidden)
	if r := roleOf(target.User); r != ginauth.RoleAdmin {
		t.Fatalf("refused removal removed the target (role %q)", r)
	}
	refusedInvite("a member inviting", actor.User, ginauth.RoleMember)

	// Removed: nothing at all.
	_, err = b.RemoveMember(ctx, org.ID, actor.User.ID, actor.User.ID)
	bkNoErr(t, "leaving", err)
	_, err = b.ChangeMemberRole(ctx, org.ID, actor.User.ID, target.User.ID, ginauth.RoleMember)
	bkIs(t, "a former member changing a role", err, ginauth.ErrForbidden)
	_, err = b.RemoveMember(ctx, org.ID, actor.User.ID, target.User.ID)
	bkIs(t, "a former member removing a member", err, ginauth.ErrForbidden)
	refusedInvite("a former member inviting", actor.User, ginauth.RoleMember)
	if r := roleOf(target.User); r != ginauth.RoleAdmin {
		t.Fatalf("target's role %q after refused changes, want admin", r)
	}
}
