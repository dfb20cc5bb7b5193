package revocation

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/fastauth/fastauth"
)

// nopBroadcaster is a Broadcaster that carries nothing.
type nopBroadcaster struct{}

func (nopBroadcaster) Publish(context.Context, Revocation) error { return nil }
func (nopBroadcaster) Listen(func(Revocation), func(bool)) error { return nil }
func (nopBroadcaster) Close() error                              { return nil }

// capturingBroadcaster keeps what Listen is given and what is published.
type capturingBroadcaster struct {
	deliver   func(Revocation)
	health    func(bool)
	published []Revocation
}

func (b *capturingBroadcaster) Publish(_ context.Context, r Revocation) error {
	b.published = append(b.published, r)
	return nil
}

func (b *capturingBroadcaster) Listen(deliver func(Revocation), health func(bool)) error {
	b.deliver, b.health = deliver, health
	return nil
}

func (b *capturingBroadcaster) Close() error { return nil }

// fakeStore answers the store check from fields.
type fakeStore struct {
	session    fastauth.Session
	sessionErr error
	role       fastauth.Role
	memberErr  error
}

func (s *fakeStore) SessionByID(context.Context, string) (fastauth.Session, error) {
	return s.session, s.sessionErr
}

func (s *fakeStore) Membership(context.Context, string, string) (fastauth.Membership, error) {
	return fastauth.Membership{Role: s.role}, s.memberErr
}

// countingObserver counts store checks by result.
type countingObserver map[string]int

func (o countingObserver) RevocationStoreCheck(result string) { o[result]++ }

// TestConfigValidate: mode immediate needs a broadcaster; an unknown mode
// is refused, naming it.
func TestConfigValidate(t *testing.T) {
	t.Parallel()
	if err := (Config{Mode: Immediate}).Validate(); !errors.Is(err, ErrBroadcasterMissing) {
		t.Errorf("immediate without broadcaster: %v, want ErrBroadcasterMissing", err)
	}
	for _, c := range []Config{{}, {Mode: Expiry}, {Mode: Immediate, Broadcaster: nopBroadcaster{}}} {
		if err := c.Validate(); err != nil {
			t.Errorf("%q: %v", c.Mode, err)
		}
	}
	if err := (Config{Mode: "sometimes"}).Validate(); err == nil {
		t.Error("an unknown mode was accepted")
	}
	if New(Config{Mode: Expiry}, Options{}) != nil {
		t.Error("a Checker in mode expiry")
	}
}

// TestCheckerStoreFallback: while the broadcast is down every token is
// judged by the store (revoked session, changed role, store failure: fail
// closed), counted by result; a revoked session found there joins the set.
func TestCheckerStoreFallback(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := &fastauth.Principal{SessionID: "s", UserID: "u", OrganizationID: "o", OrganizationRole: fastauth.RoleMember}
	revokedAt := now
	for _, tc := range []struct {
		name   string
		store  fakeStore
		want   Verdict
		result string
	}{
		{"active", fakeStore{session: fastauth.Session{UserID: "u"}, role: fastauth.RoleMember}, Accepted, "accepted"},
		{"revoked", fakeStore{session: fastauth.Session{UserID: "u", RevokedAt: &revokedAt}}, Revoked, "revoked"},
		{"gone", fakeStore{sessionErr: fastauth.ErrNotFound}, Revoked, "revoked"},
		{"other user", fakeStore{session: fastauth.Session{UserID: "v"}}, Revoked, "revoked"},
		{"role changed", fakeStore{session: fastauth.Session{UserID: "u"}, role: fastauth.RoleAdmin}, Stale, "stale"},
		{"removed", fakeStore{session: fastauth.Session{UserID: "u"}, memberErr: fastauth.ErrNotFound}, Stale, "stale"},
		{"store down", fakeStore{sessionErr: errors.New("connection refused")}, Unavailable, "error"},
		{"membership down", fakeStore{session: fastauth.Session{UserID: "u"}, memberErr: errors.New("connection refused")}, Unavailable, "error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			obs := countingObserver{}
			st := tc.store
			c := New(Config{Mode: Immediate, Broadcaster: nopBroadcaster{}}, Options{
				TTL: 15 * time.Minute, Now: func() time.Time { return now }, Store: &st, StoreTimeout: time.Second,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Observer: obs,
			})
			if v := c.Check(t.Context(), p, now.Add(time.Second)); v != tc.want {
				t.Fatalf("Check = %v, want %v", v, tc.want)
			}
			if obs[tc.result] != 1 || len(obs) != 1 {
				t.Errorf("counted %v, want one %q", obs, tc.result)
			}
			if tc.want == Revoked {
				st.sessionErr = errors.New("must not be read again")
				c.set.up.Store(true)
				if v, _ := c.set.check(p, now.Add(time.Second)); v != Revoked {
					t.Errorf("the revoked session did not join the set: %v", v)
				}
			}
		})
	}
}

// TestCheckerBroadcast: an event of this instance is recorded and
// published; a delivered revocation is recorded and handed to the
// Subscribe handlers as an event; health reports switch Up.
func TestCheckerBroadcast(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	bc := &capturingBroadcaster{}
	c := New(Config{Mode: Immediate, Broadcaster: bc}, Options{
		TTL: 15 * time.Minute, Now: func() time.Time { return now }, StoreTimeout: time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err := c.Listen(); err != nil {
		t.Fatal(err)
	}
	if c.Up() {
		t.Fatal("up before the broadcaster said so")
	}
	bc.health(true)
	if !c.Up() {
		t.Fatal("not up after the broadcaster said so")
	}
	var got []fastauth.Event
	c.Subscribe(func(_ context.Context, e fastauth.Event) error { got = append(got, e); return nil })

	err := c.Record(t.Context(), fastauth.Event{Type: fastauth.EventSessionRevoked, OccurredAt: now, IP: "192.0.2.1",
		Target: target(fastauth.TargetSession, "s1")})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Record(t.Context(), fastauth.Event{Type: fastauth.EventUserSignedIn, OccurredAt: now}); err != nil {
		t.Fatal(err)
	}
	if len(bc.published) != 1 || bc.published[0].Target.ID != "s1" {
		t.Fatalf("published %+v, want the one revocation", bc.published)
	}
	p := fastauth.Principal{SessionID: "s1", UserID: "u"}
	if v := c.Check(t.Context(), &p, now.Add(time.Second)); v != Revoked {
		t.Errorf("own revocation: %v, want Revoked", v)
	}

	bc.deliver(Revocation{Event: fastauth.EventPasswordReset, At: now, Target: target(fastauth.TargetUser, "u2"), APIKeysDeleted: 2})
	q := fastauth.Principal{SessionID: "s2", UserID: "u2"}
	if v := c.Check(t.Context(), &q, now.Add(-time.Minute).Add(time.Hour)); v != Accepted {
		t.Errorf("a later token: %v, want Accepted", v)
	}
	if len(got) != 1 || got[0].Type != fastauth.EventPasswordReset || got[0].Data["api_keys_deleted"] != 2 {
		t.Errorf("handed %+v, want the password reset with its deleted keys", got)
	}
	bc.health(false)
	if c.Up() {
		t.Error("up after the broadcaster went down")
	}
}
