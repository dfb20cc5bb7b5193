package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
)

func eventScenarios() []scenario {
	return []scenario{
		{name: "EveryChangeEmitsItsEvent", run: testEveryChangeEmitsItsEvent},
		{name: "TxSubscriberFailureRollsTheChangeBack", run: testTxSubscriberFailure},
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

// testEveryChangeEmitsItsEvent walks through every route that changes
// something and checks that each change emitted its event, once inside the
// transaction (SubscribeTx) and once after the commit (Subscribe), with an
// id, a time, and no secret of the walk in it.
func testEveryChangeEmitsItsEvent(t *testing.T, h *Harness) {
	var inTx, after eventLog
	h.Auth.SubscribeTx(inTx.record)
	h.Auth.Subscribe(after.record)

	owner, _ := h.SignUp(t)                                                                                                                // user.signed_up
	h.NewClient().Post(h.Path("/sign-in"), map[string]string{"email": h.Email(), "password": Password}).Expect(t, http.StatusUnauthorized) // user.sign_in_failed
	ownerEmail := owner.whoami(t).Email
	second, _ := h.SignInNew(t, ownerEmail)                                                                        // user.signed_in
	orgID := owner.createOrganization(t, "Events Inc")                                                             // organization.created
	owner.Patch(h.Path("/organizations/"+orgID), map[string]string{"name": "Events Ltd"}).Expect(t, http.StatusOK) // organization.updated
	var inv InviteBody
	owner.Post(h.Path("/organizations/"+orgID+"/invites"), map[string]string{"email": h.Email(), "role": "member"}).
		Expect(t, http.StatusCreated).Decode(t, &inv) // invite.created
	owner.Delete(h.Path("/organizations/"+orgID+"/invites/"+inv.ID)).Expect(t, http.StatusOK)                                            // invite.revoked
	member, joined := h.join(t, owner, orgID, "member")                                                                                  // invite.created, invite.accepted, member.added
	owner.Patch(h.Path("/organizations/"+orgID+"/members/"+joined.User.ID), map[string]string{"role": "admin"}).Expect(t, http.StatusOK) // member.role_changed
	owner.Delete(h.Path("/organizations/"+orgID+"/members/"+joined.User.ID)).Expect(t, http.StatusOK)                                    // member.removed
	_ = member
	key := owner.createAPIKey(t, "events")                                      // api_key.created
	owner.Delete(h.Path("/api-keys/"+key.ID)).Expect(t, http.StatusOK)          // api_key.deleted
	owner.Post(h.Path("/sessions/revoke-others"), nil).Expect(t, http.StatusOK) // session.revoked (the second session)
	second.Get("/api/whoami")
	newPassword := Password + "-new"
	owner.Post(h.Path("/password/change"), map[string]string{"current_password": Password, "new_password": newPassword}).Expect(t, http.StatusOK) // password.changed
	owner.Delete(h.Path("/organizations/"+orgID)).Expect(t, http.StatusOK)                                                                        // organization.deleted
	h.NewClient().Post(h.Path("/email/confirm/send"), map[string]string{"email": ownerEmail}).Expect(t, http.StatusOK)
	confirm := h.Mail.WaitFor(t, ownerEmail, ginauth.MailEmailConfirm, 1)
	h.NewClient().Post(h.Path("/email/confirm"), map[string]string{"token": confirm.Token}).Expect(t, http.StatusOK) // email.confirmed
	h.NewClient().Post(h.Path("/password/forgot"), map[string]string{"email": ownerEmail}).Expect(t, http.StatusOK)
	reset := h.Mail.WaitFor(t, ownerEmail, ginauth.MailPasswordReset, 1)
	h.NewClient().Post(h.Path("/password/reset"), map[string]string{"token": reset.Token, "password": Password}).Expect(t, http.StatusOK) // password.reset
	third, _ := h.SignInNew(t, ownerEmail)
	refresh := third.Cookie(h.refreshName(), h.Config.BasePath)
	third.Post(h.Path("/refresh"), nil).Expect(t, http.StatusOK)
	h.Clock.Advance(h.Config.RefreshReuseGrace + time.Second)
	h.withRefresh(refresh).Post(h.Path("/refresh"), nil).Expect(t, http.StatusUnauthorized) // session.replay_detected
	fourth, _ := h.SignInNew(t, ownerEmail)
	fourth.Post(h.Path("/sign-out"), nil).Expect(t, http.StatusOK) // session.revoked
	fifth, _ := h.SignInNew(t, ownerEmail)
	sid := fifth.sessions(t)[0].ID
	fifth.Delete(h.Path("/sessions/"+sid)).Expect(t, http.StatusOK) // session.revoked

	want := []string{
		fastauth.EventUserSignedUp, fastauth.EventUserSignInFailed, fastauth.EventUserSignedIn,
		fastauth.EventOrganizationCreated, fastauth.EventOrganizationUpdated, fastauth.EventOrganizationDeleted,
		fastauth.EventInviteCreated, fastauth.EventInviteRevoked, fastauth.EventInviteAccepted,
		fastauth.EventMemberAdded, fastauth.EventMemberRoleChanged, fastauth.EventMemberRemoved,
		fastauth.EventAPIKeyCreated, fastauth.EventAPIKeyDeleted,
		fastauth.EventSessionRevoked, fastauth.EventSessionReplayDetected,
		fastauth.EventPasswordChanged, fastauth.EventPasswordReset, fastauth.EventEmailConfirmed,
	}
	got := after.all()
	seen := map[string]int{}
	ids := map[string]bool{}
	secrets := []string{Password, newPassword, inv.Token, key.Key, confirm.Token, reset.Token, refresh}
	for _, e := range got {
		seen[e.Type]++
		if e.ID == "" || e.OccurredAt.IsZero() || ids[e.ID] {
			t.Errorf("event %s: id %q (duplicate: %v), occurred_at %v", e.Type, e.ID, ids[e.ID], e.OccurredAt)
		}
		ids[e.ID] = true
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
	for _, typ := range want {
		if seen[typ] == 0 {
			t.Errorf("no %s event; got %v", typ, seen)
		}
	}
	tx := inTx.all()
	if len(tx) != len(got) {
		t.Fatalf("%d events inside transactions, %d after commit", len(tx), len(got))
	}
	for _, e := range tx {
		if !ids[e.ID] {
			t.Errorf("event %s %s seen inside its transaction but not after the commit", e.Type, e.ID)
		}
	}
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
