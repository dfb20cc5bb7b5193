package ui_test

import (
	"context"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/mail"
	"github.com/fastauth/fastauth/mfa"
	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/sqlite"
	"github.com/fastauth/fastauth/ui"
	"github.com/fastauth/fastauth/users"
)

const password = "correct-horse-9"

// mailbox keeps the mails sent.
type mailbox struct {
	mu    sync.Mutex
	mails []mail.Mail
}

func (b *mailbox) Send(_ context.Context, m mail.Mail) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.mails = append(b.mails, m)
	return nil
}

// wait returns the last mail of kind to to, waiting for it a little.
func (b *mailbox) wait(t *testing.T, kind mail.Kind, to string) mail.Mail {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		b.mu.Lock()
		for i := len(b.mails) - 1; i >= 0; i-- {
			if m := b.mails[i]; m.Kind == kind && m.To == to {
				b.mu.Unlock()
				return m
			}
		}
		b.mu.Unlock()
	}
	t.Fatalf("no %s mail to %s", kind, to)
	return mail.Mail{}
}

type app struct {
	srv  *httptest.Server
	mail *mailbox
}

// newApp serves fastauth with the users and mfa modules and, with pages,
// the ui module, on a fresh SQLite database.
func newApp(t *testing.T, pages bool, mailLinks map[mail.Kind]string) *app {
	t.Helper()
	if !pages {
		return newAppWith(t, nil, mailLinks)
	}
	return newAppWith(t, &ui.Config{ProductName: "Acme", BrandColor: "#0f766e"}, mailLinks)
}

// newAppWith is newApp with the ui module configured by pages (nil: not
// mounted).
func newAppWith(t *testing.T, pages *ui.Config, mailLinks map[mail.Kind]string) *app {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.New(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AutoMigrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.MFA().Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	um, err := users.New(st.Users(), users.Config{})
	if err != nil {
		t.Fatal(err)
	}
	key, err := mfa.DeriveKey([]byte("ui-test-secret-ui-test-secret-32+"))
	if err != nil {
		t.Fatal(err)
	}
	mods := []ginauth.Module{um, mfa.NewModule(mfa.Config{Issuer: "test", Key: key}, st.MFA())}
	if pages != nil {
		mods = append(mods, ui.New(*pages))
	}
	box := &mailbox{}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	a := &app{mail: box}
	a.srv = httptest.NewUnstartedServer(r)
	auth, err := ginauth.Register(r, ginauth.Config{
		Secret:     []byte("ui-test-secret-ui-test-secret-32+"),
		Cookie:     ginauth.CookieConfig{Insecure: true},
		Argon2:     ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		Mailer:     box,
		AppBaseURL: "https://app.example",
		MailLinks:  mailLinks,
		Modules:    mods,
	}, st)
	if err != nil {
		t.Fatal(err)
	}
	a.srv.Start()
	t.Cleanup(func() {
		a.srv.Close()
		_ = auth.Close()
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})
	return a
}

// browser is a client with cookies that does not follow redirects and
// sends the headers of a same-origin form post.
func (a *app) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (a *app) get(t *testing.T, c *http.Client, path string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(a.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// post sends a plain form post; site is the Sec-Fetch-Site a browser
// would send.
func (a *app) post(t *testing.T, c *http.Client, path string, form url.Values, site string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", site)
	if site == "cross-site" {
		req.Header.Set("Origin", "https://evil.example")
	} else {
		req.Header.Set("Origin", a.srv.URL)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// signUp signs a new browser up through the sign-up page.
func (a *app) signUp(t *testing.T, email string) *http.Client {
	t.Helper()
	c := a.browser(t)
	res, body := a.post(t, c, "/auth/ui/sign-up", url.Values{"email": {email}, "password": {password}}, "same-origin")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/auth/ui/account" {
		t.Fatalf("sign-up: %d %s %s", res.StatusCode, res.Header.Get("Location"), body)
	}
	return c
}

func checkPage(t *testing.T, res *http.Response, body string) {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q, want text/html", ct)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, "onclick=") {
		t.Errorf("inline script or style in the page")
	}
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "<h1>") {
		t.Errorf("page without lang or heading")
	}
}

func TestEveryPageIsHTMLWithCSP(t *testing.T) {
	t.Parallel()
	a := newApp(t, true, nil)
	c := a.signUp(t, "pages@example.com")
	res, body := a.post(t, c, "/auth/ui/organizations", url.Values{"name": {"Acme"}}, "same-origin")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create organization: %d %s", res.StatusCode, body)
	}
	org := strings.SplitN(res.Header.Get("Location"), "?", 2)[0]
	anon := a.browser(t)
	for _, tc := range []struct {
		name   string
		client *http.Client
		path   string
	}{
		{"sign-in", anon, "/auth/ui/sign-in"},
		{"sign-up", anon, "/auth/ui/sign-up"},
		{"forgot-password", anon, "/auth/ui/forgot-password"},
		{"reset-password", anon, "/auth/ui/reset-password?token=x"},
		{"confirm-email", anon, "/auth/ui/confirm-email?token=x"},
		{"accept-invite signed out", anon, "/auth/ui/accept-invite?token=x"},
		{"accept-invite signed in", c, "/auth/ui/accept-invite?token=x"},
		{"account", c, "/auth/ui/account"},
		{"organizations", c, "/auth/ui/organizations"},
		{"organization", c, org},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := a.get(t, tc.client, tc.path)
			checkPage(t, res, body)
		})
	}
	// Assets: the stylesheet with the brand colour, the SDK bundle.
	res, body = a.get(t, anon, "/auth/ui/assets/theme.css")
	if res.StatusCode != 200 || !strings.Contains(body, "--brand:#0f766e") {
		t.Errorf("theme.css: %d %q", res.StatusCode, body)
	}
	for _, p := range []string{"ui.js", "ui.css", "fastauth-sdk.js"} {
		if res, _ := a.get(t, anon, "/auth/ui/assets/"+p); res.StatusCode != 200 {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
	if res, _ := a.get(t, anon, "/auth/ui/assets/../module.go"); res.StatusCode == 200 {
		t.Errorf("asset path escapes the assets")
	}
	// Signed out, the account page sends to the sign-in page.
	res, _ = a.get(t, anon, "/auth/ui/account")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/auth/ui/sign-in?next=") {
		t.Errorf("account signed out: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestTemplatesEscapeUserInput(t *testing.T) {
	t.Parallel()
	a := newApp(t, true, nil)
	c := a.signUp(t, "escape@example.com")
	name := `<script>alert("x")</script>`
	res, body := a.post(t, c, "/auth/ui/account/profile", url.Values{"name": {name}}, "same-origin")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile: %d %s", res.StatusCode, body)
	}
	res, body = a.get(t, c, "/auth/ui/account")
	checkPage(t, res, body)
	if strings.Contains(body, name) {
		t.Fatalf("the name reached the page unescaped")
	}
	if !strings.Contains(body, `<span id="profile-name">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</span>`) {
		t.Errorf("the name does not show as text")
	}
	// An organization name too.
	res, _ = a.post(t, c, "/auth/ui/organizations", url.Values{"name": {`<img src=x onerror=alert(1)>`}}, "same-origin")
	_, body = a.get(t, c, strings.SplitN(res.Header.Get("Location"), "?", 2)[0])
	if strings.Contains(body, "<img src=x") {
		t.Errorf("organization name unescaped")
	}
	// A notice is a catalog key, never text from the URL.
	_, body = a.get(t, c, "/auth/ui/account?notice=%3Cb%3Ehi%3C/b%3E")
	if strings.Contains(body, "<b>hi") || strings.Contains(body, `id="notice"`) {
		t.Errorf("notice from the query shown")
	}
}

func TestPlainFormPostsFollowTheCSRFRules(t *testing.T) {
	t.Parallel()
	a := newApp(t, true, nil)
	c := a.signUp(t, "csrf@example.com")
	for _, tc := range []struct {
		name, site string
		want       int
	}{
		{"cross-site refused", "cross-site", http.StatusForbidden},
		{"same-origin accepted", "same-origin", http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := a.post(t, c, "/auth/ui/account/profile", url.Values{"name": {tc.name}}, tc.site)
			if res.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.want, body)
			}
			_, page := a.get(t, c, "/auth/ui/account")
			if got := strings.Contains(page, tc.name); got != (tc.want == http.StatusSeeOther) {
				t.Errorf("profile changed = %v", got)
			}
		})
	}
	// Forms without a session are guarded alike (no login CSRF, no mail
	// sent on another site's behalf).
	anon := a.browser(t)
	for _, path := range []string{"/auth/ui/sign-in", "/auth/ui/sign-up", "/auth/ui/forgot-password"} {
		form := url.Values{"email": {"csrf@example.com"}, "password": {password}}
		if res, body := a.post(t, anon, path, form, "cross-site"); res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site %s: %d %s", path, res.StatusCode, body)
		}
	}
	// A cross-site sign-out does not end the session.
	if res, _ := a.post(t, c, "/auth/ui/sign-out", nil, "cross-site"); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site sign-out: %d", res.StatusCode)
	}
	if res, _ := a.get(t, c, "/auth/ui/account"); res.StatusCode != 200 {
		t.Errorf("signed out by a cross-site post")
	}
}

func TestErrorsShowNextToTheField(t *testing.T) {
	t.Parallel()
	a := newApp(t, true, nil)
	a.signUp(t, "taken@example.com")
	c := a.browser(t)
	for _, tc := range []struct {
		name, path string
		form       url.Values
		status     int
		field      string
	}{
		{"wrong password", "/auth/ui/sign-in", url.Values{"email": {"taken@example.com"}, "password": {"wrong-pass-1"}}, 401, "password"},
		{"taken address", "/auth/ui/sign-up", url.Values{"email": {"taken@example.com"}, "password": {password}}, 409, "email"},
		{"bad address", "/auth/ui/sign-up", url.Values{"email": {"nope"}, "password": {password}}, 400, "email"},
		{"weak password", "/auth/ui/sign-up", url.Values{"email": {"new@example.com"}, "password": {"short"}}, 400, "password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := a.post(t, c, tc.path, tc.form, "same-origin")
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			i := strings.Index(body, `id="`+tc.field+`-error" data-error-for="`+tc.field+`">`)
			if i < 0 || strings.HasPrefix(body[i+len(`id="`+tc.field+`-error" data-error-for="`+tc.field+`">`):], "<") {
				t.Errorf("no message next to %s", tc.field)
			}
		})
	}
}

func TestMailLinksPointToThePages(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		pages bool
		links map[mail.Kind]string
		reset string
		conf  string
	}{
		{"ui pages", true, map[mail.Kind]string{mail.KindPasswordReset: "https://front.example/reset"},
			"https://app.example/auth/ui/reset-password?token=", "https://app.example/auth/ui/confirm-email?token="},
		{"application front end", false, map[mail.Kind]string{mail.KindPasswordReset: "https://front.example/reset?from=mail"},
			"https://front.example/reset?from=mail&token=", "https://app.example/auth/email/confirm?token="},
		{"defaults", false, nil, "https://app.example/reset-password?token=", "https://app.example/auth/email/confirm?token="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, tc.pages, tc.links)
			c := a.browser(t)
			addr := "links@example.com"
			req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/auth/sign-up", strings.NewReader(`{"email":"`+addr+`","password":"`+password+`"}`))
			req.Header.Set("Content-Type", "application/json")
			if res, err := c.Do(req); err != nil || res.StatusCode != 200 {
				t.Fatalf("sign-up: %v %v", res, err)
			}
			for _, step := range []struct {
				path string
				kind mail.Kind
				want string
			}{
				{"/auth/password/forgot", mail.KindPasswordReset, tc.reset},
				{"/auth/email/confirm/send", mail.KindEmailConfirm, tc.conf},
			} {
				req, _ := http.NewRequest(http.MethodPost, a.srv.URL+step.path, strings.NewReader(`{"email":"`+addr+`"}`))
				req.Header.Set("Content-Type", "application/json")
				if res, err := c.Do(req); err != nil || res.StatusCode != 200 {
					t.Fatalf("%s: %v %v", step.path, res, err)
				}
				m := a.mail.wait(t, step.kind, addr)
				if !strings.HasPrefix(m.Link, step.want) || !strings.HasSuffix(m.Link, url.QueryEscape(m.Token)) {
					t.Errorf("%s link %q, want %q + token", step.kind, m.Link, step.want)
				}
			}
		})
	}
}

func TestConfirmAndResetActOnAButtonNotOnGET(t *testing.T) {
	t.Parallel()
	a := newApp(t, true, nil)
	c := a.signUp(t, "button@example.com")
	a.post(t, c, "/auth/ui/forgot-password", url.Values{"email": {"button@example.com"}}, "same-origin")
	m := a.mail.wait(t, mail.KindPasswordReset, "button@example.com")
	link, _ := url.Parse(m.Link)
	anon := a.browser(t)
	// Opening the link (twice, as a mail scanner would) changes nothing.
	for range 2 {
		res, body := a.get(t, anon, link.RequestURI())
		checkPage(t, res, body)
		if !strings.Contains(body, `name="token" value="`+m.Token+`"`) {
			t.Fatalf("the page does not carry the token")
		}
	}
	res, body := a.post(t, anon, "/auth/ui/reset-password", url.Values{"token": {m.Token}, "password": {"another-pass-7"}}, "same-origin")
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "notice=reset.done") {
		t.Fatalf("reset: %d %s", res.StatusCode, body)
	}
	// The token was still good after the GETs, and is used up now.
	res, _ = a.post(t, anon, "/auth/ui/reset-password", url.Values{"token": {m.Token}, "password": {"another-pass-8"}}, "same-origin")
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("second reset: %d, want 401", res.StatusCode)
	}
	res, body = a.post(t, anon, "/auth/ui/sign-in", url.Values{"email": {"button@example.com"}, "password": {"another-pass-7"}}, "same-origin")
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-in with the new password: %d %s", res.StatusCode, body)
	}
}

// TestSignInOffersProviders: the sign-in page links each configured
// provider's start route with a redirect_to back to itself; back from the
// provider, a signed-in browser goes on to next, and a refusal shows the
// catalog's message for the auth_error code, never the code as it came.
func TestSignInOffersProviders(t *testing.T) {
	t.Parallel()
	a := newAppWith(t, &ui.Config{Providers: []string{"google", "acme-sso"}}, nil)
	anon := a.browser(t)

	res, body := a.get(t, anon, "/auth/ui/sign-in?next=/auth/ui/organizations%3Ftab%3D1")
	checkPage(t, res, body)
	back := "/auth/ui/sign-in?" + url.Values{"via": {"provider"}, "next": {"/auth/ui/organizations?tab=1"}}.Encode()
	for _, name := range []string{"google", "acme-sso"} {
		want := "/auth/oauth/" + name + "/start?" + url.Values{"redirect_to": {back}}.Encode()
		if !strings.Contains(body, `href="`+template.HTMLEscapeString(want)+`"`) {
			t.Errorf("sign-in page: no link %q for %s in\n%s", want, name, body)
		}
	}
	for _, tc := range []struct{ code, want string }{
		{"account_exists", "An account with this address exists"},
		{"account_disabled", "This account is disabled."},
		{"<script>alert(1)</script>", "Signing in with the provider did not work."},
		{"server_error", "Signing in with the provider did not work."},
	} {
		res, body := a.get(t, anon, "/auth/ui/sign-in?via=provider&auth_error="+url.QueryEscape(tc.code))
		checkPage(t, res, body)
		if !strings.Contains(body, tc.want) {
			t.Errorf("auth_error=%s: page lacks %q", tc.code, tc.want)
		}
		if strings.Contains(body, "<script>alert") {
			t.Errorf("auth_error=%s: the code shows unescaped", tc.code)
		}
	}

	signedIn := a.signUp(t, "provider@example.com")
	res, _ = a.get(t, signedIn, "/auth/ui/sign-in?via=provider&next=/auth/ui/organizations")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/auth/ui/organizations" {
		t.Errorf("back from a provider, signed in: %d to %q, want 303 to /auth/ui/organizations", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = a.get(t, signedIn, "/auth/ui/sign-in?via=provider&next=https://evil.example/")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/auth/ui/account" {
		t.Errorf("back from a provider with a foreign next: %d to %q, want 303 to the account page", res.StatusCode, res.Header.Get("Location"))
	}
	res, body = a.get(t, signedIn, "/auth/ui/sign-in")
	checkPage(t, res, body)
}
