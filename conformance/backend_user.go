package conformance

import (
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
)

func backendUserCases() []backendCase {
	return []backendCase{
		{"CreateUserRoundTrip", bkCreateUserRoundTrip},
		{"CreateUserDuplicateEmailWritesNothing", bkCreateUserDuplicate},
		{"CreateUserConcurrentSameEmail", bkCreateUserRace},
		{"CreateUserWithFirstSession", bkCreateUserWithSession},
		{"CreateUserFailingAtTheLastStepWritesNothing", bkCreateUserAtomic},
		{"UnknownUser", bkUnknownUser},
		{"ChangePassword", bkChangePassword},
		{"ChangePasswordStaleVersion", bkChangePasswordStale},
		{"UpgradePasswordHash", bkUpgradePasswordHash},
		{"SetActiveOrganization", bkSetActiveOrganization},
		{"SignInRacingPasswordChange", bkSignInRacesPasswordChange},
	}
}

func bkCreateUserRoundTrip(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	confirmed := bkEpoch.Add(-time.Minute)
	u, ws, m := bkNewAccount(t, bkEmail(t), bkEpoch)
	u.EmailConfirmedAt = &confirmed
	bkNoErr(t, "CreateUser", b.CreateUser(ctx, u, ws, m, nil))

	for name, get := range map[string]func() (ginauth.User, error){
		"UserByID":    func() (ginauth.User, error) { return b.UserByID(ctx, u.ID) },
		"UserByEmail": func() (ginauth.User, error) { return b.UserByEmail(ctx, u.Email) },
	} {
		got, err := get()
		bkNoErr(t, name, err)
		if got.ID != u.ID || got.Email != u.Email || got.PasswordHash != u.PasswordHash ||
			got.CredentialVersion != 0 || got.ActiveOrganizationID != "" {
			t.Errorf("%s = %+v, want %+v", name, got, u)
		}
		bkTime(t, name+" CreatedAt", got.CreatedAt, u.CreatedAt)
		bkTime(t, name+" UpdatedAt", got.UpdatedAt, u.UpdatedAt)
		bkTimePtr(t, name+" EmailConfirmedAt", got.EmailConfirmedAt, &confirmed)
	}
	org, err := b.OrganizationByID(ctx, ws.ID)
	bkNoErr(t, "OrganizationByID", err)
	if org.Kind != ginauth.KindPersonal || org.Name != ws.Name {
		t.Errorf("workspace = %+v, want %+v", org, ws)
	}
	mem, err := b.Membership(ctx, ws.ID, u.ID)
	bkNoErr(t, "Membership", err)
	if mem.Role != ginauth.RoleOwner {
		t.Errorf("workspace role = %q, want owner", mem.Role)
	}
	bkTime(t, "membership CreatedAt", mem.CreatedAt, bkEpoch)
	ms, err := b.Memberships(ctx, u.ID)
	bkNoErr(t, "Memberships", err)
	if len(ms) != 1 || ms[0].Organization.ID != ws.ID || ms[0].Role != ginauth.RoleOwner {
		t.Errorf("Memberships = %+v, want the personal workspace", ms)
	}
}

func bkCreateUserDuplicate(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	u, ws, m := bkNewAccount(t, a.User.Email, bkEpoch)
	bkIs(t, "CreateUser with a taken email", b.CreateUser(ctx, u, ws, m, nil), ginauth.ErrDuplicateEmail)
	_, err := b.UserByID(ctx, u.ID)
	bkIs(t, "UserByID of the refused user", err, ginauth.ErrNotFound)
	_, err = b.OrganizationByID(ctx, ws.ID)
	bkIs(t, "OrganizationByID of the refused workspace", err, ginauth.ErrNotFound)
	got, err := b.UserByEmail(ctx, a.User.Email)
	bkNoErr(t, "UserByEmail", err)
	if got.ID != a.User.ID {
		t.Errorf("UserByEmail = %s, want the first user %s", got.ID, a.User.ID)
	}
}

func bkCreateUserRace(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	email := bkEmail(t)
	ids := make([]string, bkRaceN)
	errs := bkConcurrently(bkRaceN, func(i int) error {
		u, ws, m := bkNewAccount(t, email, bkEpoch)
		ids[i] = u.ID
		return b.CreateUser(ctx, u, ws, m, nil)
	})
	ok, dup := bkCount(t, "CreateUser", errs, ginauth.ErrDuplicateEmail)
	if ok != 1 || dup != bkRaceN-1 {
		t.Fatalf("concurrent CreateUser with one email: %d succeeded, %d duplicates; want 1 and %d", ok, dup, bkRaceN-1)
	}
	got, err := b.UserByEmail(ctx, email)
	bkNoErr(t, "UserByEmail", err)
	for i, err := range errs {
		if err == nil && ids[i] != got.ID {
			t.Errorf("UserByEmail = %s, want the winner %s", got.ID, ids[i])
		}
	}
}

func bkCreateUserWithSession(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	u, ws, m := bkNewAccount(t, bkEmail(t), bkEpoch)
	s, rt := bkNewSession(t, u, bkEpoch)
	bkNoErr(t, "CreateUser", b.CreateUser(ctx, u, ws, m, &ginauth.NewSession{Session: s, RefreshToken: rt}))
	got, err := b.SessionByID(ctx, s.ID)
	bkNoErr(t, "SessionByID", err)
	if got.UserID != u.ID || got.UserAgent != s.UserAgent || got.IP != s.IP || got.RevokedAt != nil {
		t.Errorf("first session = %+v, want %+v", got, s)
	}
	bkTime(t, "ExpiresAt", got.ExpiresAt, s.ExpiresAt)
	list, err := b.ListSessions(ctx, u.ID, bkEpoch)
	bkNoErr(t, "ListSessions", err)
	if len(list) != 1 || list[0].ID != s.ID {
		t.Errorf("ListSessions = %+v, want the first session", list)
	}
	now := bkEpoch.Add(time.Minute)
	rotated, err := b.RotateRefreshToken(ctx, rt.TokenHash, bkNextToken(t, now), now)
	bkNoErr(t, "RotateRefreshToken of the first token", err)
	if rotated.ID != s.ID {
		t.Errorf("rotation in session %s, want %s", rotated.ID, s.ID)
	}
	// A sign-in after sign-up checks the credential version as usual.
	bkSession(t, b, u, now)
}

func bkCreateUserAtomic(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	_, taken := bkSession(t, b, a.User, bkEpoch)
	u, ws, m := bkNewAccount(t, bkEmail(t), bkEpoch)
	s, rt := bkNewSession(t, u, bkEpoch)
	rt.TokenHash = taken // the refresh token, written last, collides
	if err := b.CreateUser(ctx, u, ws, m, &ginauth.NewSession{Session: s, RefreshToken: rt}); err == nil {
		t.Fatal("CreateUser with a colliding refresh token hash succeeded")
	}
	_, err := b.UserByEmail(ctx, u.Email)
	bkIs(t, "UserByEmail after a failed CreateUser", err, ginauth.ErrNotFound)
	_, err = b.OrganizationByID(ctx, ws.ID)
	bkIs(t, "OrganizationByID after a failed CreateUser", err, ginauth.ErrNotFound)
	_, err = b.SessionByID(ctx, s.ID)
	bkIs(t, "SessionByID after a failed CreateUser", err, ginauth.ErrNotFound)
	rt.TokenHash = bkHash(t)
	bkNoErr(t, "CreateUser again", b.CreateUser(ctx, u, ws, m, &ginauth.NewSession{Session: s, RefreshToken: rt}))
}

func bkUnknownUser(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	_, err := b.UserByID(ctx, bkID(t))
	bkIs(t, "UserByID", err, ginauth.ErrNotFound)
	_, err = b.UserByEmail(ctx, bkEmail(t))
	bkIs(t, "UserByEmail", err, ginauth.ErrNotFound)
	bkIs(t, "ChangePassword", b.ChangePassword(ctx, bkID(t), 0, "x", "", bkEpoch), ginauth.ErrNotFound)
	bkIs(t, "SetActiveOrganization", b.SetActiveOrganization(ctx, bkID(t), ""), ginauth.ErrNotFound)
	s, first := bkNewSession(t, ginauth.User{ID: bkID(t)}, bkEpoch)
	bkIs(t, "CreateSession", b.CreateSession(ctx, s, first, 0, false, bkEpoch), ginauth.ErrNotFound)
}

func bkChangePassword(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	keep, _ := bkSession(t, b, a.User, bkEpoch)
	other, _ := bkSession(t, b, a.User, bkEpoch.Add(time.Second))
	reset := bkVerification(t, b, a.User, ginauth.ResetPassword, bkEpoch)
	confirm := bkVerification(t, b, a.User, ginauth.VerifyEmail, bkEpoch)

	now := bkEpoch.Add(time.Minute)
	bkNoErr(t, "ChangePassword", b.ChangePassword(ctx, a.User.ID, 0, "new-hash", keep.ID, now))
	u, err := b.UserByID(ctx, a.User.ID)
	bkNoErr(t, "UserByID", err)
	if u.PasswordHash != "new-hash" || u.CredentialVersion != 1 {
		t.Errorf("after ChangePassword: hash %q version %d, want new-hash and 1", u.PasswordHash, u.CredentialVersion)
	}
	got, err := b.SessionByID(ctx, other.ID)
	bkNoErr(t, "SessionByID other", err)
	bkTimePtr(t, "other session RevokedAt", got.RevokedAt, &now)
	got, err = b.SessionByID(ctx, keep.ID)
	bkNoErr(t, "SessionByID kept", err)
	if got.RevokedAt != nil {
		t.Errorf("kept session revoked at %v", *got.RevokedAt)
	}
	_, _, err = b.ResetPassword(ctx, reset.TokenHash, "reset-hash", true, now)
	bkIs(t, "ResetPassword with a token issued before the change", err, ginauth.ErrNotFound)
	_, err = b.ConfirmEmail(ctx, confirm.TokenHash, now)
	bkNoErr(t, "ConfirmEmail (other kind is not voided)", err)

	// Empty keepSessionID revokes every session.
	bkNoErr(t, "ChangePassword keep none", b.ChangePassword(ctx, a.User.ID, 1, "newer-hash", "", now))
	list, err := b.ListSessions(ctx, a.User.ID, now)
	bkNoErr(t, "ListSessions", err)
	if len(list) != 0 {
		t.Errorf("ListSessions after ChangePassword keeping none: %d active", len(list))
	}
}

func bkChangePasswordStale(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	s, _ := bkSession(t, b, a.User, bkEpoch)
	bkIs(t, "ChangePassword with a stale version", b.ChangePassword(ctx, a.User.ID, 7, "new-hash", "", bkEpoch), ginauth.ErrConflict)
	u, err := b.UserByID(ctx, a.User.ID)
	bkNoErr(t, "UserByID", err)
	if u.PasswordHash != a.User.PasswordHash || u.CredentialVersion != 0 {
		t.Errorf("refused ChangePassword changed the user: %+v", u)
	}
	got, err := b.SessionByID(ctx, s.ID)
	bkNoErr(t, "SessionByID", err)
	if got.RevokedAt != nil {
		t.Error("refused ChangePassword revoked a session")
	}
}

func bkUpgradePasswordHash(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	bkNoErr(t, "UpgradePasswordHash stale", b.UpgradePasswordHash(ctx, a.User.ID, "not-the-hash", "x"))
	u, _ := b.UserByID(ctx, a.User.ID)
	if u.PasswordHash != a.User.PasswordHash {
		t.Fatalf("UpgradePasswordHash with a stale old hash replaced it")
	}
	bkNoErr(t, "UpgradePasswordHash", b.UpgradePasswordHash(ctx, a.User.ID, a.User.PasswordHash, "upgraded"))
	u, _ = b.UserByID(ctx, a.User.ID)
	if u.PasswordHash != "upgraded" || u.CredentialVersion != 0 {
		t.Errorf("after UpgradePasswordHash: hash %q version %d, want upgraded and 0", u.PasswordHash, u.CredentialVersion)
	}
}

func bkSetActiveOrganization(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, a.User, bkEpoch)
	for _, step := range []string{org.ID, org.ID, "", ""} { // repeats are no-ops, not errors
		bkNoErr(t, "SetActiveOrganization", b.SetActiveOrganization(ctx, a.User.ID, step))
		u, err := b.UserByID(ctx, a.User.ID)
		bkNoErr(t, "UserByID", err)
		if u.ActiveOrganizationID != step {
			t.Errorf("ActiveOrganizationID = %q, want %q", u.ActiveOrganizationID, step)
		}
	}
}

// bkSignInRacesPasswordChange: sign-ins that verified the old password
// race a password change; no session created under the old credential
// version may survive it.
func bkSignInRacesPasswordChange(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	for round := range 3 {
		a := bkUser(t, b, bkEpoch)
		errs := bkConcurrently(bkRaceN+1, func(i int) error {
			if i == bkRaceN/2 {
				return b.ChangePassword(ctx, a.User.ID, 0, "changed", "", bkEpoch)
			}
			s, first := bkNewSession(t, a.User, bkEpoch)
			return b.CreateSession(ctx, s, first, 0, false, bkEpoch)
		})
		if err := errs[bkRaceN/2]; err != nil {
			t.Fatalf("round %d: ChangePassword: %v", round, err)
		}
		bkCount(t, "CreateSession", append(errs[:bkRaceN/2:bkRaceN/2], errs[bkRaceN/2+1:]...), ginauth.ErrConflict)
		list, err := b.ListSessions(ctx, a.User.ID, bkEpoch)
		bkNoErr(t, "ListSessions", err)
		if len(list) != 0 {
			t.Fatalf("round %d: %d sessions of the old password survived the change", round, len(list))
		}
		s, first := bkNewSession(t, a.User, bkEpoch)
		bkIs(t, "CreateSession with the old version after the change",
			b.CreateSession(ctx, s, first, 0, false, bkEpoch), ginauth.ErrConflict)
		bkNoErr(t, "CreateSession with the new version", b.CreateSession(ctx, s, first, 1, false, bkEpoch))
	}
}
