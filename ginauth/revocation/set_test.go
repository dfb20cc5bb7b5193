package revocation

import (
	"testing"
	"time"

	"github.com/fastauth/fastauth"
)

// target is an event target.
func target(typ, id string) fastauth.Target { return fastauth.Target{Type: typ, ID: id} }

// token is a verified token's principal and issue time.
type token struct {
	p   fastauth.Principal
	iat time.Time
}

// TestRevocationsCheck: each kind of revocation ends the tokens it should
// (revoked session → invalid_token, staleness → token_expired), tokens of
// a later second stand, tokens of the change's second are left to the
// store, and old entries are pruned.
func TestRevocationsCheck(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 500_000_000, time.UTC)
	change := now.Add(-10 * time.Second)
	tok := func(sid, user, org string, iat time.Time) token {
		return token{fastauth.Principal{Kind: fastauth.PrincipalSession, SessionID: sid, UserID: user, OrganizationID: org}, iat.Truncate(time.Second)}
	}
	before, same, after := change.Add(-time.Second), change, change.Add(time.Second)
	rev := func(event string, target fastauth.Target, keep string) Revocation {
		return Revocation{Event: event, At: change, Target: target, KeepSessionID: keep}
	}
	for _, tc := range []struct {
		name   string
		r      Revocation
		tok    token
		want   Verdict
		unsure bool
	}{
		{"session revoked", rev(fastauth.EventSessionRevoked, target(fastauth.TargetSession, "s1"), ""), tok("s1", "u", "o", after), Revoked, false},
		{"other session", rev(fastauth.EventSessionRevoked, target(fastauth.TargetSession, "s1"), ""), tok("s2", "u", "o", before), Accepted, false},
		{"replay", rev(fastauth.EventSessionReplayDetected, target(fastauth.TargetSession, "s1"), ""), tok("s1", "u", "o", after), Revoked, false},
		{"revoke-others, other", rev(fastauth.EventSessionRevoked, target(fastauth.TargetUser, "u"), "keep"), tok("s1", "u", "o", before), Revoked, false},
		{"revoke-others, kept", rev(fastauth.EventSessionRevoked, target(fastauth.TargetUser, "u"), "keep"), tok("keep", "u", "o", before), Accepted, false},
		{"revoke-others, later session", rev(fastauth.EventSessionRevoked, target(fastauth.TargetUser, "u"), "keep"), tok("s9", "u", "o", after), Accepted, false},
		{"revoke-others, same second", rev(fastauth.EventSessionRevoked, target(fastauth.TargetUser, "u"), "keep"), tok("s9", "u", "o", same), Accepted, true},
		{"role changed", rev(fastauth.EventMemberRoleChanged, target(fastauth.TargetUser, "u"), ""), tok("s1", "u", "o", before), Stale, false},
		{"role changed, refreshed", rev(fastauth.EventMemberRoleChanged, target(fastauth.TargetUser, "u"), ""), tok("s1", "u", "o", after), Accepted, false},
		{"member removed", rev(fastauth.EventMemberRemoved, target(fastauth.TargetUser, "u"), ""), tok("s1", "u", "o", before), Stale, false},
		{"password changed", rev(fastauth.EventPasswordChanged, target(fastauth.TargetUser, "u"), ""), tok("s1", "u", "o", before), Stale, false},
		{"password reset", rev(fastauth.EventPasswordReset, target(fastauth.TargetUser, "u"), ""), tok("s1", "u", "o", same), Accepted, true},
		{"organization deleted", rev(fastauth.EventOrganizationDeleted, target(fastauth.TargetOrganization, "o"), ""), tok("s1", "u", "o", before), Stale, false},
		{"other organization", rev(fastauth.EventOrganizationDeleted, target(fastauth.TargetOrganization, "o"), ""), tok("s1", "u", "p", before), Accepted, false},
		{"other user", rev(fastauth.EventMemberRoleChanged, target(fastauth.TargetUser, "u"), ""), tok("s1", "v", "o", before), Accepted, false},
		{"api key deleted", rev(fastauth.EventAPIKeyDeleted, target(fastauth.TargetAPIKey, "k"), ""), tok("s1", "u", "o", before), Accepted, false},
		{"no iat", rev(fastauth.EventMemberRoleChanged, target(fastauth.TargetUser, "u"), ""), token{fastauth.Principal{SessionID: "s1", UserID: "u"}, time.Time{}}, Stale, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rv := newSet(15*time.Minute, func() time.Time { return now })
			rv.since = now.Add(-time.Hour) // complete for every token of the test
			rv.record(tc.r)
			v, unsure := rv.check(&tc.tok.p, tc.tok.iat)
			if v != tc.want || unsure != tc.unsure {
				t.Fatalf("check = %v, %v; want %v, %v", v, unsure, tc.want, tc.unsure)
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
	rv := newSet(15*time.Minute, func() time.Time { return clock })
	old := fastauth.Principal{SessionID: "s", UserID: "u"}
	oldIAT := now.Add(-time.Minute)
	fresh := fastauth.Principal{SessionID: "t", UserID: "u"}
	freshIAT := now.Add(time.Second)
	if _, unsure := rv.check(&old, oldIAT); !unsure {
		t.Error("a token older than the set was trusted unchecked")
	}
	if _, unsure := rv.check(&fresh, freshIAT); unsure {
		t.Error("a token newer than the set was left to the store")
	}
	rv.markChecked("s")
	if _, unsure := rv.check(&old, oldIAT); unsure {
		t.Error("a checked session was left to the store again")
	}
	clock = now.Add(time.Hour)
	rv.recovered()
	if _, unsure := rv.check(&fresh, freshIAT); !unsure {
		t.Error("after a recovery, an earlier token was trusted unchecked")
	}
}

// TestRevocationsPrune: an entry older than an access token lives is
// dropped at the next change.
func TestRevocationsPrune(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rv := newSet(15*time.Minute, func() time.Time { return now })
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
// nothing, with entries in every map, through the Checker's entry point.
func TestRevocationCheckAllocations(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := New(Config{Mode: Immediate, Broadcaster: nopBroadcaster{}}, Options{TTL: 15 * time.Minute, Now: func() time.Time { return now }})
	c.set.up.Store(true)
	c.set.since = now.Add(-time.Hour)
	c.set.record(Revocation{Event: fastauth.EventSessionRevoked, At: now, Target: target(fastauth.TargetSession, "x")})
	c.set.record(Revocation{Event: fastauth.EventMemberRoleChanged, At: now, Target: target(fastauth.TargetUser, "y")})
	p := &fastauth.Principal{SessionID: "s", UserID: "u", OrganizationID: "o"}
	iat := now.Add(time.Second)
	ctx := t.Context()
	if v := c.Check(ctx, p, iat); v != Accepted {
		t.Fatalf("Check = %v, want Accepted", v)
	}
	if n := testing.AllocsPerRun(100, func() { c.Check(ctx, p, iat) }); n != 0 {
		t.Fatalf("Check allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { c.set.check(p, now) }); n != 0 {
		t.Fatalf("check allocates %v times", n)
	}
}
