package conformance

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/fastauth/fastauth/ginauth"
)

// concurrently runs fn(0..n-1) in n goroutines released at the same moment
// and waits for all of them.
func concurrently(n int, fn func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func(i int) {
			defer done.Done()
			ready.Done()
			<-start
			fn(i)
		}(i)
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// raceScenarios are the cross-domain race rules (the domain files hold
// their own).
func raceScenarios() []scenario {
	return []scenario{
		{name: "SignUp/ConcurrentDuplicateEmail", run: raceSignUp},
		{name: "SignIn/VersusPasswordChange", run: raceSignInPasswordChange},
		{name: "SignIn/StaleVerificationAfterPasswordChange", run: raceSignInStaleVerification},
		{name: "Roster/DemotedOwnerChangesNoRole", run: raceRosterChangeRole},
		{name: "Roster/DemotedAdminRemovesNobody", run: raceRosterRemove},
		{name: "Roster/RemovedAdminInvitesNobody", run: raceRosterInvite},
	}
}

// raceSignUp: concurrent sign-ups of one email (in various spellings)
// give exactly one account.
func raceSignUp(t *testing.T, h *Harness) {
	const n = 20
	email := h.Email()
	resps := make([]*Response, n)
	concurrently(n, func(i int) {
		spelling := email
		if i%2 == 1 {
			spelling = " " + strings.ToUpper(email)
		}
		resps[i] = h.NewClient().Post(h.Path("/sign-up"), credentials(spelling, Password))
	})
	var winner AuthResponse
	ok := 0
	for i, r := range resps {
		switch {
		case r.Err != nil:
			t.Fatalf("sign-up %d: %v", i, r.Err)
		case r.Status == http.StatusOK:
			ok++
			r.Decode(t, &winner)
		case r.Status != http.StatusConflict || r.Code() != "user_already_exists":
			t.Errorf("sign-up %d: %d %s, want 200 or 409 user_already_exists", i, r.Status, r.Body)
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent sign-ups of one email succeeded, want exactly 1", ok)
	}
	c, in := h.SignInNew(t, email)
	if in.User.ID != winner.User.ID {
		t.Fatalf("sign-in finds user %s, the winning sign-up created %s", in.User.ID, winner.User.ID)
	}
	ms := memberships(t, c)
	if len(ms) != 1 || ms[0].Organization.Kind != "personal" {
		t.Fatalf("the account has memberships %+v, want its one personal workspace", ms)
	}
}

// raceSignInPasswordChange: a sign-in with the old password racing a
// password change never leaves a usable session: either the sign-in fails,
// or the change revokes the session it created.
func raceSignInPasswordChange(t *testing.T, h *Harness) {
	const rounds = 10
	for round := 0; round < rounds; round++ {
		email := h.Email()
		changer, _ := h.SignUpAs(t, email)
		newPassword := fmt.Sprintf("changed-password-%d", round)
		signer := h.NewClient()
		var in, change *Response
		concurrently(2, func(i int) {
			if i == 0 {
				in = signer.Post(h.Path("/sign-in"), credentials(email, Password))
				return
			}
			change = changePassword(changer, Password, newPassword)
		})
		change.Expect(t, http.StatusOK)
		switch {
		case in.Err != nil:
			t.Fatalf("round %d: sign-in: %v", round, in.Err)
		case in.Status == http.StatusOK:
			// It won the race; the change must have revoked its session.
			tok := signer.RefreshToken()
			if tok == "" {
				t.Fatalf("round %d: sign-in 200 without a refresh cookie", round)
			}
			if r := h.withRefresh(tok).Refresh(); r.Status != http.StatusUnauthorized {
				t.Fatalf("round %d: a session signed in with the old password survived the change (refresh %d)", round, r.Status)
			}
			if r := h.withAccess(signer.AccessToken()).Get(h.Path("/sessions")); r.Status != http.StatusUnauthorized {
				t.Fatalf("round %d: the old-password session still lists sessions (%d)", round, r.Status)
			}
		case in.Status == http.StatusUnauthorized && in.Code() == "invalid_credentials":
		default:
			t.Fatalf("round %d: sign-in %d %s, want 200 (then revoked) or 401 invalid_credentials", round, in.Status, in.Body)
		}
		// The changer's session is the only one left, and only the new
		// password signs in.
		changer.Refresh().Expect(t, http.StatusOK)
		if list := changer.sessions(t); len(list) != 1 {
			t.Fatalf("round %d: %d active sessions after the race, want 1", round, len(list))
		}
		expectError(t, h.NewClient().Post(h.Path("/sign-in"), credentials(email, Password)), http.StatusUnauthorized, "invalid_credentials")
		h.NewClient().SignIn(t, email, newPassword)
	}
}

// pausingBackend is a real backend whose UserByEmail, for one address,
// stops after reading until released: it holds a sign-in between reading
// the user and verifying the password, to force an interleaving.
type pausingBackend struct {
	ginauth.Backend
	mu      sync.Mutex
	email   string
	reached chan struct{}
	release chan struct{}
}

// pause arms the backend for email.
func (b *pausingBackend) pause(email string) (reached, release chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.email, b.reached, b.release = email, make(chan struct{}), make(chan struct{})
	return b.reached, b.release
}

// UserByEmail reads the user, then waits while armed for that address.
func (b *pausingBackend) UserByEmail(ctx context.Context, email string) (ginauth.User, error) {
	u, err := b.Backend.UserByEmail(ctx, email)
	b.mu.Lock()
	armed := b.email == email
	reached, release := b.reached, b.release
	if armed {
		b.email = ""
	}
	b.mu.Unlock()
	if armed {
		close(reached)
		<-release
	}
	return u, err
}

// raceSignInStaleVerification: a sign-in that read the user (and so the
// old password hash) before a password change, and verifies the old
// password after the change committed, must fail and create no session.
func raceSignInStaleVerification(t *testing.T, h *Harness) {
	email := h.Email()
	changer, _ := h.SignUpAs(t, email)
	pb := &pausingBackend{Backend: h.Backend}
	slow := NewHarness(t, pb, func(c *ginauth.Config) { c.Secret = h.Config.Secret })
	reached, release := pb.pause(email)
	signer := slow.NewClient()
	done := make(chan *Response)
	go func() { done <- signer.Post(slow.Path("/sign-in"), credentials(email, Password)) }()
	<-reached
	changePassword(changer, Password, "changed-password-1").Expect(t, http.StatusOK)
	close(release)
	r := <-done
	if r.Err != nil {
		t.Fatalf("sign-in: %v", r.Err)
	}
	if r.Status == http.StatusOK {
		t.Fatalf("a sign-in that verified the old password after the change succeeded: %s", r.Body)
	}
	if r.Status != http.StatusUnauthorized && r.Status != http.StatusConflict {
		t.Fatalf("stale sign-in: %d %s, want 401 or 409", r.Status, r.Body)
	}
	if ck := r.SetCookie(slow.refreshName()); ck != nil && ck.Value != "" {
		t.Fatal("the refused sign-in set a refresh cookie")
	}
	if list := changer.sessions(t); len(list) != 1 {
		t.Fatalf("%d active sessions, want only the changer's", len(list))
	}
	h.NewClient().SignIn(t, email, "changed-password-1")
}

// rosterPause is a real backend whose Membership, for one organization and
// user, stops after reading until released: it holds a request between the
// authorization read of the caller's role and the roster change, so that
// the caller's role can change in between.
type rosterPause struct {
	ginauth.Backend
	mu            sync.Mutex
	org, user     string
	reached, done chan struct{}
}

// arm makes the next Membership read of (org, user) pause.
func (b *rosterPause) arm(org, user string) (reached, release chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.org, b.user, b.reached, b.done = org, user, make(chan struct{}), make(chan struct{})
	return b.reached, b.done
}

// Membership reads the membership, then waits while armed for it.
func (b *rosterPause) Membership(ctx context.Context, organizationID, userID string) (ginauth.Membership, error) {
	m, err := b.Backend.Membership(ctx, organizationID, userID)
	b.mu.Lock()
	armed := b.org == organizationID && b.user == userID
	reached, done := b.reached, b.done
	if armed {
		b.org, b.user = "", ""
	}
	b.mu.Unlock()
	if armed {
		close(reached)
		<-done
	}
	return m, err
}

// rosterRace runs act (a request by actor, through a server whose backend
// pauses after reading actor's membership in org) and, while it is held
// there, change (the owner's request that lowers actor's role), then lets
// act go on, and returns act's response.
func rosterRace(t *testing.T, h *Harness, org, actorID string, act func(slow *Harness) *Response, change func()) *Response {
	t.Helper()
	pb := &rosterPause{Backend: h.Backend}
	slow := NewHarness(t, pb, func(c *ginauth.Config) { c.Secret = h.Config.Secret })
	reached, release := pb.arm(org, actorID)
	done := make(chan *Response)
	go func() { done <- act(slow) }()
	select {
	case <-reached:
	case r := <-done:
		t.Fatalf("the request finished without reading the caller's membership: %d %s", r.Status, r.Body)
	}
	change()
	close(release)
	r := <-done
	if r.Err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, r.Err)
	}
	return r
}

// raceRosterChangeRole: an owner demoted between the authorization read
// of their role and the role change they asked for cannot make it: the
// store re-reads their role under the roster lock (403, nothing changes).
func raceRosterChangeRole(t *testing.T, h *Harness) {
	tm := newTeam(t, h)
	b, bBody := h.join(t, tm.owner, tm.org, "owner")
	r := rosterRace(t, h, tm.org, bBody.User.ID, func(slow *Harness) *Response {
		return slow.withAccess(b.AccessToken()).Patch(orgPath(slow, tm.org, "/members/"+tm.mID), map[string]string{"role": "owner"})
	}, func() {
		tm.owner.Patch(orgPath(h, tm.org, "/members/"+bBody.User.ID), map[string]string{"role": "admin"}).Expect(t, http.StatusOK)
	})
	expectError(t, r, http.StatusForbidden, "forbidden")
	if role := roleIn(roster(t, h, tm.owner, tm.org), tm.mID); role != "member" {
		t.Fatalf("a demoted owner's role change went through: the member is now %s", role)
	}
}

// raceRosterRemove: an admin demoted to member between the authorization
// read and the removal they asked for removes nobody.
func raceRosterRemove(t *testing.T, h *Harness) {
	tm := newTeam(t, h)
	r := rosterRace(t, h, tm.org, tm.adminID, func(slow *Harness) *Response {
		return slow.withAccess(tm.admin.AccessToken()).Delete(orgPath(slow, tm.org, "/members/"+tm.mID))
	}, func() {
		tm.owner.Patch(orgPath(h, tm.org, "/members/"+tm.adminID), map[string]string{"role": "member"}).Expect(t, http.StatusOK)
	})
	expectError(t, r, http.StatusForbidden, "forbidden")
	if role := roleIn(roster(t, h, tm.owner, tm.org), tm.mID); role != "member" {
		t.Fatalf("a demoted admin removed a member (role now %q)", role)
	}
}

// raceRosterInvite: an admin removed between the authorization read and
// the invite they asked for invites nobody and mails nothing.
func raceRosterInvite(t *testing.T, h *Harness) {
	tm := newTeam(t, h)
	invitee := h.Email()
	r := rosterRace(t, h, tm.org, tm.adminID, func(slow *Harness) *Response {
		return slow.withAccess(tm.admin.AccessToken()).Post(orgPath(slow, tm.org, "/invites"), map[string]string{"email": invitee, "role": "member"})
	}, func() {
		tm.owner.Delete(orgPath(h, tm.org, "/members/"+tm.adminID)).Expect(t, http.StatusOK)
	})
	expectError(t, r, http.StatusForbidden, "forbidden")
	for _, inv := range invitesOf(t, h, tm.owner, tm.org) {
		if inv.Email == invitee {
			t.Fatalf("a removed admin's invite was stored: %+v", inv)
		}
	}
	if n := len(h.Mail.To(invitee, ginauth.MailOrganizationInvite)); n != 0 {
		t.Fatalf("a removed admin's invite was mailed (%d)", n)
	}
}
