package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/mfa"
)

func eventScenarios() []scenario {
	return []scenario{
		{name: "EveryChangeEmitsItsEvent", run: testEveryChangeEmitsItsEvent},
		{name: "TxSubscriberFailureRollsTheChangeBack", run: testTxSubscriberFailure},
		{name: "EveryMFAChangeEmitsItsEvent", setup: withMFA, run: testEveryMFAChangeEmitsItsEvent},
	}
}

// eventLog records events; it is safe for concurrent use.
type eventLog struct {
	mu     sync.Mutex
	events []fastauth.Event
}

func (l *eventLog) record(_ context.Context, e fastauth.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
	return nil
}

func (l *eventLog) all() []fastauth.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// wantEvent is an event a step expects: its type, actor (user and API
// key), organization and target.
type wantEvent struct {
	typ    string
	actor  string
	apiKey string
	org    string
	target fastauth.Target
}

func (w wantEvent) String() string {
	return fmt.Sprintf("%s actor=%q key=%q org=%q target=%s/%s", w.typ, w.actor, w.apiKey, w.org, w.target.Type, w.target.ID)
}

func eventOf(e fastauth.Event) wantEvent {
	return wantEvent{typ: e.Type, actor: e.Actor.UserID, apiKey: e.Actor.APIKeyID, org: e.OrganizationID, target: e.Target}
}

// eventWalk subscribes to the bus inside transactions and after commits,
// and checks, request by request, that a step emitted exactly the events
// it expects, the same ones in both places.
type eventWalk struct {
	h           *Harness
	inTx, after eventLog
	ids         map[string]bool
}

func newEventWalk(h *Harness) *eventWalk {
	w := &eventWalk{h: h, ids: map[string]bool{}}
	h.Auth.SubscribeTx(w.inTx.record)
	h.Auth.Subscribe(w.after.record)
	return w
}

// step runs do (one request, or a request and its setup that emits
// nothing), then compares the events emitted meanwhile with want, called
// after do so that it may use what do learnt.
func (w *eventWalk) step(t *testing.T, name string, do func(), want func() []wantEvent) {
	t.Helper()
	txBefore, afterBefore := len(w.inTx.all()), len(w.after.all())
	do()
	tx, after := w.inTx.all()[txBefore:], w.after.all()[afterBefore:]
	var exp []wantEvent
	if want != nil {
		exp = want()
	}
	got := make([]wantEvent, len(after))
	for i, e := range after {
		got[i] = eventOf(e)
		if e.ID == "" || e.OccurredAt.IsZero() || w.ids[e.ID] {
			t.Errorf("%s: event %s: id %q (seen before: %v), occurred_at %v", name, e.Type, e.ID, w.ids[e.ID], e.OccurredAt)
		}
		w.ids[e.ID] = true
	}
	byType := func(a, b wantEvent) int { return strings.Compare(a.typ, b.typ) }
	slices.SortStableFunc(got, byType)
	slices.SortStableFunc(exp, byType)
	if !slices.Equal(got, exp) {
		t.Errorf("%s emitted\n\t%v\nwant\n\t%v", name, got, exp)
	}
	if len(tx) != len(after) {
		t.Errorf("%s: %d events inside the transaction, %d after the commit", name, len(tx), len(after))
	}
	for i := range min(len(tx), len(after)) {
		if tx[i].ID != after[i].ID || tx[i].Type != after[i].Type {
			t.Errorf("%s: event %s %s inside the transaction, %s %s after the commit", name, tx[i].Type, tx[i].ID, after[i].Type, after[i].ID)
		}
	}
}

// noSecrets checks that no event of the walk carries one of secrets.
func (w *eventWalk) noSecrets(t *testing.T, secrets ...string) {
	t.Helper()
	for _, e := range slices.Concat(w.inTx.all(), w.after.all()) {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("event %s does not marshal: %v", e.Type, err)
		}
		for _, s := range secrets {
			if s != "" && strings.Contains(string(b), s) {
				t.Errorf("event %s carries a secret: %s", e.Type, b)
			}
		}
	}
}

// target is a fastauth.Target.
func target(typ, id string) fastauth.Target { return fastauth.Target{Type: typ, ID: id} }

// one is a want of the single event e.
func one(e wantEvent) func() []wantEvent { return func() []wantEvent { return []wantEvent{e} } }

// testEveryChangeEmitsItsEvent walks through every route that changes
// something, one request at a time, and checks that the request emitted
// exactly its events (type, count, actor, organization and target),
// each once inside the transaction (SubscribeTx) and once after the
// commit (Subscribe), with a fresh id and a time, and that no event
// carries a secret of the walk. Requests that change nothing (reads,
// mails sent, a refresh) emit nothing.
func testEveryChangeEmitsItsEvent(t *testing.T, h *Harness) {
	w := newEventWalk(h)
	user := func(id string) fastauth.Target { return target(fastauth.TargetUser, id) }

	var owner *Client
	var up AuthResponse
	w.step(t, "sign-up", func() { owner, up = h.SignUp(t) }, func() []wantEvent {
		return []wantEvent{{typ: fastauth.EventUserSignedUp, actor: up.User.ID, org: up.Organization.ID, target: user(up.User.ID)}}
	})
	ownerID, ownerEmail, personal := up.User.ID, up.User.Email, up.Organization.ID
	w.step(t, "read", func() { owner.whoami(t); owner.sessions(t) }, nil)
	w.step(t, "failed sign-in, wrong password", func() {
		h.NewClient().Post(h.Path("/sign-in"), credentials(ownerEmail, "wrong-"+Password)).Expect(t, http.StatusUnauthorized)
	}, one(wantEvent{typ: fastauth.EventUserSignInFailed, target: user(ownerID)}))
	w.step(t, "failed sign-in, unknown email", func() {
		h.NewClient().Post(h.Path("/sign-in"), credentials(h.Email(), Password)).Expect(t, http.StatusUnauthorized)
	}, one(wantEvent{typ: fastauth.EventUserSignInFailed, target: user("")}))
	w.step(t, "sign-in", func() { h.SignInNew(t, ownerEmail) }, // a second session, for revoke-others
		one(wantEvent{typ: fastauth.EventUserSignedIn, actor: ownerID, org: personal, target: user(ownerID)}))
	var orgID string
	w.step(t, "organization create", func() { orgID = owner.createOrganization(t, "Events Inc") }, func() []wantEvent {
		return []wantEvent{{typ: fastauth.EventOrganizationCreated, actor: ownerID, org: orgID, target: target(fastauth.TargetOrganization, orgID)}}
	})
	orgTarget := func() fastauth.Target { return target(fastauth.TargetOrganization, orgID) }
	w.step(t, "organization update", func() {
		owner.Patch(h.Path("/organizations/"+orgID), map[string]string{"name": "Events Ltd"}).Expect(t, http.StatusOK)
	}, func() []wantEvent {
		return []wantEvent{{typ: fastauth.EventOrganizationUpdated, actor: ownerID, org: orgID, target: orgTarget()}}
	})
	var inv InviteBody
	w.step(t, "invite create", func() {
		owner.Post(h.Path("/organizations/"+orgID+"/invites"), map[string]string{"email": h.Email(), "role": "member"}).
			Expect(t, http.StatusCreated).Decode(t, &inv)
	}, func() []wantEvent {
		return []wantEvent{{typ: fastauth.EventInviteCreated, actor: ownerID, org: orgID, target: target(fastauth.TargetInvite, inv.ID)}}
	})
	w.step(t, "invite revoke", func() {
		owner.Delete(h.Path("/organizations/"+orgID+"/invites/"+inv.ID)).Expect(t, http.StatusOK)
	}, func() []wantEvent {
		return []wantEvent{{typ: fastauth.EventInviteRevoked, actor: ownerID, org: orgID, target: target(fastauth.TargetInvite, inv.ID)}}
	})
	memberEmail := h.Email()
	var inv2 InviteBody
	w.step(t, "invite create (to accept)", func() {
		owner.Post(h.Path("/organizations/"+orgID+"/invites"), map[string]string{"email": memberEmail, "role": "member"}).
			Expect(t, http.StatusCreated).Decode(t, &inv2)
	}, func() []wantEvent {
		return []wantEvent{{typ: fastauth.EventInviteCreated, actor: ownerID, org: orgID, target: target(fastauth.TargetInvite, inv2.ID)}}
	})
	var member *Client
	var memberUp AuthResponse
	w.step(t, "sign-up (invitee)", func() { member, memberUp = h.SignUpAs(t, memberEmail) }, func() []wantEvent {
		return []wantEvent{{typ: fastauth.EventUserSignedUp, actor: memberUp.User.ID, org: memberUp.Organization.ID, target: user(memberUp.User.ID)}}
	})
	memberID := memberUp.User.ID
	w.step(t, "invite accept", func() {
		member.Post(h.Path("/organizations/invites/accept"), map[string]string{"token": inv2.Token}).Expect(t, http.StatusOK)
	}, func() []wantEvent {
		return []wantEvent{
			{typ: fastauth.EventInviteAccepted, actor: memberID, org: orgID, target: target(fastauth.TargetInvite, inv2.ID)},
			{typ: fastauth.EventMemberAdded, actor: memberID, org: orgID, target: user(memberID)},
		}
	})
	w.step(t, "member role change", func() {
		owner.Patch(h.Path("/organizations/"+orgID+"/members/"+memberID), map[string]string{"role": "admin"}).Expect(t, http.StatusOK)
	}, func() []wantEvent {
		return []wantEvent{{typ: fastauth.EventMemberRoleChanged, actor: ownerID, org: orgID, target: user(memberID)}}
	})
	w.step(t, "member removal", func() {
		owner.Delete(h.Path("/organizations/"+orgID+"/members/"+memberID)).Expect(t, http.StatusOK)
	}, func() []wantEvent {
		return []wantEvent{{typ: fastauth.EventMemberRemoved, actor: ownerID, org: orgID, target: user(memberID)}}
	})
	var key APIKeyBody
	w.step(t, "API key create", func() { key = owner.createAPIKey(t, "events") }, func() []wantEvent {
		return []wantEvent{{typ: fastauth.EventAPIKeyCreated, actor: ownerID, org: key.OrganizationID, target: target(fastauth.TargetAPIKey, key.ID)}}
	})
	w.step(t, "API key delete", func() { owner.Delete(h.Path("/api-keys/"+key.ID)).Expect(t, http.StatusOK) }, func() []wantEvent {
		return []wantEvent{{typ: fastauth.EventAPIKeyDeleted, actor: ownerID, org: key.OrganizationID, target: target(fastauth.TargetAPIKey, key.ID)}}
	})
	w.step(t, "revoke other sessions", func() { owner.Post(h.Path("/sessions/revoke-others"), nil).Expect(t, http.StatusOK) },
		one(wantEvent{typ: fastauth.EventSessionRevoked, actor: ownerID, target: user(ownerID)})) // one event for all of them
	newPassword := Password + "-new"
	w.step(t, "password change", func() {
		owner.Post(h.Path("/password/change"), map[string]string{"current_password": Password, "new_password": newPassword}).Expect(t, http.StatusOK)
	}, one(wantEvent{typ: fastauth.EventPasswordChanged, actor: ownerID, target: user(ownerID)}))
	w.step(t, "organization delete", func() { owner.Delete(h.Path("/organizations/"+orgID)).Expect(t, http.StatusOK) }, func() []wantEvent {
		return []wantEvent{{typ: fastauth.EventOrganizationDeleted, actor: ownerID, org: orgID, target: orgTarget()}}
	})
	var confirm, reset ginauth.Mail
	w.step(t, "email confirmation mail", func() {
		h.NewClient().Post(h.Path("/email/confirm/send"), map[string]string{"email": ownerEmail}).Expect(t, http.StatusOK)
		confirm = h.Mail.WaitFor(t, ownerEmail, ginauth.MailEmailConfirm, 1)
	}, nil)
	w.step(t, "email confirm", func() {
		h.NewClient().Post(h.Path("/email/confirm"), map[string]string{"token": confirm.Token}).Expect(t, http.StatusOK)
	}, one(wantEvent{typ: fastauth.EventEmailConfirmed, target: user(ownerID)}))
	w.step(t, "password reset mail", func() {
		h.NewClient().Post(h.Path("/password/forgot"), map[string]string{"email": ownerEmail}).Expect(t, http.StatusOK)
		reset = h.Mail.WaitFor(t, ownerEmail, ginauth.MailPasswordReset, 1)
	}, nil)
	w.step(t, "password reset", func() {
		h.NewClient().Post(h.Path("/password/reset"), map[string]string{"token": reset.Token, "password": Password}).Expect(t, http.StatusOK)
	}, one(wantEvent{typ: fastauth.EventPasswordReset, target: user(ownerID)}))
	var third *Client
	w.step(t, "sign-in (third)", func() { third, _ = h.SignInNew(t, ownerEmail) },
		one(wantEvent{typ: fastauth.EventUserSignedIn, actor: ownerID, org: personal, target: user(ownerID)}))
	refresh := third.Cookie(h.refreshName(), h.Config.BasePath)
	w.step(t, "refresh", func() { third.Post(h.Path("/refresh"), nil).Expect(t, http.StatusOK) }, nil)
	thirdSession := third.sessions(t)
	h.Clock.Advance(h.Config.RefreshReuseGrace + time.Second)
	w.step(t, "refresh replay", func() {
		h.withRefresh(refresh).Post(h.Path("/refresh"), nil).Expect(t, http.StatusUnauthorized)
	}, func() []wantEvent {
		var sid string
		for _, s := range thirdSession {
			if s.Current {
				sid = s.ID
			}
		}
		// the refresh route is anonymous: no actor
		return []wantEvent{{typ: fastauth.EventSessionReplayDetected, target: target(fastauth.TargetSession, sid)}}
	})
	fourth, _ := h.SignInNew(t, ownerEmail)
	fourthSession := currentSession(t, fourth)
	w.step(t, "sign-out", func() { fourth.Post(h.Path("/sign-out"), nil).Expect(t, http.StatusOK) },
		one(wantEvent{typ: fastauth.EventSessionRevoked, actor: ownerID, target: target(fastauth.TargetSession, fourthSession)}))
	fifth, _ := h.SignInNew(t, ownerEmail)
	fifthSession := currentSession(t, fifth)
	w.step(t, "session delete", func() { fifth.Delete(h.Path("/sessions/"+fifthSession)).Expect(t, http.StatusOK) },
		one(wantEvent{typ: fastauth.EventSessionRevoked, actor: ownerID, target: target(fastauth.TargetSession, fifthSession)}))

	w.noSecrets(t, Password, newPassword, inv.Token, inv2.Token, key.Key, confirm.Token, reset.Token, refresh)
}

// currentSession is the id of c's own session.
func currentSession(t *testing.T, c *Client) string {
	t.Helper()
	for _, s := range c.sessions(t) {
		if s.Current {
			return s.ID
		}
	}
	t.Fatal("no current session in GET /sessions")
	return ""
}

// testTxSubscriberFailure: a SubscribeTx handler that fails undoes the
// change it was handed, the request fails, and after-commit handlers see
// nothing.
func testTxSubscriberFailure(t *testing.T, h *Harness) {
	var after eventLog
	h.Auth.SubscribeTx(func(_ context.Context, e fastauth.Event) error {
		if e.Type == fastauth.EventOrganizationCreated {
			return errors.New("audit log unavailable")
		}
		return nil
	})
	h.Auth.Subscribe(after.record)
	c, _ := h.SignUp(t)
	c.Post(h.Path("/organizations"), map[string]string{"name": "Never"}).Expect(t, http.StatusInternalServerError)
	var orgs []MemberBody
	c.Get(h.Path("/organizations")).Expect(t, http.StatusOK).Decode(t, &orgs)
	for _, o := range orgs {
		if o.Organization.Name == "Never" {
			t.Fatalf("the organization of a failed event exists: %+v", o)
		}
	}
	for _, e := range after.all() {
		if e.Type == fastauth.EventOrganizationCreated {
			t.Fatalf("after-commit handler saw the rolled-back %s", e.Type)
		}
	}
}

// testEveryMFAChangeEmitsItsEvent is testEveryChangeEmitsItsEvent for
// the routes of the mfa module: setup, enable, regeneration, a sign-in
// finished with a TOTP code and with a recovery code, step-up and
// disable. The module's own events carry the actor's active
// organization.
func testEveryMFAChangeEmitsItsEvent(t *testing.T, h *Harness) {
	w := newEventWalk(h)
	user := func(id string) fastauth.Target { return target(fastauth.TargetUser, id) }
	var c *Client
	var up AuthResponse
	w.step(t, "sign-up", func() { c, up = h.SignUp(t) }, func() []wantEvent {
		return []wantEvent{{typ: fastauth.EventUserSignedUp, actor: up.User.ID, org: up.Organization.ID, target: user(up.User.ID)}}
	})
	id, email, personal := up.User.ID, up.User.Email, up.Organization.ID
	other, _ := h.SignInNew(t, email) // a session from before TOTP, for step-up
	var secret string
	w.step(t, "TOTP setup", func() { secret = h.setupTOTP(t, c) }, nil)
	var rc struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	w.step(t, "TOTP enable", func() {
		c.Post(h.Path("/mfa/totp/enable"), map[string]string{"code": code(t, secret, h.Clock.Now())}).Expect(t, http.StatusOK).Decode(t, &rc)
	}, one(wantEvent{typ: mfa.EventTOTPEnabled, actor: id, org: personal, target: user(id)}))
	w.step(t, "status", func() { c.Get(h.Path("/mfa")).Expect(t, http.StatusOK) }, nil)
	w.step(t, "recovery codes regenerate", func() {
		c.Post(h.Path("/mfa/recovery-codes"), map[string]string{"code": code(t, secret, h.nextStep())}).Expect(t, http.StatusOK).Decode(t, &rc)
	}, one(wantEvent{typ: mfa.EventRecoveryCodesRegenerated, actor: id, org: personal, target: user(id)}))
	var challenged *Client
	var ch mfaRequired
	w.step(t, "sign-in, second factor required", func() { challenged, ch = h.challenge(t, email) }, nil)
	w.step(t, "second factor, TOTP code", func() {
		h.verify(challenged, ch.MFAToken, code(t, secret, h.nextStep())).Expect(t, http.StatusOK)
	}, one(wantEvent{typ: fastauth.EventUserSignedIn, actor: id, org: personal, target: user(id)}))
	c2, ch2 := h.challenge(t, email)
	w.step(t, "second factor, recovery code", func() {
		h.verify(c2, ch2.MFAToken, rc.RecoveryCodes[0]).Expect(t, http.StatusOK)
	}, func() []wantEvent {
		return []wantEvent{
			{typ: mfa.EventRecoveryCodeUsed, actor: id, target: user(id)},
			{typ: fastauth.EventUserSignedIn, actor: id, org: personal, target: user(id)},
		}
	})
	w.step(t, "step-up", func() {
		other.Post(h.Path("/mfa/step-up"), map[string]string{"code": code(t, secret, h.nextStep())}).Expect(t, http.StatusOK)
	}, nil)
	w.step(t, "TOTP disable", func() {
		c.Post(h.Path("/mfa/totp/disable"), map[string]string{"code": code(t, secret, h.nextStep())}).Expect(t, http.StatusOK)
	}, one(wantEvent{typ: mfa.EventTOTPDisabled, actor: id, org: personal, target: user(id)}))
	w.noSecrets(t, Password, secret, rc.RecoveryCodes[0], rc.RecoveryCodes[1], ch.MFAToken, ch2.MFAToken)
}
