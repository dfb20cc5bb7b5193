package conformance

import (
	"net/http"
	"testing"

	"github.com/fastauth/fastauth/ginauth"
)

// lookAlikes are addresses that differ from "ada@example.com" only by an
// accent, a full-width letter or a diaeresis: equal under a case-, accent-
// and width-insensitive collation (MySQL's utf8mb4_unicode_ci, the
// default of many servers), distinct for fastauth.
var lookAlikes = []string{"àda@example.com", "ａda@example.com", "adä@example.com"}

// addressScenarios check that an email address is compared byte for byte
// after normalization everywhere: a look-alike address is another address,
// on every backend whatever its collation.
func addressScenarios() []scenario {
	lockoutOnly := func(c *ginauth.Config) { c.RateLimit = ginauth.RateLimitConfig{PerIP: ginauth.Off} }
	return []scenario{
		{name: "SignUp/LookAlikeIsAnotherAccount", run: addressSignUpLookAlike},
		{name: "SignIn/LookAlikeFindsNoAccount", run: addressSignInLookAlike},
		{name: "Lockout/LookAlikeCannotBypass", config: lockoutOnly, run: addressLockoutLookAlike},
		{name: "MailPerAddress/LookAlikeGetsNoMail", config: func(c *ginauth.Config) { c.RateLimit = ginauth.RateLimitConfig{PerIP: 100} }, run: addressMailLookAlike},
		{name: "Invites/LookAlikeIsNotAMember", run: addressInviteLookAlike},
	}
}

// addressSignUpLookAlike: bob@exämple.com registered first does not block
// bob@example.com (no 409), and each signs in to its own account.
func addressSignUpLookAlike(t *testing.T, h *Harness) {
	first, a := h.SignUpAs(t, "bob@exämple.com")
	second, b := h.SignUpAs(t, "bob@example.com")
	if a.User.ID == b.User.ID || a.User.Email != "bob@exämple.com" || b.User.Email != "bob@example.com" {
		t.Fatalf("sign-ups gave %+v and %+v, want two accounts with their own addresses", a.User, b.User)
	}
	for _, c := range []struct {
		client    *Client
		email, id string
	}{{first, a.User.Email, a.User.ID}, {second, b.User.Email, b.User.ID}} {
		if got := c.client.SignIn(t, c.email, Password); got.User.ID != c.id {
			t.Fatalf("sign-in as %s reached account %s, want %s", c.email, got.User.ID, c.id)
		}
	}
}

// addressSignInLookAlike: a look-alike of a registered address with the
// right password is an unknown account (401), never that account.
func addressSignInLookAlike(t *testing.T, h *Harness) {
	h.SignUpAs(t, "ada@example.com")
	for _, addr := range lookAlikes {
		expectError(t, h.NewClient().Post(h.Path("/sign-in"), credentials(addr, Password)), http.StatusUnauthorized, "invalid_credentials")
	}
	h.NewClient().SignIn(t, "ada@example.com", Password)
}

// addressLockoutLookAlike: once ada@example.com is locked, its look-alikes
// with the right password do not reach the account (the lockout is keyed
// by the exact address, so they must find no account).
func addressLockoutLookAlike(t *testing.T, h *Harness) {
	h.SignUpAs(t, "ada@example.com")
	failSignIns(t, h, "ada@example.com", 10)
	expectRateLimited(t, h.NewClient().Post(h.Path("/sign-in"), credentials("ada@example.com", Password)), 1, 60)
	for _, addr := range lookAlikes {
		r := h.NewClient().Post(h.Path("/sign-in"), credentials(addr, Password))
		if r.Status == http.StatusOK {
			t.Fatalf("locked account signed in through the look-alike %s: %s", addr, r.Body)
		}
		expectError(t, r, http.StatusUnauthorized, "invalid_credentials")
	}
}

// addressMailLookAlike: once ada@example.com has had its reset mails,
// requests for its look-alikes send it no more.
func addressMailLookAlike(t *testing.T, h *Harness) {
	const email = "ada@example.com"
	h.SignUpAs(t, email)
	for range 3 {
		h.NewClient().Post(h.Path("/password/forgot"), map[string]string{"email": email}).Expect(t, http.StatusOK)
	}
	h.Mail.WaitFor(t, email, ginauth.MailPasswordReset, 3)
	for _, addr := range lookAlikes {
		h.NewClient().Post(h.Path("/password/forgot"), map[string]string{"email": addr}).Expect(t, http.StatusOK)
	}
	if n := settle(h, email, ginauth.MailPasswordReset); n != 3 {
		t.Fatalf("%d reset mails to %s, want 3: look-alike addresses reached the account", n, email)
	}
	for _, addr := range lookAlikes {
		if n := len(h.Mail.To(addr, ginauth.MailPasswordReset)); n != 0 {
			t.Fatalf("%d reset mails to %s, which has no account", n, addr)
		}
	}
}

// addressInviteLookAlike: inviting a look-alike of a member's address is
// an invite to another address (201, not 409), and it leaves the pending
// invite of the real address alone.
func addressInviteLookAlike(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Look-alike Co")
	ada, _ := h.SignUpAs(t, "ada@example.com")
	inv := invite(t, h, owner, org, "ada@example.com", "member")
	accept(h, ada, inv.Token).Expect(t, http.StatusOK)

	pending := invite(t, h, owner, org, "bob@example.com", "member")
	for _, addr := range append(lookAlikes, "bob@exämple.com") {
		invite(t, h, owner, org, addr, "member")
	}
	if got := inviteByID(t, invitesOf(t, h, owner, org), pending.ID); got.RevokedAt != nil {
		t.Fatalf("the invite of bob@example.com was revoked by an invite of a look-alike: %+v", got)
	}
	bob, _ := h.SignUpAs(t, "bob@example.com")
	accept(h, bob, pending.Token).Expect(t, http.StatusOK)
}
