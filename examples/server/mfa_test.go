package main

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// secureAnswer is the body of GET /api/secure.
type secureAnswer struct {
	whoamiBody
	AAL int `json:"aal"`
}

// TestSecondFactor drives the second factor through the example server:
// /api/secure refuses an aal-1 session, TOTP setup and enable raise it,
// the next sign-in needs a code (403 mfa_required), /auth/mfa/verify
// finishes it at aal 2, and a fresh aal-1 session steps up. Without
// AUTH_MFA_KEY the key is derived from the JWT secret, with a warning.
func TestSecondFactor(t *testing.T) {
	t.Parallel()
	srv := startServer(t, map[string]string{"AUTH_JWT_SECRET": testSecret})
	c := newClient(t)
	creds := map[string]string{"email": "ada@example.com", "password": "correct horse 1"}
	var up authResponse
	if got := call(t, c, "POST", srv.base+"/auth/sign-up", creds, &up); got != http.StatusOK {
		t.Fatalf("sign-up = %d\nlog:\n%s", got, srv.out)
	}
	var e errorBody
	if got := call(t, c, "GET", srv.base+"/api/secure", nil, &e); got != http.StatusForbidden || e.Code != "mfa_step_up_required" {
		t.Fatalf("GET /api/secure at aal 1 = %d %+v, want 403 mfa_step_up_required", got, e)
	}
	var setup struct {
		Secret string `json:"secret"`
		QRCode string `json:"qr_code"`
	}
	if got := call(t, c, "POST", srv.base+"/auth/mfa/totp/setup", nil, &setup); got != http.StatusOK || !strings.HasPrefix(setup.QRCode, "data:image/png;base64,") {
		t.Fatalf("setup = %d %+v", got, setup)
	}
	var rc struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	if got := call(t, c, "POST", srv.base+"/auth/mfa/totp/enable", map[string]string{"code": totpNow(t, setup.Secret)}, &rc); got != http.StatusOK || len(rc.RecoveryCodes) != 10 {
		t.Fatalf("enable = %d %+v", got, rc)
	}
	want := secureAnswer{whoamiBody{UserID: up.User.ID, Email: "ada@example.com", OrganizationID: up.Organization.ID, OrganizationRole: "owner"}, 2}
	var sec secureAnswer
	if got := call(t, c, "GET", srv.base+"/api/secure", nil, &sec); got != http.StatusOK || sec != want {
		t.Fatalf("GET /api/secure after enable = %d %+v, want 200 %+v", got, sec, want)
	}

	// The next sign-in needs the second factor.
	b := newClient(t)
	var challenge struct {
		Code     string   `json:"code"`
		MFAToken string   `json:"mfa_token"`
		Methods  []string `json:"methods"`
	}
	if got := call(t, b, "POST", srv.base+"/auth/sign-in", creds, &challenge); got != http.StatusForbidden || challenge.Code != "mfa_required" || challenge.MFAToken == "" {
		t.Fatalf("sign-in = %d %+v, want 403 mfa_required", got, challenge)
	}
	if got := call(t, b, "GET", srv.base+"/api/whoami", nil, nil); got != http.StatusUnauthorized {
		t.Fatalf("GET /api/whoami after mfa_required = %d, want 401 (no cookie)", got)
	}
	// The TOTP code of this step was spent by enable: a recovery code.
	if got := call(t, b, "POST", srv.base+"/auth/mfa/verify", map[string]string{"mfa_token": challenge.MFAToken, "code": rc.RecoveryCodes[0]}, nil); got != http.StatusOK {
		t.Fatalf("verify = %d", got)
	}
	sec = secureAnswer{}
	if got := call(t, b, "GET", srv.base+"/api/secure", nil, &sec); got != http.StatusOK || sec != want {
		t.Fatalf("GET /api/secure after verify = %d %+v, want 200 %+v", got, sec, want)
	}
	if got := call(t, c, "POST", srv.base+"/auth/mfa/step-up", map[string]string{"code": rc.RecoveryCodes[1]}, nil); got != http.StatusOK {
		t.Fatalf("step-up = %d", got)
	}
	if log := srv.out.String(); !strings.Contains(log, "AUTH_MFA_KEY is not set") || strings.Contains(log, setup.Secret) || strings.Contains(log, rc.RecoveryCodes[0]) {
		t.Errorf("want the derived-key warning and no secret in the log\nlog:\n%s", log)
	}
}

// TestSecondFactorSwitches: AUTH_MFA_KEY silences the warning; AUTH_MFA=false
// mounts no route of the module and /api/secure refuses every session.
func TestSecondFactorSwitches(t *testing.T) {
	t.Parallel()
	key := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 32)))
	srv := startServer(t, map[string]string{"AUTH_JWT_SECRET": testSecret, "AUTH_MFA_KEY": key})
	c := newClient(t)
	if got := call(t, c, "POST", srv.base+"/auth/sign-up", map[string]string{"email": "k@example.com", "password": "correct horse 1"}, nil); got != http.StatusOK {
		t.Fatalf("sign-up = %d", got)
	}
	if got := call(t, c, "GET", srv.base+"/auth/mfa", nil, nil); got != http.StatusOK {
		t.Fatalf("GET /auth/mfa = %d, want 200", got)
	}
	if strings.Contains(srv.out.String(), "AUTH_MFA_KEY is not set") {
		t.Errorf("warned about AUTH_MFA_KEY although it was set")
	}

	off := startServer(t, map[string]string{"AUTH_JWT_SECRET": testSecret, "AUTH_MFA": "false"})
	c = newClient(t)
	if got := call(t, c, "POST", off.base+"/auth/sign-up", map[string]string{"email": "k@example.com", "password": "correct horse 1"}, nil); got != http.StatusOK {
		t.Fatalf("sign-up = %d", got)
	}
	var e errorBody
	if got := call(t, c, "GET", off.base+"/auth/mfa", nil, &e); got != http.StatusNotFound || e.Code != "route_not_found" {
		t.Fatalf("GET /auth/mfa with AUTH_MFA=false = %d %+v, want 404 route_not_found", got, e)
	}
	if got := call(t, c, "GET", off.base+"/api/secure", nil, &e); got != http.StatusForbidden || e.Code != "mfa_step_up_required" {
		t.Fatalf("GET /api/secure with AUTH_MFA=false = %d %+v", got, e)
	}
}

// totpNow is the current TOTP code of secret.
func totpNow(t *testing.T, secret string) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, time.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}
