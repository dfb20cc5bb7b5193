package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/mail"
	"github.com/fastauth/fastauth/mfa"
)

// find returns the first group of re in body, failing without one.
func find(t *testing.T, re, body string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in the page", re)
	}
	return m[1]
}

// Without scripts: TOTP on, sign-in with the second factor, an
// organization, an invite accepted by a second browser, one-time API key.
func TestPlainFormFlow(t *testing.T) {
	t.Parallel()
	a := newApp(t, true, nil)
	c := a.signUp(t, "owner@example.com")

	res, body := a.post(t, c, "/auth/ui/account/totp-setup", nil, "same-origin")
	checkPage(t, res, body)
	secret := find(t, `id="totp-secret">([A-Z2-7]+)<`, body)
	if !strings.Contains(body, `src="data:image/png;base64,`) {
		t.Errorf("no QR code")
	}
	code, err := mfa.TOTPCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	res, body = a.post(t, c, "/auth/ui/account/totp-enable", url.Values{"code": {code}}, "same-origin")
	checkPage(t, res, body)
	if n := strings.Count(find(t, `(?s)<ul id="recovery-codes">(.*?)</ul>`, body), "<li>"); n != 10 {
		t.Errorf("%d recovery codes shown, want 10", n)
	}
	if res, _ := a.post(t, c, "/auth/ui/sign-out", nil, "same-origin"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", res.StatusCode)
	}
	if res, _ := a.get(t, c, "/auth/ui/account"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("still signed in after sign-out")
	}

	res, body = a.post(t, c, "/auth/ui/sign-in", url.Values{"email": {"owner@example.com"}, "password": {password}}, "same-origin")
	checkPage(t, res, body)
	token := find(t, `name="mfa_token" value="([^"]+)"`, body)
	res, _ = a.post(t, c, "/auth/ui/mfa-verify", url.Values{"mfa_token": {token}, "code": {"000000"}}, "same-origin")
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong code: %d, want 401", res.StatusCode)
	}
	code, _ = mfa.TOTPCode(secret, time.Now().Add(30*time.Second))
	res, body = a.post(t, c, "/auth/ui/mfa-verify", url.Values{"mfa_token": {token}, "code": {code}}, "same-origin")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/auth/ui/account" {
		t.Fatalf("verify: %d %s", res.StatusCode, body)
	}

	res, body = a.post(t, c, "/auth/ui/account/api-key-create", url.Values{"name": {"ci"}}, "same-origin")
	checkPage(t, res, body)
	key := find(t, `id="api-key-secret">(sk-[0-9a-f]{64})<`, body)
	if _, body = a.get(t, c, "/auth/ui/account"); strings.Contains(body, key) {
		t.Errorf("the key shows again")
	}

	res, _ = a.post(t, c, "/auth/ui/organizations", url.Values{"name": {"Acme"}}, "same-origin")
	org := strings.SplitN(res.Header.Get("Location"), "?", 2)[0]
	res, body = a.post(t, c, org+"/invite", url.Values{"email": {"member@example.com"}, "role": {"admin"}}, "same-origin")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: %d %s", res.StatusCode, body)
	}
	invite := a.mail.wait(t, mail.KindOrganizationInvite, "member@example.com")
	link, _ := url.Parse(invite.Link)
	if link.Path != "/auth/ui/accept-invite" {
		t.Fatalf("invite link %s", invite.Link)
	}

	other := a.signUp(t, "member@example.com")
	res, body = a.get(t, other, link.RequestURI())
	checkPage(t, res, body)
	res, body = a.post(t, other, "/auth/ui/accept-invite", url.Values{"token": {invite.Token}}, "same-origin")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), org) {
		t.Fatalf("accept: %d %s %s", res.StatusCode, res.Header.Get("Location"), body)
	}
	_, body = a.get(t, c, org)
	if !strings.Contains(body, `<tr data-email="member@example.com"><td>member@example.com</td><td>admin</td>`) {
		t.Errorf("the member is not on the owner's page")
	}
}
