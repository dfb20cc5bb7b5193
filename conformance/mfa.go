package conformance

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/mfa"
)

// MFABackend is a backend that also stores the second factor (package
// mfa); the MFA scenarios run on such backends only.
type MFABackend interface {
	MFA() mfa.Store
}

// mfaScenarios are the rules of the second factor's module (package mfa):
// its routes, the sign-in challenge, TOTP windows and replay, recovery
// codes, step-up, the lockout accounting, notices and races.
func mfaScenarios() []scenario {
	lockoutOnly := func(c *ginauth.Config) { c.RateLimit = ginauth.RateLimitConfig{PerIP: -1} }
	return []scenario{
		{name: "SetupEnableStatus", setup: withMFA, run: mfaSetupEnable},
		{name: "SignInChallenge", setup: withMFA, run: mfaSignInChallenge},
		{name: "TOTPWindowAndReplay", setup: withMFA, run: mfaTOTPWindow},
		{name: "ChallengeExpiry", setup: withMFA, run: mfaChallengeExpiry},
		{name: "ChallengeDeadAfterFiveWrongCodes", setup: withMFA, run: mfaChallengeDead},
		{name: "BadInput", setup: withMFA, run: mfaBadInput},
		{name: "RecoveryCodes", setup: withMFA, run: mfaRecoveryCodes},
		{name: "Disable", setup: withMFA, run: mfaDisable},
		{name: "StepUp", setup: withMFA, run: mfaStepUp},
		{name: "AccountsWithoutSecondFactor", setup: withMFA, run: mfaNoSecondFactor},
		{name: "Notices", setup: withMFA, run: mfaNotices},
		{name: "Lockout", config: lockoutOnly, setup: withMFA, run: mfaLockout},
		{name: "Race/OneTOTPCode", setup: withMFA, run: mfaRaceTOTP},
		{name: "Race/OneRecoveryCode", setup: withMFA, run: mfaRaceRecoveryCode},
	}
}

// withMFA mounts the mfa module on the backend's second-factor storage,
// migrated, with a random key.
func withMFA(t *testing.T, b ginauth.Backend, c *ginauth.Config) {
	t.Helper()
	mb, ok := b.(MFABackend)
	if !ok {
		t.Skipf("backend %T has no second-factor storage (MFA() mfa.Store)", b)
	}
	st := mb.MFA()
	if err := st.Migrate(t.Context()); err != nil {
		t.Fatalf("MFA().Migrate: %v", err)
	}
	key := make([]byte, mfa.KeySize)
	_, _ = rand.Read(key)
	c.Modules = append(c.Modules, mfa.NewModule(mfa.Config{Issuer: "Conformance", Key: key}, st))
}

// mfaStatus is the body of GET /auth/mfa.
type mfaStatus struct {
	TOTPEnabled            bool `json:"totp_enabled"`
	RecoveryCodesRemaining int  `json:"recovery_codes_remaining"`
	Passkeys               int  `json:"passkeys"`
}

// mfaRequired is the 403 body of a sign-in that needs a second factor.
type mfaRequired struct {
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	MFAToken string   `json:"mfa_token"`
	Methods  []string `json:"methods"`
}

// totpUser is an account with TOTP on: its client (aal 2 after enable),
// email, secret and recovery codes.
type totpUser struct {
	c        *Client
	email    string
	id       string
	secret   string
	recovery []string
}

// code is the TOTP code of secret at t, computed independently of the
// implementation (RFC 6238, SHA-1, 6 digits, 30 s).
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	s, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatalf("TOTP code: %v", err)
	}
	return s
}

// nextStep advances the clock to the start of the next 30-second step and
// returns the new time.
func (h *Harness) nextStep() time.Time {
	now := h.Clock.Now()
	h.Clock.Advance(now.Truncate(30 * time.Second).Add(30 * time.Second).Sub(now))
	return h.Clock.Now()
}

// setupTOTP runs the setup on c and returns its secret.
func (h *Harness) setupTOTP(t *testing.T, c *Client) string {
	t.Helper()
	var s struct {
		Secret     string `json:"secret"`
		OtpauthURL string `json:"otpauth_url"`
		QRCode     string `json:"qr_code"`
	}
	c.Post(h.Path("/mfa/totp/setup"), nil).Expect(t, http.StatusOK).Decode(t, &s)
	if !regexp.MustCompile(`^[A-Z2-7]{32}$`).MatchString(s.Secret) {
		t.Fatalf("secret %q: want 160 bits of base32 without padding", s.Secret)
	}
	if !strings.HasPrefix(s.QRCode, "data:image/png;base64,") || !strings.HasPrefix(s.OtpauthURL, "otpauth://totp/Conformance:") ||
		!strings.Contains(s.OtpauthURL, "secret="+s.Secret) || !strings.Contains(s.OtpauthURL, "algorithm=SHA1&digits=6&period=30") {
		t.Fatalf("setup answered %+v", s)
	}
	return s.Secret
}

// enableTOTP signs a new account up and turns TOTP on.
func (h *Harness) enableTOTP(t *testing.T) totpUser {
	t.Helper()
	c, up := h.SignUp(t)
	secret := h.setupTOTP(t, c)
	var rc struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	c.Post(h.Path("/mfa/totp/enable"), map[string]string{"code": code(t, secret, h.Clock.Now())}).Expect(t, http.StatusOK).Decode(t, &rc)
	if len(rc.RecoveryCodes) != 10 {
		t.Fatalf("enable gave %d recovery codes, want 10", len(rc.RecoveryCodes))
	}
	return totpUser{c: c, email: up.User.Email, id: up.User.ID, secret: secret, recovery: rc.RecoveryCodes}
}

// challenge signs u in with the password on a new client and returns the
// client and the 403 mfa_required body.
func (h *Harness) challenge(t *testing.T, email string) (*Client, mfaRequired) {
	t.Helper()
	c := h.NewClient()
	r := c.Post(h.Path("/sign-in"), credentials(email, Password)).Expect(t, http.StatusForbidden, "mfa_required")
	var body mfaRequired
	r.Decode(t, &body)
	if !regexp.MustCompile(`^mfa_[0-9a-f]{64}$`).MatchString(body.MFAToken) || body.Message == "" {
		t.Fatalf("mfa_required body %s", r.Body)
	}
	if len(r.Cookies) != 0 || c.AccessToken() != "" {
		t.Fatalf("mfa_required set cookies: %v", r.Cookies)
	}
	return c, body
}

// verify posts an mfa_token and a code.
func (h *Harness) verify(c *Client, token, code string) *Response {
	return c.Post(h.Path("/mfa/verify"), map[string]string{"mfa_token": token, "code": code})
}

// mfaSetupEnable: status, setup (shape; a second setup replaces the
// first), enable (wrong code, right code: ten codes, aal 2, fresh access
// cookie), 409 on setup while on, 400 mfa_setup_required without setup.
func mfaSetupEnable(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	var st mfaStatus
	c.Get(h.Path("/mfa")).Expect(t, http.StatusOK).Decode(t, &st)
	if st != (mfaStatus{}) {
		t.Fatalf("status of a new account %+v", st)
	}
	c.Post(h.Path("/mfa/totp/enable"), map[string]string{"code": "123456"}).Expect(t, http.StatusBadRequest, "mfa_setup_required")
	first := h.setupTOTP(t, c)
	second := h.setupTOTP(t, c)
	if first == second {
		t.Fatal("two setups gave the same secret")
	}
	now := h.Clock.Now()
	c.Post(h.Path("/mfa/totp/enable"), map[string]string{"code": code(t, first, now)}).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
	c.Get("/api/aal2").Expect(t, http.StatusForbidden, "mfa_step_up_required")
	before := c.AccessToken()
	var rc struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	c.Post(h.Path("/mfa/totp/enable"), map[string]string{"code": code(t, second, now)}).Expect(t, http.StatusOK).Decode(t, &rc)
	shape := regexp.MustCompile(`^[a-z2-7]{5}-[a-z2-7]{5}$`)
	seen := map[string]bool{}
	for _, rcode := range rc.RecoveryCodes {
		if !shape.MatchString(strings.ToLower(rcode)) || seen[rcode] {
			t.Fatalf("recovery codes %q: want 10 distinct xxxxx-xxxxx", rc.RecoveryCodes)
		}
		seen[rcode] = true
	}
	if len(rc.RecoveryCodes) != 10 || c.AccessToken() == before {
		t.Fatalf("enable: %d codes, new access cookie %v", len(rc.RecoveryCodes), c.AccessToken() != before)
	}
	expectAssuranceClaims(t, "token after enable", c, 2, now, "password", "totp")
	c.Get("/api/aal2").Expect(t, http.StatusOK)
	expectSession(t, "refresh after enable", c.Refresh().Expect(t, http.StatusOK), 2, "password", "totp")
	c.Get(h.Path("/mfa")).Expect(t, http.StatusOK).Decode(t, &st)
	if st != (mfaStatus{TOTPEnabled: true, RecoveryCodesRemaining: 10}) {
		t.Fatalf("status after enable %+v", st)
	}
	c.Post(h.Path("/mfa/totp/setup"), nil).Expect(t, http.StatusConflict, "mfa_already_enabled")
	c.Post(h.Path("/mfa/totp/enable"), map[string]string{"code": code(t, second, h.nextStep())}).Expect(t, http.StatusBadRequest, "mfa_setup_required")
}

// mfaSignInChallenge: a correct password answers 403 mfa_required without
// cookies; the right code at /mfa/verify signs in at aal 2 with amr
// [password, totp]; the mfa_token is single use; a wrong password is still
// 401 invalid_credentials.
func mfaSignInChallenge(t *testing.T, h *Harness) {
	u := h.enableTOTP(t)
	h.NewClient().Post(h.Path("/sign-in"), credentials(u.email, Password+"x")).Expect(t, http.StatusUnauthorized, "invalid_credentials")
	c, ch := h.challenge(t, u.email)
	if !slices.Equal(ch.Methods, []string{"totp", "recovery_code"}) {
		t.Fatalf("methods %q, want [totp recovery_code]", ch.Methods)
	}
	c.Get("/api/whoami").Expect(t, http.StatusUnauthorized)
	at := h.nextStep()
	r := h.verify(c, ch.MFAToken, code(t, u.secret, at)).Expect(t, http.StatusOK)
	expectAuthHeaders(t, r)
	var out AuthResponse
	r.Decode(t, &out)
	if out.User.ID != u.id {
		t.Fatalf("verify signed in %s, want %s", out.User.ID, u.id)
	}
	expectSession(t, "verify", r, 2, "password", "totp")
	expectAssuranceClaims(t, "token after verify", c, 2, at, "password", "totp")
	c.Get("/api/aal2").Expect(t, http.StatusOK)
	if c.RefreshToken() == "" {
		t.Fatal("verify set no refresh cookie")
	}
	// Single use, even with a new code.
	h.verify(h.NewClient(), ch.MFAToken, code(t, u.secret, h.nextStep())).Expect(t, http.StatusUnauthorized, "mfa_token_invalid")
	if n := len(c.sessions(t)); n != 2 {
		t.Fatalf("%d sessions, want 2 (enable's and verify's)", n)
	}
}

// mfaTOTPWindow: at a step boundary the codes of the previous and next
// steps are accepted and those two steps away are not; an accepted code
// (or an earlier step) is never accepted again.
func mfaTOTPWindow(t *testing.T, h *Harness) {
	u := h.enableTOTP(t)
	stepUp := func(at time.Time) *Response {
		return u.c.Post(h.Path("/mfa/step-up"), map[string]string{"code": code(t, u.secret, at)})
	}
	h.Clock.Advance(5 * time.Minute)
	now := h.nextStep() // the first instant of a step
	step := 30 * time.Second
	stepUp(now.Add(-2*step)).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
	stepUp(now.Add(2*step)).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
	stepUp(now.Add(-step)).Expect(t, http.StatusOK)
	stepUp(now.Add(-step)).Expect(t, http.StatusUnauthorized, "invalid_mfa_code") // replay
	stepUp(now).Expect(t, http.StatusOK)
	stepUp(now.Add(-step)).Expect(t, http.StatusUnauthorized, "invalid_mfa_code") // an earlier step
	stepUp(now.Add(step)).Expect(t, http.StatusOK)
	stepUp(now.Add(step)).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")

	// The last instant of a step: the next step's code is within the
	// window, the one after it is not.
	h.Clock.Advance(10*step - time.Millisecond)
	end := h.Clock.Now()
	stepUp(end.Add(2*step)).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
	stepUp(end.Add(step)).Expect(t, http.StatusOK)
	// A code accepted by step-up is spent for a sign-in too.
	c, ch := h.challenge(t, u.email)
	h.verify(c, ch.MFAToken, code(t, u.secret, end.Add(step))).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
}

// mfaChallengeExpiry: an mfa_token works until 5 minutes after the sign-in
// and not at 5 minutes.
func mfaChallengeExpiry(t *testing.T, h *Harness) {
	u := h.enableTOTP(t)
	c, ch := h.challenge(t, u.email)
	h.Clock.Advance(5*time.Minute - time.Second)
	h.verify(c, ch.MFAToken, code(t, u.secret, h.Clock.Now())).Expect(t, http.StatusOK)

	c, ch = h.challenge(t, u.email)
	h.Clock.Advance(5 * time.Minute)
	h.verify(c, ch.MFAToken, code(t, u.secret, h.Clock.Now())).Expect(t, http.StatusUnauthorized, "mfa_token_invalid")
	if c.AccessToken() != "" {
		t.Fatal("an expired mfa_token set cookies")
	}
}

// mfaChallengeDead: five wrong codes (401 invalid_mfa_code) kill the
// mfa_token: the right code then gets 401 mfa_token_invalid. Malformed
// codes are not counted.
func mfaChallengeDead(t *testing.T, h *Harness) {
	u := h.enableTOTP(t)
	c, ch := h.challenge(t, u.email)
	right := code(t, u.secret, h.nextStep())
	wrong := "000000"
	if right == wrong {
		wrong = "111111"
	}
	for range 3 {
		h.verify(c, ch.MFAToken, "12ab").Expect(t, http.StatusBadRequest, "invalid_request")
	}
	for i := range 5 {
		w := wrong
		if i == 4 {
			w = "aaaaa-bbbbb" // an unknown recovery code counts too
		}
		h.verify(c, ch.MFAToken, w).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
	}
	h.verify(c, ch.MFAToken, right).Expect(t, http.StatusUnauthorized, "mfa_token_invalid")
	// A new sign-in gets a live token, and the code still works.
	c, ch = h.challenge(t, u.email)
	h.verify(c, ch.MFAToken, right).Expect(t, http.StatusOK)
}

// mfaBadInput: malformed codes 400 invalid_request, malformed or unknown
// mfa_tokens 401 mfa_token_invalid, oversized bodies 413, unknown fields
// 400, API keys 403 and anonymous callers 401 on the session routes.
func mfaBadInput(t *testing.T, h *Harness) {
	u := h.enableTOTP(t)
	_, ch := h.challenge(t, u.email)
	for _, bad := range []string{"", "12345", "1234567", "abcdef", "12345a", "aaaa-bbbb", strings.Repeat("1", 100), "１２３４５６"} {
		h.verify(h.NewClient(), ch.MFAToken, bad).Expect(t, http.StatusBadRequest, "invalid_request")
		u.c.Post(h.Path("/mfa/step-up"), map[string]string{"code": bad}).Expect(t, http.StatusBadRequest, "invalid_request")
	}
	for _, tok := range []string{"", "mfa_", "mfa_" + strings.Repeat("0", 64), strings.ToUpper(ch.MFAToken), ch.MFAToken + "0"} {
		h.verify(h.NewClient(), tok, "123456").Expect(t, http.StatusUnauthorized, "mfa_token_invalid")
	}
	big := `{"mfa_token":"` + strings.Repeat("a", 70<<10) + `","code":"123456"}`
	h.NewClient().Post(h.Path("/mfa/verify"), big).Expect(t, http.StatusRequestEntityTooLarge)
	u.c.Post(h.Path("/mfa/step-up"), `{"code":"`+strings.Repeat("1", 70<<10)+`"}`).Expect(t, http.StatusRequestEntityTooLarge)
	h.NewClient().Post(h.Path("/mfa/verify"), `{"mfa_token":"x","code":"123456","extra":1}`).Expect(t, http.StatusBadRequest, "invalid_request")
	h.NewClient().Post(h.Path("/mfa/verify"), `[1,2]`).Expect(t, http.StatusBadRequest, "invalid_request")
	h.NewClient().Do(http.MethodPost, h.Path("/mfa/verify"), "mfa_token=x", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}).Expect(t, http.StatusUnsupportedMediaType)

	key := u.c.createAPIKey(t, "mfa")
	bot := h.bearer(key.Key)
	anon := h.NewClient()
	body := map[string]string{"code": code(t, u.secret, h.Clock.Now())}
	for _, route := range []struct{ method, path string }{
		{http.MethodGet, "/mfa"}, {http.MethodPost, "/mfa/totp/setup"}, {http.MethodPost, "/mfa/totp/enable"},
		{http.MethodPost, "/mfa/totp/disable"}, {http.MethodPost, "/mfa/recovery-codes"}, {http.MethodPost, "/mfa/step-up"},
	} {
		var b any
		if route.method == http.MethodPost {
			b = body
		}
		expectError(t, bot.Do(route.method, h.Path(route.path), b, nil), http.StatusForbidden, "forbidden")
		expectError(t, anon.Do(route.method, h.Path(route.path), b, nil), http.StatusUnauthorized, "invalid_token")
	}
	var st mfaStatus
	u.c.Get(h.Path("/mfa")).Expect(t, http.StatusOK).Decode(t, &st)
	if !st.TOTPEnabled || st.RecoveryCodesRemaining != 10 {
		t.Fatalf("refused requests changed the status: %+v", st)
	}
}

// mfaRecoveryCodes: a recovery code finishes a sign-in (amr [password,
// recovery_code]) once, case, dashes and spaces ignored; regeneration
// takes a TOTP code only and retires the old set.
func mfaRecoveryCodes(t *testing.T, h *Harness) {
	u := h.enableTOTP(t)
	c, ch := h.challenge(t, u.email)
	messy := " " + strings.ToUpper(strings.ReplaceAll(u.recovery[0], "-", "")) + " "
	r := h.verify(c, ch.MFAToken, messy).Expect(t, http.StatusOK)
	expectSession(t, "verify with a recovery code", r, 2, "password", "recovery_code")
	c.Get("/api/aal2").Expect(t, http.StatusOK)
	c2, ch2 := h.challenge(t, u.email)
	h.verify(c2, ch2.MFAToken, u.recovery[0]).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
	var st mfaStatus
	u.c.Get(h.Path("/mfa")).Expect(t, http.StatusOK).Decode(t, &st)
	if st.RecoveryCodesRemaining != 9 {
		t.Fatalf("%d recovery codes remain after one use, want 9", st.RecoveryCodesRemaining)
	}
	u.c.Post(h.Path("/mfa/recovery-codes"), map[string]string{"code": u.recovery[1]}).Expect(t, http.StatusBadRequest, "invalid_request")
	u.c.Post(h.Path("/mfa/recovery-codes"), map[string]string{"code": "000000"}).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
	var rc struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	u.c.Post(h.Path("/mfa/recovery-codes"), map[string]string{"code": code(t, u.secret, h.nextStep())}).Expect(t, http.StatusOK).Decode(t, &rc)
	if len(rc.RecoveryCodes) != 10 || slices.Contains(rc.RecoveryCodes, u.recovery[1]) {
		t.Fatalf("regenerated codes %q", rc.RecoveryCodes)
	}
	h.verify(c2, ch2.MFAToken, u.recovery[1]).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
	h.verify(c2, ch2.MFAToken, rc.RecoveryCodes[9]).Expect(t, http.StatusOK)
	u.c.Get(h.Path("/mfa")).Expect(t, http.StatusOK).Decode(t, &st)
	if st.RecoveryCodesRemaining != 9 {
		t.Fatalf("%d codes remain, want 9", st.RecoveryCodesRemaining)
	}
}

// mfaDisable: a wrong code changes nothing; a recovery code turns TOTP
// off; the sign-in is then ungated; disable and regeneration without TOTP
// get 400 mfa_not_enabled; TOTP can be set up again.
func mfaDisable(t *testing.T, h *Harness) {
	u := h.enableTOTP(t)
	u.c.Post(h.Path("/mfa/totp/disable"), map[string]string{"code": "000000"}).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
	u.c.Post(h.Path("/mfa/totp/disable"), map[string]string{"code": "aaaaa-bbbbb"}).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
	var out map[string]any
	u.c.Post(h.Path("/mfa/totp/disable"), map[string]string{"code": u.recovery[3]}).Expect(t, http.StatusOK).Decode(t, &out)
	if len(out) != 1 || out["totp_enabled"] != false {
		t.Fatalf("disable answered %v", out)
	}
	var st mfaStatus
	u.c.Get(h.Path("/mfa")).Expect(t, http.StatusOK).Decode(t, &st)
	if st != (mfaStatus{}) {
		t.Fatalf("status after disable %+v", st)
	}
	h.NewClient().SignIn(t, u.email, Password)
	now := h.nextStep()
	u.c.Post(h.Path("/mfa/totp/disable"), map[string]string{"code": code(t, u.secret, now)}).Expect(t, http.StatusBadRequest, "mfa_not_enabled")
	u.c.Post(h.Path("/mfa/recovery-codes"), map[string]string{"code": code(t, u.secret, now)}).Expect(t, http.StatusBadRequest, "mfa_not_enabled")
	u.c.Post(h.Path("/mfa/step-up"), map[string]string{"code": code(t, u.secret, now)}).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
	secret := h.setupTOTP(t, u.c)
	u.c.Post(h.Path("/mfa/totp/enable"), map[string]string{"code": code(t, secret, now)}).Expect(t, http.StatusOK)
	h.challenge(t, u.email)
}

// mfaStepUp: a session signed in before TOTP was enabled stays at aal 1
// (RequireAAL(2) refuses it) until a code steps it up: AuthResponse at
// aal 2, a new access cookie, the refresh cookie kept.
func mfaStepUp(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	other, _ := h.SignInNew(t, up.User.Email)
	secret := h.setupTOTP(t, c)
	c.Post(h.Path("/mfa/totp/enable"), map[string]string{"code": code(t, secret, h.Clock.Now())}).Expect(t, http.StatusOK)
	other.Get("/api/aal2").Expect(t, http.StatusForbidden, "mfa_step_up_required")
	other.Post(h.Path("/mfa/step-up"), map[string]string{"code": "000000"}).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
	refresh := other.RefreshToken()
	at := h.nextStep()
	r := other.Post(h.Path("/mfa/step-up"), map[string]string{"code": code(t, secret, at)}).Expect(t, http.StatusOK)
	expectSession(t, "step-up", r, 2, "password", "totp")
	expectAssuranceClaims(t, "token after step-up", other, 2, at, "password", "totp")
	if other.RefreshToken() != refresh {
		t.Fatal("step-up changed the refresh cookie")
	}
	other.Get("/api/aal2").Expect(t, http.StatusOK)
	expectSession(t, "refresh after step-up", other.Refresh().Expect(t, http.StatusOK), 2, "password", "totp")
}

// mfaNoSecondFactor: with the module on, accounts without a second factor
// sign in as before, and a pending (not enabled) setup does not gate.
func mfaNoSecondFactor(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	h.setupTOTP(t, c)
	r := h.NewClient().Post(h.Path("/sign-in"), credentials(up.User.Email, Password)).Expect(t, http.StatusOK)
	expectSession(t, "sign-in without a second factor", r, 1, "password")
}

// mfaNotices: enabling, regenerating, using a recovery code, disabling and
// changing the password each mail a security_notice to the account and
// emit their event, which carries no code.
func mfaNotices(t *testing.T, h *Harness) {
	var events eventLog
	h.Auth.Subscribe(events.record)
	u := h.enableTOTP(t)
	h.Mail.WaitFor(t, u.email, mfa.KindSecurityNotice, 1)
	u.c.Post(h.Path("/mfa/recovery-codes"), map[string]string{"code": code(t, u.secret, h.nextStep())}).Expect(t, http.StatusOK)
	h.Mail.WaitFor(t, u.email, mfa.KindSecurityNotice, 2)
	c, ch := h.challenge(t, u.email)
	var rc struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	u.c.Post(h.Path("/mfa/recovery-codes"), map[string]string{"code": code(t, u.secret, h.nextStep())}).Expect(t, http.StatusOK).Decode(t, &rc)
	h.verify(c, ch.MFAToken, rc.RecoveryCodes[0]).Expect(t, http.StatusOK)
	h.Mail.WaitFor(t, u.email, mfa.KindSecurityNotice, 4)
	u.c.Post(h.Path("/mfa/totp/disable"), map[string]string{"code": code(t, u.secret, h.nextStep())}).Expect(t, http.StatusOK)
	h.Mail.WaitFor(t, u.email, mfa.KindSecurityNotice, 5)
	c.Post(h.Path("/password/change"), map[string]string{"current_password": Password, "new_password": "another-horse-43"}).Expect(t, http.StatusOK)
	m := h.Mail.WaitFor(t, u.email, mfa.KindSecurityNotice, 6)
	if !strings.Contains(m.Subject, "password") || !strings.Contains(m.Text, "password") {
		t.Fatalf("password notice %q / %q", m.Subject, m.Text)
	}
	want := []string{mfa.EventTOTPEnabled, mfa.EventRecoveryCodesRegenerated, mfa.EventRecoveryCodesRegenerated, mfa.EventRecoveryCodeUsed, mfa.EventTOTPDisabled, fastauth.EventPasswordChanged}
	var got []string
	for _, e := range events.all() {
		if strings.HasPrefix(e.Type, "mfa.") || e.Type == fastauth.EventPasswordChanged {
			got = append(got, e.Type)
			if e.Target.ID != u.id {
				t.Fatalf("%s targets %+v, want the user %s", e.Type, e.Target, u.id)
			}
			raw, _ := json.Marshal(e)
			for _, secret := range append([]string{u.secret, ch.MFAToken}, rc.RecoveryCodes...) {
				if strings.Contains(strings.ToLower(string(raw)), strings.ToLower(secret)) {
					t.Fatalf("event %s carries a secret: %s", e.Type, raw)
				}
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
}

// mfaLockout: wrong codes count towards the account's lockout (threshold
// 10) across mfa_tokens and routes; a correct password does not clear them
// (it only clears the password's failures), a right code does; the lock
// ends after its cool-down.
func mfaLockout(t *testing.T, h *Harness) {
	u := h.enableTOTP(t)
	wrong := func(c *Client, token string, n int) {
		t.Helper()
		for range n {
			h.verify(c, token, "aaaaa-bbbbb").Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
		}
	}
	// 4 wrong, then a right code resets the count.
	c, ch := h.challenge(t, u.email)
	wrong(c, ch.MFAToken, 4)
	h.verify(c, ch.MFAToken, code(t, u.secret, h.nextStep())).Expect(t, http.StatusOK)
	// 5 (the token dies) + 4 + 1 wrong step-up = 10: locked.
	c, ch = h.challenge(t, u.email)
	wrong(c, ch.MFAToken, 5)
	c, ch = h.challenge(t, u.email)
	wrong(c, ch.MFAToken, 4)
	u.c.Post(h.Path("/mfa/step-up"), map[string]string{"code": "000000"}).Expect(t, http.StatusUnauthorized, "invalid_mfa_code")
	right := code(t, u.secret, h.nextStep())
	expectRateLimited(t, h.verify(c, ch.MFAToken, right), 1, 60)
	expectRateLimited(t, u.c.Post(h.Path("/mfa/step-up"), map[string]string{"code": right}), 1, 60)
	expectRateLimited(t, u.c.Post(h.Path("/mfa/totp/disable"), map[string]string{"code": right}), 1, 60)
	// The password is right: a new challenge, whose codes are locked too.
	c, ch = h.challenge(t, u.email)
	expectRateLimited(t, h.verify(c, ch.MFAToken, right), 1, 60)
	// After the cool-down the right code works and resets the count.
	h.Clock.Advance(2 * time.Minute)
	c, ch = h.challenge(t, u.email)
	h.verify(c, ch.MFAToken, code(t, u.secret, h.nextStep())).Expect(t, http.StatusOK)
	c, ch = h.challenge(t, u.email)
	wrong(c, ch.MFAToken, 5)
	c, ch = h.challenge(t, u.email)
	wrong(c, ch.MFAToken, 4)
}

// mfaRaceTOTP: 20 sign-ins redeem their mfa_tokens with one valid code at
// once: exactly one session is created, the others get invalid_mfa_code.
func mfaRaceTOTP(t *testing.T, h *Harness) {
	u := h.enableTOTP(t)
	right := code(t, u.secret, h.nextStep())
	h.raceVerify(t, u, "one TOTP code", right)
}

// mfaRaceRecoveryCode: 20 sign-ins redeem their mfa_tokens with one
// recovery code at once: exactly one succeeds.
func mfaRaceRecoveryCode(t *testing.T, h *Harness) {
	u := h.enableTOTP(t)
	h.raceVerify(t, u, "one recovery code", u.recovery[5])
	var st mfaStatus
	u.c.Get(h.Path("/mfa")).Expect(t, http.StatusOK).Decode(t, &st)
	if st.RecoveryCodesRemaining != 9 {
		t.Fatalf("%d recovery codes remain after the race, want 9", st.RecoveryCodesRemaining)
	}
}

// raceVerify starts 20 sign-ins of u and redeems their mfa_tokens with
// code at once: exactly one 200 (one new session), 19 × 401.
func (h *Harness) raceVerify(t *testing.T, u totpUser, what, code string) {
	t.Helper()
	const n = 20
	clients := make([]*Client, n)
	tokens := make([]string, n)
	for i := range n {
		var body mfaRequired
		clients[i], body = h.challenge(t, u.email)
		tokens[i] = body.MFAToken
	}
	statuses := make([]int, n)
	concurrently(n, func(i int) {
		statuses[i] = h.verify(clients[i], tokens[i], code).Status
	})
	expectOneWinner(t, what, statuses, http.StatusUnauthorized)
	if got := len(u.c.sessions(t)); got != 2 {
		t.Fatalf("%d sessions after the race, want 2 (enable's and one verify's)", got)
	}
}

// expectOneWinner fails t unless exactly one status is 200 and every
// other is loser.
func expectOneWinner(t *testing.T, what string, statuses []int, loser int) {
	t.Helper()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[http.StatusOK] != 1 || count[loser] != len(statuses)-1 {
		t.Fatalf("%s used by %d concurrent requests: %v by status, want exactly one 200 and %d × %d", what, len(statuses), count, len(statuses)-1, loser)
	}
}
