package conformance

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fastauth/fastauth/ginauth"
)

// mailScenarios lists the scenarios of email confirmation, password reset,
// mail delivery and hooks.
func mailScenarios() []scenario {
	requireConfirmation := func(c *ginauth.Config) { c.RequireEmailConfirmation = true }
	return []scenario{
		{name: "Confirm/SignUpMailsLinkWithoutCookies", config: requireConfirmation, run: confirmSignUpMailsLink},
		{name: "Confirm/UnconfirmedSignInRefused", config: requireConfirmation, run: confirmUnconfirmedSignIn},
		{name: "Confirm/UnconfirmedRefreshRefused", run: confirmUnconfirmedRefresh},
		{name: "Confirm/ByLink", config: requireConfirmation, run: confirmByLink},
		{name: "Confirm/ByPost", config: requireConfirmation, run: confirmByPost},
		{name: "Confirm/SingleUse", config: requireConfirmation, run: confirmSingleUse},
		{name: "Confirm/ConcurrentUseOneWinner", config: requireConfirmation, run: confirmConcurrent},
		{name: "Confirm/Expires", config: requireConfirmation, run: confirmExpires},
		{name: "Confirm/NewTokenVoidsPrevious", config: requireConfirmation, run: confirmNewTokenVoidsPrevious},
		{name: "Confirm/ResendSameAnswerForEveryAddress", config: requireConfirmation, run: confirmResendNoEnumeration},
		{name: "Confirm/InvalidTokens", config: requireConfirmation, run: confirmInvalidTokens},
		{name: "Confirm/InvalidRequest", config: requireConfirmation, run: mailInvalidRequests},
		{name: "Confirm/Redirects", config: func(c *ginauth.Config) {
			c.RequireEmailConfirmation = true
			c.EmailConfirmedRedirect = "http://app.example/welcome"
			c.EmailConfirmFailedRedirect = "http://app.example/confirm-failed?lang=en"
		}, run: confirmRedirects},
		{name: "Reset/ForgotSameAnswerForUnknownEmail", run: resetForgotNoEnumeration},
		{name: "Reset/ChangesPasswordRevokesAllSessions", run: resetChangesPassword},
		{name: "Reset/SingleUse", run: resetSingleUse},
		{name: "Reset/ConcurrentUseOneWinner", run: resetConcurrent},
		{name: "Reset/WeakPasswordKeepsToken", run: resetWeakPassword},
		{name: "Reset/Expires", run: resetExpires},
		{name: "Reset/NewTokenVoidsPrevious", run: resetNewTokenVoidsPrevious},
		{name: "Reset/TokenKindsDoNotMix", config: requireConfirmation, run: tokenKindsDoNotMix},
		{name: "RateLimit/PerAddressMailLimitRevealsNothing", config: func(c *ginauth.Config) {
			c.RequireEmailConfirmation = true
			c.RateLimit = ginauth.RateLimitConfig{PerIP: -1}
		}, run: mailPerAddressLimit},
		{name: "Invite/MailCarriesToken", run: inviteMailCarriesToken},
		{name: "Invite/LongNonASCIINameStillMailed", run: inviteMailLongName},
		hookScenario(),
		failingMailerScenario("FailingMailer/ErrorDoesNotBreakRequests", mailerFunc(func(context.Context, ginauth.Mail) error {
			return errors.New("smtp: connection refused")
		})),
		failingMailerScenario("FailingMailer/PanicDoesNotBreakRequests", mailerFunc(func(context.Context, ginauth.Mail) error {
			panic("mailer exploded")
		})),
	}
}

// mailerFunc adapts a function to ginauth.Mailer.
type mailerFunc func(ctx context.Context, m ginauth.Mail) error

// Send calls f.
func (f mailerFunc) Send(ctx context.Context, m ginauth.Mail) error { return f(ctx, m) }

// confirmStatus is the body of a successful confirmation.
type confirmStatus struct {
	Status string `json:"status"`
	User   struct {
		ID               string     `json:"id"`
		Email            string     `json:"email"`
		EmailConfirmedAt *time.Time `json:"email_confirmed_at"`
	} `json:"user"`
}

// newPassword meets the default policy and differs from Password.
const newPassword = "battery-staple-77"

// confirmLinkPrefix is what every confirmation link starts with.
func (h *Harness) confirmLinkPrefix() string {
	return h.Config.AppBaseURL + h.Config.BasePath + "/email/confirm?token="
}

// confirmMail waits for the n-th confirmation mail to email and returns
// its token, checking the link.
func (h *Harness) confirmMail(t *testing.T, email string, n int) string {
	t.Helper()
	m := h.Mail.WaitFor(t, email, ginauth.MailEmailConfirm, n)
	if m.Token == "" || m.Link != h.confirmLinkPrefix()+m.Token {
		t.Fatalf("confirmation mail link %q (token %q), want %s<token>", m.Link, m.Token, h.confirmLinkPrefix())
	}
	return m.Token
}

// resetMail waits for the n-th password-reset mail to email and returns its
// token.
func (h *Harness) resetMail(t *testing.T, email string, n int) string {
	t.Helper()
	m := h.Mail.WaitFor(t, email, ginauth.MailPasswordReset, n)
	if m.Token == "" || !strings.Contains(m.Link, "token="+m.Token) || !strings.HasPrefix(m.Link, h.Config.AppBaseURL+"/") {
		t.Fatalf("reset mail link %q (token %q) must be under AppBaseURL and carry the token", m.Link, m.Token)
	}
	return m.Token
}

// signUpUnconfirmed signs a new user up while confirmation is required and
// returns the email and the mailed token.
func (h *Harness) signUpUnconfirmed(t *testing.T) (email, token string) {
	t.Helper()
	email = h.Email()
	h.NewClient().Post(h.Path("/sign-up"), credentials(email, Password)).Expect(t, http.StatusOK)
	return email, h.confirmMail(t, email, 1)
}

// confirmGET follows a confirmation link (the path of the token's link).
func (h *Harness) confirmGET(token string) *Response {
	return h.NewClient().Get(h.Path("/email/confirm?token=" + url.QueryEscape(token)))
}

// confirmPOST posts a token to the confirmation route.
func (h *Harness) confirmPOST(token string) *Response {
	return h.NewClient().Post(h.Path("/email/confirm"), map[string]string{"token": token})
}

// forgot posts email to the forgot-password route, asserting 200.
func (h *Harness) forgot(t *testing.T, email string) *Response {
	t.Helper()
	return h.NewClient().Post(h.Path("/password/forgot"), map[string]string{"email": email}).Expect(t, http.StatusOK)
}

// reset posts a token and a new password to the reset route.
func (h *Harness) reset(c *Client, token, password string) *Response {
	return c.Post(h.Path("/password/reset"), map[string]string{"token": token, "password": password})
}

// expectConfirmed asserts a successful confirmation body for email.
func expectConfirmed(t *testing.T, r *Response, email string) {
	t.Helper()
	r.Expect(t, http.StatusOK)
	var out confirmStatus
	r.Decode(t, &out)
	if out.Status != "confirmed" || out.User.Email != email || out.User.EmailConfirmedAt == nil {
		t.Fatalf("confirmation body %s, want status confirmed for %s with email_confirmed_at set", r.Body, email)
	}
}

// expectSignInState asserts how a sign-in with password answers.
func (h *Harness) expectSignInState(t *testing.T, email, password string, status int, code string) {
	t.Helper()
	r := h.NewClient().Post(h.Path("/sign-in"), credentials(email, password))
	if code == "" {
		r.Expect(t, status)
		return
	}
	expectError(t, r, status, code)
}

func confirmSignUpMailsLink(t *testing.T, h *Harness) {
	email := h.Email()
	c := h.NewClient()
	r := c.Post(h.Path("/sign-up"), credentials(email, Password)).Expect(t, http.StatusOK)
	var out AuthResponse
	r.Decode(t, &out)
	if out.User.Email != email || out.User.EmailConfirmedAt != nil || out.Organization.Kind != "personal" || out.AuthRole != "authenticated" {
		t.Fatalf("sign-up body %s, want an unconfirmed AuthResponse", r.Body)
	}
	for _, name := range []string{h.accessName(), h.refreshName()} {
		if ck := r.SetCookie(name); ck != nil && ck.Value != "" {
			t.Fatalf("sign-up with confirmation required set cookie %s", name)
		}
	}
	if c.AccessToken() != "" || c.RefreshToken() != "" {
		t.Fatal("sign-up with confirmation required left auth cookies in the jar")
	}
	c.Get("/api/whoami").Expect(t, http.StatusUnauthorized)
	token := h.confirmMail(t, email, 1)
	m := h.Mail.To(email, ginauth.MailEmailConfirm)[0]
	if m.Subject == "" || !strings.Contains(m.Text, m.Link) {
		t.Fatalf("confirmation mail needs a subject and the link in its text: %+v", m)
	}
	if m.HTML != "" && !strings.Contains(m.HTML, strings.ReplaceAll(m.Link, "&", "&amp;")) {
		t.Fatalf("confirmation mail HTML lacks the link: %s", m.HTML)
	}
	if len(token) != 64 {
		t.Fatalf("confirmation token %q: want 64 hex characters (256 bits)", token)
	}
	if n := len(h.Mail.To(email, ginauth.MailEmailConfirm)); n != 1 {
		t.Fatalf("%d confirmation mails, want 1", n)
	}
}

func confirmUnconfirmedSignIn(t *testing.T, h *Harness) {
	email, _ := h.signUpUnconfirmed(t)
	h.expectSignInState(t, email, Password, http.StatusForbidden, "email_not_confirmed")
	h.expectSignInState(t, email, "wrong-password-1", http.StatusUnauthorized, "invalid_credentials")
	h.expectSignInState(t, h.Email(), Password, http.StatusUnauthorized, "invalid_credentials")
}

// confirmUnconfirmedRefresh signs up where confirmation is not required,
// then refreshes through a second server on the same backend that
// requires it.
func confirmUnconfirmedRefresh(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	token := c.RefreshToken()
	if token == "" {
		t.Fatal("sign-up without confirmation set no refresh cookie")
	}
	strict := NewHarness(t, h.Backend, func(c *ginauth.Config) { c.RequireEmailConfirmation = true })
	expectError(t, strict.withRefresh(token).Refresh(), http.StatusForbidden, "email_not_confirmed")
}

func confirmByLink(t *testing.T, h *Harness) {
	email, token := h.signUpUnconfirmed(t)
	link := h.Mail.To(email, ginauth.MailEmailConfirm)[0].Link
	path := strings.TrimPrefix(link, h.Config.AppBaseURL)
	r := h.NewClient().Get(path)
	expectConfirmed(t, r, email)
	expectAuthHeaders(t, r)
	c := h.NewClient()
	out := c.SignIn(t, email, Password)
	if out.User.EmailConfirmedAt == nil {
		t.Fatal("sign-in after confirmation: email_confirmed_at is null")
	}
	if d := out.User.EmailConfirmedAt.Sub(h.Clock.Now()).Abs(); d > time.Second {
		t.Fatalf("email_confirmed_at %v, want the clock's now %v", out.User.EmailConfirmedAt, h.Clock.Now())
	}
	c.Get("/api/whoami").Expect(t, http.StatusOK)
	c.Refresh().Expect(t, http.StatusOK)
	// The link is spent.
	expectError(t, h.confirmGET(token), http.StatusUnauthorized, "invalid_token")
}

func confirmByPost(t *testing.T, h *Harness) {
	email, token := h.signUpUnconfirmed(t)
	expectConfirmed(t, h.confirmPOST(token), email)
	h.expectSignInState(t, email, Password, http.StatusOK, "")
}

func confirmSingleUse(t *testing.T, h *Harness) {
	email, token := h.signUpUnconfirmed(t)
	expectConfirmed(t, h.confirmGET(token), email)
	expectError(t, h.confirmGET(token), http.StatusUnauthorized, "invalid_token")
	expectError(t, h.confirmPOST(token), http.StatusUnauthorized, "invalid_token")
	h.expectSignInState(t, email, Password, http.StatusOK, "")
}

func confirmConcurrent(t *testing.T, h *Harness) {
	email, token := h.signUpUnconfirmed(t)
	const n = 8
	statuses := make([]int, n)
	concurrently(n, func(i int) {
		statuses[i] = h.confirmPOST(token).Status
	})
	var ok int
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusUnauthorized:
		default:
			t.Fatalf("concurrent confirmations: status %d (all %v)", s, statuses)
		}
	}
	if ok != 1 {
		t.Fatalf("concurrent confirmations with one token: %d successes, want exactly 1 (%v)", ok, statuses)
	}
	h.expectSignInState(t, email, Password, http.StatusOK, "")
}

func confirmExpires(t *testing.T, h *Harness) {
	ttl := h.Config.VerificationTokenTTL
	// Just inside the lifetime the token works.
	early, earlyToken := h.signUpUnconfirmed(t)
	late, lateToken := h.signUpUnconfirmed(t)
	h.Clock.Advance(ttl - time.Second)
	expectConfirmed(t, h.confirmPOST(earlyToken), early)
	// Past it, it does not, and nothing changes.
	h.Clock.Advance(2 * time.Second)
	expectError(t, h.confirmGET(lateToken), http.StatusUnauthorized, "invalid_token")
	expectError(t, h.confirmPOST(lateToken), http.StatusUnauthorized, "invalid_token")
	h.expectSignInState(t, late, Password, http.StatusForbidden, "email_not_confirmed")
	// A fresh link works again.
	h.NewClient().Post(h.Path("/email/confirm/send"), map[string]string{"email": late}).Expect(t, http.StatusOK)
	expectConfirmed(t, h.confirmPOST(h.confirmMail(t, late, 2)), late)
}

func confirmNewTokenVoidsPrevious(t *testing.T, h *Harness) {
	email, first := h.signUpUnconfirmed(t)
	h.NewClient().Post(h.Path("/email/confirm/send"), map[string]string{"email": email}).Expect(t, http.StatusOK)
	second := h.confirmMail(t, email, 2)
	if second == first {
		t.Fatal("resend mailed the same token again")
	}
	expectError(t, h.confirmPOST(first), http.StatusUnauthorized, "invalid_token")
	h.expectSignInState(t, email, Password, http.StatusForbidden, "email_not_confirmed")
	expectConfirmed(t, h.confirmPOST(second), email)
}

// confirmResendNoEnumeration: the resend route answers byte-for-byte the
// same for an unknown address, a confirmed account, a malformed address and
// an unconfirmed account, and mails only the last.
func confirmResendNoEnumeration(t *testing.T, h *Harness) {
	confirmed, token := h.signUpUnconfirmed(t)
	expectConfirmed(t, h.confirmPOST(token), confirmed)
	pending, _ := h.signUpUnconfirmed(t)
	unknown := h.Email()
	send := func(email string) *Response {
		return h.NewClient().Post(h.Path("/email/confirm/send"), map[string]string{"email": email}).Expect(t, http.StatusOK)
	}
	ref := send(pending)
	for _, email := range []string{unknown, confirmed, "not an email", strings.ToUpper(unknown)} {
		r := send(email)
		if !bytes.Equal(r.Body, ref.Body) || r.Header.Get("Content-Type") != ref.Header.Get("Content-Type") {
			t.Fatalf("resend for %q answered %s, for an unconfirmed account %s: must be identical", email, r.Body, ref.Body)
		}
	}
	// Mail for the pending account arrives (its second); one more round
	// trip after it lets the jobs of the other addresses finish, and they
	// mailed nothing.
	h.confirmMail(t, pending, 2)
	send(pending)
	h.confirmMail(t, pending, 3)
	if n := len(h.Mail.To(unknown, ginauth.MailEmailConfirm)); n != 0 {
		t.Fatalf("%d confirmation mails to an unknown address", n)
	}
	if n := len(h.Mail.To(confirmed, ginauth.MailEmailConfirm)); n != 1 {
		t.Fatalf("%d confirmation mails to a confirmed account, want only the sign-up one", n)
	}
}

func confirmInvalidTokens(t *testing.T, h *Harness) {
	email, token := h.signUpUnconfirmed(t)
	for _, bad := range []string{
		"",
		"nope",
		strings.Repeat("0", 64),
		strings.ToUpper(token),
		token + "0",
		token[:63],
		" " + token,
	} {
		expectError(t, h.confirmGET(bad), http.StatusUnauthorized, "invalid_token")
		expectError(t, h.confirmPOST(bad), http.StatusUnauthorized, "invalid_token")
	}
	h.NewClient().Get(h.Path("/email/confirm")).Expect(t, http.StatusUnauthorized, "invalid_token")
	h.expectSignInState(t, email, Password, http.StatusForbidden, "email_not_confirmed")
	expectConfirmed(t, h.confirmPOST(token), email)
}

// mailInvalidRequests: bodies that are not one JSON object get 400 on every
// POST route of this domain, and change nothing.
func mailInvalidRequests(t *testing.T, h *Harness) {
	for _, route := range []string{"/email/confirm/send", "/email/confirm", "/password/forgot", "/password/reset"} {
		for _, body := range []string{``, `not json`, `[]`, `"a@example.com"`, `{"email":`, `{} {}`, `{"email":42}`} {
			expectError(t, h.NewClient().Post(h.Path(route), body), http.StatusBadRequest, "invalid_request")
		}
	}
	if n := len(h.Mail.To("a@example.com", ginauth.MailEmailConfirm)) + len(h.Mail.To("a@example.com", ginauth.MailPasswordReset)); n != 0 {
		t.Fatalf("%d mails sent for malformed requests", n)
	}
}

func confirmRedirects(t *testing.T, h *Harness) {
	email, token := h.signUpUnconfirmed(t)
	r := h.confirmGET(strings.Repeat("ab", 32)).Expect(t, http.StatusSeeOther)
	loc, err := url.Parse(r.Header.Get("Location"))
	if err != nil || loc.Host != "app.example" || loc.Path != "/confirm-failed" || loc.Query().Get("error") != "invalid_token" || loc.Query().Get("lang") != "en" {
		t.Fatalf("failed confirmation redirects to %q, want http://app.example/confirm-failed?error=invalid_token&lang=en", r.Header.Get("Location"))
	}
	h.expectSignInState(t, email, Password, http.StatusForbidden, "email_not_confirmed")
	r = h.confirmGET(token).Expect(t, http.StatusSeeOther)
	if got := r.Header.Get("Location"); got != "http://app.example/welcome" {
		t.Fatalf("confirmation redirects to %q, want http://app.example/welcome", got)
	}
	h.expectSignInState(t, email, Password, http.StatusOK, "")
	// POST answers JSON whatever the redirect settings.
	expectError(t, h.confirmPOST(token), http.StatusUnauthorized, "invalid_token")
}

// resetForgotNoEnumeration: forgot answers identically for known, unknown
// and malformed addresses, and mails only the known one.
func resetForgotNoEnumeration(t *testing.T, h *Harness) {
	_, known := h.SignUp(t)
	unknown := h.Email()
	ref := h.forgot(t, known.User.Email)
	for _, email := range []string{unknown, "not an email", "  " + strings.ToUpper(unknown) + " "} {
		r := h.forgot(t, email)
		if !bytes.Equal(r.Body, ref.Body) || r.Header.Get("Content-Type") != ref.Header.Get("Content-Type") {
			t.Fatalf("forgot for %q answered %s, for a known account %s: must be identical", email, r.Body, ref.Body)
		}
		for _, name := range []string{h.accessName(), h.refreshName()} {
			if r.SetCookie(name) != nil {
				t.Fatalf("forgot set cookie %s", name)
			}
		}
	}
	h.resetMail(t, known.User.Email, 1)
	h.forgot(t, known.User.Email)
	h.resetMail(t, known.User.Email, 2)
	if n := len(h.Mail.To(unknown, ginauth.MailPasswordReset)); n != 0 {
		t.Fatalf("%d reset mails to an unknown address", n)
	}
}

func resetChangesPassword(t *testing.T, h *Harness) {
	first, out := h.SignUp(t)
	email := out.User.Email
	second, _ := h.SignInNew(t, email)
	third, _ := h.SignInNew(t, email)
	tokens := []string{first.RefreshToken(), second.RefreshToken(), third.RefreshToken()}
	h.forgot(t, email)
	token := h.resetMail(t, email, 1)
	// The password did not change by asking.
	h.expectSignInState(t, email, Password, http.StatusOK, "")
	fourth, _ := h.SignInNew(t, email)
	tokens = append(tokens, fourth.RefreshToken())
	r := h.reset(first, token, newPassword).Expect(t, http.StatusOK)
	// The resetting browser belonged to the account: its cookies go.
	h.expectCleared(t, first, r)
	var body map[string]any
	r.Decode(t, &body)
	if body["status"] != "password_reset" || body["api_keys_revoked"] != 0.0 || len(body) != 2 {
		t.Fatalf("reset body %s, want {\"status\":\"password_reset\",\"api_keys_revoked\":0}", r.Body)
	}
	for i, tok := range tokens {
		if got := h.withRefresh(tok).Refresh(); got.Status != http.StatusUnauthorized {
			t.Fatalf("refresh of device %d after a password reset: status %d, want 401", i, got.Status)
		}
	}
	h.expectSignInState(t, email, Password, http.StatusUnauthorized, "invalid_credentials")
	c := h.NewClient()
	c.SignIn(t, email, newPassword)
	c.Get("/api/whoami").Expect(t, http.StatusOK)
	c.Refresh().Expect(t, http.StatusOK)
}

func resetSingleUse(t *testing.T, h *Harness) {
	_, out := h.SignUp(t)
	email := out.User.Email
	h.forgot(t, email)
	token := h.resetMail(t, email, 1)
	h.reset(h.NewClient(), token, newPassword).Expect(t, http.StatusOK)
	expectError(t, h.reset(h.NewClient(), token, "another-pass-99"), http.StatusUnauthorized, "invalid_token")
	h.expectSignInState(t, email, "another-pass-99", http.StatusUnauthorized, "invalid_credentials")
	h.expectSignInState(t, email, newPassword, http.StatusOK, "")
}

func resetConcurrent(t *testing.T, h *Harness) {
	_, out := h.SignUp(t)
	email := out.User.Email
	h.forgot(t, email)
	token := h.resetMail(t, email, 1)
	const n = 6
	statuses := make([]int, n)
	passwords := make([]string, n)
	concurrently(n, func(i int) {
		passwords[i] = newPassword + string(rune('a'+i))
		statuses[i] = h.reset(h.NewClient(), token, passwords[i]).Status
	})
	winner := -1
	for i, s := range statuses {
		switch {
		case s == http.StatusOK && winner < 0:
			winner = i
		case s == http.StatusOK:
			t.Fatalf("concurrent resets with one token: more than one success (%v)", statuses)
		case s != http.StatusUnauthorized:
			t.Fatalf("concurrent resets: status %d (all %v)", s, statuses)
		}
	}
	if winner < 0 {
		t.Fatalf("concurrent resets with one token: no success (%v)", statuses)
	}
	for i, pw := range passwords {
		want := http.StatusUnauthorized
		if i == winner {
			want = http.StatusOK
		}
		h.expectSignInState(t, email, pw, want, "")
	}
}

func resetWeakPassword(t *testing.T, h *Harness) {
	c, out := h.SignUp(t)
	email := out.User.Email
	h.forgot(t, email)
	token := h.resetMail(t, email, 1)
	for _, weak := range []string{"short1", "onlyletters", "1234567890", ""} {
		expectError(t, h.reset(h.NewClient(), token, weak), http.StatusBadRequest, "weak_password")
	}
	// Nothing changed: the old password and the session still work.
	h.expectSignInState(t, email, Password, http.StatusOK, "")
	c.Refresh().Expect(t, http.StatusOK)
	h.reset(h.NewClient(), token, newPassword).Expect(t, http.StatusOK)
	h.expectSignInState(t, email, newPassword, http.StatusOK, "")
}

func resetExpires(t *testing.T, h *Harness) {
	_, out := h.SignUp(t)
	email := out.User.Email
	h.forgot(t, email)
	token := h.resetMail(t, email, 1)
	h.Clock.Advance(h.Config.VerificationTokenTTL + time.Second)
	expectError(t, h.reset(h.NewClient(), token, newPassword), http.StatusUnauthorized, "invalid_token")
	h.expectSignInState(t, email, Password, http.StatusOK, "")
	h.expectSignInState(t, email, newPassword, http.StatusUnauthorized, "invalid_credentials")
}

func resetNewTokenVoidsPrevious(t *testing.T, h *Harness) {
	_, out := h.SignUp(t)
	email := out.User.Email
	h.forgot(t, email)
	first := h.resetMail(t, email, 1)
	h.forgot(t, email)
	second := h.resetMail(t, email, 2)
	if first == second {
		t.Fatal("forgot mailed the same token twice")
	}
	expectError(t, h.reset(h.NewClient(), first, newPassword), http.StatusUnauthorized, "invalid_token")
	h.expectSignInState(t, email, Password, http.StatusOK, "")
	h.reset(h.NewClient(), second, newPassword).Expect(t, http.StatusOK)
	h.expectSignInState(t, email, newPassword, http.StatusOK, "")
}

// tokenKindsDoNotMix: a reset token cannot confirm and a confirmation token
// cannot reset; the failed attempts change nothing and consume nothing.
func tokenKindsDoNotMix(t *testing.T, h *Harness) {
	email, confirmToken := h.signUpUnconfirmed(t)
	h.forgot(t, email)
	resetToken := h.resetMail(t, email, 1)
	expectError(t, h.confirmPOST(resetToken), http.StatusUnauthorized, "invalid_token")
	expectError(t, h.confirmGET(resetToken), http.StatusUnauthorized, "invalid_token")
	h.expectSignInState(t, email, Password, http.StatusForbidden, "email_not_confirmed")
	expectError(t, h.reset(h.NewClient(), confirmToken, newPassword), http.StatusUnauthorized, "invalid_token")
	h.expectSignInState(t, email, newPassword, http.StatusUnauthorized, "invalid_credentials")
	h.expectSignInState(t, email, Password, http.StatusForbidden, "email_not_confirmed")
	// Both still work for what they are.
	expectConfirmed(t, h.confirmPOST(confirmToken), email)
	h.reset(h.NewClient(), resetToken, newPassword).Expect(t, http.StatusOK)
	h.expectSignInState(t, email, newPassword, http.StatusOK, "")
}

func inviteMailCarriesToken(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	var org MemberBody
	owner.Post(h.Path("/organizations"), map[string]string{"name": "Mail <Crew> & Co"}).Expect(t, http.StatusCreated).Decode(t, &org)
	invitee := h.Email()
	var inv InviteBody
	owner.Post(h.Path("/organizations/"+org.Organization.ID+"/invites"), map[string]string{"email": invitee, "role": "member"}).
		Expect(t, http.StatusCreated).Decode(t, &inv)
	m := h.Mail.WaitFor(t, invitee, ginauth.MailOrganizationInvite, 1)
	if inv.Token == "" || m.Token != inv.Token {
		t.Fatalf("invite mail token %q, response token %q: want the same", m.Token, inv.Token)
	}
	if !strings.HasPrefix(m.Link, h.Config.AppBaseURL+"/") || !strings.Contains(m.Link, "token="+inv.Token) {
		t.Fatalf("invite link %q must be under AppBaseURL and carry the token", m.Link)
	}
	if !strings.Contains(m.Text, "Mail <Crew> & Co") || !strings.Contains(m.Text, m.Link) {
		t.Fatalf("invite mail text must name the organization and carry the link: %q", m.Text)
	}
	if m.HTML != "" && strings.Contains(m.HTML, "<Crew>") {
		t.Fatalf("invite mail HTML does not escape the organization name: %s", m.HTML)
	}
	c, _ := h.SignUpAs(t, invitee)
	c.Post(h.Path("/organizations/invites/accept"), map[string]string{"token": m.Token}).Expect(t, http.StatusOK)
}

// inviteMailLongName: an organization name of 100 three-byte characters
// (the longest allowed) still gets its invites mailed, and the subject
// quotes it, cut by characters, within the subject's bounds; the body
// names it in full. Names are chosen by whoever creates the organization,
// so the subject must not let one pass for the mail's own words.
func inviteMailLongName(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	for _, name := range []string{
		strings.Repeat("日本語", 33) + "x",
		"Ünïcödé " + strings.Repeat("é", 91),
		`Support: "your account is locked", call now`,
	} {
		var org MemberBody
		owner.Post(h.Path("/organizations"), map[string]string{"name": name}).Expect(t, http.StatusCreated).Decode(t, &org)
		invitee := h.Email()
		owner.Post(h.Path("/organizations/"+org.Organization.ID+"/invites"), map[string]string{"email": invitee, "role": "member"}).
			Expect(t, http.StatusCreated)
		m := h.Mail.WaitFor(t, invitee, ginauth.MailOrganizationInvite, 1)
		if len(m.Subject) > 250 || !utf8.ValidString(m.Subject) || strings.ContainsAny(m.Subject, "\r\n") {
			t.Fatalf("subject %q: %d bytes, valid UTF-8 %v", m.Subject, len(m.Subject), utf8.ValidString(m.Subject))
		}
		escaped := strings.ReplaceAll(name, `"`, `\"`)
		if !strings.Contains(m.Subject, `"`+string([]rune(escaped)[:20])) {
			t.Fatalf("subject %q does not quote the name %q", m.Subject, name)
		}
		if n := utf8.RuneCountInString(name); strings.Contains(m.Subject, `"`+escaped+`"`) != (n <= 50) {
			t.Fatalf("subject %q: a name of %d characters must be quoted whole up to 50 characters, cut beyond", m.Subject, n)
		}
		if !strings.Contains(m.Text, name) {
			t.Fatalf("invite text does not name %q in full", name)
		}
	}
}

// hookRecorder records hook calls by email.
type hookRecorder struct {
	mu    sync.Mutex
	calls []hookCall
}

type hookCall struct {
	hook           string
	userID, email  string
	passwordHash   string
	organizationID string
}

func (r *hookRecorder) record(c hookCall) {
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
}

// of returns the calls of hook for email.
func (r *hookRecorder) of(hook, email string) []hookCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []hookCall
	for _, c := range r.calls {
		if c.hook == hook && c.email == email {
			out = append(out, c)
		}
	}
	return out
}

// Emails starting with these make the hooks fail.
const (
	hookErrorPrefix = "hook-error-"
	hookPanicPrefix = "hook-panic-"
)

func (r *hookRecorder) hooks() ginauth.Hooks {
	misbehave := func(email string) error {
		switch {
		case strings.HasPrefix(email, hookErrorPrefix):
			return errors.New("hook failed on purpose")
		case strings.HasPrefix(email, hookPanicPrefix):
			panic("hook panicked on purpose")
		}
		return nil
	}
	return ginauth.Hooks{
		AfterSignUp: func(ctx context.Context, u ginauth.User) error {
			r.record(hookCall{hook: "sign-up", userID: u.ID, email: u.Email, passwordHash: u.PasswordHash})
			return misbehave(u.Email)
		},
		AfterSignIn: func(ctx context.Context, u ginauth.User) error {
			r.record(hookCall{hook: "sign-in", userID: u.ID, email: u.Email, passwordHash: u.PasswordHash})
			return misbehave(u.Email)
		},
		AfterInviteAccepted: func(ctx context.Context, u ginauth.User, inv ginauth.Invite) error {
			r.record(hookCall{hook: "invite", userID: u.ID, email: u.Email, passwordHash: u.PasswordHash, organizationID: inv.OrganizationID})
			return misbehave(u.Email)
		},
	}
}

// hookScenario: the hooks run once after sign-up, sign-in and invite
// acceptance with the user; failing or panicking hooks undo nothing.
func hookScenario() scenario {
	rec := &hookRecorder{}
	return scenario{
		name:   "Hooks/RunWithUserAndNeverUndo",
		config: func(c *ginauth.Config) { c.Hooks = rec.hooks() },
		run: func(t *testing.T, h *Harness) {
			expectOne := func(hook, email, userID, orgID string) {
				t.Helper()
				calls := rec.of(hook, email)
				if len(calls) != 1 {
					t.Fatalf("hook %s for %s ran %d times, want 1", hook, email, len(calls))
				}
				c := calls[0]
				if c.userID != userID || c.organizationID != orgID {
					t.Fatalf("hook %s got user %s org %q, want %s org %q", hook, c.userID, c.organizationID, userID, orgID)
				}
				if c.passwordHash != "" {
					t.Fatalf("hook %s received the password hash", hook)
				}
			}
			owner, ownerOut := h.SignUp(t)
			expectOne("sign-up", ownerOut.User.Email, ownerOut.User.ID, "")
			if n := len(rec.of("sign-in", ownerOut.User.Email)); n != 0 {
				t.Fatalf("sign-up ran the sign-in hook %d times", n)
			}
			h.SignInNew(t, ownerOut.User.Email)
			expectOne("sign-in", ownerOut.User.Email, ownerOut.User.ID, "")
			// A failed sign-in runs no hook.
			h.NewClient().Post(h.Path("/sign-in"), credentials(ownerOut.User.Email, "wrong-password-1")).Expect(t, http.StatusUnauthorized)
			expectOne("sign-in", ownerOut.User.Email, ownerOut.User.ID, "")

			var org MemberBody
			owner.Post(h.Path("/organizations"), map[string]string{"name": "Hooked"}).Expect(t, http.StatusCreated).Decode(t, &org)
			invitee := h.Email()
			var inv InviteBody
			owner.Post(h.Path("/organizations/"+org.Organization.ID+"/invites"), map[string]string{"email": invitee, "role": "member"}).
				Expect(t, http.StatusCreated).Decode(t, &inv)
			c, out := h.SignUpAs(t, invitee)
			c.Post(h.Path("/organizations/invites/accept"), map[string]string{"token": inv.Token}).Expect(t, http.StatusOK)
			expectOne("invite", invitee, out.User.ID, org.Organization.ID)

			// Failing and panicking hooks are logged; the account stays.
			for _, prefix := range []string{hookErrorPrefix, hookPanicPrefix} {
				email := prefix + h.Email()
				c, out := h.SignUpAs(t, email)
				c.Get("/api/whoami").Expect(t, http.StatusOK)
				expectOne("sign-up", email, out.User.ID, "")
				c2, _ := h.SignInNew(t, email)
				c2.Get("/api/whoami").Expect(t, http.StatusOK)
				expectOne("sign-in", email, out.User.ID, "")
			}
		},
	}
}

// failingMailerScenario: a mailer that fails (error or panic) never breaks
// a request that mails.
func failingMailerScenario(name string, m ginauth.Mailer) scenario {
	return scenario{
		name: name,
		config: func(c *ginauth.Config) {
			c.RequireEmailConfirmation = true
			c.Mailer = m
		},
		run: func(t *testing.T, h *Harness) {
			email := h.Email()
			var out AuthResponse
			h.NewClient().Post(h.Path("/sign-up"), credentials(email, Password)).Expect(t, http.StatusOK).Decode(t, &out)
			if out.User.Email != email {
				t.Fatalf("sign-up body %+v", out)
			}
			h.expectSignInState(t, email, Password, http.StatusForbidden, "email_not_confirmed")
			h.NewClient().Post(h.Path("/email/confirm/send"), map[string]string{"email": email}).Expect(t, http.StatusOK)
			h.forgot(t, email)
			// Invites go out too (the inviter's account needs no confirmation
			// to exist, but to sign in it does: use a second, lenient server).
			lenient := NewHarness(t, h.Backend, func(c *ginauth.Config) { c.Mailer = m })
			owner, _ := lenient.SignUp(t)
			var org MemberBody
			owner.Post(lenient.Path("/organizations"), map[string]string{"name": "Mailless"}).Expect(t, http.StatusCreated).Decode(t, &org)
			owner.Post(lenient.Path("/organizations/"+org.Organization.ID+"/invites"), map[string]string{"email": h.Email(), "role": "member"}).
				Expect(t, http.StatusCreated)
		},
	}
}

// mailPerAddressLimit: each mail-sending route mails one address at least 3
// times per 15 minutes; over the limit it answers the same 200 and sends
// nothing, for known and unknown addresses alike.
func mailPerAddressLimit(t *testing.T, h *Harness) {
	email, _ := h.signUpUnconfirmed(t)
	unknown := h.Email()
	for _, route := range []struct {
		path string
		kind ginauth.MailKind
		base int // mails before the loop (the sign-up's confirmation)
	}{
		{"/email/confirm/send", ginauth.MailEmailConfirm, 1},
		{"/password/forgot", ginauth.MailPasswordReset, 0},
	} {
		send := func(addr string) *Response {
			return h.NewClient().Post(h.Path(route.path), map[string]string{"email": addr}).Expect(t, http.StatusOK)
		}
		ref := send(email)
		h.Mail.WaitFor(t, email, route.kind, route.base+1)
		for i := 2; i <= 3; i++ {
			send(email)
			h.Mail.WaitFor(t, email, route.kind, route.base+i)
		}
		// Over the limit: the same answer for the account and for an
		// unknown address (also over its limit), and no mail.
		for i := 0; i < 4; i++ {
			for _, addr := range []string{email, unknown} {
				if r := send(addr); !bytes.Equal(r.Body, ref.Body) {
					t.Fatalf("%s over the limit for %s answered %s, want %s", route.path, addr, r.Body, ref.Body)
				}
			}
		}
		// The bucket refills with time.
		h.Clock.Advance(15 * time.Minute)
		send(email)
		h.Mail.WaitFor(t, email, route.kind, route.base+4)
		if n := len(h.Mail.To(email, route.kind)); n != route.base+4 {
			t.Fatalf("%s: %d mails, want %d (3, then 1 after the refill)", route.path, n, route.base+4)
		}
		if n := len(h.Mail.To(unknown, route.kind)); n != 0 {
			t.Fatalf("%s: %d mails to an unknown address", route.path, n)
		}
	}
}
