package conformance

import (
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
)

func backendInviteCases() []backendCase {
	return []backendCase{
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

func bkCreateInvite(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	older := bkInvite(t, b, org, owner.User, bkEmail(t), ginauth.RoleAdmin, bkEpoch)
	inv := bkInvite(t, b, org, owner.User, bkEmail(t), ginauth.RoleMember, bkEpoch.Add(time.Minute))

	got, err := b.InviteByTokenHash(ctx, inv.TokenHash)
	bkNoErr(t, "InviteByTokenHash", err)
	if got.ID != inv.ID || got.OrganizationID != org.ID || got.OrganizationName != org.Name || got.Email != inv.Email ||
		got.Role != inv.Role || got.InvitedByUserID != owner.User.ID || got.RevokedAt != nil || got.AcceptedAt != nil ||
		got.AcceptedByUserID != "" || string(got.TokenHash) != string(inv.TokenHash) {
		t.Errorf("InviteByTokenHash = %+v, want %+v (organization name %q)", got, inv, org.Name)
	}
	bkTime(t, "CreatedAt", got.CreatedAt, inv.CreatedAt)
	bkTime(t, "ExpiresAt", got.ExpiresAt, inv.ExpiresAt)

	list, err := b.Invites(ctx, org.ID)
	bkNoErr(t, "Invites", err)
	if len(list) != 2 || list[0].ID != inv.ID || list[1].ID != older.ID || list[0].OrganizationName != org.Name {
		t.Errorf("Invites = %+v, want newest first with the organization name", list)
	}
	_, err = b.InviteByTokenHash(ctx, bkHash(t))
	bkIs(t, "InviteByTokenHash unknown", err, ginauth.ErrNotFound)
	bad := ginauth.Invite{ID: bkID(t), OrganizationID: bkID(t), Email: bkEmail(t), Role: ginauth.RoleMember,
		TokenHash: bkHash(t), InvitedByUserID: owner.User.ID, CreatedAt: bkEpoch, ExpiresAt: bkEpoch.Add(time.Hour)}
	bkIs(t, "CreateInvite in an unknown organization", b.CreateInvite(ctx, bad, bkEpoch), ginauth.ErrNotFound)
}

func bkInviteReplaces(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	email := bkEmail(t)
	first := bkInvite(t, b, org, owner.User, email, ginauth.RoleMember, bkEpoch)
	now := bkEpoch.Add(time.Minute)
	second := bkInvite(t, b, org, owner.User, email, ginauth.RoleAdmin, now)
	got, err := b.InviteByTokenHash(ctx, first.TokenHash)
	bkNoErr(t, "InviteByTokenHash", err)
	bkTimePtr(t, "replaced invite RevokedAt", got.RevokedAt, &now)
	a := bkUser(t, b, bkEpoch)
	_, _, err = b.AcceptInvite(ctx, first.TokenHash, a.User.ID, now)
	bkIs(t, "AcceptInvite of a replaced invite", err, ginauth.ErrNotFound)
	got, _ = b.InviteByTokenHash(ctx, second.TokenHash)
	if !got.Pending(now) {
		t.Errorf("the replacing invite is not pending: %+v", got)
	}
	// Another organization's invite to the same email is independent.
	other := bkOrg(t, b, owner.User, bkEpoch)
	bkInvite(t, b, other, owner.User, email, ginauth.RoleMember, now)
	got, _ = b.InviteByTokenHash(ctx, second.TokenHash)
	if !got.Pending(now) {
		t.Error("an invite of another organization replaced this one")
	}
	// Once accepted, the email can be invited again.
	_, _, err = b.AcceptInvite(ctx, second.TokenHash, a.User.ID, now)
	bkNoErr(t, "AcceptInvite", err)
	bkInvite(t, b, org, owner.User, email, ginauth.RoleMember, now.Add(time.Minute))
}

// bkPending counts an organization's pending invites for email at now.
func bkPending(t *testing.T, b ginauth.Backend, orgID, email string, now time.Time) int {
	t.Helper()
	list, err := b.Invites(t.Context(), orgID)
	bkNoErr(t, "Invites", err)
	n := 0
	for _, inv := range list {
		if inv.Email == email && inv.Pending(now) {
			n++
		}
	}
	return n
}

func bkInviteCreateRace(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	for round := range 5 {
		email := bkEmail(t)
		n := 2 + round%2*8 // 2 or 10 at once
		errs := bkConcurrently(n, func(i int) error {
			inv := ginauth.Invite{ID: bkID(t), OrganizationID: org.ID, Email: email, Role: ginauth.RoleMember,
				TokenHash: bkHash(t), InvitedByUserID: owner.User.ID, CreatedAt: bkEpoch, ExpiresAt: bkEpoch.Add(time.Hour)}
			return b.CreateInvite(ctx, inv, bkEpoch)
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d: CreateInvite #%d: %v", round, i, err)
			}
		}
		if p := bkPending(t, b, org.ID, email, bkEpoch); p != 1 {
			t.Fatalf("round %d: %d concurrent invites left %d pending, want 1", round, n, p)
		}
	}
}

func bkRevokeInvite(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	other := bkOrg(t, b, owner.User, bkEpoch)
	email := bkEmail(t)
	inv := bkInvite(t, b, org, owner.User, email, ginauth.RoleMember, bkEpoch)
	_, err := b.RevokeInvite(ctx, other.ID, inv.ID, bkEpoch)
	bkIs(t, "RevokeInvite through another organization", err, ginauth.ErrNotFound)
	_, err = b.RevokeInvite(ctx, org.ID, bkID(t), bkEpoch)
	bkIs(t, "RevokeInvite unknown", err, ginauth.ErrNotFound)

	now := bkEpoch.Add(time.Minute)
	got, err := b.RevokeInvite(ctx, org.ID, inv.ID, now)
	bkNoErr(t, "RevokeInvite", err)
	if got.ID != inv.ID || got.OrganizationName != org.Name {
		t.Errorf("RevokeInvite = %+v", got)
	}
	bkTimePtr(t, "RevokedAt", got.RevokedAt, &now)
	got, err = b.RevokeInvite(ctx, org.ID, inv.ID, now.Add(time.Minute))
	bkIs(t, "RevokeInvite twice", err, ginauth.ErrConflict)
	a := bkUser(t, b, bkEpoch)
	_, _, err = b.AcceptInvite(ctx, inv.TokenHash, a.User.ID, now)
	bkIs(t, "AcceptInvite of a revoked invite", err, ginauth.ErrNotFound)
	// Revoking frees the (organization, email) slot.
	bkInvite(t, b, org, owner.User, email, ginauth.RoleMember, now)
	stored, _ := b.InviteByTokenHash(ctx, inv.TokenHash)
	bkTimePtr(t, "RevokedAt after a new invite", stored.RevokedAt, &now)

	expired := bkInvite(t, b, org, owner.User, bkEmail(t), ginauth.RoleMember, bkEpoch)
	_, err = b.RevokeInvite(ctx, org.ID, expired.ID, expired.ExpiresAt)
	bkIs(t, "RevokeInvite of an expired invite", err, ginauth.ErrConflict)
}

func bkAcceptInvite(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	email := bkEmail(t)
	inv := bkInvite(t, b, org, owner.User, email, ginauth.RoleAdmin, bkEpoch)
	// The account is created after the invite.
	u, ws, m := bkNewAccount(t, email, bkEpoch.Add(time.Minute))
	bkNoErr(t, "CreateUser", b.CreateUser(ctx, u, ws, m, nil))

	now := bkEpoch.Add(time.Hour)
	got, mem, err := b.AcceptInvite(ctx, inv.TokenHash, u.ID, now)
	bkNoErr(t, "AcceptInvite", err)
	if got.ID != inv.ID || got.AcceptedByUserID != u.ID || got.OrganizationName != org.Name {
		t.Errorf("accepted invite = %+v", got)
	}
	bkTimePtr(t, "AcceptedAt", got.AcceptedAt, &now)
	if mem.OrganizationID != org.ID || mem.UserID != u.ID || mem.Role != ginauth.RoleAdmin {
		t.Errorf("membership = %+v, want admin of %s", mem, org.ID)
	}
	bkTime(t, "membership CreatedAt", mem.CreatedAt, now)
	stored, err := b.Membership(ctx, org.ID, u.ID)
	bkNoErr(t, "Membership", err)
	if stored.Role != ginauth.RoleAdmin {
		t.Errorf("stored role %s, want admin", stored.Role)
	}
	user, _ := b.UserByID(ctx, u.ID)
	if user.ActiveOrganizationID != org.ID {
		t.Errorf("ActiveOrganizationID = %q, want %s", user.ActiveOrganizationID, org.ID)
	}
	byHash, _ := b.InviteByTokenHash(ctx, inv.TokenHash)
	bkTimePtr(t, "stored AcceptedAt", byHash.AcceptedAt, &now)
	if byHash.AcceptedByUserID != u.ID {
		t.Errorf("stored AcceptedByUserID = %q", byHash.AcceptedByUserID)
	}
}

func bkAcceptInviteNotPending(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	a := bkUser(t, b, bkEpoch)
	_, _, err := b.AcceptInvite(ctx, bkHash(t), a.User.ID, bkEpoch)
	bkIs(t, "AcceptInvite unknown", err, ginauth.ErrNotFound)

	inv := bkInvite(t, b, org, owner.User, a.User.Email, ginauth.RoleMember, bkEpoch)
	_, _, err = b.AcceptInvite(ctx, inv.TokenHash, a.User.ID, inv.ExpiresAt)
	bkIs(t, "AcceptInvite at expiry", err, ginauth.ErrNotFound)
	_, err = b.Membership(ctx, org.ID, a.User.ID)
	bkIs(t, "Membership after a refused accept", err, ginauth.ErrNotFound)

	inv = bkInvite(t, b, org, owner.User, a.User.Email, ginauth.RoleMember, bkEpoch)
	_, _, err = b.AcceptInvite(ctx, inv.TokenHash, a.User.ID, bkEpoch)
	bkNoErr(t, "AcceptInvite", err)
	_, _, err = b.AcceptInvite(ctx, inv.TokenHash, a.User.ID, bkEpoch)
	bkIs(t, "AcceptInvite twice", err, ginauth.ErrNotFound)
}

func bkAcceptInviteKeepsHigherRole(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	a := bkUser(t, b, bkEpoch)
	bkJoin(t, b, org, owner.User, a.User, ginauth.RoleAdmin, bkEpoch)
	inv := bkInvite(t, b, org, owner.User, a.User.Email, ginauth.RoleMember, bkEpoch)
	_, mem, err := b.AcceptInvite(ctx, inv.TokenHash, a.User.ID, bkEpoch.Add(time.Minute))
	bkNoErr(t, "AcceptInvite as member while admin", err)
	if mem.Role != ginauth.RoleAdmin {
		t.Errorf("role = %s, want the higher admin kept", mem.Role)
	}
	bkTime(t, "membership CreatedAt is the original", mem.CreatedAt, bkEpoch)

	c := bkUser(t, b, bkEpoch)
	bkJoin(t, b, org, owner.User, c.User, ginauth.RoleMember, bkEpoch)
	inv = bkInvite(t, b, org, owner.User, c.User.Email, ginauth.RoleAdmin, bkEpoch)
	_, mem, err = b.AcceptInvite(ctx, inv.TokenHash, c.User.ID, bkEpoch)
	bkNoErr(t, "AcceptInvite as admin while member", err)
	if mem.Role != ginauth.RoleAdmin {
		t.Errorf("role = %s, want admin", mem.Role)
	}
	if got, _ := b.Membership(ctx, org.ID, c.User.ID); got.Role != ginauth.RoleAdmin {
		t.Errorf("stored role = %s, want admin", got.Role)
	}
}

func bkAcceptRace(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	users := make([]ginauth.User, bkRaceN)
	for i := range users {
		users[i] = bkUser(t, b, bkEpoch).User
	}
	inv := bkInvite(t, b, org, owner.User, users[0].Email, ginauth.RoleMember, bkEpoch)
	errs := bkConcurrently(bkRaceN, func(i int) error {
		_, _, err := b.AcceptInvite(ctx, inv.TokenHash, users[i].ID, bkEpoch)
		return err
	})
	ok, notFound := bkCount(t, "AcceptInvite", errs, ginauth.ErrNotFound)
	if ok != 1 || notFound != bkRaceN-1 {
		t.Fatalf("%d concurrent accepts: %d succeeded, %d ErrNotFound; want 1 and %d", bkRaceN, ok, notFound, bkRaceN-1)
	}
	members, _ := b.Members(ctx, org.ID)
	if len(members) != 2 {
		t.Errorf("%d members after the race, want 2", len(members))
	}
}

func bkAcceptRevokeRace(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	for round := range 8 {
		a := bkUser(t, b, bkEpoch)
		inv := bkInvite(t, b, org, owner.User, a.User.Email, ginauth.RoleMember, bkEpoch)
		var acceptErr, revokeErr error
		bkConcurrently(2, func(i int) error {
			if i == 0 {
				_, _, acceptErr = b.AcceptInvite(ctx, inv.TokenHash, a.User.ID, bkEpoch)
			} else {
				_, revokeErr = b.RevokeInvite(ctx, org.ID, inv.ID, bkEpoch)
			}
			return nil
		})
		got, err := b.InviteByTokenHash(ctx, inv.TokenHash)
		bkNoErr(t, "InviteByTokenHash", err)
		_, memErr := b.Membership(ctx, org.ID, a.User.ID)
		switch {
		case acceptErr == nil:
			bkIs(t, "RevokeInvite losing to an accept", revokeErr, ginauth.ErrConflict)
			if got.AcceptedAt == nil || got.RevokedAt != nil || memErr != nil {
				t.Fatalf("round %d: accept won but invite %+v, membership error %v", round, got, memErr)
			}
		case revokeErr == nil:
			bkIs(t, "AcceptInvite losing to a revoke", acceptErr, ginauth.ErrNotFound)
			if got.RevokedAt == nil || got.AcceptedAt != nil || memErr == nil {
				t.Fatalf("round %d: revoke won but invite %+v, membership error %v", round, got, memErr)
			}
		default:
			t.Fatalf("round %d: no winner: accept %v, revoke %v", round, acceptErr, revokeErr)
		}
	}
}
