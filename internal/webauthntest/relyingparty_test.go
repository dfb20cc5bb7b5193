package webauthntest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/fastauth/fastauth/internal/webauthntest"
)

// The relying party the tests run: go-webauthn configured as a passkey
// server (discoverable credentials, user verification required).
const (
	rpID   = "example.com"
	origin = "https://example.com"
)

func newRP(t *testing.T) *webauthn.WebAuthn {
	t.Helper()
	w, err := webauthn.New(&webauthn.Config{
		RPID:          rpID,
		RPDisplayName: "Example",
		RPOrigins:     []string{origin},
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementRequired,
			UserVerification: protocol.VerificationRequired,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// user is a relying party's account with its stored credentials.
type user struct {
	handle []byte
	name   string
	creds  []webauthn.Credential
}

func newUser(name string) *user {
	return &user{handle: []byte("handle-of-" + name), name: name}
}

func (u *user) WebAuthnID() []byte                         { return u.handle }
func (u *user) WebAuthnName() string                       { return u.name }
func (u *user) WebAuthnDisplayName() string                { return u.name }
func (u *user) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// store updates the stored copy of c after a ceremony, as a relying party
// saves the new counter and flags.
func (u *user) store(c *webauthn.Credential) {
	for i := range u.creds {
		if bytes.Equal(u.creds[i].ID, c.ID) {
			u.creds[i] = *c
			return
		}
	}
	u.creds = append(u.creds, *c)
}

// registered returns a relying party, an authenticator and alice, whose
// passkey on it is registered.
func registered(t *testing.T) (*webauthn.WebAuthn, *webauthntest.Authenticator, *user) {
	t.Helper()
	w := newRP(t)
	a := webauthntest.New(webauthntest.Config{Origin: origin})
	alice := newUser("alice")
	if _, err := register(t, w, a, alice); err != nil {
		t.Fatal(err)
	}
	return w, a, alice
}

// register runs BeginRegistration, the authenticator's Create and
// CreateCredential, and stores the credential on success.
func register(t *testing.T, w *webauthn.WebAuthn, a *webauthntest.Authenticator, u *user, opts ...webauthntest.Option) (*webauthn.Credential, error) {
	t.Helper()
	creation, session, err := w.BeginRegistration(u,
		webauthn.WithExclusions(webauthn.Credentials(u.creds).CredentialDescriptors()),
		webauthn.WithExtensions(webauthn.WithExtensionCredProps()),
	)
	if err != nil {
		t.Fatal(err)
	}
	options, err := json.Marshal(creation)
	if err != nil {
		t.Fatal(err)
	}
	body, err := a.Create(options, opts...)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(body)
	if err != nil {
		t.Fatalf("go-webauthn cannot parse the registration response: %v\n%s", err, body)
	}
	c, err := w.CreateCredential(u, *session, parsed)
	if err == nil {
		u.store(c)
	}
	return c, err
}

// signInDiscoverable runs BeginDiscoverableLogin (no allowCredentials), the
// authenticator's Get and ValidateDiscoverableLogin, looking the user up by
// the user handle.
func signInDiscoverable(t *testing.T, w *webauthn.WebAuthn, a *webauthntest.Authenticator, users []*user, opts ...webauthntest.Option) (*webauthn.Credential, error) {
	t.Helper()
	assertion, session, err := w.BeginDiscoverableLogin()
	if err != nil {
		t.Fatal(err)
	}
	if len(assertion.Response.AllowedCredentials) != 0 {
		t.Fatalf("discoverable options list credentials: %+v", assertion.Response.AllowedCredentials)
	}
	var found *user
	handler := func(rawID, userHandle []byte) (webauthn.User, error) {
		for _, u := range users {
			if bytes.Equal(u.handle, userHandle) {
				found = u
				return u, nil
			}
		}
		return nil, fmt.Errorf("no user with handle %x", userHandle)
	}
	c, err := validate(t, a, assertion, opts, func(p *protocol.ParsedCredentialAssertionData) (*webauthn.Credential, error) {
		return w.ValidateDiscoverableLogin(handler, *session, p)
	})
	if err == nil {
		found.store(c)
	}
	return c, err
}

// signIn runs BeginLogin for a known user (allowCredentials = the user's
// credentials, as for a second factor), Get and ValidateLogin.
func signIn(t *testing.T, w *webauthn.WebAuthn, a *webauthntest.Authenticator, u *user, opts ...webauthntest.Option) (*webauthn.Credential, error) {
	t.Helper()
	assertion, session, err := w.BeginLogin(u)
	if err != nil {
		t.Fatal(err)
	}
	c, err := validate(t, a, assertion, opts, func(p *protocol.ParsedCredentialAssertionData) (*webauthn.Credential, error) {
		return w.ValidateLogin(u, *session, p)
	})
	if err == nil {
		u.store(c)
	}
	return c, err
}

func validate(t *testing.T, a *webauthntest.Authenticator, assertion *protocol.CredentialAssertion, opts []webauthntest.Option, check func(*protocol.ParsedCredentialAssertionData) (*webauthn.Credential, error)) (*webauthn.Credential, error) {
	t.Helper()
	options, err := json.Marshal(assertion)
	if err != nil {
		t.Fatal(err)
	}
	body, err := a.Get(options, opts...)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(body)
	if err != nil {
		t.Fatalf("go-webauthn cannot parse the assertion response: %v\n%s", err, body)
	}
	return check(parsed)
}

// wantRefusal fails unless err is a go-webauthn error whose details or
// debug information contain reason.
func wantRefusal(t *testing.T, err error, reason string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want a refusal for %q", reason)
	}
	var pe *protocol.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a go-webauthn protocol error", err, err)
	}
	if got := pe.Details + " | " + pe.DevInfo; !strings.Contains(got, reason) {
		t.Fatalf("refused for %q; want %q", got, reason)
	}
}

func TestRegisterThenSignIn(t *testing.T) {
	t.Parallel()
	w := newRP(t)
	a := webauthntest.New(webauthntest.Config{Origin: origin})
	alice := newUser("alice")

	reg, err := register(t, w, a, alice)
	if err != nil {
		t.Fatalf("registration refused: %v", err)
	}
	held := a.Credentials()
	if len(held) != 1 {
		t.Fatalf("authenticator holds %d credentials, want 1", len(held))
	}
	if !bytes.Equal(reg.ID, held[0].ID) || held[0].RPID != rpID || !bytes.Equal(held[0].UserHandle, alice.handle) || held[0].UserName != "alice" {
		t.Fatalf("held credential %+v does not match registered %x for alice", held[0], reg.ID)
	}
	if reg.AttestationFormat != "none" || reg.AttestationType != "none" {
		t.Errorf("attestation %q/%q, want none/none", reg.AttestationFormat, reg.AttestationType)
	}
	if !reg.Flags.UserPresent || !reg.Flags.UserVerified || reg.Flags.BackupEligible || reg.Flags.BackupState {
		t.Errorf("flags %+v, want UP and UV only", reg.Flags)
	}
	if reg.Authenticator.SignCount != 0 {
		t.Errorf("sign count %d at registration, want 0", reg.Authenticator.SignCount)
	}
	if reg.Authenticator.Attachment != protocol.Platform || !contains(reg.Transport, protocol.Internal) {
		t.Errorf("attachment %q transports %v, want a platform authenticator with internal transport", reg.Authenticator.Attachment, reg.Transport)
	}
	if reg.Extensions.RK == nil || !*reg.Extensions.RK {
		t.Errorf("credProps rk %v, want true", reg.Extensions.RK)
	}

	// Usernameless sign-in, then a sign-in for the known user (second
	// factor): each verifies against the stored key and advances the counter.
	got, err := signInDiscoverable(t, w, a, []*user{newUser("bob"), alice})
	if err != nil {
		t.Fatalf("discoverable sign-in refused: %v", err)
	}
	if !bytes.Equal(got.ID, reg.ID) || got.Authenticator.SignCount != 1 || got.Authenticator.CloneWarning {
		t.Fatalf("discoverable sign-in: credential %x count %d clone warning %v", got.ID, got.Authenticator.SignCount, got.Authenticator.CloneWarning)
	}
	got, err = signIn(t, w, a, alice)
	if err != nil {
		t.Fatalf("sign-in for a known user refused: %v", err)
	}
	if got.Authenticator.SignCount != 2 || got.Authenticator.CloneWarning {
		t.Fatalf("second sign-in: count %d clone warning %v", got.Authenticator.SignCount, got.Authenticator.CloneWarning)
	}
	if c := a.Credentials()[0]; c.SignCount != 2 {
		t.Fatalf("authenticator counter %d, want 2", c.SignCount)
	}
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func TestBackupFlags(t *testing.T) {
	t.Parallel()
	w := newRP(t)
	a := webauthntest.New(webauthntest.Config{Origin: origin, BackupEligible: true, BackedUp: true})
	alice := newUser("alice")
	reg, err := register(t, w, a, alice)
	if err != nil {
		t.Fatal(err)
	}
	if !reg.Flags.BackupEligible || !reg.Flags.BackupState {
		t.Fatalf("flags %+v, want backup eligible and backed up", reg.Flags)
	}
	if c := a.Credentials()[0]; !c.BackupEligible || !c.BackedUp {
		t.Fatalf("held credential %+v, want BE and BS", c)
	}
	got, err := signInDiscoverable(t, w, a, []*user{alice})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Flags.BackupEligible || !got.Flags.BackupState {
		t.Fatalf("flags after sign-in %+v", got.Flags)
	}
}

func TestExcludedCredential(t *testing.T) {
	t.Parallel()
	w := newRP(t)
	phone := webauthntest.New(webauthntest.Config{Origin: origin})
	laptop := webauthntest.New(webauthntest.Config{Origin: origin})
	alice := newUser("alice")
	if _, err := register(t, w, phone, alice); err != nil {
		t.Fatal(err)
	}
	// The server excludes alice's credentials: the phone, which holds one,
	// refuses; the laptop creates a second passkey.
	if _, err := register(t, w, phone, alice); !errors.Is(err, webauthntest.ErrExcluded) {
		t.Fatalf("second registration on the same authenticator: %v, want ErrExcluded", err)
	}
	if n := len(phone.Credentials()); n != 1 {
		t.Fatalf("phone holds %d credentials after the refusal, want 1", n)
	}
	if _, err := register(t, w, laptop, alice); err != nil {
		t.Fatal(err)
	}
	if len(alice.creds) != 2 {
		t.Fatalf("alice has %d credentials, want 2", len(alice.creds))
	}
	// Both are allowed for alice; each authenticator answers with its own.
	for _, a := range []*webauthntest.Authenticator{phone, laptop} {
		got, err := signIn(t, w, a, alice)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.ID, a.Credentials()[0].ID) {
			t.Fatalf("signed in with %x, want the authenticator's own %x", got.ID, a.Credentials()[0].ID)
		}
	}
}

func TestRegistrationRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   []webauthntest.Option
		reason string
	}{
		{"wrong origin", []webauthntest.Option{webauthntest.WithOrigin("https://evil.example")}, "Error validating origin"},
		{"wrong rp id", []webauthntest.Option{webauthntest.WithRPID("evil.example")}, "RP Hash mismatch"},
		{"no user verification", []webauthntest.Option{webauthntest.WithoutUserVerification()}, "User verification required but flag not set"},
		{"no user presence", []webauthntest.Option{webauthntest.WithoutUserPresence()}, "User presence required but flag not set"},
		{"tampered challenge", []webauthntest.Option{webauthntest.WithTamperedChallenge()}, "Error validating challenge"},
		{"backed up but not eligible", []webauthntest.Option{webauthntest.WithBackupFlags(false, true)}, "Backup State Flag is true but Backup Eligible flag is false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newRP(t)
			a := webauthntest.New(webauthntest.Config{Origin: origin})
			_, err := register(t, w, a, newUser("alice"), tt.opts...)
			wantRefusal(t, err, tt.reason)
		})
	}
}

func TestAssertionRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		opts         []webauthntest.Option
		discoverable bool
		reason       string
	}{
		{"wrong origin", []webauthntest.Option{webauthntest.WithOrigin("https://evil.example")}, true, "Error validating origin"},
		{"wrong rp id", []webauthntest.Option{webauthntest.WithRPID("evil.example")}, true, "RP Hash mismatch"},
		{"no user verification", []webauthntest.Option{webauthntest.WithoutUserVerification()}, true, "User verification required but flag not set"},
		{"no user presence", []webauthntest.Option{webauthntest.WithoutUserPresence()}, true, "User presence required but flag not set"},
		{"wrong signature", []webauthntest.Option{webauthntest.WithWrongSignature()}, true, "Error validating the assertion signature"},
		{"tampered challenge", []webauthntest.Option{webauthntest.WithTamperedChallenge()}, true, "Error validating challenge"},
		{"unknown credential, discoverable", []webauthntest.Option{webauthntest.WithUnknownCredential()}, true, "Unable to find the credential"},
		{"unknown credential, known user", []webauthntest.Option{webauthntest.WithUnknownCredential()}, false, "not owned by the user"},
		{"another user's handle", []webauthntest.Option{webauthntest.WithUserHandle([]byte("handle-of-bob"))}, false, "User handle and User ID do not match"},
		{"no user handle, discoverable", []webauthntest.Option{webauthntest.WithoutUserHandle()}, true, "blank User Handle"},
		{"backup eligibility changed", []webauthntest.Option{webauthntest.WithBackupFlags(true, false)}, true, "Backup Eligible flag inconsistency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, a, alice := registered(t)
			var err error
			if tt.discoverable {
				_, err = signInDiscoverable(t, w, a, []*user{alice, newUser("bob")}, tt.opts...)
			} else {
				_, err = signIn(t, w, a, alice, tt.opts...)
			}
			wantRefusal(t, err, tt.reason)
			// The same authenticator without the knob still signs in: the
			// refusal was for the knob alone.
			if _, err := signInDiscoverable(t, w, a, []*user{alice}); err != nil {
				t.Fatalf("sign-in without the knob refused: %v", err)
			}
		})
	}
}

func TestUnknownCredentialIsReported(t *testing.T) {
	t.Parallel()
	w, a, alice := registered(t)
	_, err := signIn(t, w, a, alice, webauthntest.WithUnknownCredential())
	var unknown *protocol.ErrorUnknownCredential
	if !errors.As(err, &unknown) {
		t.Fatalf("error %v, want go-webauthn's ErrorUnknownCredential", err)
	}
	if n := len(a.Credentials()); n != 1 {
		t.Fatalf("authenticator keeps %d credentials, want the registered one only", n)
	}
}

func TestSignCountRegression(t *testing.T) {
	t.Parallel()
	w, a, alice := registered(t)
	for want := uint32(1); want <= 2; want++ {
		c, err := signInDiscoverable(t, w, a, []*user{alice})
		if err != nil {
			t.Fatal(err)
		}
		if c.Authenticator.SignCount != want || c.Authenticator.CloneWarning {
			t.Fatalf("sign-in %d: count %d clone warning %v", want, c.Authenticator.SignCount, c.Authenticator.CloneWarning)
		}
	}
	// go-webauthn does not refuse a counter that goes backwards or stays: it
	// keeps the stored count and raises CloneWarning, which the relying
	// party must refuse.
	for _, n := range []uint32{1, 2, 0} {
		u := *alice // the stored record stays at 2 for each try
		u.creds = append([]webauthn.Credential(nil), alice.creds...)
		c, err := signInDiscoverable(t, w, a, []*user{&u}, webauthntest.WithSignCount(n))
		if err != nil {
			t.Fatal(err)
		}
		if !c.Authenticator.CloneWarning || c.Authenticator.SignCount != 2 {
			t.Fatalf("counter %d after 2: clone warning %v count %d, want a warning and the count kept at 2", n, c.Authenticator.CloneWarning, c.Authenticator.SignCount)
		}
	}
	c, err := signInDiscoverable(t, w, a, []*user{alice}, webauthntest.WithSignCount(10))
	if err != nil {
		t.Fatal(err)
	}
	if c.Authenticator.CloneWarning || c.Authenticator.SignCount != 10 {
		t.Fatalf("counter jump to 10: clone warning %v count %d", c.Authenticator.CloneWarning, c.Authenticator.SignCount)
	}
}
