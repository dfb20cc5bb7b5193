package conformance

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
)

// inviteScenarios lists the scenarios of this domain: organization invites,
// their single-use, expiry, replacement and race rules.
func inviteScenarios() []scenario {
	return []scenario{
		{name: "CreateShapeAndMail", run: inviteCreateShape},
		{name: "CreateValidation", run: inviteCreateValidation},
		{name: "AcceptJoinsAndSwitches", run: inviteAcceptJoins},
		{name: "AcceptForAccountCreatedLater", run: inviteAccountCreatedLater},
		{name: "SingleUse", run: inviteSingleUse},
		{name: "Expiry", run: inviteExpiry},
		{name: "ReplacedTokenIsDead", run: inviteReplacement},
		{name: "ExactEmailMatch", run: inviteEmailMatch},
		{name: "Revoke", run: inviteRevoke},
		{name: "UnknownAndMalformedTokens", run: inviteUnknownTokens},
		{name: "AcceptRefusesAPIKeys", run: inviteAcceptAPIKey},
		{name: "ExistingMemberConflict", run: inviteExistingMember},
		{name: "ConcurrentAcceptsOneWinner", run: inviteConcurrentAccepts},
		{name: "ConcurrentAcceptAndRevoke", run: inviteAcceptVsRevoke},
		{name: "ConcurrentInvitesOneToken", run: inviteConcurrentCreate},
	}
}

// invite creates an invite as c, asserting 201.
func invite(t *testing.T, h *Harness, c *Client, orgID, email, role string) InviteBody {
	t.Helper()
	var inv InviteBody
	c.Post(orgPath(h, orgID, "/invites"), map[string]string{"email": email, "role": role}).Expect(t, http.StatusCreated).Decode(t, &inv)
	return inv
}

// accept posts the token to the accept route as c.
func accept(h *Harness, c *Client, token string) *Response {
	return c.Post(h.Path("/organizations/invites/accept"), map[string]string{"token": token})
}

// invitesOf is GET {org}/invites asserting 200.
func invitesOf(t *testing.T, h *Harness, c *Client, orgID string) []InviteBody {
	t.Helper()
	var out []InviteBody
	c.Get(orgPath(h, orgID, "/invites")).Expect(t, http.StatusOK).Decode(t, &out)
	return out
}

// inviteByID finds an invite in a list.
func inviteByID(t *testing.T, list []InviteBody, id string) InviteBody {
	t.Helper()
	for _, inv := range list {
		if inv.ID == id {
			return inv
		}
	}
	t.Fatalf("invite %s not listed in %+v", id, list)
	return InviteBody{}
}

func inviteCreateShape(t *testing.T, h *Harness) {
	owner, o := h.SignUp(t)
	org := owner.createOrganization(t, "Invite Co")
	email := h.Email()
	now := h.Clock.Now()
	r := owner.Post(orgPath(h, org, "/invites"), map[string]string{"email": "  " + strings.ToUpper(email) + " ", "role": "admin"}).Expect(t, http.StatusCreated)
	var inv InviteBody
	r.Decode(t, &inv)
	expectUUIDv7(t, "invite id", inv.ID)
	if inv.OrganizationID != org || inv.OrganizationName != "Invite Co" || inv.Email != email || inv.Role != "admin" || inv.InvitedByUserID != o.User.ID {
		t.Fatalf("invite body %+v", inv)
	}
	if !inv.CreatedAt.Equal(now) || !inv.ExpiresAt.Equal(now.Add(h.Config.InviteTTL)) || inv.RevokedAt != nil || inv.AcceptedAt != nil {
		t.Fatalf("invite times %+v (now %v, ttl %v)", inv, now, h.Config.InviteTTL)
	}
	if len(inv.Token) < 43 || strings.Contains(inv.Token, " ") {
		t.Fatalf("invite token %q is not a 256-bit secret", inv.Token)
	}
	mail := h.Mail.WaitFor(t, email, ginauth.MailOrganizationInvite, 1)
	if mail.Token != inv.Token || !strings.Contains(mail.Link, inv.Token) {
		t.Fatalf("invite mail token %q link %q, want token %q", mail.Token, mail.Link, inv.Token)
	}
	// The list never shows the token.
	list := owner.Get(orgPath(h, org, "/invites")).Expect(t, http.StatusOK)
	if strings.Contains(string(list.Body), inv.Token) || strings.Contains(string(list.Body), `"token"`) {
		t.Fatalf("invite list leaks the token: %s", list.Body)
	}
	got := inviteByID(t, invitesOf(t, h, owner, org), inv.ID)
	if got.Email != email || got.Role != "admin" || got.OrganizationName != "Invite Co" || got.Token != "" {
		t.Fatalf("listed invite %+v", got)
	}
}

func inviteCreateValidation(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Validation Co")
	for _, tc := range []struct {
		body any
		code string
	}{
		{map[string]string{"email": "not-an-email", "role": "member"}, "invalid_email"},
		{map[string]string{"email": "", "role": "member"}, "invalid_email"},
		{map[string]string{"email": h.Email(), "role": "superuser"}, "invalid_request"},
		{map[string]string{"email": h.Email()}, "invalid_request"},
		{map[string]string{"email": h.Email(), "role": "member", "x": "y"}, "invalid_request"},
		{"{", "invalid_request"},
	} {
		expectError(t, owner.Post(orgPath(h, org, "/invites"), tc.body), http.StatusBadRequest, tc.code)
	}
	if got := invitesOf(t, h, owner, org); len(got) != 0 {
		t.Fatalf("invalid invites stored: %+v", got)
	}
}

func inviteAcceptJoins(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Join Co")
	c, me := h.SignUp(t)
	inv := invite(t, h, owner, org, me.User.Email, "admin")
	h.Clock.Advance(time.Minute)
	r := accept(h, c, inv.Token).Expect(t, http.StatusOK)
	expectFreshAccessCookie(t, h, r)
	var out AuthResponse
	r.Decode(t, &out)
	if out.User.ID != me.User.ID || out.Organization.ID != org || out.Organization.Kind != "shared" || out.Organization.Name != "Join Co" || out.Organization.Role != "admin" || out.AuthRole != "authenticated" {
		t.Fatalf("accept response %+v", out)
	}
	if w := c.whoami(t); w.OrganizationID != org || w.OrganizationRole != "admin" {
		t.Fatalf("whoami after accept %+v", w)
	}
	c.Get("/api/admin").Expect(t, http.StatusOK)
	// The switch is persisted.
	if _, in := h.SignInNew(t, me.User.Email); in.Organization.ID != org || in.Organization.Role != "admin" {
		t.Fatalf("sign-in after accept %+v", in.Organization)
	}
	if got := roleIn(roster(t, h, owner, org), me.User.ID); got != "admin" {
		t.Fatalf("role in roster %q", got)
	}
	got := inviteByID(t, invitesOf(t, h, owner, org), inv.ID)
	if got.AcceptedAt == nil || !got.AcceptedAt.Equal(h.Clock.Now()) || got.RevokedAt != nil {
		t.Fatalf("accepted invite %+v", got)
	}
}

func inviteAccountCreatedLater(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Later Co")
	email := h.Email()
	inv := invite(t, h, owner, org, email, "member")
	h.Clock.Advance(24 * time.Hour)
	c, _ := h.SignUpAs(t, email)
	var out AuthResponse
	accept(h, c, inv.Token).Expect(t, http.StatusOK).Decode(t, &out)
	if out.Organization.ID != org || out.Organization.Role != "member" {
		t.Fatalf("accept by a later account %+v", out.Organization)
	}
}

func inviteSingleUse(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Once Co")
	c, me := h.SignUp(t)
	inv := invite(t, h, owner, org, me.User.Email, "member")
	accept(h, c, inv.Token).Expect(t, http.StatusOK)
	expectError(t, accept(h, c, inv.Token), http.StatusNotFound, "invite_not_found")
	// Leaving and presenting the token again does not rejoin.
	c.Delete(orgPath(h, org, "/members/"+me.User.ID)).Expect(t, http.StatusOK)
	expectError(t, accept(h, c, inv.Token), http.StatusNotFound, "invite_not_found")
	expectError(t, c.Get(orgPath(h, org, "")), http.StatusNotFound, "organization_not_found")
}

func inviteExpiry(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Expiry Co")
	_, me := h.SignUp(t)
	inv := invite(t, h, owner, org, me.User.Email, "member")
	h.Clock.Advance(h.Config.InviteTTL)
	// (The sessions are as old as the invite: sign in again.)
	c, _ := h.SignInNew(t, me.User.Email)
	owner, _ = h.SignInNew(t, owner.claim(t, "email"))
	expectError(t, accept(h, c, inv.Token), http.StatusNotFound, "invite_not_found")
	expectError(t, c.Get(orgPath(h, org, "")), http.StatusNotFound, "organization_not_found")
	// A fresh invite works; one second before its expiry it still does.
	inv = invite(t, h, owner, org, me.User.Email, "member")
	h.Clock.Advance(h.Config.InviteTTL - time.Second)
	c, _ = h.SignInNew(t, me.User.Email)
	accept(h, c, inv.Token).Expect(t, http.StatusOK)
}

func inviteReplacement(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Replace Co")
	c, me := h.SignUp(t)
	first := invite(t, h, owner, org, me.User.Email, "admin")
	h.Clock.Advance(time.Second)
	second := invite(t, h, owner, org, me.User.Email, "member")
	list := invitesOf(t, h, owner, org)
	if old := inviteByID(t, list, first.ID); old.RevokedAt == nil {
		t.Fatalf("replaced invite not revoked: %+v", old)
	}
	if cur := inviteByID(t, list, second.ID); cur.RevokedAt != nil || cur.AcceptedAt != nil {
		t.Fatalf("new invite not pending: %+v", cur)
	}
	if list[0].ID != second.ID {
		t.Fatalf("invites must be listed newest first: %+v", list)
	}
	expectError(t, accept(h, c, first.Token), http.StatusNotFound, "invite_not_found")
	var out AuthResponse
	accept(h, c, second.Token).Expect(t, http.StatusOK).Decode(t, &out)
	if out.Organization.Role != "member" {
		t.Fatalf("accepted with role %q, want the replacement's member", out.Organization.Role)
	}
	// Invites to other addresses are independent.
	other := invite(t, h, owner, org, h.Email(), "member")
	invite(t, h, owner, org, h.Email(), "member")
	if got := inviteByID(t, invitesOf(t, h, owner, org), other.ID); got.RevokedAt != nil {
		t.Fatalf("invite to another email revoked: %+v", got)
	}
}

func inviteEmailMatch(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Match Co")
	c, me := h.SignUp(t)
	inv := invite(t, h, owner, org, me.User.Email, "member")
	// Neither a stranger nor the inviter may use it.
	stranger, _ := h.SignUp(t)
	expectError(t, accept(h, stranger, inv.Token), http.StatusForbidden, "forbidden")
	expectError(t, accept(h, owner, inv.Token), http.StatusForbidden, "forbidden")
	expectError(t, stranger.Get(orgPath(h, org, "")), http.StatusNotFound, "organization_not_found")
	// An address that only resembles it does not match either.
	similar, _ := h.SignUpAs(t, "x"+me.User.Email)
	expectError(t, accept(h, similar, inv.Token), http.StatusForbidden, "forbidden")
	// The refusals consumed nothing.
	accept(h, c, inv.Token).Expect(t, http.StatusOK)
	// Anonymous callers get 401.
	expectError(t, accept(h, h.NewClient(), inv.Token), http.StatusUnauthorized, "invalid_token")
}

func inviteRevoke(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Revoke Co")
	admin, _ := h.join(t, owner, org, "admin")
	member, _ := h.join(t, owner, org, "member")
	c, me := h.SignUp(t)
	inv := invite(t, h, owner, org, me.User.Email, "member")
	expectError(t, member.Delete(orgPath(h, org, "/invites/"+inv.ID)), http.StatusForbidden, "forbidden")
	h.Clock.Advance(time.Minute)
	var got InviteBody
	admin.Delete(orgPath(h, org, "/invites/"+inv.ID)).Expect(t, http.StatusOK).Decode(t, &got)
	if got.ID != inv.ID || got.RevokedAt == nil || !got.RevokedAt.Equal(h.Clock.Now()) || got.AcceptedAt != nil || got.Email != me.User.Email || got.Token != "" {
		t.Fatalf("revoked invite body %+v", got)
	}
	expectError(t, accept(h, c, inv.Token), http.StatusNotFound, "invite_not_found")
	// Revoking again: it is no longer pending.
	expectError(t, owner.Delete(orgPath(h, org, "/invites/"+inv.ID)), http.StatusConflict, "conflict")
	expectError(t, owner.Delete(orgPath(h, org, "/invites/00000000-0000-7000-8000-000000000000")), http.StatusNotFound, "invite_not_found")
	expectError(t, owner.Delete(orgPath(h, org, "/invites/nope")), http.StatusNotFound, "invite_not_found")
	// An accepted invite cannot be revoked.
	inv2 := invite(t, h, owner, org, me.User.Email, "member")
	accept(h, c, inv2.Token).Expect(t, http.StatusOK)
	expectError(t, owner.Delete(orgPath(h, org, "/invites/"+inv2.ID)), http.StatusConflict, "conflict")
	// An invite of another organization is not found through this one.
	other := owner.createOrganization(t, "Other Co")
	inv3 := invite(t, h, owner, other, h.Email(), "member")
	expectError(t, owner.Delete(orgPath(h, org, "/invites/"+inv3.ID)), http.StatusNotFound, "invite_not_found")
}

func inviteUnknownTokens(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	for _, tok := range []string{"inv_" + strings.Repeat("0", 64), strings.Repeat("a", 64), "garbage", strings.Repeat("x", 300)} {
		expectError(t, accept(h, c, tok), http.StatusNotFound, "invite_not_found")
	}
	for _, body := range []any{map[string]string{}, map[string]int{"token": 5}, "nope"} {
		expectError(t, c.Post(h.Path("/organizations/invites/accept"), body), http.StatusBadRequest, "invalid_request")
	}
}

func inviteAcceptAPIKey(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Bot Co")
	c, me := h.SignUp(t)
	key := c.createAPIKey(t, "bot")
	inv := invite(t, h, owner, org, me.User.Email, "member")
	bot := h.NewClient()
	bot.Bearer(key.Key)
	expectError(t, accept(h, bot, inv.Token), http.StatusForbidden, "forbidden")
	accept(h, c, inv.Token).Expect(t, http.StatusOK)
}

func inviteExistingMember(t *testing.T, h *Harness) {
	owner, o := h.SignUp(t)
	org := owner.createOrganization(t, "Dup Co")
	_, out := h.join(t, owner, org, "member")
	expectError(t, owner.Post(orgPath(h, org, "/invites"), map[string]string{"email": out.User.Email, "role": "admin"}), http.StatusConflict, "conflict")
	expectError(t, owner.Post(orgPath(h, org, "/invites"), map[string]string{"email": o.User.Email, "role": "member"}), http.StatusConflict, "conflict")
}

func inviteConcurrentAccepts(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Race Co")
	email := h.Email()
	inv := invite(t, h, owner, org, email, "member")
	h.SignUpAs(t, email)
	const n = 20
	clients := make([]*Client, n)
	for i := range clients {
		clients[i], _ = h.SignInNew(t, email)
	}
	statuses := make([]int, n)
	codes := make([]string, n)
	concurrently(n, func(i int) {
		r := accept(h, clients[i], inv.Token)
		statuses[i], codes[i] = r.Status, r.Code()
	})
	wins := 0
	for i, s := range statuses {
		switch {
		case s == http.StatusOK:
			wins++
		case s == http.StatusNotFound && codes[i] == "invite_not_found":
		default:
			t.Fatalf("concurrent accept %d: status %d code %q", i, s, codes[i])
		}
	}
	if wins != 1 {
		t.Fatalf("%d concurrent accepts succeeded, want exactly 1 (statuses %v)", wins, statuses)
	}
	ms := roster(t, h, owner, org)
	if len(ms) != 2 {
		t.Fatalf("roster after racing accepts %+v", ms)
	}
}

func inviteAcceptVsRevoke(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Race Revoke Co")
	const rounds = 5
	for round := 0; round < rounds; round++ {
		c, me := h.SignUp(t)
		inv := invite(t, h, owner, org, me.User.Email, "member")
		var acc, rev *Response
		concurrently(2, func(i int) {
			if i == 0 {
				acc = accept(h, c, inv.Token)
			} else {
				rev = owner.Delete(orgPath(h, org, "/invites/"+inv.ID))
			}
		})
		got := inviteByID(t, invitesOf(t, h, owner, org), inv.ID)
		member := roleIn(roster(t, h, owner, org), me.User.ID) != ""
		switch {
		case acc.Status == http.StatusOK && rev.Status == http.StatusConflict:
			if got.AcceptedAt == nil || got.RevokedAt != nil || !member {
				t.Fatalf("round %d: accept won but invite %+v, member %v", round, got, member)
			}
		case acc.Status == http.StatusNotFound && rev.Status == http.StatusOK:
			if got.RevokedAt == nil || got.AcceptedAt != nil || member {
				t.Fatalf("round %d: revoke won but invite %+v, member %v", round, got, member)
			}
		default:
			t.Fatalf("round %d: accept %d %s / revoke %d %s: want exactly one winner", round, acc.Status, acc.Body, rev.Status, rev.Body)
		}
	}
}

func inviteConcurrentCreate(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Double Co")
	admin, _ := h.join(t, owner, org, "admin")
	email := h.Email()
	invs := make([]InviteBody, 2)
	statuses := make([]int, 2)
	var mu sync.Mutex
	concurrently(2, func(i int) {
		inviter := owner
		if i == 1 {
			inviter = admin
		}
		r := inviter.Post(orgPath(h, org, "/invites"), map[string]string{"email": email, "role": "member"})
		var inv InviteBody
		_ = json.Unmarshal(r.Body, &inv)
		mu.Lock()
		invs[i], statuses[i] = inv, r.Status
		mu.Unlock()
	})
	if statuses[0] != http.StatusCreated || statuses[1] != http.StatusCreated {
		t.Fatalf("concurrent invites: statuses %v", statuses)
	}
	pending := 0
	for _, inv := range invitesOf(t, h, owner, org) {
		if inv.Email == email && inv.RevokedAt == nil && inv.AcceptedAt == nil {
			pending++
		}
	}
	if pending != 1 {
		t.Fatalf("%d pending invites for one email after concurrent creation, want 1", pending)
	}
	c, _ := h.SignUpAs(t, email)
	wins := 0
	for _, inv := range invs {
		switch r := accept(h, c, inv.Token); r.Status {
		case http.StatusOK:
			wins++
		case http.StatusNotFound:
		default:
			t.Fatalf("accept: status %d %s", r.Status, r.Body)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of two concurrently created invites accepted, want exactly 1", wins)
	}
}
