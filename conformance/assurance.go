package conformance

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// assuranceScenarios: sessions know how they were established. Password
// sessions are aal 1 with amr [password], in the access token's claims and
// in every AuthResponse; refresh and organization switches keep what the
// session has (also after a step-up); RequireAAL guards by it.
func assuranceScenarios() []scenario {
	return []scenario{
		{name: "PasswordSessionIsAAL1", run: assurancePasswordSession},
		{name: "KeptAcrossRefreshAndSwitch", run: assuranceKeptAcrossRefresh},
		{name: "StepUpRaisesTheSession", run: assuranceStepUp},
		{name: "RequireAAL", run: assuranceRequireAAL},
		{name: "MalformedClaimsRefused", run: assuranceMalformedClaims},
		{name: "TokensWithoutAssuranceReadAsAAL1", run: assuranceLegacyToken},
	}
}

// AuthSession is the `session` member of an AuthResponse: the session's
// assurance level and the methods that established it.
type AuthSession struct {
	Session *struct {
		AAL int      `json:"aal"`
		AMR []string `json:"amr"`
	} `json:"session"`
}

// expectSession fails t unless the AuthResponse r has session aal and amr.
func expectSession(t *testing.T, what string, r *Response, aal int, amr ...string) {
	t.Helper()
	var s AuthSession
	r.Decode(t, &s)
	if s.Session == nil {
		t.Fatalf("%s: AuthResponse without session: %s", what, r.Body)
	}
	if s.Session.AAL != aal || !slices.Equal(s.Session.AMR, amr) {
		t.Fatalf("%s: session aal %d amr %q, want aal %d amr %q", what, s.Session.AAL, s.Session.AMR, aal, amr)
	}
}

// expectAssuranceClaims fails t unless the client's access token carries
// aal, amr and auth_time.
func expectAssuranceClaims(t *testing.T, what string, c *Client, aal int, authTime time.Time, amr ...string) {
	t.Helper()
	_, claims := jwtParts(t, c.AccessToken())
	gotAMR := []string{}
	list, _ := claims["amr"].([]any)
	for _, m := range list {
		s, _ := m.(string)
		gotAMR = append(gotAMR, s)
	}
	if claims["aal"] != float64(aal) || !slices.Equal(gotAMR, amr) || claims["auth_time"] != float64(authTime.Unix()) {
		t.Fatalf("%s: claims aal %v amr %v auth_time %v, want %d %q %d", what, claims["aal"], claims["amr"], claims["auth_time"], aal, amr, authTime.Unix())
	}
}

func assurancePasswordSession(t *testing.T, h *Harness) {
	email := h.Email()
	c := h.NewClient()
	r := c.Post(h.Path("/sign-up"), credentials(email, Password)).Expect(t, http.StatusOK)
	expectSession(t, "sign-up", r, 1, "password")
	expectAssuranceClaims(t, "sign-up token", c, 1, Epoch, "password")
	expectSession(t, "me", c.Get(h.Path("/me")).Expect(t, http.StatusOK), 1, "password")

	h.Clock.Advance(time.Minute)
	c2 := h.NewClient()
	r = c2.Post(h.Path("/sign-in"), credentials(email, Password)).Expect(t, http.StatusOK)
	expectSession(t, "sign-in", r, 1, "password")
	expectAssuranceClaims(t, "sign-in token", c2, 1, Epoch.Add(time.Minute), "password")

	// An API key has no session: its /me carries none.
	key := c.createAPIKey(t, "assurance")
	var s AuthSession
	h.bearer(key.Key).Get(h.Path("/me")).Expect(t, http.StatusOK).Decode(t, &s)
	if s.Session != nil {
		t.Errorf("/me with an API key: session %+v, want none", *s.Session)
	}
}

func assuranceKeptAcrossRefresh(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	h.Clock.Advance(20 * time.Minute)
	r := c.Refresh().Expect(t, http.StatusOK)
	expectSession(t, "refresh", r, 1, "password")
	// auth_time is the sign-in, not the refresh.
	expectAssuranceClaims(t, "refreshed token", c, 1, Epoch, "password")
	org := c.createOrganization(t, "Assurance")
	r = c.Post(h.Path("/organizations/current"), map[string]string{"organization_id": org}).Expect(t, http.StatusOK)
	expectSession(t, "switch", r, 1, "password")
	expectAssuranceClaims(t, "switched token", c, 1, Epoch, "password")
}

// assuranceStepUp: a session raised in the store (RaiseSession, what a
// second factor does) shows it in every token minted afterwards: the
// refresh, an organization switch, /me with the new token.
func assuranceStepUp(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	sid := c.claim(t, "sid")
	h.Clock.Advance(time.Minute)
	at := h.Clock.Now()
	if _, err := h.Backend.RaiseSession(t.Context(), up.User.ID, sid, 2, "totp", at); err != nil {
		t.Fatalf("RaiseSession: %v", err)
	}
	expectSession(t, "refresh after step-up", c.Refresh().Expect(t, http.StatusOK), 2, "password", "totp")
	expectAssuranceClaims(t, "token after step-up", c, 2, at, "password", "totp")
	expectSession(t, "me after step-up", c.Get(h.Path("/me")).Expect(t, http.StatusOK), 2, "password", "totp")
	c.Get("/api/aal2").Expect(t, http.StatusOK)
	org := c.createOrganization(t, "Stepped up")
	r := c.Post(h.Path("/organizations/current"), map[string]string{"organization_id": org}).Expect(t, http.StatusOK)
	expectSession(t, "switch after step-up", r, 2, "password", "totp")
	expectAssuranceClaims(t, "switched token after step-up", c, 2, at, "password", "totp")
	// Another device of the same user is not raised.
	other, _ := h.SignInNew(t, up.User.Email)
	other.Get("/api/aal2").Expect(t, http.StatusForbidden, "mfa_step_up_required")
}

func assuranceRequireAAL(t *testing.T, h *Harness) {
	expectError(t, h.NewClient().Get("/api/aal2"), http.StatusUnauthorized, "invalid_token")
	c, _ := h.SignUp(t)
	expectError(t, c.Get("/api/aal2"), http.StatusForbidden, "mfa_step_up_required")
	c.whoami(t) // aal 1 is enough where no level is asked for
	key := c.createAPIKey(t, "no assurance")
	expectError(t, h.bearer(key.Key).Get("/api/aal2"), http.StatusForbidden, "forbidden")
	h.Clock.Advance(h.Config.AccessTokenTTL)
	expectError(t, c.Get("/api/aal2"), http.StatusUnauthorized, "token_expired")
}

// assuranceMalformedClaims: a token signed with the server's secret whose
// aal, amr or auth_time is malformed is refused like any token refused
// for its claims (401 invalid_token, the refresh cookie kept); a client
// cannot raise its level without the secret (a changed aal breaks the
// signature).
func assuranceMalformedClaims(t *testing.T, h *Harness) {
	victim, _ := h.SignUp(t)
	header, claims := jwtParts(t, victim.AccessToken())
	kid := map[string]any{"kid": header["kid"]}
	for name, changes := range map[string]map[string]any{
		"aal 0":             {"aal": 0},
		"aal 3":             {"aal": 3},
		"amr empty":         {"amr": []string{}},
		"amr with an empty": {"amr": []string{"password", ""}},
		"amr missing":       {"amr": nil},
		"aal missing":       {"aal": nil},
		"auth_time missing": {"auth_time": nil},
	} {
		tok := forge(t, jwt.SigningMethodHS256, h.Config.Secret, kid, copyMap(claims, changes))
		r := h.withTokens(tok, victim.RefreshToken()).Get("/api/whoami")
		if r.Status != http.StatusUnauthorized || r.Code() != "invalid_token" {
			t.Errorf("%s: %d %s, want 401 invalid_token", name, r.Status, r.Body)
		}
		if ck := r.SetCookie(h.refreshName()); ck != nil {
			t.Errorf("%s: a correctly signed token touched the refresh cookie: %v", name, ck)
		}
	}
	// Claims of the wrong JSON type do not decode: the token is invalid
	// like one with a string exp, and both cookies go.
	for _, changes := range []map[string]any{{"aal": "2"}, {"amr": "password"}, {"auth_time": "now"}} {
		tok := forge(t, jwt.SigningMethodHS256, h.Config.Secret, kid, copyMap(claims, changes))
		expectError(t, h.withTokens(tok, victim.RefreshToken()).Get("/api/whoami"), http.StatusUnauthorized, "invalid_token")
	}
	// The payload changed to aal 2 under the genuine signature.
	parts := strings.Split(victim.AccessToken(), ".")
	payload, err := json.Marshal(copyMap(claims, map[string]any{"aal": 2}))
	if err != nil {
		t.Fatal(err)
	}
	raised := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]
	expectError(t, h.withAccess(raised).Get("/api/aal2"), http.StatusUnauthorized, "invalid_token")
}

// assuranceLegacyToken: a token signed before sessions had assurance
// claims (none of aal, amr, auth_time) is accepted as aal 1, amr
// [password], so that an upgrade does not sign anyone out.
func assuranceLegacyToken(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	header, claims := jwtParts(t, c.AccessToken())
	old := forge(t, jwt.SigningMethodHS256, h.Config.Secret, map[string]any{"kid": header["kid"]},
		copyMap(claims, map[string]any{"aal": nil, "amr": nil, "auth_time": nil}))
	old2 := h.withAccess(old)
	old2.whoami(t)
	expectError(t, old2.Get("/api/aal2"), http.StatusForbidden, "mfa_step_up_required")
	expectSession(t, "me with a token of before", old2.Get(h.Path("/me")).Expect(t, http.StatusOK), 1, "password")
}
