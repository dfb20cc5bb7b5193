package ginauth

import (
	"context"
	"testing"
	"time"

	"github.com/fastauth/fastauth"
)

// TestRevocationsCheck: each kind of revocation ends the tokens it should
// (revoked session → invalid_token, staleness → token_expired), tokens of
// a later second stand, tokens of the change's second are left to the
// store, and old entries are pruned.
func TestRevocationsCheck(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 500_000_000, time.UTC)
	change := now.Add(-10 * time.Second)
	token := func(sid, user, org string, iat time.Time) *verifiedToken {
		return &verifiedToken{
			accessClaims: accessClaims{IssuedAt: newNumericDate(iat)},
			session:      Principal{Kind: PrincipalSession, SessionID: sid, UserID: user, OrganizationID: org},
		}
	}
	before, same, after := change.Add(-time.Second), change, change.Add(time.Second)
	rev := func(event string, target fastauth.Target, keep string) Revocation {
		return Revocation{Event: event, At: change, Target: target, KeepSessionID: keep}
	}
	for _, tc := range []struct {
		name   string
		r      Revocation
		tok    *verifiedToken
		want   *authFailure
		unsure bool
	}{
		{"session revoked", rev(fastauth.EventSessionRevoked, target(fastauth.TargetSession, "s1"), ""), token("s1", "u", "o", after), failInvalidToken, false},
		{"other session", rev(fastauth.EventSessionRevoked, target(fastauth.TargetSession, "s1"), ""), token("s2", "u", "o", before), nil, false},
		{"replay", rev(fastauth.EventSessionReplayDetected, target(fastauth.TargetSession, "s1"), ""), token("s1", "u", "o", after), failInvalidToken, false},
		{"revoke-others, other", rev(fastauth.EventSessionRevoked, target(fastauth.TargetUser, "u"), "keep"), token("s1", "u", "o", before), failInvalidToken, false},
		{"revoke-others, kept", rev(fastauth.EventSessionRevoked, target(fastauth.TargetUser, "u"), "keep"), token("keep", "u", "o", before), nil, false},
		{"revoke-others, later session", rev(fastauth.EventSessionRevoked, target(fastauth.TargetUser, "u"), "keep"), token("s9", "u", "o", after), nil, false},
		{"revoke-others, same second", rev(fastauth.EventSessionRevoked, target(fastauth.TargetUser, "u"), "keep"), token("s9", "u", "o", same), nil, true},
		{"role changed", rev(fastauth.EventMemberRoleChanged, target(fastauth.TargetUser, "u"), ""), token("s1", "u", "o", before), failTokenExpired, false},
		{"role changed, refreshed", rev(fastauth.EventMemberRoleChanged, target(fastauth.TargetUser, "u"), ""), token("s1", "u", "o", after), nil, false},
		{"member removed", rev(fastauth.EventMemberRemoved, target(fastauth.TargetUser, "u"), ""), token("s1", "u", "o", before), failTokenExpired, false},
		{"password changed", rev(fastauth.EventPasswordChanged, target(fastauth.TargetUser, "u"), ""), token("s1", "u", "o", before), failTokenExpired, false},
		{"password reset", rev(fastauth.EventPasswordReset, target(fastauth.TargetUser, "u"), ""), token("s1", "u", "o", same), nil, true},
		{"organization deleted", rev(fastauth.EventOrganizationDeleted, target(fastauth.TargetOrganization, "o"), ""), token("s1", "u", "o", before), failTokenExpired, false},
		{"other organization", rev(fastauth.EventOrganizationDeleted, target(fastauth.TargetOrganization, "o"), ""), token("s1", "u", "p", before), nil, false},
		{"other user", rev(fastauth.EventMemberRoleChanged, target(fastauth.TargetUser, "u"), ""), token("s1", "v", "o", before), nil, false},
		{"api key deleted", rev(fastauth.EventAPIKeyDeleted, target(fastauth.TargetAPIKey, "k"), ""), token("s1", "u", "o", before), nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rv := newRevocationSet(15*time.Minute, func() time.Time { return now })
			rv.since = now.Add(-time.Hour) // complete for every token of the test
			rv.record(tc.r)
			f, unsure := rv.check(tc.tok)
			if f != tc.want || unsure != tc.unsure {
				t.Fatalf("check = %v, %v; want %v, %v", f, unsure, tc.want, tc.unsure)
			}
		})
	}
}

// TestRevocationsSince: a token issued before the set became complete (the
// instance's start, the broadcast's recovery) is left to the store until
// its session was checked once, for as long as such a token can live.
func TestRevocationsSince(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := now
	rv := newRevocationSet(15*time.Minute, func() time.Time { return clock })
	old := &verifiedToken{accessClaims: accessClaims{IssuedAt: newNumericDate(now.Add(-time.Minute))}, session: Principal{SessionID: "s", UserID: "u"}}
	fresh := &verifiedToken{accessClaims: accessClaims{IssuedAt: newNumericDate(now.Add(time.Second))}, session: Principal{SessionID: "t", UserID: "u"}}
	if _, unsure := rv.check(old); !unsure {
		t.Error("a token older than the set was trusted unchecked")
	}
	if _, unsure := rv.check(fresh); unsure {
		t.Error("a token newer than the set was left to the store")
	}
	rv.markChecked("s")
	if _, unsure := rv.check(old); unsure {
		t.Error("a checked session was left to the store again")
	}
	clock = now.Add(time.Hour)
	rv.recovered()
	if _, unsure := rv.check(fresh); !unsure {
		t.Error("after a recovery, an earlier token was trusted unchecked")
	}
}

// TestRevocationsPrune: an entry older than an access token lives is
// dropped at the next change.
func TestRevocationsPrune(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rv := newRevocationSet(15*time.Minute, func() time.Time { return now })
	rv.record(Revocation{Event: fastauth.EventSessionRevoked, At: now.Add(-time.Hour), Target: target(fastauth.TargetSession, "old")})
	rv.record(Revocation{Event: fastauth.EventSessionRevoked, At: now, Target: target(fastauth.TargetSession, "new")})
	if _, ok := rv.sessions["old"]; ok {
		t.Error("an entry older than the access-token TTL was kept")
	}
	if _, ok := rv.sessions["new"]; !ok {
		t.Error("a current entry was dropped")
	}
}

// TestRevocationCheckAllocations: the check of a warm token allocates
// nothing, with entries in every map.
func TestRevocationCheckAllocations(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rv := newRevocationSet(15*time.Minute, func() time.Time { return now })
	rv.record(Revocation{Event: fastauth.EventSessionRevoked, At: now, Target: target(fastauth.TargetSession, "x")})
	rv.record(Revocation{Event: fastauth.EventMemberRoleChanged, At: now, Target: target(fastauth.TargetUser, "y")})
	tok := &verifiedToken{accessClaims: accessClaims{IssuedAt: newNumericDate(now)}, session: Principal{SessionID: "s", UserID: "u", OrganizationID: "o"}}
	if n := testing.AllocsPerRun(100, func() { rv.check(tok) }); n != 0 {
		t.Fatalf("check allocates %v times", n)
	}
}

// nopBroadcaster is a Broadcaster that carries nothing.
type nopBroadcaster struct{}

func (nopBroadcaster) Publish(context.Context, Revocation) error { return nil }
func (nopBroadcaster) Listen(func(Revocation), func(bool)) error { return nil }
func (nopBroadcaster) Close() error                              { return nil }

// immediateAuth is a storeless Auth in RevocationImmediate mode with the
// broadcast up and revocations of other users and sessions in its set.
func immediateAuth(b testing.TB) *Auth {
	a := storelessAuth(b, newTestClock(), func(c *Config) {
		c.Revocation = RevocationConfig{Mode: RevocationImmediate, Broadcaster: nopBroadcaster{}}
	})
	a.rev.up.Store(true)
	now := a.now()
	a.rev.record(Revocation{Event: fastauth.EventSessionRevoked, At: now, Target: target(fastauth.TargetSession, "another-session")})
	a.rev.record(Revocation{Event: fastauth.EventMemberRoleChanged, At: now, Target: target(fastauth.TargetUser, "another-user")})
	return a
}
