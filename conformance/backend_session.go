package conformance

import (
	"errors"
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
)

func backendSessionCases() []backendCase {
	return []backendCase{
		{"CreateSessionRoundTrip", bkCreateSessionRoundTrip},
		{"CreateSessionStaleVersionWritesNothing", bkCreateSessionStale},
		{"CreateSessionRevokeOthers", bkCreateSessionRevokeOthers},
		{"RotateRefreshToken", bkRotate},
		{"RotateReusedToken", bkRotateReused},
		{"RotateUnknownOrExpiredToken", bkRotateUnknown},
		{"RotateInactiveSessionChangesNothing", bkRotateInactiveSession},
		{"RotateConcurrentOneWinner", bkRotateRace},
		{"ListSessions", bkListSessions},
		{"RevokeSession", bkRevokeSession},
		{"RevokeOtherSessions", bkRevokeOtherSessions},
	}
}

func bkCreateSessionRoundTrip(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	s, hash := bkSession(t, b, a.User, bkEpoch)
	for name, get := range map[string]func() (ginauth.Session, error){
		"SessionByID":           func() (ginauth.Session, error) { return b.SessionByID(ctx, s.ID) },
		"SessionByRefreshToken": func() (ginauth.Session, error) { return b.SessionByRefreshToken(ctx, hash) },
	} {
		got, err := get()
		bkNoErr(t, name, err)
		if got.ID != s.ID || got.UserID != s.UserID || got.UserAgent != s.UserAgent || got.IP != s.IP || got.RevokedAt != nil {
			t.Errorf("%s = %+v, want %+v", name, got, s)
		}
		bkTime(t, name+" CreatedAt", got.CreatedAt, s.CreatedAt)
		bkTime(t, name+" LastUsedAt", got.LastUsedAt, s.LastUsedAt)
		bkTime(t, name+" ExpiresAt", got.ExpiresAt, s.ExpiresAt)
	}
	_, err := b.SessionByID(ctx, bkID(t))
	bkIs(t, "SessionByID unknown", err, ginauth.ErrNotFound)
	_, err = b.SessionByRefreshToken(ctx, bkHash(t))
	bkIs(t, "SessionByRefreshToken unknown", err, ginauth.ErrNotFound)
}

func bkCreateSessionStale(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	s, first := bkNewSession(t, a.User, bkEpoch)
	bkIs(t, "CreateSession with a stale credential version", b.CreateSession(ctx, s, first, 3, false, bkEpoch), ginauth.ErrConflict)
	_, err := b.SessionByID(ctx, s.ID)
	bkIs(t, "SessionByID of the refused session", err, ginauth.ErrNotFound)
	_, err = b.SessionByRefreshToken(ctx, first.TokenHash)
	bkIs(t, "SessionByRefreshToken of the refused session", err, ginauth.ErrNotFound)
}

func bkCreateSessionRevokeOthers(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	old, _ := bkSession(t, b, a.User, bkEpoch)
	now := bkEpoch.Add(time.Minute)
	s, first := bkNewSession(t, a.User, now)
	bkNoErr(t, "CreateSession revokeOthers", b.CreateSession(ctx, s, first, 0, true, now))
	got, err := b.SessionByID(ctx, old.ID)
	bkNoErr(t, "SessionByID old", err)
	bkTimePtr(t, "old session RevokedAt", got.RevokedAt, &now)
	list, err := b.ListSessions(ctx, a.User.ID, now)
	bkNoErr(t, "ListSessions", err)
	if len(list) != 1 || list[0].ID != s.ID {
		t.Errorf("ListSessions = %+v, want only the new session", list)
	}
}

func bkRotate(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	s, hash := bkSession(t, b, a.User, bkEpoch)
	now := bkEpoch.Add(time.Hour)
	next := bkNextToken(t, now) // ExpiresAt unset: the session's expiry
	got, err := b.RotateRefreshToken(ctx, hash, next, now)
	bkNoErr(t, "RotateRefreshToken", err)
	if got.ID != s.ID || got.UserID != a.User.ID {
		t.Errorf("rotated session = %+v, want %s of %s", got, s.ID, a.User.ID)
	}
	bkTime(t, "LastUsedAt", got.LastUsedAt, now)
	bkTime(t, "ExpiresAt", got.ExpiresAt, s.ExpiresAt)
	stored, err := b.SessionByID(ctx, s.ID)
	bkNoErr(t, "SessionByID", err)
	bkTime(t, "stored LastUsedAt", stored.LastUsedAt, now)

	for _, h := range [][]byte{hash, next.TokenHash} { // consumed or not
		bySession, err := b.SessionByRefreshToken(ctx, h)
		bkNoErr(t, "SessionByRefreshToken", err)
		if bySession.ID != s.ID {
			t.Errorf("SessionByRefreshToken = %s, want %s", bySession.ID, s.ID)
		}
	}
	// The next token works, until the session's expiry.
	later := s.ExpiresAt.Add(-time.Minute)
	third := bkNextToken(t, later)
	_, err = b.RotateRefreshToken(ctx, next.TokenHash, third, later)
	bkNoErr(t, "RotateRefreshToken of the next token", err)
	_, err = b.RotateRefreshToken(ctx, third.TokenHash, bkNextToken(t, s.ExpiresAt), s.ExpiresAt)
	bkIs(t, "RotateRefreshToken at the session's expiry", err, ginauth.ErrNotFound)
}

func bkRotateReused(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	s, hash := bkSession(t, b, a.User, bkEpoch)
	rotatedAt := bkEpoch.Add(time.Minute)
	next := bkNextToken(t, rotatedAt)
	_, err := b.RotateRefreshToken(ctx, hash, next, rotatedAt)
	bkNoErr(t, "RotateRefreshToken", err)

	_, err = b.RotateRefreshToken(ctx, hash, bkNextToken(t, rotatedAt.Add(time.Second)), rotatedAt.Add(time.Second))
	var reused *ginauth.ReusedTokenError
	if !errors.As(err, &reused) || !errors.Is(err, ginauth.ErrRefreshTokenReused) {
		t.Fatalf("RotateRefreshToken of a consumed token: %v, want *ReusedTokenError", err)
	}
	if reused.SessionID != s.ID || reused.UserID != a.User.ID {
		t.Errorf("ReusedTokenError = %+v, want session %s user %s", reused, s.ID, a.User.ID)
	}
	bkTime(t, "ReusedTokenError.ConsumedAt", reused.ConsumedAt, rotatedAt)
	// Reuse changes nothing: the session is still active, the next token
	// still rotates.
	got, err := b.SessionByID(ctx, s.ID)
	bkNoErr(t, "SessionByID", err)
	if got.RevokedAt != nil {
		t.Error("a reused token revoked the session inside the store")
	}
	_, err = b.RotateRefreshToken(ctx, next.TokenHash, bkNextToken(t, rotatedAt), rotatedAt.Add(2*time.Second))
	bkNoErr(t, "RotateRefreshToken of the live token", err)
}

func bkRotateUnknown(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	_, err := b.RotateRefreshToken(ctx, bkHash(t), bkNextToken(t, bkEpoch), bkEpoch)
	bkIs(t, "RotateRefreshToken of an unknown token", err, ginauth.ErrNotFound)

	a := bkUser(t, b, bkEpoch)
	s, first := bkNewSession(t, a.User, bkEpoch)
	first.ExpiresAt = bkEpoch.Add(time.Hour) // token shorter-lived than its session
	bkNoErr(t, "CreateSession", b.CreateSession(ctx, s, first, 0, false, bkEpoch))
	at := first.ExpiresAt
	_, err = b.RotateRefreshToken(ctx, first.TokenHash, bkNextToken(t, at), at)
	bkIs(t, "RotateRefreshToken at the token's expiry", err, ginauth.ErrNotFound)
	_, err = b.RotateRefreshToken(ctx, first.TokenHash, bkNextToken(t, at), at.Add(time.Hour))
	bkIs(t, "RotateRefreshToken after the token's expiry (not consumed)", err, ginauth.ErrNotFound)
}

func bkRotateInactiveSession(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	s, hash := bkSession(t, b, a.User, bkEpoch)
	now := bkEpoch.Add(time.Minute)
	bkNoErr(t, "RevokeSession", b.RevokeSession(ctx, a.User.ID, s.ID, now))
	next := bkNextToken(t, now)
	for range 2 { // the first refusal must not consume the token
		_, err := b.RotateRefreshToken(ctx, hash, next, now)
		bkIs(t, "RotateRefreshToken in a revoked session", err, ginauth.ErrNotFound)
	}
	_, err := b.SessionByRefreshToken(ctx, next.TokenHash)
	bkIs(t, "the refused next token was stored", err, ginauth.ErrNotFound)

	s2, hash2 := bkSession(t, b, a.User, bkEpoch)
	_, err = b.RotateRefreshToken(ctx, hash2, bkNextToken(t, s2.ExpiresAt), s2.ExpiresAt.Add(time.Second))
	bkIs(t, "RotateRefreshToken in an expired session", err, ginauth.ErrNotFound)
}

func bkRotateRace(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	s, hash := bkSession(t, b, a.User, bkEpoch)
	now := bkEpoch.Add(time.Minute)
	nexts := make([]ginauth.RefreshToken, bkRaceN)
	for i := range nexts {
		nexts[i] = bkNextToken(t, now)
	}
	errs := bkConcurrently(bkRaceN, func(i int) error {
		_, err := b.RotateRefreshToken(ctx, hash, nexts[i], now)
		return err
	})
	ok, reused := bkCount(t, "RotateRefreshToken", errs, ginauth.ErrRefreshTokenReused)
	if ok != 1 || reused != bkRaceN-1 {
		t.Fatalf("%d concurrent rotations of one token: %d succeeded, %d reused; want 1 and %d", bkRaceN, ok, reused, bkRaceN-1)
	}
	for i, err := range errs {
		var r *ginauth.ReusedTokenError
		if err != nil && (!errors.As(err, &r) || r.SessionID != s.ID) {
			t.Errorf("loser %d: %v, want a *ReusedTokenError of session %s", i, err, s.ID)
		}
		// Only the winner's next token was stored.
		_, serr := b.SessionByRefreshToken(ctx, nexts[i].TokenHash)
		if (err == nil) != (serr == nil) {
			t.Errorf("rotation %d (err %v): its next token lookup gave %v", i, err, serr)
		}
	}
}

func bkListSessions(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	other := bkUser(t, b, bkEpoch)
	bkSession(t, b, other.User, bkEpoch)
	s1, _ := bkSession(t, b, a.User, bkEpoch)
	s2, _ := bkSession(t, b, a.User, bkEpoch.Add(time.Second))
	s3, _ := bkSession(t, b, a.User, bkEpoch.Add(2*time.Second))
	revoked, _ := bkSession(t, b, a.User, bkEpoch.Add(3*time.Second))
	bkNoErr(t, "RevokeSession", b.RevokeSession(ctx, a.User.ID, revoked.ID, bkEpoch.Add(4*time.Second)))
	short, first := bkNewSession(t, a.User, bkEpoch.Add(5*time.Second))
	short.ExpiresAt = bkEpoch.Add(time.Hour)
	first.ExpiresAt = short.ExpiresAt
	bkNoErr(t, "CreateSession", b.CreateSession(ctx, short, first, 0, false, short.CreatedAt))

	check := func(now time.Time, want ...ginauth.Session) {
		t.Helper()
		list, err := b.ListSessions(ctx, a.User.ID, now)
		bkNoErr(t, "ListSessions", err)
		if len(list) != len(want) {
			t.Fatalf("ListSessions at %v: %d sessions, want %d", now, len(list), len(want))
		}
		for i := range want {
			if list[i].ID != want[i].ID {
				t.Errorf("ListSessions[%d] = %s, want %s (newest first)", i, list[i].ID, want[i].ID)
			}
		}
	}
	check(bkEpoch.Add(time.Minute), short, s3, s2, s1)
	check(short.ExpiresAt, s3, s2, s1) // expired at now
}

func bkRevokeSession(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	other := bkUser(t, b, bkEpoch)
	s, _ := bkSession(t, b, a.User, bkEpoch)
	bkIs(t, "RevokeSession of another user's session", b.RevokeSession(ctx, other.User.ID, s.ID, bkEpoch), ginauth.ErrNotFound)
	bkIs(t, "RevokeSession unknown", b.RevokeSession(ctx, a.User.ID, bkID(t), bkEpoch), ginauth.ErrNotFound)
	now := bkEpoch.Add(time.Minute)
	bkNoErr(t, "RevokeSession", b.RevokeSession(ctx, a.User.ID, s.ID, now))
	got, err := b.SessionByID(ctx, s.ID)
	bkNoErr(t, "SessionByID", err)
	bkTimePtr(t, "RevokedAt", got.RevokedAt, &now)
	bkIs(t, "RevokeSession twice", b.RevokeSession(ctx, a.User.ID, s.ID, now.Add(time.Minute)), ginauth.ErrNotFound)
	got, _ = b.SessionByID(ctx, s.ID)
	bkTimePtr(t, "RevokedAt after the second revoke", got.RevokedAt, &now)
}

func bkRevokeOtherSessions(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	other := bkUser(t, b, bkEpoch)
	keep, _ := bkSession(t, b, a.User, bkEpoch)
	for range 3 {
		bkSession(t, b, a.User, bkEpoch)
	}
	foreign, _ := bkSession(t, b, other.User, bkEpoch)
	now := bkEpoch.Add(time.Minute)
	n, err := b.RevokeOtherSessions(ctx, a.User.ID, keep.ID, now)
	bkNoErr(t, "RevokeOtherSessions", err)
	if n != 3 {
		t.Errorf("RevokeOtherSessions revoked %d, want 3", n)
	}
	list, _ := b.ListSessions(ctx, a.User.ID, now)
	if len(list) != 1 || list[0].ID != keep.ID {
		t.Errorf("ListSessions = %+v, want only the kept one", list)
	}
	if got, _ := b.SessionByID(ctx, foreign.ID); got.RevokedAt != nil {
		t.Error("RevokeOtherSessions revoked another user's session")
	}
	n, err = b.RevokeOtherSessions(ctx, a.User.ID, keep.ID, now)
	bkNoErr(t, "RevokeOtherSessions again", err)
	if n != 0 {
		t.Errorf("second RevokeOtherSessions revoked %d, want 0", n)
	}
}
