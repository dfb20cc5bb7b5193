package main

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/internal/webauthntest"
)

// passkeyOptions is the answer of a passkey options route.
type passkeyOptions struct {
	CeremonyID string          `json:"ceremony_id"`
	Options    json.RawMessage `json:"options"`
}

// TestPasskeys drives passkeys through the example server with its
// defaults (AUTH_WEBAUTHN_RP_ID localhost, origins the base URL and
// http://localhost:<port>): register on the sign-up session, sign in with
// the passkey on a new client at aal 2, and the password sign-in then
// needs the passkey as its second factor.
func TestPasskeys(t *testing.T) {
	t.Parallel()
	srv := startServer(t, map[string]string{"AUTH_JWT_SECRET": testSecret})
	_, port, err := net.SplitHostPort(srv.addr)
	if err != nil {
		t.Fatal(err)
	}
	a := webauthntest.New(webauthntest.Config{Origin: "http://localhost:" + port})
	c := newClient(t)
	creds := map[string]string{"email": "ada@example.com", "password": "correct horse 1"}
	if got := call(t, c, "POST", srv.base+"/auth/sign-up", creds, nil); got != http.StatusOK {
		t.Fatalf("sign-up = %d\nlog:\n%s", got, srv.out)
	}
	var o passkeyOptions
	if got := call(t, c, "POST", srv.base+"/auth/passkeys/register/options", nil, &o); got != http.StatusOK || !strings.Contains(string(o.Options), `"id":"localhost"`) {
		t.Fatalf("register options = %d %s\nlog:\n%s", got, o.Options, srv.out)
	}
	cred, err := a.Create(o.Options)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Name string `json:"name"`
		Code string `json:"code"`
	}
	if got := call(t, c, "POST", srv.base+"/auth/passkeys/register", map[string]any{"ceremony_id": o.CeremonyID, "name": "Laptop", "credential": json.RawMessage(cred)}, &p); got != http.StatusCreated || p.Name != "Laptop" {
		t.Fatalf("register = %d %+v", got, p)
	}

	b := newClient(t)
	if got := call(t, b, "POST", srv.base+"/auth/passkeys/sign-in/options", nil, &o); got != http.StatusOK {
		t.Fatalf("sign-in options = %d", got)
	}
	if cred, err = a.Get(o.Options); err != nil {
		t.Fatal(err)
	}
	if got := call(t, b, "POST", srv.base+"/auth/passkeys/sign-in", map[string]any{"ceremony_id": o.CeremonyID, "credential": json.RawMessage(cred)}, nil); got != http.StatusOK {
		t.Fatalf("passkey sign-in = %d", got)
	}
	var sec secureAnswer
	if got := call(t, b, "GET", srv.base+"/api/secure", nil, &sec); got != http.StatusOK || sec.AAL != 2 {
		t.Fatalf("GET /api/secure after a passkey sign-in = %d %+v, want 200 at aal 2", got, sec)
	}

	var challenge struct {
		Code     string   `json:"code"`
		MFAToken string   `json:"mfa_token"`
		Methods  []string `json:"methods"`
	}
	d := newClient(t)
	if got := call(t, d, "POST", srv.base+"/auth/sign-in", creds, &challenge); got != http.StatusForbidden || challenge.Code != "mfa_required" || strings.Join(challenge.Methods, ",") != "passkey" {
		t.Fatalf("password sign-in = %d %+v, want 403 mfa_required [passkey]", got, challenge)
	}
	if got := call(t, d, "POST", srv.base+"/auth/mfa/passkey/options", map[string]string{"mfa_token": challenge.MFAToken}, &o); got != http.StatusOK {
		t.Fatalf("mfa passkey options = %d", got)
	}
	if cred, err = a.Get(o.Options); err != nil {
		t.Fatal(err)
	}
	if got := call(t, d, "POST", srv.base+"/auth/mfa/verify", map[string]any{"mfa_token": challenge.MFAToken, "ceremony_id": o.CeremonyID, "credential": json.RawMessage(cred)}, nil); got != http.StatusOK {
		t.Fatalf("mfa verify with a passkey = %d", got)
	}
	if got := call(t, d, "GET", srv.base+"/api/secure", nil, &sec); got != http.StatusOK || sec.AAL != 2 {
		t.Fatalf("GET /api/secure after the second factor = %d %+v", got, sec)
	}
}

// TestPasskeysOriginsMustFitRPID: an RP ID that admits neither default
// origin stops the server with a message naming the variables.
func TestPasskeysOriginsMustFitRPID(t *testing.T) {
	t.Parallel()
	_, err := passkeysModule(config{WebAuthnRPID: "example.com", WebAuthnRPName: "x"}, "http://127.0.0.1:8080", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "AUTH_WEBAUTHN_ORIGINS") {
		t.Fatalf("passkeysModule = %v, want an error naming AUTH_WEBAUTHN_ORIGINS", err)
	}
}
