package conformance

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/oidctest"
	"github.com/fastauth/fastauth/mfa"
	"github.com/fastauth/fastauth/social"
)

// SocialBackend is a backend that also stores linked identities (package
// social); the social sign-in scenarios run on such backends only.
type SocialBackend interface {
	Identities() social.Store
}

// socialScenarios are the rules of the social sign-in module (package
// social) against an OpenID Connect provider running in process: the
// flow's checks, the linking rules, link and unlink, and the second
// factor.
func socialScenarios() []scenario {
	confirmation := func(c *ginauth.Config) { c.RequireEmailConfirmation = true }
	return []scenario{
		{name: "NewAccount", setup: withSocial, run: socialNewAccount},
		{name: "StateAndCookie", setup: withSocial, run: socialStateAndCookie},
		{name: "PKCE", setup: withSocial, run: socialPKCE},
		{name: "IDTokenChecks", setup: withSocial, run: socialIDTokenChecks},
		{name: "PreRegisteredAddress", setup: withSocial, run: socialPreRegistered},
		{name: "UnverifiedEmail", setup: withSocial, run: socialUnverified},
		{name: "LinksConfirmedAccount", config: confirmation, setup: withSocial, run: socialLinksConfirmed},
		{name: "LinkAndUnlink", setup: withSocial, run: socialLinkUnlink},
		{name: "BadInput", setup: withSocial, run: socialBadInput},
		{name: "SecondFactor", setup: withSocialMFA, run: socialSecondFactor},
		{name: "SecondFactorNotHandedOver", setup: withSocialMFAUnwired, run: socialSecondFactor},
		{name: "ProviderDownThenUp", setup: withSocial, run: socialProviderDown},
		{name: "GitHubPreset", setup: withSocial, run: socialGitHub},
	}
}

// socialWorld is the module as mounted by withSocial, with its providers:
// two configured providers ("idp" and "idp2") on the one in-process
// OpenID Connect provider, and "github" on a GitHub fake.
type socialWorld struct {
	*social.Module
	idp *oidctest.Provider
	gh  *oidctest.GitHub
}

// socialOrigin is the application's origin the providers return to:
// AppBaseURL, whose callback path the test browser replays on the harness.
const socialOrigin = "http://app.example"

// withSocial mounts the social module on the backend's identity storage,
// migrated, with a provider in process.
func withSocial(t *testing.T, b ginauth.Backend, c *ginauth.Config) {
	t.Helper()
	mountSocial(t, b, c, nil)
}

// withSocialMFA mounts the mfa module and the social module with it as
// the second factor.
func withSocialMFA(t *testing.T, b ginauth.Backend, c *ginauth.Config) {
	t.Helper()
	withMFA(t, b, c)
	m, _ := c.Modules[len(c.Modules)-1].(*mfa.Module)
	mountSocial(t, b, c, m)
}

// withSocialMFAUnwired mounts the mfa module and the social module
// without handing it the mfa module: the account's second factor must
// still be asked for (the Host's second factor), never skipped.
func withSocialMFAUnwired(t *testing.T, b ginauth.Backend, c *ginauth.Config) {
	t.Helper()
	withMFA(t, b, c)
	mountSocial(t, b, c, nil)
}

func mountSocial(t *testing.T, b ginauth.Backend, c *ginauth.Config, second social.SecondFactor) {
	t.Helper()
	sb, ok := b.(SocialBackend)
	if !ok {
		t.Skipf("backend %T has no identity storage (Identities() social.Store)", b)
	}
	st := sb.Identities()
	if err := st.Migrate(t.Context()); err != nil {
		t.Fatalf("Identities().Migrate: %v", err)
	}
	idp := oidctest.Start(t, oidctest.Config{Algorithm: oidctest.ES256, Now: c.Now})
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	pc := func(name string) social.ProviderConfig {
		return social.ProviderConfig{Name: name, Issuer: idp.Issuer(), ClientID: idp.ClientID(), ClientSecret: idp.ClientSecret()}
	}
	gh := oidctest.StartGitHub(t, oidctest.GitHubConfig{Now: c.Now})
	ghc := social.GitHub(gh.ClientID(), gh.ClientSecret())
	ghc.AuthURL, ghc.TokenURL, ghc.APIURL = gh.Endpoint().AuthURL, gh.Endpoint().TokenURL, gh.URL()
	mod := social.NewModule(social.ModuleConfig{
		Config: social.Config{
			Providers:      []social.ProviderConfig{pc("idp"), pc("idp2"), ghc},
			FlowKey:        key,
			TrustedOrigins: []string{socialOrigin},
		},
		SecondFactor: second,
	}, st)
	c.Modules = append(c.Modules, socialWorld{Module: mod, idp: idp, gh: gh})
}

// social returns the world withSocial mounted.
func (h *Harness) social(t *testing.T) socialWorld {
	t.Helper()
	for _, m := range h.Config.Modules {
		if w, ok := m.(socialWorld); ok {
			return w
		}
	}
	t.Fatal("the social module is not mounted")
	return socialWorld{}
}

// person is who the provider signs in next: a new subject with a new
// address of the harness.
func (h *Harness) person(verified bool) oidctest.User {
	e := h.Email()
	return oidctest.User{Subject: "sub-" + e, Email: e, EmailVerified: verified}
}

// oauthStart starts a flow of provider on c and returns the provider's
// authorization URL.
func (h *Harness) oauthStart(t *testing.T, c *Client, provider, query string) string {
	t.Helper()
	r := c.Get(h.Path("/oauth/"+provider+"/start")+query).Expect(t, http.StatusFound)
	loc := r.Header.Get("Location")
	w := h.social(t)
	at := w.idp.Issuer()
	if provider == "github" {
		at = w.gh.URL()
	}
	if !strings.HasPrefix(loc, at) {
		t.Fatalf("start redirected to %q, not to the provider", loc)
	}
	ck := r.SetCookie(social.FlowCookieName)
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.MaxAge <= 0 || ck.MaxAge > 3600 {
		t.Fatalf("flow cookie %v: want HttpOnly, SameSite=Lax, short-lived", ck)
	}
	return loc
}

// atProvider is the browser at the provider's authorization URL: the
// provider signs its user in and redirects to the callback, whose query
// it returns.
func (h *Harness) atProvider(t *testing.T, authURL string) string {
	t.Helper()
	nc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := nc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %s", resp.Status)
	}
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Scheme+"://"+back.Host != socialOrigin ||
		!strings.HasPrefix(back.Path, h.Path("/oauth/")) || !strings.HasSuffix(back.Path, "/callback") {
		t.Fatalf("the provider redirected to %v", resp.Header.Get("Location"))
	}
	return back.RawQuery
}

// oauth runs a whole flow of provider on c (start with query, provider,
// callback) and returns the callback's answer.
func (h *Harness) oauth(t *testing.T, c *Client, provider, query string) *Response {
	t.Helper()
	q := h.atProvider(t, h.oauthStart(t, c, provider, query))
	return c.Get(h.Path("/oauth/"+provider+"/callback") + "?" + q)
}

// expectAuthError asserts a callback's failure: 302 to target with
// auth_error=code and no session cookie.
func (h *Harness) expectAuthError(t *testing.T, r *Response, target, code string) {
	t.Helper()
	r.Expect(t, http.StatusFound)
	loc, err := url.Parse(r.Header.Get("Location"))
	if err != nil || loc.Path != target || loc.Query().Get("auth_error") != code {
		t.Fatalf("callback redirected to %q, want %s?auth_error=%s", r.Header.Get("Location"), target, code)
	}
	if ck := r.SetCookie(h.accessName()); ck != nil && !cookieCleared(ck) {
		t.Fatalf("a failed callback set the access cookie")
	}
	if ck := r.SetCookie(h.refreshName()); ck != nil && !cookieCleared(ck) {
		t.Fatalf("a failed callback set the refresh cookie")
	}
}

// expectSignedIn asserts a successful callback: 302 to target with both
// cookies, and returns whoami.
func (h *Harness) expectSignedIn(t *testing.T, c *Client, r *Response, target string) Whoami {
	t.Helper()
	r.Expect(t, http.StatusFound)
	if got := r.Header.Get("Location"); got != target {
		t.Fatalf("callback redirected to %q, want %q", got, target)
	}
	if r.SetCookie(h.accessName()) == nil || r.SetCookie(h.refreshName()) == nil {
		t.Fatalf("callback set cookies %v, want access and refresh", r.Cookies)
	}
	if ck := r.SetCookie(social.FlowCookieName); ck == nil || !cookieCleared(ck) {
		t.Fatal("the callback did not clear the flow cookie")
	}
	return c.whoami(t)
}

// identitiesOf lists c's identities.
func (h *Harness) identitiesOf(t *testing.T, c *Client) []social.IdentityResponse {
	t.Helper()
	var out []social.IdentityResponse
	c.Get(h.Path("/identities")).Expect(t, http.StatusOK).Decode(t, &out)
	return out
}

// socialNewAccount: a new person gets an account without password (its
// address confirmed, its personal workspace, the events of a sign-up, a
// link and an oauth sign-in); the second sign-in finds it; a password
// sign-in answers as a wrong password until the reset flow sets one.
func socialNewAccount(t *testing.T, h *Harness) {
	w := h.social(t)
	var log eventLog
	h.Auth.Subscribe(log.record)
	who := h.person(true)
	w.idp.SetUser(who)
	c := h.NewClient()
	me := h.expectSignedIn(t, c, h.oauth(t, c, "idp", "?redirect_to=/home"), "/home")
	if me.Email != who.Email || me.OrganizationID == "" || me.OrganizationRole != "owner" {
		t.Fatalf("whoami %+v, want %s in a personal workspace as owner", me, who.Email)
	}
	var sess AuthResponse
	c.Get(h.Path("/session")).Expect(t, http.StatusOK).Decode(t, &sess)
	if sess.User.EmailConfirmedAt == nil || sess.Organization.Kind != "personal" {
		t.Fatalf("session %+v: want a confirmed address and a personal workspace", sess)
	}
	ids := h.identitiesOf(t, c)
	if len(ids) != 1 || ids[0].Provider != "idp" || ids[0].Subject != who.Subject || ids[0].Email != who.Email || ids[0].ID == "" {
		t.Fatalf("identities %+v", ids)
	}
	types := map[string]int{}
	for _, e := range log.all() {
		types[e.Type]++
		if e.Type == fastauth.EventUserSignedIn && e.Data["method"] != fastauth.MethodOAuth {
			t.Fatalf("user.signed_in with method %v, want oauth", e.Data["method"])
		}
		if e.Type == social.EventIdentityLinked && (e.Data["provider"] != "idp" || e.Target.ID != me.UserID) {
			t.Fatalf("identity.linked %+v", e)
		}
	}
	for _, typ := range []string{fastauth.EventUserSignedUp, social.EventIdentityLinked, fastauth.EventUserSignedIn} {
		if types[typ] != 1 {
			t.Fatalf("events %v: want one %s", types, typ)
		}
	}
	// The second sign-in finds the account.
	c2 := h.NewClient()
	if again := h.expectSignedIn(t, c2, h.oauth(t, c2, "idp", ""), "/"); again.UserID != me.UserID {
		t.Fatalf("second sign-in as %s, want %s", again.UserID, me.UserID)
	}
	// No password: a password sign-in is a wrong password, whatever it is.
	for _, pw := range []string{"", Password, "x"} {
		expectError(t, h.NewClient().Post(h.Path("/sign-in"), credentials(who.Email, pw)), http.StatusUnauthorized, "invalid_credentials")
	}
	// The reset flow sets one.
	h.forgot(t, who.Email)
	h.reset(h.NewClient(), h.resetMail(t, who.Email, 1), Password).Expect(t, http.StatusOK)
	if got := h.NewClient().SignIn(t, who.Email, Password); got.User.ID != me.UserID {
		t.Fatalf("password sign-in as %s, want %s", got.User.ID, me.UserID)
	}
}

// socialStateAndCookie: a callback whose state is not the flow's, one
// without the flow cookie (another browser: login CSRF) and one after the
// flow expired redirect with auth_error=invalid_state and no cookies; a
// finished flow cannot be replayed.
func socialStateAndCookie(t *testing.T, h *Harness) {
	w := h.social(t)
	w.idp.SetUser(h.person(true))
	c := h.NewClient()
	q := h.atProvider(t, h.oauthStart(t, c, "idp", "?redirect_to=/x"))
	v, _ := url.ParseQuery(q)
	forged := url.Values{"code": {v.Get("code")}, "state": {v.Get("state") + "x"}}.Encode()
	h.expectAuthError(t, c.Get(h.Path("/oauth/idp/callback?")+forged), "/x", "invalid_state")
	// The failed callback ended the flow: the right state no longer works.
	h.expectAuthError(t, c.Get(h.Path("/oauth/idp/callback?")+q), "/", "invalid_state")
	// Another browser (no flow cookie) gets nowhere with a valid code.
	c = h.NewClient()
	q = h.atProvider(t, h.oauthStart(t, c, "idp", "?redirect_to=/x"))
	h.expectAuthError(t, h.NewClient().Get(h.Path("/oauth/idp/callback?")+q), "/", "invalid_state")
	// A flow cookie of another provider does not open.
	c = h.NewClient()
	q = h.atProvider(t, h.oauthStart(t, c, "idp", ""))
	h.expectAuthError(t, c.Get(h.Path("/oauth/idp2/callback?")+q), "/", "invalid_state")
	// An expired flow.
	c = h.NewClient()
	q = h.atProvider(t, h.oauthStart(t, c, "idp", "?redirect_to=/x"))
	h.Clock.Advance(social.DefaultFlowTTL + 1)
	h.expectAuthError(t, c.Get(h.Path("/oauth/idp/callback?")+q), "/", "invalid_state")
	// The provider's error response, with the flow's state.
	c = h.NewClient()
	w.idp.SetKnobs(oidctest.Knobs{AuthorizeError: "access_denied"})
	h.expectAuthError(t, h.oauth(t, c, "idp", "?redirect_to=/x"), "/x", "access_denied")
}

// socialPKCE: a code issued for one flow's PKCE challenge does not
// exchange under another flow's verifier, even with that flow's state.
func socialPKCE(t *testing.T, h *Harness) {
	w := h.social(t)
	w.idp.SetUser(h.person(true))
	c := h.NewClient()
	first := h.atProvider(t, h.oauthStart(t, c, "idp", ""))
	second := h.atProvider(t, h.oauthStart(t, c, "idp", "?redirect_to=/y")) // replaces the flow cookie
	v1, _ := url.ParseQuery(first)
	v2, _ := url.ParseQuery(second)
	if !strings.Contains(w.idp.LastAuthorizeRequest().Get("code_challenge_method"), "S256") {
		t.Fatalf("authorize request %v: want a PKCE S256 challenge", w.idp.LastAuthorizeRequest())
	}
	mixed := url.Values{"code": {v1.Get("code")}, "state": {v2.Get("state")}}.Encode()
	h.expectAuthError(t, c.Get(h.Path("/oauth/idp/callback?")+mixed), "/y", "provider_error")
}

// socialIDTokenChecks: an ID token with another audience, another issuer,
// past its expiry, signed by a key not in the JWKS or with another nonce
// signs nobody in.
func socialIDTokenChecks(t *testing.T, h *Harness) {
	w := h.social(t)
	for _, tc := range []struct {
		name  string
		knobs oidctest.Knobs
	}{
		{"audience", oidctest.Knobs{Audience: "another-client"}},
		{"issuer", oidctest.Knobs{Issuer: "https://evil.example"}},
		{"expired", oidctest.Knobs{Expired: true}},
		{"signature", oidctest.Knobs{UnknownKey: true}},
		{"nonce", oidctest.Knobs{Nonce: "another-nonce"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.idp.SetUser(h.person(true))
			w.idp.SetKnobs(tc.knobs)
			h.expectAuthError(t, h.oauth(t, h.NewClient(), "idp", "?redirect_to=/z"), "/z", "invalid_id_token")
		})
	}
	w.idp.SetKnobs(oidctest.Knobs{})
	c := h.NewClient()
	h.expectSignedIn(t, c, h.oauth(t, c, "idp", "?redirect_to=/z"), "/z")
}

// socialPreRegistered: an account registered with someone's address but
// never confirmed is not linked to the person the provider vouches for
// (auth_error=account_exists), so registering first captures nobody.
func socialPreRegistered(t *testing.T, h *Harness) {
	w := h.social(t)
	who := h.person(true)
	squatter, _ := h.SignUpAs(t, who.Email)
	w.idp.SetUser(who)
	h.expectAuthError(t, h.oauth(t, h.NewClient(), "idp", "?redirect_to=/a"), "/a", "account_exists")
	if ids := h.identitiesOf(t, squatter); len(ids) != 0 {
		t.Fatalf("the unconfirmed account got identities %+v", ids)
	}
}

// socialUnverified: an address the provider did not verify links to no
// account, not even a confirmed one; with no account it makes an account
// whose address is unconfirmed.
func socialUnverified(t *testing.T, h *Harness) {
	w := h.social(t)
	who := h.person(false)
	w.idp.SetUser(who)
	c := h.NewClient()
	h.expectSignedIn(t, c, h.oauth(t, c, "idp", ""), "/")
	var sess AuthResponse
	c.Get(h.Path("/session")).Expect(t, http.StatusOK).Decode(t, &sess)
	if sess.User.Email != who.Email || sess.User.EmailConfirmedAt != nil {
		t.Fatalf("session %+v: want %s unconfirmed", sess.User, who.Email)
	}
	// Another provider account with the same, unverified, address.
	w.idp.SetUser(oidctest.User{Subject: who.Subject + "-2", Email: who.Email, EmailVerified: false})
	h.expectAuthError(t, h.oauth(t, h.NewClient(), "idp", ""), "/", "account_exists")
}

// socialLinksConfirmed: an address the provider verified that equals an
// account's confirmed address links to that account and signs it in; while
// it was unconfirmed it did not. With confirmation required, a new account
// from an unverified address must confirm it first.
func socialLinksConfirmed(t *testing.T, h *Harness) {
	w := h.social(t)
	email, token := h.signUpUnconfirmed(t)
	w.idp.SetUser(oidctest.User{Subject: "sub-" + email, Email: email, EmailVerified: true})
	h.expectAuthError(t, h.oauth(t, h.NewClient(), "idp", ""), "/", "account_exists")
	expectConfirmed(t, h.confirmPOST(token), email)
	c := h.NewClient()
	me := h.expectSignedIn(t, c, h.oauth(t, c, "idp", "?redirect_to=/in"), "/in")
	// With confirmation required, an account made from an address the
	// provider did not verify gets the confirmation mail and no session.
	who := h.person(false)
	w.idp.SetUser(who)
	h.expectAuthError(t, h.oauth(t, h.NewClient(), "idp", "?redirect_to=/in"), "/in", "email_not_confirmed")
	expectConfirmed(t, h.confirmPOST(h.confirmMail(t, who.Email, 1)), who.Email)
	nc := h.NewClient()
	h.expectSignedIn(t, nc, h.oauth(t, nc, "idp", ""), "/")
	pw := h.NewClient()
	if got := pw.SignIn(t, email, Password); got.User.ID != me.UserID {
		t.Fatalf("the provider signed in %s, the password %s", me.UserID, got.User.ID)
	}
	if ids := h.identitiesOf(t, pw); len(ids) != 1 || ids[0].Provider != "idp" {
		t.Fatalf("identities %+v", ids)
	}
}

// socialLinkUnlink: a signed-in user links a provider account
// (?link=true) whatever its address; a provider account linked to someone
// else is refused; unlink answers the identity and emits
// identity.unlinked; the last identity of an account without password is
// kept (409 last_sign_in_method); another user's identity is 404.
func socialLinkUnlink(t *testing.T, h *Harness) {
	w := h.social(t)
	var log eventLog
	h.Auth.Subscribe(log.record)
	// A password account links a provider account with another address.
	c, up := h.SignUp(t)
	other := h.person(false)
	w.idp.SetUser(other)
	r := h.oauth(t, c, "idp", "?link=true&redirect_to=/settings").Expect(t, http.StatusFound)
	if r.Header.Get("Location") != "/settings" || r.SetCookie(h.refreshName()) != nil {
		t.Fatalf("link answered %q with cookies %v; want /settings and no new session", r.Header.Get("Location"), r.Cookies)
	}
	ids := h.identitiesOf(t, c)
	if len(ids) != 1 || ids[0].Subject != other.Subject {
		t.Fatalf("identities after link %+v", ids)
	}
	// It now signs in the password account.
	nc := h.NewClient()
	if me := h.expectSignedIn(t, nc, h.oauth(t, nc, "idp", ""), "/"); me.UserID != up.User.ID {
		t.Fatalf("the linked identity signs in %s, want %s", me.UserID, up.User.ID)
	}
	// Linking it again is a no-op; linking it to someone else is refused.
	h.oauth(t, c, "idp", "?link=true").Expect(t, http.StatusFound)
	c2, _ := h.SignUp(t)
	h.expectAuthError(t, h.oauth(t, c2, "idp", "?link=true&redirect_to=/s"), "/s", "identity_already_linked")
	// link=true needs a session.
	h.NewClient().Get(h.Path("/oauth/idp/start?link=true")).Expect(t, http.StatusUnauthorized)
	h.NewClient().Get(h.Path("/oauth/idp/start?link=yes")).Expect(t, http.StatusBadRequest, "invalid_request")
	// Another user cannot unlink it; the owner can (it has a password).
	c2.Delete(h.Path("/identities/"+ids[0].ID)).Expect(t, http.StatusNotFound, "identity_not_found")
	c.Delete(h.Path("/identities/not-a-uuid")).Expect(t, http.StatusNotFound, "identity_not_found")
	var gone social.IdentityResponse
	c.Delete(h.Path("/identities/"+ids[0].ID)).Expect(t, http.StatusOK).Decode(t, &gone)
	if gone.ID != ids[0].ID || len(h.identitiesOf(t, c)) != 0 {
		t.Fatalf("unlinked %+v", gone)
	}
	c.Delete(h.Path("/identities/"+ids[0].ID)).Expect(t, http.StatusNotFound, "identity_not_found")

	// An account without password keeps its last identity.
	solo := h.NewClient()
	w.idp.SetUser(h.person(true))
	h.expectSignedIn(t, solo, h.oauth(t, solo, "idp", ""), "/")
	h.oauth(t, solo, "idp2", "?link=true").Expect(t, http.StatusFound)
	two := h.identitiesOf(t, solo)
	if len(two) != 2 {
		t.Fatalf("identities %+v, want idp and idp2", two)
	}
	solo.Delete(h.Path("/identities/"+two[0].ID)).Expect(t, http.StatusOK)
	solo.Delete(h.Path("/identities/"+two[1].ID)).Expect(t, http.StatusConflict, "last_sign_in_method")
	var linked, unlinked int
	for _, e := range log.all() {
		switch e.Type {
		case social.EventIdentityLinked:
			linked++
		case social.EventIdentityUnlinked:
			unlinked++
		}
	}
	if linked != 3 || unlinked != 2 {
		t.Fatalf("%d identity.linked and %d identity.unlinked events, want 3 and 2", linked, unlinked)
	}
}

// socialBadInput: bad redirect_to is 400 invalid_redirect before any
// redirect; an unknown provider 404; malformed, repeated or oversized
// callback parameters 400; garbage with or without a flow never 500.
func socialBadInput(t *testing.T, h *Harness) {
	w := h.social(t)
	w.idp.SetUser(h.person(true))
	c := h.NewClient()
	for _, rt := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "http://app.example.evil/"} {
		r := c.Get(h.Path("/oauth/idp/start?redirect_to=") + url.QueryEscape(rt))
		expectError(t, r, http.StatusBadRequest, "invalid_redirect")
		if r.SetCookie(social.FlowCookieName) != nil {
			t.Fatalf("redirect_to %q set a flow cookie", rt)
		}
	}
	// A trusted origin is fine.
	h.oauthStart(t, c, "idp", "?redirect_to="+url.QueryEscape(socialOrigin+"/back"))
	c.Get(h.Path("/oauth/nope/start")).Expect(t, http.StatusNotFound, "provider_not_found")
	c.Get(h.Path("/oauth/nope/callback?code=a&state=b")).Expect(t, http.StatusNotFound, "provider_not_found")
	for _, q := range []string{"state=a&state=b&code=c", "code=%zz", manyParams(40), "code=" + strings.Repeat("a", 9000)} {
		c.Get(h.Path("/oauth/idp/callback?")+q).Expect(t, http.StatusBadRequest, "invalid_request")
	}
	for _, q := range []string{"", "code=a", "state=", "error=server_error&state=x", "code=%00&state=%ff", "iss=x&code=1&state=2"} {
		for _, cl := range []*Client{h.NewClient(), c} {
			r := cl.Get(h.Path("/oauth/idp/callback?") + q)
			if r.Status != http.StatusFound || !strings.Contains(r.Header.Get("Location"), "auth_error=") {
				t.Fatalf("callback ?%s: %d %q, want a redirect with auth_error", q, r.Status, r.Header.Get("Location"))
			}
		}
	}
}

// socialSecondFactor: an account with a second factor gets no cookie from
// the callback but redirect_to#mfa_token=..&methods=..; the token and a
// TOTP code finish the sign-in with amr [oauth, totp] at aal 2.
func socialSecondFactor(t *testing.T, h *Harness) {
	w := h.social(t)
	who := h.person(true)
	w.idp.SetUser(who)
	c := h.NewClient()
	me := h.expectSignedIn(t, c, h.oauth(t, c, "idp", ""), "/")
	secret := h.setupTOTP(t, c)
	c.Post(h.Path("/mfa/totp/enable"), map[string]string{"code": code(t, secret, h.Clock.Now())}).Expect(t, http.StatusOK)

	b := h.NewClient()
	r := h.oauth(t, b, "idp", "?redirect_to=/after").Expect(t, http.StatusFound)
	loc, err := url.Parse(r.Header.Get("Location"))
	if err != nil || loc.Path != "/after" || loc.RawQuery != "" {
		t.Fatalf("callback redirected to %q, want /after#mfa_token=..", r.Header.Get("Location"))
	}
	frag, _ := url.ParseQuery(loc.Fragment)
	token := frag.Get("mfa_token")
	if !strings.HasPrefix(token, mfa.ChallengeTokenPrefix) || !slices.Contains(strings.Split(frag.Get("methods"), ","), "totp") {
		t.Fatalf("fragment %q: want mfa_token and methods with totp", loc.Fragment)
	}
	if r.SetCookie(h.accessName()) != nil || r.SetCookie(h.refreshName()) != nil {
		t.Fatalf("the callback of an account with a second factor set cookies %v", r.Cookies)
	}
	b.Get("/api/whoami").Expect(t, http.StatusUnauthorized)
	at := h.nextStep()
	vr := h.verify(b, token, code(t, secret, at)).Expect(t, http.StatusOK)
	expectSession(t, "verify", vr, 2, "oauth", "totp")
	if got := b.whoami(t); got.UserID != me.UserID {
		t.Fatalf("verify signed in %s, want %s", got.UserID, me.UserID)
	}
}

// manyParams is a query of n distinct parameters.
func manyParams(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "p%d=1&", i)
	}
	return b.String()
}

// socialProviderDown: a provider down when its first flow starts answers
// 503 provider_unavailable (the server itself runs); discovery is retried
// once DiscoveryRetry has passed, and the provider then works.
func socialProviderDown(t *testing.T, h *Harness) {
	w := h.social(t)
	w.idp.SetUser(h.person(true))
	w.idp.SetKnobs(oidctest.Knobs{Down: true})
	c := h.NewClient()
	r := c.Get(h.Path("/oauth/idp/start"))
	expectError(t, r, http.StatusServiceUnavailable, "provider_unavailable")
	if r.SetCookie(social.FlowCookieName) != nil {
		t.Fatal("a failed start set a flow cookie")
	}
	w.idp.SetKnobs(oidctest.Knobs{})
	expectError(t, c.Get(h.Path("/oauth/idp/start")), http.StatusServiceUnavailable, "provider_unavailable") // not yet retried
	h.Clock.Advance(social.DefaultDiscoveryRetry)
	h.expectSignedIn(t, c, h.oauth(t, c, "idp", ""), "/")
	// Down after discovery: the code exchange fails, the browser returns
	// with auth_error and no cookie.
	w.idp.SetUser(h.person(true))
	b := h.NewClient()
	q := h.atProvider(t, h.oauthStart(t, b, "idp", "?redirect_to=/d"))
	w.idp.SetKnobs(oidctest.Knobs{Down: true})
	h.expectAuthError(t, b.Get(h.Path("/oauth/idp/callback?")+q), "/d", "provider_unavailable")
}

// socialGitHub: the GitHub preset (OAuth2, /user and /user/emails) signs
// a person in by the verified primary address, the account id as subject.
func socialGitHub(t *testing.T, h *Harness) {
	w := h.social(t)
	e := h.Email()
	w.gh.SetUser(oidctest.GitHubUser{ID: 4242, Login: "ada", Emails: []oidctest.GitHubEmail{
		{Email: "other-" + e, Primary: false, Verified: true},
		{Email: e, Primary: true, Verified: true},
	}})
	c := h.NewClient()
	me := h.expectSignedIn(t, c, h.oauth(t, c, "github", "?redirect_to=/gh"), "/gh")
	ids := h.identitiesOf(t, c)
	if me.Email != e || len(ids) != 1 || ids[0].Provider != "github" || ids[0].Subject != "4242" {
		t.Fatalf("signed in %+v with identities %+v, want %s and github 4242", me, ids, e)
	}
	// An unverified primary address cannot link to the confirmed account.
	w.gh.SetUser(oidctest.GitHubUser{ID: 4343, Login: "eve", Emails: []oidctest.GitHubEmail{{Email: e, Primary: true, Verified: false}}})
	h.expectAuthError(t, h.oauth(t, h.NewClient(), "github", ""), "/", "account_exists")
}
