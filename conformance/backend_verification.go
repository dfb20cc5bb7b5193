package conformance

import (
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
)

func backendVerificationCases() []backendCase {
	return []backendCase{
		{"ConfirmEmail", bkConfirmEmail},
		{"ConfirmEmailKeepsEarlierConfirmation", bkConfirmEmailKeeps},
		{"TokenKindsAreNotInterchangeable", bkVerificationKinds},
		{"NewTokenVoidsPreviousOfSameKind", bkVerificationVoids},
		{"ExpiredOrUnknownToken", bkVerificationExpired},
		{"ResetPassword", bkResetPassword},
		{"ResetPasswordDeletesTheUsersAPIKeys", bkResetPasswordAPIKeys},
		{"ConsumeConcurrentOneWinner", bkVerificationRace},
	}
}

func bkConfirmEmail(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	v := bkVerification(t, b, a.User, ginauth.VerifyEmail, bkEpoch)
	now := bkEpoch.Add(time.Minute)
	u, err := b.ConfirmEmail(ctx, v.TokenHash, now)
	bkNoErr(t, "ConfirmEmail", err)
	if u.ID != a.User.ID {
		t.Errorf("ConfirmEmail user = %s, want %s", u.ID, a.User.ID)
	}
	bkTimePtr(t, "EmailConfirmedAt", u.EmailConfirmedAt, &now)
	stored, _ := b.UserByID(ctx, a.User.ID)
	bkTimePtr(t, "stored EmailConfirmedAt", stored.EmailConfirmedAt, &now)
	_, err = b.ConfirmEmail(ctx, v.TokenHash, now)
	bkIs(t, "ConfirmEmail twice", err, ginauth.ErrNotFound)
}

func bkConfirmEmailKeeps(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	first := bkEpoch.Add(time.Minute)
	_, err := b.ConfirmEmail(ctx, bkVerification(t, b, a.User, ginauth.VerifyEmail, bkEpoch).TokenHash, first)
	bkNoErr(t, "ConfirmEmail", err)
	u, err := b.ConfirmEmail(ctx, bkVerification(t, b, a.User, ginauth.VerifyEmail, first).TokenHash, first.Add(30*time.Minute))
	bkNoErr(t, "ConfirmEmail again", err)
	bkTimePtr(t, "EmailConfirmedAt", u.EmailConfirmedAt, &first)
}

func bkVerificationKinds(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	confirm := bkVerification(t, b, a.User, ginauth.VerifyEmail, bkEpoch)
	reset := bkVerification(t, b, a.User, ginauth.ResetPassword, bkEpoch)
	_, err := b.ConfirmEmail(ctx, reset.TokenHash, bkEpoch)
	bkIs(t, "ConfirmEmail with a password_reset token", err, ginauth.ErrNotFound)
	_, _, err = b.ResetPassword(ctx, confirm.TokenHash, "new-hash", true, bkEpoch)
	bkIs(t, "ResetPassword with an email_confirm token", err, ginauth.ErrNotFound)
	u, _ := b.UserByID(ctx, a.User.ID)
	if u.EmailConfirmedAt != nil || u.PasswordHash != a.User.PasswordHash || u.CredentialVersion != 0 {
		t.Fatalf("a token of the wrong kind changed the user: %+v", u)
	}
	// Both tokens are still good for their own kind.
	_, err = b.ConfirmEmail(ctx, confirm.TokenHash, bkEpoch)
	bkNoErr(t, "ConfirmEmail", err)
	_, _, err = b.ResetPassword(ctx, reset.TokenHash, "new-hash", true, bkEpoch)
	bkNoErr(t, "ResetPassword", err)
}

func bkVerificationVoids(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	oldConfirm := bkVerification(t, b, a.User, ginauth.VerifyEmail, bkEpoch)
	reset := bkVerification(t, b, a.User, ginauth.ResetPassword, bkEpoch)
	newConfirm := bkVerification(t, b, a.User, ginauth.VerifyEmail, bkEpoch.Add(time.Minute))
	other := bkUser(t, b, bkEpoch)
	otherConfirm := bkVerification(t, b, other.User, ginauth.VerifyEmail, bkEpoch.Add(time.Minute))

	now := bkEpoch.Add(2 * time.Minute)
	_, err := b.ConfirmEmail(ctx, oldConfirm.TokenHash, now)
	bkIs(t, "ConfirmEmail with the replaced token", err, ginauth.ErrNotFound)
	_, err = b.ConfirmEmail(ctx, newConfirm.TokenHash, now)
	bkNoErr(t, "ConfirmEmail with the new token", err)
	_, err = b.ConfirmEmail(ctx, otherConfirm.TokenHash, now)
	bkNoErr(t, "ConfirmEmail of another user", err)
	_, _, err = b.ResetPassword(ctx, reset.TokenHash, "new-hash", true, now)
	bkNoErr(t, "ResetPassword (another kind is not voided)", err)
}

func bkVerificationExpired(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	confirm := bkVerification(t, b, a.User, ginauth.VerifyEmail, bkEpoch)
	reset := bkVerification(t, b, a.User, ginauth.ResetPassword, bkEpoch)
	_, err := b.ConfirmEmail(ctx, confirm.TokenHash, confirm.ExpiresAt)
	bkIs(t, "ConfirmEmail at expiry", err, ginauth.ErrNotFound)
	_, _, err = b.ResetPassword(ctx, reset.TokenHash, "x", true, reset.ExpiresAt)
	bkIs(t, "ResetPassword at expiry", err, ginauth.ErrNotFound)
	_, err = b.ConfirmEmail(ctx, bkHash(t), bkEpoch)
	bkIs(t, "ConfirmEmail unknown", err, ginauth.ErrNotFound)
	_, _, err = b.ResetPassword(ctx, bkHash(t), "x", true, bkEpoch)
	bkIs(t, "ResetPassword unknown", err, ginauth.ErrNotFound)
	if u, _ := b.UserByID(ctx, a.User.ID); u.EmailConfirmedAt != nil || u.PasswordHash != a.User.PasswordHash {
		t.Errorf("expired tokens changed the user: %+v", u)
	}
}

func bkResetPassword(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	s1, _ := bkSession(t, b, a.User, bkEpoch)
	s2, _ := bkSession(t, b, a.User, bkEpoch)
	reset := bkVerification(t, b, a.User, ginauth.ResetPassword, bkEpoch)
	now := bkEpoch.Add(time.Minute)
	u, _, err := b.ResetPassword(ctx, reset.TokenHash, "reset-hash", true, now)
	bkNoErr(t, "ResetPassword", err)
	if u.ID != a.User.ID || u.PasswordHash != "reset-hash" || u.CredentialVersion != 1 {
		t.Errorf("ResetPassword user = %+v, want the new hash and version 1", u)
	}
	for _, s := range []ginauth.Session{s1, s2} {
		got, err := b.SessionByID(ctx, s.ID)
		bkNoErr(t, "SessionByID", err)
		bkTimePtr(t, "RevokedAt", got.RevokedAt, &now)
	}
	_, _, err = b.ResetPassword(ctx, reset.TokenHash, "again", true, now)
	bkIs(t, "ResetPassword twice", err, ginauth.ErrNotFound)
	// A sign-in that verified the old password cannot create a session.
	s, first := bkNewSession(t, a.User, now)
	bkIs(t, "CreateSession with the pre-reset version", b.CreateSession(ctx, s, first, 0, false, now), ginauth.ErrConflict)
}

func bkResetPasswordAPIKeys(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	other := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, a.User, bkEpoch)
	bkJoin(t, b, org, a.User, other.User, ginauth.RoleMember, bkEpoch)
	mine := []ginauth.APIKey{bkAPIKey(t, b, a.Workspace, a.User, "personal", bkEpoch), bkAPIKey(t, b, org, a.User, "shared", bkEpoch)}
	theirs := bkAPIKey(t, b, org, other.User, "theirs", bkEpoch)

	// Keeping the keys.
	reset := bkVerification(t, b, a.User, ginauth.ResetPassword, bkEpoch)
	_, n, err := b.ResetPassword(ctx, reset.TokenHash, "hash-1", false, bkEpoch)
	bkNoErr(t, "ResetPassword keeping keys", err)
	if n != 0 {
		t.Errorf("ResetPassword keeping keys deleted %d", n)
	}
	for _, k := range append(mine, theirs) {
		_, err := b.APIKeyByHash(ctx, k.KeyHash)
		bkNoErr(t, "APIKeyByHash after a reset keeping keys", err)
	}
	// Deleting them: the user's keys in every organization, no one else's.
	reset = bkVerification(t, b, a.User, ginauth.ResetPassword, bkEpoch)
	u, n, err := b.ResetPassword(ctx, reset.TokenHash, "hash-2", true, bkEpoch)
	bkNoErr(t, "ResetPassword deleting keys", err)
	if n != 2 || u.PasswordHash != "hash-2" {
		t.Errorf("ResetPassword deleting keys: %d deleted, hash %q; want 2 and hash-2", n, u.PasswordHash)
	}
	for _, k := range mine {
		_, err := b.APIKeyByHash(ctx, k.KeyHash)
		bkIs(t, "APIKeyByHash of a key of the reset user", err, ginauth.ErrNotFound)
	}
	_, err = b.APIKeyByHash(ctx, theirs.KeyHash)
	bkNoErr(t, "APIKeyByHash of another member's key", err)
}

func bkVerificationRace(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	reset := bkVerification(t, b, a.User, ginauth.ResetPassword, bkEpoch)
	errs := bkConcurrently(bkRaceN, func(i int) error {
		_, _, err := b.ResetPassword(ctx, reset.TokenHash, "hash", true, bkEpoch)
		return err
	})
	ok, notFound := bkCount(t, "ResetPassword", errs, ginauth.ErrNotFound)
	if ok != 1 || notFound != bkRaceN-1 {
		t.Fatalf("%d concurrent resets with one token: %d succeeded, %d ErrNotFound; want 1 and %d", bkRaceN, ok, notFound, bkRaceN-1)
	}
	if u, _ := b.UserByID(ctx, a.User.ID); u.CredentialVersion != 1 {
		t.Errorf("credential version = %d after one reset, want 1", u.CredentialVersion)
	}
}
