package organizationstest

import (
	"testing"
	"time"

	"github.com/fastauth/fastauth"
)

func inviteCases() []testCase {
	return []testCase{
		{"CreateInviteRoundTrip", bkCreateInvite},
		{"CreateInviteReplacesPending", bkInviteReplaces},
		{"CreateInviteConcurrentOnePending", bkInviteCreateRace},
		{"RevokeInvite", bkRevokeInvite},
		{"AcceptInvite", bkAcceptInvite},
		{"AcceptInviteNotPending", bkAcceptInviteNotPending},
		{"AcceptInviteKeepsHigherRole", bkAcceptInviteKeepsHigherRole},
		{"AcceptInviteConcurrentOneWinner", bkAcceptRace},
		{"AcceptVersusRevokeOneWinner", bkAcceptRevokeRace},
	}
}

func bkCreateInvite(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	older := bkInvite(t, h, org, owner.User, bkEmail(t), fastauth.RoleAdmin, bkEpoch)
	inv := bkInvite(t, h, org, owner.User, bkEmail(t), fastauth.RoleMember, bkEpoch.Add(time.Minute))

	got, err := h.Store.InviteByTokenHash(ctx, inv.TokenHash)
	bkNoErr(t, "InviteByTokenHash", err)
	if got.ID != inv.ID || got.OrganizationID != org.ID || got.OrganizationName != org.Name || got.Email != inv.Email ||
		got.Role != inv.Role || got.InvitedByUserID != owner.User.ID || got.RevokedAt != nil || got.AcceptedAt != nil ||
		got.AcceptedByUserID != "" || string(got.TokenHash) != string(inv.TokenHash) {
		t.Errorf("InviteByTokenHash = %+v, want %+v (organization name %q)", got, inv, org.Name)
	}
	bkTime(t, "CreatedAt", got.CreatedAt, inv.CreatedAt)
	bkTime(t, "ExpiresAt", got.ExpiresAt, inv.ExpiresAt)

	list, err := h.Store.Invites(ctx, org.ID)
	bkNoErr(t, "Invites", err)
	if len(list) != 2 || list[0].ID != inv.ID || list[1].ID != older.ID || list[0].OrganizationName != org.Name {
		t.Errorf("Invites = %+v, want newest first with the organization name", list)
	}
	_, err = h.Store.InviteByTokenHash(ctx, bkHash(t))
	bkIs(t, "InviteByTokenHash unknown", err, fastauth.ErrNotFound)
	bad := fastauth.Invite{ID: bkID(t), OrganizationID: bkID(t), Email: bkEmail(t), Role: fastauth.RoleMember,
		TokenHash: bkHash(t), InvitedByUserID: owner.User.ID, CreatedAt: bkEpoch, ExpiresAt: bkEpoch.Add(time.Hour)}
	bkIs(t, "CreateInvite in an unknown organization", h.Store.CreateInvite(ctx, bad, bkEpoch), fastauth.ErrNotFound)
}

func bkInviteReplaces(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	email := bkEmail(t)
	first := bkInvite(t, h, org, owner.User, email, fastauth.RoleMember, bkEpoch)
	now := bkEpoch.Add(time.Minute)
	second := bkInvite(t, h, org, owner.User, email, fastauth.RoleAdmin, now)
	got, err := h.Store.InviteByTokenHash(ctx, first.TokenHash)
	bkNoErr(t, "InviteByTokenHash", err)
	bkTimePtr(t, "replaced invite RevokedAt", got.RevokedAt, &now)
	a := bkUser(t, h, bkEpoch)
	_, _, err = h.Store.AcceptInvite(ctx, first.TokenHash, a.User.ID, now)
	bkIs(t, "AcceptInvite of a replaced invite", err, fastauth.ErrNotFound)
	got, _ = h.Store.InviteByTokenHash(ctx, second.TokenHash)
	if !got.Pending(now) {
		t.Errorf("the replacing invite is not pending: %+v", got)
	}
	// Another organization's invite to the same email is independent.
	other := bkOrg(t, h, owner.User, bkEpoch)
	bkInvite(t, h, other, owner.User, email, fastauth.RoleMember, now)
	got, _ = h.Store.InviteByTokenHash(ctx, second.TokenHash)
	if !got.Pending(now) {
		t.Error("an invite of another organization replaced this one")
	}
	// Once accepted, the email can be invited again.
	_, _, err = h.Store.AcceptInvite(ctx, second.TokenHash, a.User.ID, now)
	bkNoErr(t, "AcceptInvite", err)
	bkInvite(t, h, org, owner.User, email, fastauth.RoleMember, now.Add(time.Minute))
}

// bkPending counts an organization's pending invites for email at now.
func bkPending(t *testing.T, h Harness, orgID, email string, now time.Time) int {
	t.Helper()
	list, err := h.Store.Invites(t.Context(), orgID)
	bkNoErr(t, "Invites", err)
	n := 0
	for _, inv := range list {
		if inv.Email == email && inv.Pending(now) {
			n++
		}
	}
	return n
}

func bkInviteCreateRace(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	for round := range 5 {
		email := bkEmail(t)
		n := 2 + round%2*8 // 2 or 10 at once
		errs := bkConcurrently(n, func(i int) error {
			inv := fastauth.Invite{ID: bkID(t), OrganizationID: org.ID, Email: email, Role: fastauth.RoleMember,
				TokenHash: bkHash(t), InvitedByUserID: owner.User.ID, CreatedAt: bkEpoch, ExpiresAt: bkEpoch.Add(time.Hour)}
			return h.Store.CreateInvite(ctx, inv, bkEpoch)
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d: CreateInvite #%d: %v", round, i, err)
			}
		}
		if p := bkPending(t, h, org.ID, email, bkEpoch); p != 1 {
			t.Fatalf("round %d: %d concurrent invites left %d pending, want 1", round, n, p)
		}
	}
}

func bkRevokeInvite(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	other := bkOrg(t, h, owner.User, bkEpoch)
	email := bkEmail(t)
	inv := bkInvite(t, h, org, owner.User, email, fastauth.RoleMember, bkEpoch)
	_, err := h.Store.RevokeInvite(ctx, other.ID, inv.ID, bkEpoch)
	bkIs(t, "RevokeInvite through another organization", err, fastauth.ErrNotFound)
	_, err = h.Store.RevokeInvite(ctx, org.ID, bkID(t), bkEpoch)
	bkIs(t, "RevokeInvite unknown", err, fastauth.ErrNotFound)

	now := bkEpoch.Add(time.Minute)
	got, err := h.Store.RevokeInvite(ctx, org.ID, inv.ID, now)
	bkNoErr(t, "RevokeInvite", err)
	if got.ID != inv.ID || got.OrganizationName != org.Name {
		t.Errorf("RevokeInvite = %+v", got)
	}
	bkTimePtr(t, "RevokedAt", got.RevokedAt, &now)
	got, err = h.Store.RevokeInvite(ctx, org.ID, inv.ID, now.Add(time.Minute))
	bkIs(t, "RevokeInvite twice", err, fastauth.ErrConflict)
	a := bkUser(t, h, bkEpoch)
	_, _, err = h.Store.AcceptInvite(ctx, inv.TokenHash, a.User.ID, now)
	bkIs(t, "AcceptInvite of a revoked invite", err, fastauth.ErrNotFound)
	// Revoking frees the (organization, email) slot.
	bkInvite(t, h, org, owner.User, email, fastauth.RoleMember, now)
	stored, _ := h.Store.InviteByTokenHash(ctx, inv.TokenHash)
	bkTimePtr(t, "RevokedAt after a new invite", stored.RevokedAt, &now)

	expired := bkInvite(t, h, org, owner.User, bkEmail(t), fastauth.RoleMember, bkEpoch)
	_, err = h.Store.RevokeInvite(ctx, org.ID, expired.ID, expired.ExpiresAt)
	bkIs(t, "RevokeInvite of an expired invite", err, fastauth.ErrConflict)
}

func bkAcceptInvite(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	email := bkEmail(t)
	inv := bkInvite(t, h, org, owner.User, email, fastauth.RoleAdmin, bkEpoch)
	// The account is created after the invite.
	u, ws, m := bkNewAccount(t, email, bkEpoch.Add(time.Minute))
	bkNoErr(t, "CreateUser", h.Kernel.CreateUser(ctx, u, ws, m, nil))

	now := bkEpoch.Add(time.Hour)
	got, mem, err := h.Store.AcceptInvite(ctx, inv.TokenHash, u.ID, now)
	bkNoErr(t, "AcceptInvite", err)
	if got.ID != inv.ID || got.AcceptedByUserID != u.ID || got.OrganizationName != org.Name {
		t.Errorf("accepted invite = %+v", got)
	}
	bkTimePtr(t, "AcceptedAt", got.AcceptedAt, &now)
	if mem.OrganizationID != org.ID || mem.UserID != u.ID || mem.Role != fastauth.RoleAdmin {
		t.Errorf("membership = %+v, want admin of %s", mem, org.ID)
	}
	bkTime(t, "membership CreatedAt", mem.CreatedAt, now)
	stored, err := h.Store.Membership(ctx, org.ID, u.ID)
	bkNoErr(t, "Membership", err)
	if stored.Role != fastauth.RoleAdmin {
		t.Errorf("stored role %s, want admin", stored.Role)
	}
	user, _ := h.Kernel.UserByID(ctx, u.ID)
	if user.ActiveOrganizationID != org.ID {
		t.Errorf("ActiveOrganizationID = %q, want %s", user.ActiveOrganizationID, org.ID)
	}
	byHash, _ := h.Store.InviteByTokenHash(ctx, inv.TokenHash)
	bkTimePtr(t, "stored AcceptedAt", byHash.AcceptedAt, &now)
	if byHash.AcceptedByUserID != u.ID {
		t.Errorf("stored AcceptedByUserID = %q", byHash.AcceptedByUserID)
	}
}

func bkAcceptInviteNotPending(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	a := bkUser(t, h, bkEpoch)
	_, _, err := h.Store.AcceptInvite(ctx, bkHash(t), a.User.ID, bkEpoch)
	bkIs(t, "AcceptInvite unknown", err, fastauth.ErrNotFound)

	inv := bkInvite(t, h, org, owner.User, a.User.Email, fastauth.RoleMember, bkEpoch)
	_, _, err = h.Store.AcceptInvite(ctx, inv.TokenHash, a.User.ID, inv.ExpiresAt)
	bkIs(t, "AcceptInvite at expiry", err, fastauth.ErrNotFound)
	_, err = h.Store.Membership(ctx, org.ID, a.User.ID)
	bkIs(t, "Membership after a refused accept", err, fastauth.ErrNotFound)

	inv = bkInvite(t, h, org, owner.User, a.User.Email, fastauth.RoleMember, bkEpoch)
	_, _, err = h.Store.AcceptInvite(ctx, inv.TokenHash, a.User.ID, bkEpoch)
	bkNoErr(t, "AcceptInvite", err)
	_, _, err = h.Store.AcceptInvite(ctx, inv.TokenHash, a.User.ID, bkEpoch)
	bkIs(t, "AcceptInvite twice", err, fastauth.ErrNotFound)
}

func bkAcceptInviteKeepsHigherRole(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	a := bkUser(t, h, bkEpoch)
	bkJoin(t, h, org, owner.User, a.User, fastauth.RoleAdmin, bkEpoch)
	inv := bkInvite(t, h, org, owner.User, a.User.Email, fastauth.RoleMember, bkEpoch)
	_, mem, err := h.Store.AcceptInvite(ctx, inv.TokenHash, a.User.ID, bkEpoch.Add(time.Minute))
	bkNoErr(t, "AcceptInvite as member while admin", err)
	if mem.Role != fastauth.RoleAdmin {
		t.Errorf("role = %s, want the higher admin kept", mem.Role)
	}
	bkTime(t, "membership CreatedAt is the original", mem.CreatedAt, bkEpoch)

	c := bkUser(t, h, bkEpoch)
	bkJoin(t, h, org, owner.User, c.User, fastauth.RoleMember, bkEpoch)
	inv = bkInvite(t, h, org, owner.User, c.User.Email, fastauth.RoleAdmin, bkEpoch)
	_, mem, err = h.Store.AcceptInvite(ctx, inv.TokenHash, c.User.ID, bkEpoch)
	bkNoErr(t, "AcceptInvite as admin while member", err)
	if mem.Role != fastauth.RoleAdmin {
		t.Errorf("role = %s, want admin", mem.Role)
	}
	if got, _ := h.Store.Membership(ctx, org.ID, c.User.ID); got.Role != fastauth.RoleAdmin {
		t.Errorf("stored role = %s, want admin", got.Role)
	}
}

func bkAcceptRace(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	users := make([]fastauth.User, bkRaceN)
	for i := range users {
		users[i] = bkUser(t, h, bkEpoch).User
	}
	inv := bkInvite(t, h, org, owner.User, users[0].Email, fastauth.RoleMember, bkEpoch)
	errs := bkConcurrently(bkRaceN, func(i int) error {
		_, _, err := h.Store.AcceptInvite(ctx, inv.TokenHash, users[i].ID, bkEpoch)
		return err
	})
	ok, notFound := bkCount(t, "AcceptInvite", errs, fastauth.ErrNotFound)
	if ok != 1 || notFound != bkRaceN-1 {
		t.Fatalf("%d concurrent accepts: %d succeeded, %d ErrNotFound; want 1 and %d", bkRaceN, ok, notFound, bkRaceN-1)
	}
	members, _ := h.Store.Members(ctx, org.ID)
	if len(members) != 2 {
		t.Errorf("%d members after the race, want 2", len(members))
	}
}

func bkAcceptRevokeRace(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	for round := range 8 {
		a := bkUser(t, h, bkEpoch)
		inv := bkInvite(t, h, org, owner.User, a.User.Email, fastauth.RoleMember, bkEpoch)
		var acceptErr, revokeErr error
		bkConcurrently(2, func(i int) error {
			if i == 0 {
				_, _, acceptErr = h.Store.AcceptInvite(ctx, inv.TokenHash, a.User.ID, bkEpoch)
			} else {
				_, revokeErr = h.Store.RevokeInvite(ctx, org.ID, inv.ID, bkEpoch)
			}
			return nil
		})
		got, err := h.Store.InviteByTokenHash(ctx, inv.TokenHash)
		bkNoErr(t, "InviteByTokenHash", err)
		_, memErr := h.Store.Membership(ctx, org.ID, a.User.ID)
		switch {
		case acceptErr == nil:
			bkIs(t, "RevokeInvite losing to an accept", revokeErr, fastauth.ErrConflict)
			if got.AcceptedAt == nil || got.RevokedAt != nil || memErr != nil {
				t.Fatalf("round %d: accept won but invite %+v, membership error %v", round, got, memErr)
			}
		case revokeErr == nil:
			bkIs(t, "AcceptInvite losing to a revoke", acceptErr, fastauth.ErrNotFound)
			if got.RevokedAt == nil || got.AcceptedAt != nil || memErr == nil {
				t.Fatalf("round %d: revoke won but invite %+v, membership error %v", round, got, memErr)
			}
		default:
			t.Fatalf("round %d: no winner: accept %v, revoke %v", round, acceptErr, revokeErr)
		}
	}
}
