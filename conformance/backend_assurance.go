package conformance

import (
	"slices"
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
)

// backendAssuranceCases: sessions keep how they were established (aal,
// amr, auth time) through every read and rotation, and RaiseSession steps
// a session up atomically.
func backendAssuranceCases() []backendCase {
	return []backendCase{
		{"StoredAndReadBack", bkAssuranceRoundTrip},
		{"DefaultsToPassword", bkAssuranceDefaults},
		{"KeptAcrossRotation", bkAssuranceRotation},
		{"RaiseSession", bkRaiseSession},
		{"RaiseSessionInactiveOrForeign", bkRaiseSessionInactive},
		{"RaiseSessionConcurrentNoneLost", bkRaiseSessionRace},
	}
}

// bkAssurance fails t unless s has aal, amr and auth time at.
func bkAssurance(t *testing.T, what string, s ginauth.Session, aal int, amr []string, at time.Time) {
	t.Helper()
	if s.AAL != aal || !slices.Equal(s.AMR, amr) {
		t.Errorf("%s: aal %d amr %q, want aal %d amr %q", what, s.AAL, s.AMR, aal, amr)
	}
	bkTime(t, what+" AuthTime", s.AuthTime, at)
}

func bkAssuranceRoundTrip(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	s, first := bkNewSession(t, a.User, bkEpoch)
	s.AAL, s.AMR, s.AuthTime = 2, []string{ginauth.MethodPassword, ginauth.MethodTOTP}, bkEpoch.Add(-time.Second)
	bkNoErr(t, "CreateSession", b.CreateSession(ctx, s, first, 0, false, bkEpoch))
	got, err := b.SessionByID(ctx, s.ID)
	bkNoErr(t, "SessionByID", err)
	bkAssurance(t, "SessionByID", got, 2, s.AMR, s.AuthTime)
	got, err = b.SessionByRefreshToken(ctx, first.TokenHash)
	bkNoErr(t, "SessionByRefreshToken", err)
	bkAssurance(t, "SessionByRefreshToken", got, 2, s.AMR, s.AuthTime)
	list, err := b.ListSessions(ctx, a.User.ID, bkEpoch)
	bkNoErr(t, "ListSessions", err)
	if len(list) != 1 {
		t.Fatalf("ListSessions = %+v, want one session", list)
	}
	bkAssurance(t, "ListSessions", list[0], 2, s.AMR, s.AuthTime)

	// The first session written with the account keeps its assurance too.
	u, ws, owner := bkNewAccount(t, bkEmail(t), bkEpoch)
	s2, first2 := bkNewSession(t, u, bkEpoch)
	s2.AAL, s2.AMR, s2.AuthTime = 1, []string{ginauth.MethodOAuth}, bkEpoch
	bkNoErr(t, "CreateUser", b.CreateUser(ctx, u, ws, owner, &ginauth.NewSession{Session: s2, RefreshToken: first2}))
	got, err = b.SessionByID(ctx, s2.ID)
	bkNoErr(t, "SessionByID of the sign-up session", err)
	bkAssurance(t, "sign-up session", got, 1, []string{ginauth.MethodOAuth}, bkEpoch)
}

// bkAssuranceDefaults: a session created without assurance reads as a
// password session at aal 1 authenticated when it was created, as sessions
// of before assurance levels do.
func bkAssuranceDefaults(t *testing.T, b ginauth.Backend) {
	a := bkUser(t, b, bkEpoch)
	s, _ := bkSession(t, b, a.User, bkEpoch)
	got, err := b.SessionByID(t.Context(), s.ID)
	bkNoErr(t, "SessionByID", err)
	bkAssurance(t, "session created without assurance", got, 1, []string{ginauth.MethodPassword}, bkEpoch)
}

func bkAssuranceRotation(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	s, first := bkNewSession(t, a.User, bkEpoch)
	s.AAL, s.AMR, s.AuthTime = 2, []string{ginauth.MethodPasskey}, bkEpoch
	bkNoErr(t, "CreateSession", b.CreateSession(ctx, s, first, 0, false, bkEpoch))
	now := bkEpoch.Add(time.Hour)
	got, err := b.RotateRefreshToken(ctx, first.TokenHash, bkNextToken(t, now), now)
	bkNoErr(t, "RotateRefreshToken", err)
	bkAssurance(t, "RotateRefreshToken", got, 2, []string{ginauth.MethodPasskey}, bkEpoch)
}

func bkRaiseSession(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	s, hash := bkSession(t, b, a.User, bkEpoch)
	at := bkEpoch.Add(time.Minute)
	got, err := b.RaiseSession(ctx, a.User.ID, s.ID, 2, ginauth.MethodTOTP, at)
	bkNoErr(t, "RaiseSession", err)
	want := []string{ginauth.MethodPassword, ginauth.MethodTOTP}
	bkAssurance(t, "RaiseSession result", got, 2, want, at)
	if got.ID != s.ID || got.UserID != a.User.ID || got.RevokedAt != nil {
		t.Errorf("RaiseSession = %+v, want session %s", got, s.ID)
	}
	bkTime(t, "RaiseSession ExpiresAt", got.ExpiresAt, s.ExpiresAt)
	stored, err := b.SessionByID(ctx, s.ID)
	bkNoErr(t, "SessionByID", err)
	bkAssurance(t, "after RaiseSession", stored, 2, want, at)

	// The same method again is not listed twice; the level never drops.
	at2 := at.Add(time.Minute)
	got, err = b.RaiseSession(ctx, a.User.ID, s.ID, 1, ginauth.MethodTOTP, at2)
	bkNoErr(t, "RaiseSession again", err)
	bkAssurance(t, "RaiseSession again", got, 2, want, at2)
	got, err = b.RaiseSession(ctx, a.User.ID, s.ID, 2, ginauth.MethodRecoveryCode, at2)
	bkNoErr(t, "RaiseSession with another method", err)
	want = append(want, ginauth.MethodRecoveryCode)
	bkAssurance(t, "RaiseSession with another method", got, 2, want, at2)

	// Rotation keeps the raised assurance.
	now := at2.Add(time.Minute)
	rot, err := b.RotateRefreshToken(ctx, hash, bkNextToken(t, now), now)
	bkNoErr(t, "RotateRefreshToken", err)
	bkAssurance(t, "rotated after RaiseSession", rot, 2, want, at2)
}

func bkRaiseSessionInactive(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	other := bkUser(t, b, bkEpoch)
	s, _ := bkSession(t, b, a.User, bkEpoch)
	_, err := b.RaiseSession(ctx, other.User.ID, s.ID, 2, ginauth.MethodTOTP, bkEpoch)
	bkIs(t, "RaiseSession of another user's session", err, ginauth.ErrNotFound)
	_, err = b.RaiseSession(ctx, a.User.ID, bkID(t), 2, ginauth.MethodTOTP, bkEpoch)
	bkIs(t, "RaiseSession of an unknown session", err, ginauth.ErrNotFound)
	_, err = b.RaiseSession(ctx, a.User.ID, s.ID, 2, ginauth.MethodTOTP, s.ExpiresAt)
	bkIs(t, "RaiseSession of an expired session", err, ginauth.ErrNotFound)
	bkNoErr(t, "RevokeSession", b.RevokeSession(ctx, a.User.ID, s.ID, bkEpoch))
	_, err = b.RaiseSession(ctx, a.User.ID, s.ID, 2, ginauth.MethodTOTP, bkEpoch)
	bkIs(t, "RaiseSession of a revoked session", err, ginauth.ErrNotFound)
	got, err := b.SessionByID(ctx, s.ID)
	bkNoErr(t, "SessionByID", err)
	bkAssurance(t, "refused raises changed nothing", got, 1, []string{ginauth.MethodPassword}, bkEpoch)
}

// bkRaiseSessionRace: concurrent raises with different methods all land.
func bkRaiseSessionRace(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	s, _ := bkSession(t, b, a.User, bkEpoch)
	methods := []string{ginauth.MethodTOTP, ginauth.MethodRecoveryCode, ginauth.MethodPasskey, ginauth.MethodOAuth}
	errs := bkConcurrently(len(methods), func(i int) error {
		_, err := b.RaiseSession(ctx, a.User.ID, s.ID, 2, methods[i], bkEpoch.Add(time.Minute))
		return err
	})
	for i, err := range errs {
		bkNoErr(t, "RaiseSession "+methods[i], err)
	}
	got, err := b.SessionByID(ctx, s.ID)
	bkNoErr(t, "SessionByID", err)
	if got.AAL != 2 || len(got.AMR) != 1+len(methods) || got.AMR[0] != ginauth.MethodPassword {
		t.Fatalf("after %d concurrent raises: aal %d amr %q, want aal 2 and password then every method", len(methods), got.AAL, got.AMR)
	}
	for _, m := range methods {
		if !slices.Contains(got.AMR, m) {
			t.Errorf("concurrent raise with %s was lost: amr %q", m, got.AMR)
		}
	}
}
