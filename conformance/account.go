package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/ginauth"
)

// accountScenarios lists the scenarios of this domain: sign-up, sign-in,
// me and password change.
func accountScenarios() []scenario {
	return []scenario{
		{name: "SignUp/ResponseShape", run: signUpResponseShape},
		{name: "SignUp/SetsCookies", run: signUpSetsCookies},
		{name: "SignUp/NormalizesEmail", run: signUpNormalizesEmail},
		{name: "SignUp/InvalidEmail", run: signUpInvalidEmail},
		{name: "SignUp/WeakPassword", run: signUpWeakPassword},
		{name: "SignUp/PasswordLengthCountsCharacters", run: signUpPasswordLengthRunes},
		{name: "SignUp/DuplicateEmailConflict", run: signUpDuplicate},
		{name: "SignUp/InvalidRequest", run: invalidRequest("/sign-up")},
		{name: "SignUp/BodyTooLarge", run: signUpBodyTooLarge},
		{name: "Requests/JSONContentTypeRequired", run: jsonContentTypeRequired},
		{name: "SignUp/NoStoreHeaders", run: signUpNoStoreHeaders},
		{name: "SignIn/CreatesNewSession", run: signInNewSession},
		{name: "SignIn/SameAnswerUnknownEmailAndWrongPassword", run: signInSameFailure},
		{name: "SignIn/NormalizesEmail", run: signInNormalizesEmail},
		{name: "SignIn/PolicyNotAppliedToSignIn", run: signInNoPolicy},
		{name: "SignIn/InvalidRequest", run: invalidRequest("/sign-in")},
		{name: "SignIn/KeepsOtherDevices", run: signInKeepsOthers},
		{name: "SignIn/UpgradesOutdatedHash", run: signInUpgradesHash},
		{name: "SignUp/PasswordStoredAsArgon2id", run: signUpArgon2id},
		{name: "SignIn/SingleSessionRevokesOthers", config: func(c *ginauth.Config) { c.SingleSession = true }, run: signInSingleSession},
		{name: "Me/FreshUserAndActiveOrganization", run: meFresh},
		{name: "Me/RequiresCredentials", run: meRequiresCredentials},
		{name: "Me/ActiveOrganizationFromStore", run: meActiveOrgFromStore},
		{name: "PasswordChange/WrongCurrentPassword", run: passwordChangeWrongCurrent},
		{name: "PasswordChange/WeakNewPassword", run: passwordChangeWeak},
		{name: "PasswordChange/InvalidRequest", run: passwordChangeInvalidRequest},
		{name: "PasswordChange/RevokesOtherSessionsKeepsCurrent", run: passwordChangeRevokesOthers},
		{name: "PasswordChange/OldPasswordStopsWorking", run: passwordChangeOldPassword},
		{name: "PasswordChange/RequiresCredentials", run: passwordChangeRequiresCredentials},
	}
}

func signUpResponseShape(t *testing.T, h *Harness) {
	email := h.Email()
	c := h.NewClient()
	r := c.Post(h.Path("/sign-up"), credentials(email, Password)).Expect(t, http.StatusOK)
	var out AuthResponse
	r.Decode(t, &out)
	expectUUIDv7(t, "user.id", out.User.ID)
	expectUUIDv7(t, "organization.id", out.Organization.ID)
	if out.User.Email != email {
		t.Fatalf("user.email %q, want %q", out.User.Email, email)
	}
	if out.User.EmailConfirmedAt != nil {
		t.Fatalf("user.email_confirmed_at %v, want null", out.User.EmailConfirmedAt)
	}
	if !bytes.Contains(r.Body, []byte(`"email_confirmed_at":null`)) {
		t.Fatalf("body must carry email_confirmed_at: null: %s", r.Body)
	}
	if out.Organization.Kind != "personal" || out.Organization.Role != "owner" || out.Organization.Name == "" {
		t.Fatalf("organization %+v, want a named personal workspace with role owner", out.Organization)
	}
	if out.AuthRole != "authenticated" {
		t.Fatalf("auth_role %q, want authenticated", out.AuthRole)
	}
	// "password" itself appears: amr names the method. The password, its
	// hash or a field holding either must not.
	if bytes.Contains(r.Body, []byte(Password)) || bytes.Contains(bytes.ToLower(r.Body), []byte("password_hash")) ||
		bytes.Contains(bytes.ToLower(r.Body), []byte(`"password"`+":")) || bytes.Contains(r.Body, []byte("$argon2")) {
		t.Fatalf("sign-up response leaks password material: %s", r.Body)
	}
	if c.AccessToken() == "" || c.RefreshToken() == "" {
		t.Fatal("sign-up did not leave both cookies in the jar")
	}
}

func signUpSetsCookies(t *testing.T, h *Harness) {
	r := h.NewClient().Post(h.Path("/sign-up"), credentials(h.Email(), Password)).Expect(t, http.StatusOK)
	for _, want := range []struct {
		name, path string
		maxAge     int
	}{
		// The access cookie outlives its token (up to the session's end), so
		// that a browser still sends an expired token and hears token_expired.
		{h.accessName(), "/", int(h.Config.RefreshTokenTTL.Seconds())},
		{h.refreshName(), "/auth", int(h.Config.RefreshTokenTTL.Seconds())},
	} {
		ck := r.SetCookie(want.name)
		if ck == nil || ck.Value == "" {
			t.Fatalf("sign-up: no %s cookie; Set-Cookie %v", want.name, r.Header.Values("Set-Cookie"))
		}
		if !ck.HttpOnly {
			t.Errorf("%s: not HttpOnly", want.name)
		}
		if ck.SameSite != http.SameSiteLaxMode {
			t.Errorf("%s: SameSite %v, want Lax", want.name, ck.SameSite)
		}
		if ck.Path != want.path {
			t.Errorf("%s: Path %q, want %q", want.name, ck.Path, want.path)
		}
		if ck.MaxAge != want.maxAge {
			t.Errorf("%s: Max-Age %d, want %d", want.name, ck.MaxAge, want.maxAge)
		}
		if ck.Secure {
			t.Errorf("%s: Secure although Cookie.Insecure is set", want.name)
		}
		if ck.Domain != "" {
			t.Errorf("%s: Domain %q, want host-only", want.name, ck.Domain)
		}
	}
	if a, rf := r.SetCookie(h.accessName()), r.SetCookie(h.refreshName()); a != nil && rf != nil && a.Value == rf.Value {
		t.Fatal("access and refresh cookies carry the same value")
	}
}

func signUpNormalizesEmail(t *testing.T, h *Harness) {
	email := h.Email()
	messy := "  " + strings.ToUpper(email[:5]) + email[5:] + " \t"
	var out AuthResponse
	h.NewClient().Post(h.Path("/sign-up"), credentials(messy, Password)).Expect(t, http.StatusOK).Decode(t, &out)
	if out.User.Email != email {
		t.Fatalf("user.email %q, want normalized %q", out.User.Email, email)
	}
	// The normalized address signs in, and so does another spelling.
	h.NewClient().SignIn(t, email, Password)
	h.NewClient().SignIn(t, strings.ToUpper(email), Password)
}

func signUpInvalidEmail(t *testing.T, h *Harness) {
	for _, email := range []string{
		"",
		"   ",
		"plainaddress",
		"@example.com",
		"user@",
		"user@@example.com",
		"us er@example.com",
		"John <john@example.com>",
		"user@example.com\nBcc: x@example.com",
		strings.Repeat("a", 250) + "@example.com",
	} {
		r := h.NewClient().Post(h.Path("/sign-up"), credentials(email, Password))
		if r.Status != http.StatusBadRequest || r.Code() != "invalid_email" {
			t.Errorf("sign-up with email %q: %d %s, want 400 invalid_email", email, r.Status, r.Body)
			continue
		}
		expectError(t, r, http.StatusBadRequest, "invalid_email")
	}
}

func signUpWeakPassword(t *testing.T, h *Harness) {
	for name, pw := range map[string]string{
		"empty":     "",
		"too short": "abc1234",
		"no digit":  "abcdefghijkl",
		"no letter": "1234567890123",
		"too long":  "a1" + strings.Repeat("x", 127),
	} {
		r := h.NewClient().Post(h.Path("/sign-up"), credentials(h.Email(), pw))
		if r.Status != http.StatusBadRequest || r.Code() != "weak_password" {
			t.Errorf("%s password: %d %s, want 400 weak_password", name, r.Status, r.Body)
			continue
		}
		expectError(t, r, http.StatusBadRequest, "weak_password")
	}
}

// signUpPasswordLengthRunes checks the policy's bounds, in characters.
func signUpPasswordLengthRunes(t *testing.T, h *Harness) {
	for _, tc := range []struct {
		name, pw string
		ok       bool
	}{
		{"8 ascii", "abcdefg1", true},
		{"128 ascii", "a1" + strings.Repeat("x", 126), true},
		{"8 runes, 14 bytes", "a1" + strings.Repeat("é", 6), true},
		{"7 runes, 12 bytes", "a1" + strings.Repeat("é", 5), false},
		{"128 runes, 254 bytes", "a1" + strings.Repeat("é", 126), true},
	} {
		email := h.Email()
		r := h.NewClient().Post(h.Path("/sign-up"), credentials(email, tc.pw))
		switch {
		case tc.ok && r.Status != http.StatusOK:
			t.Errorf("%s: %d %s, want 200", tc.name, r.Status, r.Body)
		case !tc.ok && (r.Status != http.StatusBadRequest || r.Code() != "weak_password"):
			t.Errorf("%s: %d %s, want 400 weak_password", tc.name, r.Status, r.Body)
		case tc.ok:
			h.NewClient().SignIn(t, email, tc.pw)
		}
	}
}

func signUpDuplicate(t *testing.T, h *Harness) {
	email := h.Email()
	first, _ := h.SignUpAs(t, email)
	for _, again := range []string{email, strings.ToUpper(email), " " + email + " "} {
		c := h.NewClient()
		r := c.Post(h.Path("/sign-up"), credentials(again, "another-password-9"))
		expectError(t, r, http.StatusConflict, "user_already_exists")
		if r.SetCookie(h.accessName()) != nil && !cookieCleared(r.SetCookie(h.accessName())) {
			t.Fatal("a refused sign-up must not set cookies")
		}
	}
	// The original account and password are untouched.
	first.whoami(t)
	h.NewClient().SignIn(t, email, Password)
	expectError(t, h.NewClient().Post(h.Path("/sign-in"), credentials(email, "another-password-9")), http.StatusUnauthorized, "invalid_credentials")
}

// invalidRequest checks that a route taking {email,password} answers 400
// invalid_request to every malformed body.
func invalidRequest(route string) func(t *testing.T, h *Harness) {
	return func(t *testing.T, h *Harness) {
		email := h.Email()
		if route == "/sign-in" {
			h.SignUpAs(t, email)
		}
		for name, body := range map[string]any{
			"empty body":       "",
			"malformed JSON":   `{"email":`,
			"not an object":    `["a","b"]`,
			"null":             `null`,
			"unknown field":    map[string]any{"email": email, "password": Password, "admin_echo_probe": true},
			"missing email":    map[string]any{"password": Password},
			"missing password": map[string]any{"email": email},
			"wrong type":       map[string]any{"email": 42, "password": Password},
			"trailing data":    `{"email":"` + email + `","password":"` + Password + `"} {}`,
		} {
			r := h.NewClient().Post(h.Path(route), body)
			if r.Status != http.StatusBadRequest || r.Code() != "invalid_request" {
				t.Errorf("%s %s: %d %s, want 400 invalid_request", route, name, r.Status, r.Body)
				continue
			}
			expectError(t, r, http.StatusBadRequest, "invalid_request")
			expectAuthHeaders(t, r)
			if strings.Contains(string(r.Body), "echo_probe") {
				t.Errorf("%s %s: the error message echoes the input: %s", route, name, r.Body)
			}
		}
	}
}

// jsonContentTypeRequired: every route that takes a JSON body reads it
// only when it is sent as application/json (a charset=utf-8 parameter is
// fine); text/plain, form encodings (what an HTML form or a preflight-free
// cross-origin fetch can send) and a missing Content-Type get 415
// unsupported_media_type and change nothing.
func jsonContentTypeRequired(t *testing.T, h *Harness) {
	email := h.Email()
	c, up := h.SignUpAs(t, email)
	org := c.createOrganization(t, "Media types")
	newcomer := h.Email()
	for _, route := range []struct {
		method, path string
		body         any
	}{
		{http.MethodPost, "/sign-up", credentials(newcomer, Password)},
		{http.MethodPost, "/sign-in", credentials(email, Password)},
		{http.MethodPost, "/password/change", map[string]string{"current_password": Password, "new_password": "brand-new-pass-7"}},
		{http.MethodPost, "/api-keys", map[string]string{"name": "plain"}},
		{http.MethodPost, "/organizations", map[string]string{"name": "Plain"}},
		{http.MethodPatch, "/organizations/" + org, map[string]string{"name": "Renamed"}},
		{http.MethodPost, "/organizations/current", map[string]string{"organization_id": org}},
		{http.MethodPatch, "/organizations/" + org + "/members/" + up.User.ID, map[string]string{"role": "owner"}},
		{http.MethodPost, "/organizations/" + org + "/invites", map[string]string{"email": newcomer, "role": "member"}},
		{http.MethodPost, "/organizations/invites/accept", map[string]string{"token": "inv_" + strings.Repeat("0", 64)}},
		{http.MethodPost, "/email/confirm/send", map[string]string{"email": email}},
		{http.MethodPost, "/email/confirm", map[string]string{"token": strings.Repeat("0", 64)}},
		{http.MethodPost, "/password/forgot", map[string]string{"email": email}},
		{http.MethodPost, "/password/reset", map[string]string{"token": strings.Repeat("0", 64), "password": "brand-new-pass-7"}},
	} {
		raw, err := json.Marshal(route.body)
		if err != nil {
			t.Fatal(err)
		}
		for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", ""} {
			hd := http.Header{"Content-Type": {ct}}
			if ct == "" {
				hd = http.Header{"Content-Type": nil}
			}
			r := c.Do(route.method, h.Path(route.path), raw, hd)
			expectError(t, r, http.StatusUnsupportedMediaType, "unsupported_media_type")
			expectAuthHeaders(t, r)
		}
	}
	// Nothing happened: no account, no organization, no key, no mail, the
	// password unchanged.
	expectError(t, h.NewClient().Post(h.Path("/sign-in"), credentials(newcomer, Password)), http.StatusUnauthorized, "invalid_credentials")
	if ms := memberships(t, c); len(ms) != 2 {
		t.Fatalf("%d memberships, want the personal workspace and %q", len(ms), "Media types")
	}
	if n := settle(h, email, ginauth.MailPasswordReset) + settle(h, email, ginauth.MailEmailConfirm) + len(h.Mail.To(newcomer, ginauth.MailOrganizationInvite)); n != 0 {
		t.Fatalf("%d mails sent by refused requests", n)
	}
	h.NewClient().SignIn(t, email, Password)
	// With a charset parameter, JSON is accepted.
	c.Do(http.MethodPost, h.Path("/sign-in"), credentials(email, Password), http.Header{"Content-Type": {"application/json; charset=utf-8"}}).Expect(t, http.StatusOK)
}

func signUpBodyTooLarge(t *testing.T, h *Harness) {
	big := `{"email":"` + h.Email() + `","password":"` + strings.Repeat("a1", int(h.Config.MaxBodyBytes)) + `"}`
	r := h.NewClient().Post(h.Path("/sign-up"), big)
	expectError(t, r, http.StatusRequestEntityTooLarge, "body_too_large")
}

func signUpNoStoreHeaders(t *testing.T, h *Harness) {
	email := h.Email()
	c := h.NewClient()
	expectAuthHeaders(t, c.Post(h.Path("/sign-up"), credentials(email, Password)).Expect(t, http.StatusOK))
	expectAuthHeaders(t, c.Post(h.Path("/sign-up"), credentials(email, Password)).Expect(t, http.StatusConflict))
	expectAuthHeaders(t, c.Post(h.Path("/sign-in"), credentials(email, Password)).Expect(t, http.StatusOK))
	expectAuthHeaders(t, c.Get(h.Path("/me")).Expect(t, http.StatusOK))
	expectAuthHeaders(t, c.Refresh().Expect(t, http.StatusOK))
	expectAuthHeaders(t, c.Post(h.Path("/sign-out"), nil).Expect(t, http.StatusOK))
	expectAuthHeaders(t, c.Get(h.Path("/me")).Expect(t, http.StatusUnauthorized))
}

func signInNewSession(t *testing.T, h *Harness) {
	email := h.Email()
	up, upBody := h.SignUpAs(t, email)
	c := h.NewClient()
	r := c.Post(h.Path("/sign-in"), credentials(email, Password)).Expect(t, http.StatusOK)
	var in AuthResponse
	r.Decode(t, &in)
	if in.User.ID != upBody.User.ID || in.User.Email != email || in.Organization.ID != upBody.Organization.ID ||
		in.Organization.Role != "owner" || in.AuthRole != "authenticated" {
		t.Fatalf("sign-in body %+v does not match the account %+v", in, upBody)
	}
	if r.SetCookie(h.accessName()) == nil || r.SetCookie(h.refreshName()) == nil {
		t.Fatal("sign-in must set both cookies")
	}
	if c.claim(t, "sid") == up.claim(t, "sid") {
		t.Fatal("sign-in reused the sign-up session; it must create a new one")
	}
	if c.RefreshToken() == up.RefreshToken() {
		t.Fatal("sign-in returned the refresh token of another session")
	}
	if n := len(c.sessions(t)); n != 2 {
		t.Fatalf("%d active sessions after sign-up and sign-in, want 2", n)
	}
}

func signInSameFailure(t *testing.T, h *Harness) {
	email := h.Email()
	h.SignUpAs(t, email)
	wrong := h.NewClient().Post(h.Path("/sign-in"), credentials(email, "wrong-password-1"))
	unknown := h.NewClient().Post(h.Path("/sign-in"), credentials(h.Email(), "wrong-password-1"))
	expectError(t, wrong, http.StatusUnauthorized, "invalid_credentials")
	expectError(t, unknown, http.StatusUnauthorized, "invalid_credentials")
	if !bytes.Equal(wrong.Body, unknown.Body) {
		t.Fatalf("wrong password and unknown email answer differently:\n%s\n%s", wrong.Body, unknown.Body)
	}
	for _, r := range []*Response{wrong, unknown} {
		if len(r.Cookies) > 0 && !cookieCleared(r.SetCookie(h.accessName())) {
			t.Fatalf("failed sign-in sets cookies: %v", r.Cookies)
		}
	}
}

func signInNormalizesEmail(t *testing.T, h *Harness) {
	email := h.Email()
	_, up := h.SignUpAs(t, email)
	in := h.NewClient().SignIn(t, "  "+strings.ToUpper(email)+"  ", Password)
	if in.User.ID != up.User.ID || in.User.Email != email {
		t.Fatalf("sign-in with another spelling: %+v, want user %s", in.User, up.User.ID)
	}
}

// signInNoPolicy: the password policy applies to new passwords only; a
// sign-in with a password that breaks it is just a wrong password.
func signInNoPolicy(t *testing.T, h *Harness) {
	email := h.Email()
	h.SignUpAs(t, email)
	for _, pw := range []string{"x", strings.Repeat("a1", 100)} {
		expectError(t, h.NewClient().Post(h.Path("/sign-in"), credentials(email, pw)), http.StatusUnauthorized, "invalid_credentials")
	}
}

func signInKeepsOthers(t *testing.T, h *Harness) {
	email := h.Email()
	a, _ := h.SignUpAs(t, email)
	b, _ := h.SignInNew(t, email)
	c, _ := h.SignInNew(t, email)
	for _, cl := range []*Client{a, b, c} {
		cl.Refresh().Expect(t, http.StatusOK)
		cl.whoami(t)
	}
	if n := len(a.sessions(t)); n != 3 {
		t.Fatalf("%d active sessions, want 3", n)
	}
}

func signInSingleSession(t *testing.T, h *Harness) {
	email := h.Email()
	a, _ := h.SignUpAs(t, email)
	other, _ := h.SignUp(t) // another user's session is not touched
	oldA := a.RefreshToken()
	b, _ := h.SignInNew(t, email)
	h.expectRefreshFails(t, oldA)
	expectError(t, a.Get(h.Path("/sessions")), http.StatusUnauthorized, "invalid_token")
	b.Refresh().Expect(t, http.StatusOK)
	list := b.sessions(t)
	if len(list) != 1 || !list[0].Current {
		t.Fatalf("sessions after a single-session sign-in: %+v, want only the current one", list)
	}
	other.Refresh().Expect(t, http.StatusOK)
}

func meFresh(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	r := c.Get(h.Path("/me")).Expect(t, http.StatusOK)
	var me AuthResponse
	r.Decode(t, &me)
	if me != up {
		t.Fatalf("me %+v, want %+v", me, up)
	}
	w := c.whoami(t)
	if w.UserID != up.User.ID || w.Email != up.User.Email || w.OrganizationID != up.Organization.ID || w.OrganizationRole != "owner" {
		t.Fatalf("whoami %+v does not match %+v", w, up)
	}
}

func meRequiresCredentials(t *testing.T, h *Harness) {
	expectError(t, h.NewClient().Get(h.Path("/me")), http.StatusUnauthorized, "invalid_token")
	// A refresh cookie alone is no credential for /me.
	c, _ := h.SignUp(t)
	expectError(t, h.withRefresh(c.RefreshToken()).Get(h.Path("/me")), http.StatusUnauthorized, "invalid_token")
}

// meActiveOrgFromStore: /me reads the user and active organization from
// the store, so another device's switch shows there before any refresh.
func meActiveOrgFromStore(t *testing.T, h *Harness) {
	email := h.Email()
	a, up := h.SignUpAs(t, email)
	b, _ := h.SignInNew(t, email)
	org := a.createOrganization(t, "Acme")
	a.switchOrganization(t, org)
	var me AuthResponse
	b.Get(h.Path("/me")).Expect(t, http.StatusOK).Decode(t, &me)
	if me.User.ID != up.User.ID || me.Organization.ID != org || me.Organization.Kind != "shared" || me.Organization.Role != "owner" || me.Organization.Name != "Acme" {
		t.Fatalf("me after another device switched: %+v, want shared org %s", me.Organization, org)
	}
}

func changePassword(c *Client, current, next string) *Response {
	return c.Post(c.h.Path("/password/change"), map[string]string{"current_password": current, "new_password": next})
}

func passwordChangeWrongCurrent(t *testing.T, h *Harness) {
	email := h.Email()
	c, _ := h.SignUpAs(t, email)
	other, _ := h.SignInNew(t, email)
	expectError(t, changePassword(c, "wrong-password-1", "brand-new-pass-7"), http.StatusUnauthorized, "invalid_credentials")
	// Nothing changed: the old password works, the other session lives.
	h.NewClient().SignIn(t, email, Password)
	other.Refresh().Expect(t, http.StatusOK)
	c.Refresh().Expect(t, http.StatusOK)
}

func passwordChangeWeak(t *testing.T, h *Harness) {
	email := h.Email()
	c, _ := h.SignUpAs(t, email)
	for _, pw := range []string{"short1", "nodigitsatall", "1234567890", "a1" + strings.Repeat("b", 127)} {
		expectError(t, changePassword(c, Password, pw), http.StatusBadRequest, "weak_password")
	}
	h.NewClient().SignIn(t, email, Password)
}

func passwordChangeInvalidRequest(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	for name, body := range map[string]any{
		"empty body":    "",
		"malformed":     `{"current_password":`,
		"unknown field": map[string]string{"current_password": Password, "new_password": "brand-new-pass-7", "email": "x@example.com"},
		"missing new":   map[string]string{"current_password": Password},
	} {
		r := c.Post(h.Path("/password/change"), body)
		if r.Status != http.StatusBadRequest || r.Code() != "invalid_request" {
			t.Errorf("%s: %d %s, want 400 invalid_request", name, r.Status, r.Body)
		}
	}
}

func passwordChangeRevokesOthers(t *testing.T, h *Harness) {
	email := h.Email()
	a, _ := h.SignUpAs(t, email)
	b, _ := h.SignInNew(t, email)
	c, _ := h.SignInNew(t, email)
	stranger, _ := h.SignUp(t)
	bRefresh, cRefresh := b.RefreshToken(), c.RefreshToken()
	changePassword(a, Password, "brand-new-pass-7").Expect(t, http.StatusOK)
	h.expectRefreshFails(t, bRefresh)
	h.expectRefreshFails(t, cRefresh)
	// The current session survives, with its access token and its refresh.
	a.whoami(t)
	a.Refresh().Expect(t, http.StatusOK)
	list := a.sessions(t)
	if len(list) != 1 || !list[0].Current {
		t.Fatalf("sessions after password change: %+v, want only the current one", list)
	}
	stranger.Refresh().Expect(t, http.StatusOK)
}

func passwordChangeOldPassword(t *testing.T, h *Harness) {
	email := h.Email()
	a, _ := h.SignUpAs(t, email)
	changePassword(a, Password, "brand-new-pass-7").Expect(t, http.StatusOK)
	expectError(t, h.NewClient().Post(h.Path("/sign-in"), credentials(email, Password)), http.StatusUnauthorized, "invalid_credentials")
	h.NewClient().SignIn(t, email, "brand-new-pass-7")
	// The old password is no longer the current one either.
	expectError(t, changePassword(a, Password, "third-password-3"), http.StatusUnauthorized, "invalid_credentials")
	changePassword(a, "brand-new-pass-7", "third-password-3").Expect(t, http.StatusOK)
	h.NewClient().SignIn(t, email, "third-password-3")
}

func passwordChangeRequiresCredentials(t *testing.T, h *Harness) {
	expectError(t, changePassword(h.NewClient(), Password, "brand-new-pass-7"), http.StatusUnauthorized, "invalid_token")
}

func signUpArgon2id(t *testing.T, h *Harness) {
	email := h.Email()
	h.SignUpAs(t, email)
	u, err := h.Backend.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("UserByEmail: %v", err)
	}
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=64,t=1,p=1$") || strings.Contains(u.PasswordHash, Password) {
		t.Fatalf("stored password hash %q, want an argon2id PHC string with the configured parameters", u.PasswordHash)
	}
	// Salted: the same password hashes differently for another user.
	other := h.Email()
	h.SignUpAs(t, other)
	v, err := h.Backend.UserByEmail(context.Background(), other)
	if err != nil {
		t.Fatalf("UserByEmail: %v", err)
	}
	if v.PasswordHash == u.PasswordHash {
		t.Fatal("two users with one password have the same hash: no salt")
	}
}

// signInUpgradesHash: a sign-in against a hash made with weaker parameters
// than the configured ones rehashes the password, without ending sessions.
func signInUpgradesHash(t *testing.T, h *Harness) {
	email := h.Email()
	old, _ := h.SignUpAs(t, email)
	stronger := NewHarness(t, h.Backend, func(c *ginauth.Config) {
		c.Secret = h.Config.Secret
		c.Argon2 = ginauth.Argon2Params{Memory: 128, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true}
	})
	stronger.NewClient().SignIn(t, email, Password)
	u, err := h.Backend.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("UserByEmail: %v", err)
	}
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=128,t=2,p=1$") {
		t.Fatalf("hash after sign-in with stronger parameters: %q, want m=128,t=2", u.PasswordHash)
	}
	// The upgraded hash verifies, and the upgrade ended no session.
	stronger.NewClient().SignIn(t, email, Password)
	expectError(t, stronger.NewClient().Post(stronger.Path("/sign-in"), credentials(email, "wrong-password-1")), http.StatusUnauthorized, "invalid_credentials")
	old.Refresh().Expect(t, http.StatusOK)
}
