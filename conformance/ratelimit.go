package conformance

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
)

// rateLimitScenarios are the rate limits and the sign-in lockout
// (docs/configuration.md, RateLimit). The harness turns limits off; each scenario turns on
// what it checks. The server sees every client at 127.0.0.1 and trusts no
// proxy.
func rateLimitScenarios() []scenario {
	perIP := func(n int) func(*ginauth.Config) {
		return func(c *ginauth.Config) { c.RateLimit = ginauth.RateLimitConfig{PerIP: n} }
	}
	lockoutOnly := func(c *ginauth.Config) { c.RateLimit = ginauth.RateLimitConfig{PerIP: -1} }
	return []scenario{
		{name: "PerIP/SignIn", config: perIP(3), run: rateLimitPerIP("/sign-in")},
		{name: "PerIP/SignUp", config: perIP(3), run: rateLimitPerIP("/sign-up")},
		{name: "PerIP/PasswordForgot", config: perIP(3), run: rateLimitPerIP("/password/forgot")},
		{name: "PerIP/EmailConfirmSend", config: perIP(3), run: rateLimitPerIP("/email/confirm/send")},
		{name: "PerIP/ForwardedForIgnored", config: perIP(2), run: rateLimitForwardedFor},
		{name: "PerIP/Off", config: lockoutOnly, run: rateLimitPerIPOff},
		{name: "PerAccount/PasswordChange", config: func(c *ginauth.Config) {
			c.RateLimit = ginauth.RateLimitConfig{PerIP: -1, PerAccount: ginauth.RateRule{Limit: 2, Per: time.Minute}}
		}, run: rateLimitPasswordChange},
		{name: "PerAccount/InviteCreate", config: func(c *ginauth.Config) {
			c.RateLimit = ginauth.RateLimitConfig{PerIP: -1, PerEmail: ginauth.RateRule{Limit: -1}, Invites: ginauth.RateRule{Limit: 3, Per: time.Hour}}
		}, run: rateLimitInviteCreate},
		{name: "PerIP/InviteCreate", config: func(c *ginauth.Config) {
			c.RateLimit = ginauth.RateLimitConfig{PerIP: 3, Invites: ginauth.RateRule{Limit: -1}}
		}, run: rateLimitInviteCreatePerIP},
		{name: "Lockout/AfterTenFailures", config: lockoutOnly, run: lockoutAfterTen},
		{name: "Lockout/GrowsAndResets", config: lockoutOnly, run: lockoutGrowsAndResets},
		{name: "Lockout/NeverPermanent", config: lockoutOnly, run: lockoutNeverPermanent},
		{name: "Lockout/UnknownEmailSameAnswer", config: lockoutOnly, run: lockoutUnknownEmail},
		{name: "Lockout/NormalizedEmail", config: lockoutOnly, run: lockoutNormalizedEmail},
		{name: "Lockout/ConcurrentGuessesReserveAttempts", config: lockoutOnly, run: lockoutConcurrentGuesses},
		{name: "Lockout/ClearedByPasswordReset", config: func(c *ginauth.Config) {
			c.RateLimit = ginauth.RateLimitConfig{PerIP: ginauth.Off, PerEmail: ginauth.RateRule{Limit: ginauth.Off}}
		}, run: lockoutClearedByPasswordReset},
		{name: "MailPerAddress/PasswordForgotSilent", config: perIP(100), run: mailPerAddressForgot},
		{name: "MailPerAddress/InviteMailSilent", config: perIP(100), run: mailPerAddressInvite},
		{name: "MailPerAddress/EmailConfirmSendSilent", config: func(c *ginauth.Config) {
			c.RateLimit = ginauth.RateLimitConfig{PerIP: 100}
			c.RequireEmailConfirmation = true
		}, run: mailPerAddressConfirm},
	}
}

// expectRateLimited asserts a 429 rate_limited with a Retry-After of whole
// seconds in [min, max] and no-store, and returns the Retry-After.
func expectRateLimited(t *testing.T, r *Response, min, max int) time.Duration {
	t.Helper()
	expectError(t, r, http.StatusTooManyRequests, "rate_limited")
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || secs < min || secs > max {
		t.Fatalf("%s %s: Retry-After %q, want whole seconds in [%d, %d]", r.Method, r.Path, r.Header.Get("Retry-After"), min, max)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Fatalf("%s %s: 429 with Cache-Control %q, want no-store", r.Method, r.Path, cc)
	}
	return time.Duration(secs) * time.Second
}

// notLimited fails t if r is a 429.
func notLimited(t *testing.T, r *Response) {
	t.Helper()
	if r.Err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, r.Err)
	}
	if r.Status == http.StatusTooManyRequests || r.Status >= 500 {
		t.Fatalf("%s %s: status %d; body %s", r.Method, r.Path, r.Status, r.Body)
	}
}

// rateLimitPerIP: with PerIP 3, the fourth request a minute from one IP to
// route gets 429 with Retry-After, whatever its body; a minute later the
// bucket has refilled. Other routes keep their own buckets.
func rateLimitPerIP(route string) func(t *testing.T, h *Harness) {
	return func(t *testing.T, h *Harness) {
		c := h.NewClient()
		body := func() map[string]string { return credentials(h.Email(), "wrong-password-1") }
		if route != "/sign-in" && route != "/sign-up" {
			body = func() map[string]string { return map[string]string{"email": h.Email()} }
		}
		for range 3 {
			notLimited(t, c.Post(h.Path(route), body()))
		}
		expectRateLimited(t, c.Post(h.Path(route), body()), 1, 60)
		expectRateLimited(t, h.NewClient().Post(h.Path(route), body()), 1, 60) // same IP, new client
		// Another route is not affected.
		if route == "/sign-in" {
			notLimited(t, c.Post(h.Path("/password/forgot"), map[string]string{"email": h.Email()}))
		} else {
			notLimited(t, c.Post(h.Path("/sign-in"), credentials(h.Email(), "wrong-password-1")))
		}
		h.Clock.Advance(time.Minute)
		notLimited(t, c.Post(h.Path(route), body()))
	}
}

// rateLimitForwardedFor: X-Forwarded-For and X-Real-IP from an untrusted
// client never choose the bucket.
func rateLimitForwardedFor(t *testing.T, h *Harness) {
	c := h.NewClient()
	for i := range 2 {
		notLimited(t, c.Do(http.MethodPost, h.Path("/sign-in"), credentials(h.Email(), "wrong-password-1"),
			http.Header{"X-Forwarded-For": {"203.0.113." + strconv.Itoa(i+1)}}))
	}
	for _, hd := range []http.Header{
		{"X-Forwarded-For": {"203.0.113.50"}},
		{"X-Forwarded-For": {"198.51.100.7, 10.0.0.1"}},
		{"X-Real-IP": {"203.0.113.51"}},
		{"X-Forwarded-For": {"2001:db8::7"}, "X-Real-IP": {"203.0.113.52"}},
		{"Forwarded": {"for=203.0.113.53"}},
	} {
		expectRateLimited(t, c.Do(http.MethodPost, h.Path("/sign-in"), credentials(h.Email(), "wrong-password-1"), hd), 1, 60)
	}
}

// rateLimitPerIPOff: PerIP < 0 turns the per-IP limit off.
func rateLimitPerIPOff(t *testing.T, h *Harness) {
	c := h.NewClient()
	for range 70 {
		notLimited(t, c.Post(h.Path("/password/forgot"), map[string]string{"email": h.Email()}))
	}
}

// rateLimitPasswordChange: password changes are limited per account.
func rateLimitPasswordChange(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	wrong := map[string]string{"current_password": "wrong-password-1", "new_password": "brand-new-pass-7"}
	for range 2 {
		expectError(t, c.Post(h.Path("/password/change"), wrong), http.StatusUnauthorized, "invalid_credentials")
	}
	expectRateLimited(t, c.Post(h.Path("/password/change"), wrong), 1, 30)
	// Another account is not affected.
	other, _ := h.SignUp(t)
	expectError(t, other.Post(h.Path("/password/change"), wrong), http.StatusUnauthorized, "invalid_credentials")
}

// rateLimitInviteCreate: invite creation is limited per account, across
// its organizations, whatever the addresses; other accounts keep theirs.
func rateLimitInviteCreate(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	orgs := []string{c.createOrganization(t, "One"), c.createOrganization(t, "Two")}
	for i := range 3 {
		c.Post(orgPath(h, orgs[i%2], "/invites"), map[string]string{"email": h.Email(), "role": "member"}).Expect(t, http.StatusCreated)
	}
	invitee := h.Email()
	expectRateLimited(t, c.Post(orgPath(h, orgs[1], "/invites"), map[string]string{"email": invitee, "role": "member"}), 1, 1200)
	if n := len(h.Mail.To(invitee, ginauth.MailOrganizationInvite)); n != 0 {
		t.Fatalf("a refused invite sent %d mail(s)", n)
	}
	// Another account is not affected; the first gets a token back later.
	other, _ := h.SignUp(t)
	other.Post(orgPath(h, other.createOrganization(t, "Three"), "/invites"), map[string]string{"email": invitee, "role": "member"}).Expect(t, http.StatusCreated)
	h.Clock.Advance(20 * time.Minute)
	c.Refresh().Expect(t, http.StatusOK)
	c.Post(orgPath(h, orgs[0], "/invites"), map[string]string{"email": h.Email(), "role": "member"}).Expect(t, http.StatusCreated)
}

// rateLimitInviteCreatePerIP: invite creation is limited per client IP,
// over every account.
func rateLimitInviteCreatePerIP(t *testing.T, h *Harness) {
	clients, orgs := h.ownersOfNewOrganizations(t, 2)
	for i := range 3 {
		notLimited(t, clients[i%2].Post(orgPath(h, orgs[i%2], "/invites"), map[string]string{"email": h.Email(), "role": "member"}))
	}
	expectRateLimited(t, clients[1].Post(orgPath(h, orgs[1], "/invites"), map[string]string{"email": h.Email(), "role": "member"}), 1, 60)
	h.Clock.Advance(time.Minute)
	notLimited(t, clients[0].Post(orgPath(h, orgs[0], "/invites"), map[string]string{"email": h.Email(), "role": "member"}))
}

// mailPerAddressInvite: invite mail to one address obeys the per-address
// mail limit (3 per 15 minutes by default): beyond it the invite is still
// created and its token returned (201), but nothing is mailed, whoever
// invites; the bucket refills with time.
func mailPerAddressInvite(t *testing.T, h *Harness) {
	invitee := h.Email()
	inviters, orgs := h.ownersOfNewOrganizations(t, 2)
	invite := func(i int) InviteBody {
		var inv InviteBody
		inviters[i%2].Post(orgPath(h, orgs[i%2], "/invites"), map[string]string{"email": invitee, "role": "member"}).
			Expect(t, http.StatusCreated).Decode(t, &inv)
		if inv.Token == "" {
			t.Fatalf("invite %d: no token in the response", i)
		}
		return inv
	}
	for i := range 6 {
		invite(i)
	}
	if n := len(h.Mail.To(invitee, ginauth.MailOrganizationInvite)); n != 3 {
		t.Fatalf("%d invite mails to one address, want 3 (the per-address limit)", n)
	}
	// The last invite, not mailed, still works with the token the
	// inviter got back.
	last := invite(6)
	c, _ := h.SignUpAs(t, invitee)
	c.Post(h.Path("/organizations/invites/accept"), map[string]string{"token": last.Token}).Expect(t, http.StatusOK)
	h.Clock.Advance(15 * time.Minute)
	inviters[1].Refresh().Expect(t, http.StatusOK)
	invite(7)
	if n := len(h.Mail.To(invitee, ginauth.MailOrganizationInvite)); n != 4 {
		t.Fatalf("%d invite mails after the refill, want 4", n)
	}
}

// ownersOfNewOrganizations signs n users up, each creating a shared
// organization, and returns their clients and the organizations' ids.
func (h *Harness) ownersOfNewOrganizations(t *testing.T, n int) ([]*Client, []string) {
	t.Helper()
	var clients []*Client
	var orgs []string
	for i := range n {
		c, _ := h.SignUp(t)
		clients = append(clients, c)
		orgs = append(orgs, c.createOrganization(t, "Team "+strconv.Itoa(i)))
	}
	return clients, orgs
}

// failSignIns makes n failed sign-ins for email, asserting 401 each.
func failSignIns(t *testing.T, h *Harness, email string, n int) {
	t.Helper()
	for range n {
		expectError(t, h.NewClient().Post(h.Path("/sign-in"), credentials(email, "wrong-password-1")), http.StatusUnauthorized, "invalid_credentials")
	}
}

// lockoutAfterTen: after 10 consecutive failures even the right password
// gets 429 with Retry-After; once the cool-down passed it signs in.
func lockoutAfterTen(t *testing.T, h *Harness) {
	email := h.Email()
	h.SignUpAs(t, email)
	failSignIns(t, h, email, 10)
	r := h.NewClient().Post(h.Path("/sign-in"), credentials(email, Password))
	wait := expectRateLimited(t, r, 1, 60)
	if len(r.Cookies) > 0 && !cookieCleared(r.SetCookie(h.accessName())) {
		t.Fatalf("locked sign-in set cookies: %v", r.Cookies)
	}
	// Other accounts are not locked.
	other := h.Email()
	h.SignUpAs(t, other)
	h.NewClient().SignIn(t, other, Password)
	h.Clock.Advance(wait)
	h.NewClient().SignIn(t, email, Password)
}

// lockoutGrowsAndResets: a failure after a lock locks again for longer; a
// success resets the count.
func lockoutGrowsAndResets(t *testing.T, h *Harness) {
	email := h.Email()
	h.SignUpAs(t, email)
	failSignIns(t, h, email, 10)
	first := expectRateLimited(t, h.NewClient().Post(h.Path("/sign-in"), credentials(email, Password)), 1, 60)
	h.Clock.Advance(first)
	failSignIns(t, h, email, 1)
	second := expectRateLimited(t, h.NewClient().Post(h.Path("/sign-in"), credentials(email, Password)), 1, 3600)
	if second <= first {
		t.Fatalf("cool-down did not grow: %s then %s", first, second)
	}
	h.Clock.Advance(second)
	h.NewClient().SignIn(t, email, Password)
	// The success reset the count: 9 failures do not lock, the 10th does.
	failSignIns(t, h, email, 9)
	h.NewClient().SignIn(t, email, Password)
	failSignIns(t, h, email, 10)
	again := expectRateLimited(t, h.NewClient().Post(h.Path("/sign-in"), credentials(email, Password)), 1, 60)
	if again > first {
		t.Fatalf("after a success the cool-down starts over: got %s, first was %s", again, first)
	}
}

// lockoutNeverPermanent: however many failures, the cool-down is capped
// (at most an hour) and the right password works once it has passed.
func lockoutNeverPermanent(t *testing.T, h *Harness) {
	email := h.Email()
	h.SignUpAs(t, email)
	failSignIns(t, h, email, 10)
	var last time.Duration
	for range 12 {
		last = expectRateLimited(t, h.NewClient().Post(h.Path("/sign-in"), credentials(email, "wrong-password-1")), 1, 3600)
		h.Clock.Advance(last)
		failSignIns(t, h, email, 1)
	}
	if last > time.Hour {
		t.Fatalf("cool-down %s beyond an hour", last)
	}
	wait := expectRateLimited(t, h.NewClient().Post(h.Path("/sign-in"), credentials(email, Password)), 1, 3600)
	h.Clock.Advance(wait)
	h.NewClient().SignIn(t, email, Password)
}

// lockoutUnknownEmail: an unknown email is locked exactly like an existing
// one, so the lockout does not reveal which addresses have accounts.
func lockoutUnknownEmail(t *testing.T, h *Harness) {
	known, unknown := h.Email(), h.Email()
	h.SignUpAs(t, known)
	failSignIns(t, h, known, 10)
	failSignIns(t, h, unknown, 10)
	a := h.NewClient().Post(h.Path("/sign-in"), credentials(known, "wrong-password-1"))
	b := h.NewClient().Post(h.Path("/sign-in"), credentials(unknown, "wrong-password-1"))
	expectRateLimited(t, a, 1, 60)
	expectRateLimited(t, b, 1, 60)
	if !bytes.Equal(a.Body, b.Body) || a.Header.Get("Retry-After") != b.Header.Get("Retry-After") {
		t.Fatalf("locked known and unknown emails answer differently:\n%s %s\n%s %s",
			a.Header.Get("Retry-After"), a.Body, b.Header.Get("Retry-After"), b.Body)
	}
}

// lockoutNormalizedEmail: spelling the email differently does not dodge
// the lockout.
func lockoutNormalizedEmail(t *testing.T, h *Harness) {
	email := h.Email()
	h.SignUpAs(t, email)
	for i := range 10 {
		spelled := email
		switch i % 3 {
		case 1:
			spelled = strings.ToUpper(email)
		case 2:
			spelled = "  " + email + " "
		}
		expectError(t, h.NewClient().Post(h.Path("/sign-in"), credentials(spelled, "wrong-password-1")), http.StatusUnauthorized, "invalid_credentials")
	}
	expectRateLimited(t, h.NewClient().Post(h.Path("/sign-in"), credentials(email, Password)), 1, 60)
}

// settle waits briefly (real time) for background mail jobs and returns
// the number of mails of kind to addr.
func settle(h *Harness, addr string, kind ginauth.MailKind) int {
	time.Sleep(150 * time.Millisecond)
	return len(h.Mail.To(addr, kind))
}

// mailPerAddressForgot: at least 3 reset mails per address per 15 minutes;
// beyond the limit the route answers the same 200 and sends nothing, for
// existing and unknown addresses alike.
func mailPerAddressForgot(t *testing.T, h *Harness) {
	email, unknown := h.Email(), h.Email()
	h.SignUpAs(t, email)
	var first []byte
	for i := range 6 {
		for _, addr := range []string{email, unknown} {
			r := h.NewClient().Post(h.Path("/password/forgot"), map[string]string{"email": addr}).Expect(t, http.StatusOK)
			if first == nil {
				first = r.Body
			} else if !bytes.Equal(r.Body, first) {
				t.Fatalf("forgot #%d for %s answers differently: %s vs %s", i, addr, r.Body, first)
			}
		}
	}
	h.Mail.WaitFor(t, email, ginauth.MailPasswordReset, 3)
	if n := settle(h, email, ginauth.MailPasswordReset); n != 3 {
		t.Fatalf("%d reset mails after 6 requests, want 3 (the per-address limit)", n)
	}
	if n := len(h.Mail.To(unknown, ginauth.MailPasswordReset)); n != 0 {
		t.Fatalf("%d mails to an address without an account", n)
	}
	h.Clock.Advance(15 * time.Minute)
	h.NewClient().Post(h.Path("/password/forgot"), map[string]string{"email": email}).Expect(t, http.StatusOK)
	h.Mail.WaitFor(t, email, ginauth.MailPasswordReset, 4)
}

// mailPerAddressConfirm: resending the confirmation mail is capped the same
// way, silently.
func mailPerAddressConfirm(t *testing.T, h *Harness) {
	email := h.Email()
	h.SignUpAs(t, email)
	before := settle(h, email, ginauth.MailEmailConfirm)
	for range 6 {
		h.NewClient().Post(h.Path("/email/confirm/send"), map[string]string{"email": email}).Expect(t, http.StatusOK)
	}
	h.Mail.WaitFor(t, email, ginauth.MailEmailConfirm, 3)
	n := settle(h, email, ginauth.MailEmailConfirm)
	if n-before > 3 || n < 3 {
		t.Fatalf("%d confirmation mails (%d at sign-up) after 6 resends, want 3 in all or 3 resent", n, before)
	}
}
