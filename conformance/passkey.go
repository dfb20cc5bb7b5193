package conformance

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/webauthntest"
	"github.com/fastauth/fastauth/mfa"
	"github.com/fastauth/fastauth/passkeys"
)

// PasskeyBackend is a backend that also stores passkeys (package
// passkeys); the passkey scenarios run on such backends only, with the
// second factor's storage too.
type PasskeyBackend interface {
	Passkeys() passkeys.Store
}

// passkeyOrigin is the web origin the scenarios' software authenticator
// reports; the relying party is localhost.
const passkeyOrigin = "http://localhost:8080"

// passkeyScenarios are the rules of the passkeys module: registration,
// list, rename, delete, the discoverable sign-in, the passkey as the
// second factor after a password, the ceremonies' life, the counter, bad
// input and the race for one ceremony.
func passkeyScenarios() []scenario {
	return []scenario{
		{name: "RegisterListRenameDelete", setup: withPasskeys, run: passkeyManage},
		{name: "SignIn", setup: withPasskeys, run: passkeySignIn},
		{name: "SecondFactor", setup: withPasskeys, run: passkeySecondFactor},
		{name: "WithTOTP", setup: withPasskeys, run: passkeyWithTOTP},
		{name: "Ceremonies", setup: withPasskeys, run: passkeyCeremonies},
		{name: "RefusedAssertions", setup: withPasskeys, run: passkeyRefused},
		{name: "BadInput", setup: withPasskeys, run: passkeyBadInput},
		{name: "Race/OneCeremony", setup: withPasskeys, run: passkeyRaceCeremony},
	}
}

// withPasskeys mounts the mfa module and the passkeys module joined to
// it, on the backend's storage, migrated.
func withPasskeys(t *testing.T, b ginauth.Backend, c *ginauth.Config) {
	t.Helper()
	pb, ok := b.(PasskeyBackend)
	if !ok {
		t.Skipf("backend %T has no passkey storage (Passkeys() passkeys.Store)", b)
	}
	withMFA(t, b, c)
	second, ok := c.Modules[len(c.Modules)-1].(*mfa.Module)
	if !ok {
		t.Fatalf("withMFA added %T", c.Modules[len(c.Modules)-1])
	}
	st := pb.Passkeys()
	if err := st.Migrate(t.Context()); err != nil {
		t.Fatalf("Passkeys().Migrate: %v", err)
	}
	cfg := passkeys.Config{RPID: "localhost", RPDisplayName: "Conformance", Origins: []string{passkeyOrigin}}
	c.Modules = append(c.Modules, passkeys.NewModule(cfg, st, second))
}

// passkeyView is a passkey as the routes show it.
type passkeyView struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	BackedUp   bool       `json:"backed_up"`
}

// passkeyOptions is the answer of an options route.
type passkeyOptions struct {
	CeremonyID string          `json:"ceremony_id"`
	Options    json.RawMessage `json:"options"`
}

// newAuthenticator is a software authenticator on passkeyOrigin.
func newAuthenticator() *webauthntest.Authenticator {
	return webauthntest.New(webauthntest.Config{Origin: passkeyOrigin, BackupEligible: true, BackedUp: true})
}

// options posts to an options route and returns its answer.
func (h *Harness) passkeyOptions(t *testing.T, c *Client, path string, body any) passkeyOptions {
	t.Helper()
	var o passkeyOptions
	c.Post(h.Path(path), body).Expect(t, http.StatusOK).Decode(t, &o)
	if len(o.CeremonyID) != 43 || !strings.Contains(string(o.Options), `"publicKey"`) {
		t.Fatalf("%s answered %+v", path, o)
	}
	return o
}

// create answers creation options with a, failing t on error.
func create(t *testing.T, a *webauthntest.Authenticator, o passkeyOptions, opts ...webauthntest.Option) json.RawMessage {
	t.Helper()
	cred, err := a.Create(o.Options, opts...)
	if err != nil {
		t.Fatalf("authenticator Create: %v", err)
	}
	return cred
}

// get answers request options with a, failing t on error.
func get(t *testing.T, a *webauthntest.Authenticator, o passkeyOptions, opts ...webauthntest.Option) json.RawMessage {
	t.Helper()
	cred, err := a.Get(o.Options, opts...)
	if err != nil {
		t.Fatalf("authenticator Get: %v", err)
	}
	return cred
}

// registerPasskey registers a passkey of a on c's account under name.
func (h *Harness) registerPasskey(t *testing.T, c *Client, a *webauthntest.Authenticator, name string) passkeyView {
	t.Helper()
	o := h.passkeyOptions(t, c, "/passkeys/register/options", nil)
	var p passkeyView
	c.Post(h.Path("/passkeys/register"), map[string]any{"ceremony_id": o.CeremonyID, "name": name, "credential": create(t, a, o)}).
		Expect(t, http.StatusCreated).Decode(t, &p)
	expectUUIDv7(t, "passkey id", p.ID)
	return p
}

// passkeySignIn signs in with a on a new client and returns the answer.
func (h *Harness) passkeySignInWith(t *testing.T, a *webauthntest.Authenticator, opts ...webauthntest.Option) (*Client, *Response) {
	t.Helper()
	c := h.NewClient()
	o := h.passkeyOptions(t, c, "/passkeys/sign-in/options", nil)
	return c, c.Post(h.Path("/passkeys/sign-in"), map[string]any{"ceremony_id": o.CeremonyID, "credential": get(t, a, o, opts...)})
}

// listPasskeys is GET /passkeys asserting 200.
func (h *Harness) listPasskeys(t *testing.T, c *Client) []passkeyView {
	t.Helper()
	var out []passkeyView
	c.Get(h.Path("/passkeys")).Expect(t, http.StatusOK).Decode(t, &out)
	return out
}

// passkeyManage: registration (201, default and chosen names, excluded
// credentials), the list, GET /mfa's count, rename, and delete (aal 2
// once the account has a second factor; registering another passkey too),
// with events and security notices.
func passkeyManage(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	if got := h.listPasskeys(t, c); len(got) != 0 {
		t.Fatalf("a new account lists %v", got)
	}
	a := newAuthenticator()
	o := h.passkeyOptions(t, c, "/passkeys/register/options", nil)
	for _, member := range []string{`"residentKey":"required"`, `"userVerification":"required"`, `"rp":{"name":"Conformance","id":"localhost"}`} {
		if !strings.Contains(string(o.Options), member) {
			t.Fatalf("creation options lack %s: %s", member, o.Options)
		}
	}
	if strings.Contains(string(o.Options), up.User.ID) || strings.Contains(string(o.Options), `"id":"`+up.User.Email) {
		t.Fatalf("creation options reveal the account in the user handle: %s", o.Options)
	}
	var p passkeyView
	c.Post(h.Path("/passkeys/register"), map[string]any{"ceremony_id": o.CeremonyID, "credential": create(t, a, o)}).
		Expect(t, http.StatusCreated).Decode(t, &p)
	if p.Name != "Passkey" || !p.BackedUp || p.LastUsedAt != nil || !p.CreatedAt.Equal(h.Clock.Now()) {
		t.Fatalf("registered %+v", p)
	}
	list := h.listPasskeys(t, c)
	if len(list) != 1 || list[0].ID != p.ID {
		t.Fatalf("list %+v, want [%s]", list, p.ID)
	}
	var st mfaStatus
	c.Get(h.Path("/mfa")).Expect(t, http.StatusOK).Decode(t, &st)
	if st != (mfaStatus{Passkeys: 1}) {
		t.Fatalf("GET /mfa %+v, want 1 passkey", st)
	}
	h.Mail.WaitFor(t, up.User.Email, mfa.KindSecurityNotice, 1)

	// The account now has a second factor: the aal 1 session of the
	// sign-up can neither add nor delete a passkey.
	c.Post(h.Path("/passkeys/register/options"), nil).Expect(t, http.StatusForbidden, "mfa_step_up_required")
	c.Delete(h.Path("/passkeys/"+p.ID)).Expect(t, http.StatusForbidden, "mfa_step_up_required")
	// Rename needs no step-up.
	var renamed passkeyView
	c.Patch(h.Path("/passkeys/"+p.ID), map[string]string{"name": "  Laptop  "}).Expect(t, http.StatusOK).Decode(t, &renamed)
	if renamed.Name != "Laptop" || renamed.ID != p.ID {
		t.Fatalf("renamed %+v", renamed)
	}
	for _, bad := range []string{"", "   ", strings.Repeat("x", 65), "a\x00b", "a\u202eb"} {
		c.Patch(h.Path("/passkeys/"+p.ID), map[string]string{"name": bad}).Expect(t, http.StatusBadRequest, "invalid_request")
	}
	c.Patch(h.Path("/passkeys/0193b1a2-7c4d-7e8f-9a0b-1c2d3e4f5a6b"), map[string]string{"name": "x"}).Expect(t, http.StatusNotFound, "passkey_not_found")

	// A passkey sign-in is aal 2: it may add another passkey (not one of
	// the same authenticator: excluded) and delete.
	strong, r := h.passkeySignInWith(t, a)
	r.Expect(t, http.StatusOK)
	o = h.passkeyOptions(t, strong, "/passkeys/register/options", nil)
	if !strings.Contains(string(o.Options), `"excludeCredentials":[{`) {
		t.Fatalf("creation options do not exclude the account's passkey: %s", o.Options)
	}
	if _, err := a.Create(o.Options); err == nil {
		t.Fatal("the authenticator holding an excluded credential made another")
	}
	second := h.registerPasskey(t, strong, newAuthenticator(), "Phone")
	if second.Name != "Phone" {
		t.Fatalf("second passkey %+v", second)
	}
	list = h.listPasskeys(t, strong)
	if len(list) != 2 || list[0].ID != p.ID || list[1].ID != second.ID || list[0].LastUsedAt == nil {
		t.Fatalf("list %+v, want [%s (used), %s]", list, p.ID, second.ID)
	}
	var deleted passkeyView
	strong.Delete(h.Path("/passkeys/"+p.ID)).Expect(t, http.StatusOK).Decode(t, &deleted)
	if deleted.ID != p.ID || deleted.Name != "Laptop" {
		t.Fatalf("deleted %+v", deleted)
	}
	strong.Delete(h.Path("/passkeys/"+p.ID)).Expect(t, http.StatusNotFound, "passkey_not_found")
	// Another account cannot touch it.
	other, _ := h.SignUp(t)
	other.Patch(h.Path("/passkeys/"+second.ID), map[string]string{"name": "mine"}).Expect(t, http.StatusNotFound, "passkey_not_found")
	other.Delete(h.Path("/passkeys/"+second.ID)).Expect(t, http.StatusNotFound, "passkey_not_found")
	// The deleted passkey no longer signs in.
	_, r = h.passkeySignInWith(t, a)
	r.Expect(t, http.StatusUnauthorized, "invalid_credentials")
	// added, added, removed.
	m := h.Mail.WaitFor(t, up.User.Email, mfa.KindSecurityNotice, 3)
	if !strings.Contains(m.Subject+m.Text, "Passkey removed") {
		t.Fatalf("last notice %q: want Passkey removed", m.Subject)
	}
}

// passkeySignIn: a discoverable sign-in (options without
// allowCredentials) starts a session at aal 2 with amr [passkey], admitted
// by RequireAAL(2), with a refresh cookie; the counter and last use are
// recorded.
func passkeySignIn(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	a := newAuthenticator()
	h.registerPasskey(t, c, a, "Laptop")
	h.Clock.Advance(time.Minute)
	o := h.passkeyOptions(t, h.NewClient(), "/passkeys/sign-in/options", nil)
	if strings.Contains(string(o.Options), "allowCredentials") || !strings.Contains(string(o.Options), `"userVerification":"required"`) {
		t.Fatalf("sign-in options: want no allowCredentials and user verification: %s", o.Options)
	}
	s, r := h.passkeySignInWith(t, a)
	r.Expect(t, http.StatusOK)
	expectAuthHeaders(t, r)
	var out AuthResponse
	r.Decode(t, &out)
	if out.User.ID != up.User.ID {
		t.Fatalf("signed in %s, want %s", out.User.ID, up.User.ID)
	}
	expectSession(t, "passkey sign-in", r, 2, "passkey")
	expectAssuranceClaims(t, "token after passkey sign-in", s, 2, h.Clock.Now(), "passkey")
	s.Get("/api/aal2").Expect(t, http.StatusOK)
	if s.RefreshToken() == "" {
		t.Fatal("passkey sign-in set no refresh cookie")
	}
	expectSession(t, "refresh", s.Refresh().Expect(t, http.StatusOK), 2, "passkey")
	list := h.listPasskeys(t, s)
	if len(list) != 1 || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(h.Clock.Now()) {
		t.Fatalf("list after sign-in %+v: want last_used_at now", list)
	}
	if got := a.Credentials()[0].SignCount; got != 1 {
		t.Fatalf("authenticator counter %d, want 1", got)
	}
}

// passkeySecondFactor: a password sign-in of an account with a passkey
// answers 403 mfa_required with methods [passkey]; the passkey options of
// the mfa_token list the account's passkey; /mfa/verify with ceremony_id
// and credential signs in at aal 2 with amr [password, passkey]; the
// mfa_token is single use; a refused assertion counts against it; an
// account without passkey gets 400 mfa_method_unavailable.
func passkeySecondFactor(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	a := newAuthenticator()
	h.registerPasskey(t, c, a, "Laptop")
	pw, ch := h.challenge(t, up.User.Email)
	if !slices.Equal(ch.Methods, []string{"passkey"}) {
		t.Fatalf("methods %q, want [passkey]", ch.Methods)
	}
	o := h.passkeyOptions(t, pw, "/mfa/passkey/options", map[string]string{"mfa_token": ch.MFAToken})
	if !strings.Contains(string(o.Options), `"allowCredentials":[{`) {
		t.Fatalf("second-factor options list no passkey: %s", o.Options)
	}
	verify := func(c *Client, token string, o passkeyOptions, cred json.RawMessage) *Response {
		return c.Post(h.Path("/mfa/verify"), map[string]any{"mfa_token": token, "ceremony_id": o.CeremonyID, "credential": cred})
	}
	// A refused assertion (another key's signature) costs the ceremony.
	verify(pw, ch.MFAToken, o, get(t, a, o, webauthntest.WithWrongSignature())).Expect(t, http.StatusUnauthorized, "invalid_credentials")
	verify(pw, ch.MFAToken, o, get(t, a, o)).Expect(t, http.StatusBadRequest, "invalid_ceremony")
	// Another account's passkey is not this account's second factor.
	oc, _ := h.SignUp(t)
	stranger := newAuthenticator()
	h.registerPasskey(t, oc, stranger, "Other")
	o = h.passkeyOptions(t, pw, "/mfa/passkey/options", map[string]string{"mfa_token": ch.MFAToken})
	if _, err := stranger.Get(o.Options); err == nil {
		t.Fatal("an authenticator without the account's passkey answered its options")
	}
	sOpts := h.passkeyOptions(t, pw, "/passkeys/sign-in/options", nil)
	verify(pw, ch.MFAToken, o, get(t, stranger, sOpts)).Expect(t, http.StatusUnauthorized, "invalid_credentials")
	o = h.passkeyOptions(t, pw, "/mfa/passkey/options", map[string]string{"mfa_token": ch.MFAToken})
	r := verify(pw, ch.MFAToken, o, get(t, a, o)).Expect(t, http.StatusOK)
	expectSession(t, "verify with a passkey", r, 2, "password", "passkey")
	expectAssuranceClaims(t, "token after verify", pw, 2, h.Clock.Now(), "password", "passkey")
	pw.Get("/api/aal2").Expect(t, http.StatusOK)
	// Single use.
	o = h.passkeyOptions(t, h.NewClient(), "/passkeys/sign-in/options", nil)
	h.NewClient().Post(h.Path("/mfa/passkey/options"), map[string]string{"mfa_token": ch.MFAToken}).Expect(t, http.StatusUnauthorized, "mfa_token_invalid")
	verify(h.NewClient(), ch.MFAToken, o, get(t, a, o)).Expect(t, http.StatusUnauthorized, "mfa_token_invalid")
	h.NewClient().Post(h.Path("/mfa/passkey/options"), map[string]string{"mfa_token": "mfa_x"}).Expect(t, http.StatusUnauthorized, "mfa_token_invalid")
	// Code and ceremony together are refused.
	_, ch = h.challenge(t, up.User.Email)
	o = h.passkeyOptions(t, h.NewClient(), "/mfa/passkey/options", map[string]string{"mfa_token": ch.MFAToken})
	h.NewClient().Post(h.Path("/mfa/verify"), map[string]any{"mfa_token": ch.MFAToken, "code": "123456", "ceremony_id": o.CeremonyID, "credential": get(t, a, o)}).
		Expect(t, http.StatusBadRequest, "invalid_request")

	// Five refused passkeys kill an mfa_token, as five wrong codes do;
	// malformed credentials and used ceremonies are not counted.
	_, ch = h.challenge(t, up.User.Email)
	for range 3 {
		o = h.passkeyOptions(t, h.NewClient(), "/mfa/passkey/options", map[string]string{"mfa_token": ch.MFAToken})
		verify(h.NewClient(), ch.MFAToken, o, json.RawMessage(`{"id":"AA"}`)).Expect(t, http.StatusBadRequest, "invalid_request")
	}
	for range 5 {
		o = h.passkeyOptions(t, h.NewClient(), "/mfa/passkey/options", map[string]string{"mfa_token": ch.MFAToken})
		verify(h.NewClient(), ch.MFAToken, o, get(t, a, o, webauthntest.WithWrongSignature())).Expect(t, http.StatusUnauthorized, "invalid_credentials")
	}
	h.NewClient().Post(h.Path("/mfa/passkey/options"), map[string]string{"mfa_token": ch.MFAToken}).Expect(t, http.StatusUnauthorized, "mfa_token_invalid")

	// An account with TOTP only has no passkey to ask for.
	u := h.enableTOTP(t)
	_, ch = h.challenge(t, u.email)
	h.NewClient().Post(h.Path("/mfa/passkey/options"), map[string]string{"mfa_token": ch.MFAToken}).Expect(t, http.StatusBadRequest, "mfa_method_unavailable")
}

// passkeyCeremonies: a ceremony is single use, lives 5 minutes (by the
// server's clock), and finishes only the ceremony it was begun for and
// (registration) the account it was begun by.
func passkeyCeremonies(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	a := newAuthenticator()
	// Expiry: 5 minutes less a second works, 5 minutes does not.
	o := h.passkeyOptions(t, c, "/passkeys/register/options", nil)
	h.Clock.Advance(5 * time.Minute)
	c.Post(h.Path("/passkeys/register"), map[string]any{"ceremony_id": o.CeremonyID, "credential": create(t, a, o)}).Expect(t, http.StatusBadRequest, "invalid_ceremony")
	// Bound to its account.
	o = h.passkeyOptions(t, c, "/passkeys/register/options", nil)
	other, _ := h.SignUp(t)
	other.Post(h.Path("/passkeys/register"), map[string]any{"ceremony_id": o.CeremonyID, "credential": create(t, newAuthenticator(), o)}).Expect(t, http.StatusBadRequest, "invalid_ceremony")
	o = h.passkeyOptions(t, c, "/passkeys/register/options", nil)
	h.Clock.Advance(5*time.Minute - time.Second)
	c.Post(h.Path("/passkeys/register"), map[string]any{"ceremony_id": o.CeremonyID, "credential": create(t, a, o)}).Expect(t, http.StatusCreated)

	s := h.NewClient()
	o = h.passkeyOptions(t, s, "/passkeys/sign-in/options", nil)
	h.Clock.Advance(5 * time.Minute)
	s.Post(h.Path("/passkeys/sign-in"), map[string]any{"ceremony_id": o.CeremonyID, "credential": get(t, a, o)}).Expect(t, http.StatusBadRequest, "invalid_ceremony")
	o = h.passkeyOptions(t, s, "/passkeys/sign-in/options", nil)
	assertion := get(t, a, o)
	s.Post(h.Path("/passkeys/sign-in"), map[string]any{"ceremony_id": o.CeremonyID, "credential": assertion}).Expect(t, http.StatusOK)
	h.NewClient().Post(h.Path("/passkeys/sign-in"), map[string]any{"ceremony_id": o.CeremonyID, "credential": assertion}).Expect(t, http.StatusBadRequest, "invalid_ceremony")
	// A registration is single use too (s is an aal 2 session).
	o = h.passkeyOptions(t, s, "/passkeys/register/options", nil)
	cred := create(t, newAuthenticator(), o)
	s.Post(h.Path("/passkeys/register"), map[string]any{"ceremony_id": o.CeremonyID, "credential": cred}).Expect(t, http.StatusCreated)
	s.Post(h.Path("/passkeys/register"), map[string]any{"ceremony_id": o.CeremonyID, "credential": cred}).Expect(t, http.StatusBadRequest, "invalid_ceremony")

	// Wrong ceremony type: a sign-in ceremony does not register, a
	// registration ceremony does not sign in, and neither is a second
	// factor.
	o = h.passkeyOptions(t, s, "/passkeys/sign-in/options", nil)
	s.Post(h.Path("/passkeys/register"), map[string]any{"ceremony_id": o.CeremonyID, "credential": create(t, newAuthenticator(), passkeyOptions{Options: creationLike(t, h, s)})}).
		Expect(t, http.StatusBadRequest, "invalid_ceremony")
	reg := h.passkeyOptions(t, s, "/passkeys/register/options", nil)
	signIn := h.passkeyOptions(t, h.NewClient(), "/passkeys/sign-in/options", nil)
	h.NewClient().Post(h.Path("/passkeys/sign-in"), map[string]any{"ceremony_id": reg.CeremonyID, "credential": get(t, a, signIn)}).Expect(t, http.StatusBadRequest, "invalid_ceremony")
	_, ch := h.challenge(t, h.userEmail(t, s))
	signIn = h.passkeyOptions(t, h.NewClient(), "/passkeys/sign-in/options", nil)
	h.NewClient().Post(h.Path("/mfa/verify"), map[string]any{"mfa_token": ch.MFAToken, "ceremony_id": signIn.CeremonyID, "credential": get(t, a, signIn)}).
		Expect(t, http.StatusBadRequest, "invalid_ceremony")
	// Unknown and malformed ids.
	for _, id := range []string{"", "x", strings.Repeat("A", 43), strings.Repeat("!", 43)} {
		o = h.passkeyOptions(t, h.NewClient(), "/passkeys/sign-in/options", nil)
		h.NewClient().Post(h.Path("/passkeys/sign-in"), map[string]any{"ceremony_id": id, "credential": get(t, a, o)}).Expect(t, http.StatusBadRequest, "invalid_ceremony")
	}
}

// creationLike returns fresh creation options of c's account (c is a
// strong session), for building a well-formed registration response.
func creationLike(t *testing.T, h *Harness, c *Client) json.RawMessage {
	t.Helper()
	return h.passkeyOptions(t, c, "/passkeys/register/options", nil).Options
}

// userEmail is the email of c's account.
func (h *Harness) userEmail(t *testing.T, c *Client) string {
	t.Helper()
	return c.whoami(t).Email
}

// passkeyRefused: a counter that goes backwards, an unknown credential,
// another origin or RP ID, no user verification, a bad signature, another
// user handle: 401 invalid_credentials, nothing recorded; a registration
// from another origin or without user verification: 400 passkey_rejected.
func passkeyRefused(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	a := newAuthenticator()
	for _, opt := range []webauthntest.Option{
		webauthntest.WithOrigin("http://localhost:9999"), webauthntest.WithRPID("example.com"), webauthntest.WithoutUserVerification(),
	} {
		o := h.passkeyOptions(t, c, "/passkeys/register/options", nil)
		c.Post(h.Path("/passkeys/register"), map[string]any{"ceremony_id": o.CeremonyID, "credential": create(t, newAuthenticator(), o, opt)}).
			Expect(t, http.StatusBadRequest, "passkey_rejected")
	}
	h.registerPasskey(t, c, a, "Laptop")
	_, r := h.passkeySignInWith(t, a) // counter 1
	r.Expect(t, http.StatusOK)
	for name, opt := range map[string]webauthntest.Option{
		"counter backwards":  webauthntest.WithSignCount(1),
		"unknown credential": webauthntest.WithUnknownCredential(),
		"other origin":       webauthntest.WithOrigin("http://localhost:9999"),
		"other RP ID":        webauthntest.WithRPID("example.com"),
		"no verification":    webauthntest.WithoutUserVerification(),
		"wrong signature":    webauthntest.WithWrongSignature(),
		"tampered challenge": webauthntest.WithTamperedChallenge(),
		"other user handle":  webauthntest.WithUserHandle(make([]byte, 32)),
	} {
		s, r := h.passkeySignInWith(t, a, opt)
		r.Expect(t, http.StatusUnauthorized, "invalid_credentials")
		if s.AccessToken() != "" || len(r.Cookies) != 0 {
			t.Fatalf("%s: a refused passkey set cookies", name)
		}
	}
	// A counter of 0 (an authenticator without one) is not a regression
	// and leaves the stored counter as it is; the next value above it works.
	_, r = h.passkeySignInWith(t, a, webauthntest.WithSignCount(0))
	r.Expect(t, http.StatusOK)
	_, r = h.passkeySignInWith(t, a, webauthntest.WithSignCount(1))
	r.Expect(t, http.StatusUnauthorized, "invalid_credentials")
	_, r = h.passkeySignInWith(t, a, webauthntest.WithSignCount(7))
	r.Expect(t, http.StatusOK)
}

// passkeyBadInput: garbage credentials are 400 invalid_request (never a
// 500), unknown fields 400, oversized bodies 413, API keys 403 and
// anonymous callers 401 on the session routes.
func passkeyBadInput(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	a := newAuthenticator()
	for _, cred := range []string{
		`null`, `1`, `"x"`, `[]`, `{}`, `{"id":1}`, `{"id":"AA","rawId":"AA","type":"public-key","response":{}}`,
		`{"id":"!!","rawId":"!!","type":"public-key","response":{"clientDataJSON":"!!","attestationObject":"!!"}}`,
		`{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oWFhYWI"}}`,
		`{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}`,
	} {
		o := h.passkeyOptions(t, c, "/passkeys/register/options", nil)
		r := c.Post(h.Path("/passkeys/register"), `{"ceremony_id":"`+o.CeremonyID+`","credential":`+cred+`}`)
		if r.Status != http.StatusBadRequest {
			t.Fatalf("register with credential %s: status %d, want 400; body %s", cred, r.Status, r.Body)
		}
		s := h.passkeyOptions(t, h.NewClient(), "/passkeys/sign-in/options", nil)
		r = h.NewClient().Post(h.Path("/passkeys/sign-in"), `{"ceremony_id":"`+s.CeremonyID+`","credential":`+cred+`}`)
		if r.Status != http.StatusBadRequest && r.Status != http.StatusUnauthorized {
			t.Fatalf("sign-in with credential %s: status %d, want 400 or 401; body %s", cred, r.Status, r.Body)
		}
	}
	h.NewClient().Post(h.Path("/passkeys/sign-in"), `{"ceremony_id":"x","credential":{},"extra":1}`).Expect(t, http.StatusBadRequest, "invalid_request")
	h.NewClient().Post(h.Path("/passkeys/sign-in"), `{"ceremony_id":"x","credential":"`+strings.Repeat("A", 70<<10)+`"}`).Expect(t, http.StatusRequestEntityTooLarge)
	c.Post(h.Path("/passkeys/register"), `{"ceremony_id":"x","credential":"`+strings.Repeat("A", 70<<10)+`"}`).Expect(t, http.StatusRequestEntityTooLarge)
	h.NewClient().Do(http.MethodPost, h.Path("/passkeys/sign-in"), "ceremony_id=x", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}).Expect(t, http.StatusUnsupportedMediaType)

	p := h.registerPasskey(t, c, a, "Laptop")
	key := c.createAPIKey(t, "passkeys")
	bot := h.bearer(key.Key)
	anon := h.NewClient()
	for _, route := range []struct{ method, path string }{
		{http.MethodGet, "/passkeys"}, {http.MethodPost, "/passkeys/register/options"}, {http.MethodPost, "/passkeys/register"},
		{http.MethodPatch, "/passkeys/" + p.ID}, {http.MethodDelete, "/passkeys/" + p.ID},
	} {
		var body any
		if route.method == http.MethodPost || route.method == http.MethodPatch {
			body = map[string]string{"name": "x"}
		}
		bot.Do(route.method, h.Path(route.path), body, nil).Expect(t, http.StatusForbidden, "forbidden")
		if r := anon.Do(route.method, h.Path(route.path), body, nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("anonymous %s %s: %d, want 401", route.method, route.path, r.Status)
		}
	}
	if got := h.listPasskeys(t, c); len(got) != 1 || got[0].Name != "Laptop" {
		t.Fatalf("list after refused calls %+v", got)
	}
}

// passkeyRaceCeremony: 20 concurrent finishes of one sign-in ceremony
// with the same assertion: exactly one signs in, the others get 400
// invalid_ceremony (or 401 for a counter already recorded).
func passkeyRaceCeremony(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	a := newAuthenticator()
	h.registerPasskey(t, c, a, "Laptop")
	o := h.passkeyOptions(t, h.NewClient(), "/passkeys/sign-in/options", nil)
	body := map[string]any{"ceremony_id": o.CeremonyID, "credential": get(t, a, o)}
	var ok, refused atomic.Int32
	codes := make([]string, 20)
	concurrently(20, func(i int) {
		r := h.NewClient().Post(h.Path("/passkeys/sign-in"), body)
		switch {
		case r.Status == http.StatusOK:
			ok.Add(1)
		case r.Status == http.StatusBadRequest && r.Code() == "invalid_ceremony":
			refused.Add(1)
		default:
			codes[i] = string(r.Body)
		}
	})
	if ok.Load() != 1 || refused.Load() != 19 {
		t.Fatalf("%d signed in, %d refused, want 1 and 19; others %q", ok.Load(), refused.Load(), codes)
	}
}

// passkeyWithTOTP: an account with TOTP and a passkey is offered all three
// methods; either finishes the sign-in; turning TOTP off keeps the
// recovery codes while a passkey remains.
func passkeyWithTOTP(t *testing.T, h *Harness) {
	u := h.enableTOTP(t) // u.c is aal 2
	a := newAuthenticator()
	h.registerPasskey(t, u.c, a, "Laptop")
	c, ch := h.challenge(t, u.email)
	if !slices.Equal(ch.Methods, []string{"totp", "recovery_code", "passkey"}) {
		t.Fatalf("methods %q, want [totp recovery_code passkey]", ch.Methods)
	}
	o := h.passkeyOptions(t, c, "/mfa/passkey/options", map[string]string{"mfa_token": ch.MFAToken})
	r := c.Post(h.Path("/mfa/verify"), map[string]any{"mfa_token": ch.MFAToken, "ceremony_id": o.CeremonyID, "credential": get(t, a, o)}).Expect(t, http.StatusOK)
	expectSession(t, "verify with a passkey", r, 2, "password", "passkey")
	c, ch = h.challenge(t, u.email)
	h.verify(c, ch.MFAToken, code(t, u.secret, h.nextStep())).Expect(t, http.StatusOK)

	u.c.Post(h.Path("/mfa/totp/disable"), map[string]string{"code": code(t, u.secret, h.nextStep())}).Expect(t, http.StatusOK)
	var st mfaStatus
	u.c.Get(h.Path("/mfa")).Expect(t, http.StatusOK).Decode(t, &st)
	if st != (mfaStatus{RecoveryCodesRemaining: 10, Passkeys: 1}) {
		t.Fatalf("status after TOTP off %+v, want 10 recovery codes and 1 passkey", st)
	}
	_, ch = h.challenge(t, u.email)
	if !slices.Equal(ch.Methods, []string{"recovery_code", "passkey"}) {
		t.Fatalf("methods %q, want [recovery_code passkey]", ch.Methods)
	}
}
