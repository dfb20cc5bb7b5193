package passkeys_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/internal/webauthntest"
	"github.com/fastauth/fastauth/passkeys"
	"github.com/fastauth/fastauth/store"
)

const (
	rpID   = "example.com"
	origin = "https://app.example.com"
)

// t0 is the clock of the ceremonies.
var t0 = time.Date(2031, 1, 2, 3, 4, 5, 678000, time.UTC)

// fixture is a relying party on a real store, with accounts.
type fixture struct {
	rp *passkeys.RelyingParty
	st *store.Store
}

// newFixture returns a relying party on a fresh SQLite store (the store's
// own conformance suite covers the dialects).
func newFixture(t testing.TB, mutate ...func(*passkeys.Config)) *fixture {
	t.Helper()
	return newFixtureOn(t, testdb.SQLite, mutate...)
}

// newFixtureOn returns a relying party on a fresh database of open.
func newFixtureOn(t testing.TB, open func(testing.TB) *gorm.DB, mutate ...func(*passkeys.Config)) *fixture {
	t.Helper()
	st := testdb.Store(t, open(t))
	if err := st.Passkeys().Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	cfg := passkeys.Config{RPID: rpID, RPDisplayName: "Example", Origins: []string{origin, "https://example.com"}}
	for _, m := range mutate {
		m(&cfg)
	}
	rp, err := passkeys.New(cfg, st.Passkeys())
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{rp: rp, st: st}
}

// account stores a user and returns it as the ceremonies know it.
func (f *fixture) account(t testing.TB) passkeys.Account {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	u := ginauth.User{ID: uuid.Must(uuid.NewV7()).String(), Email: fmt.Sprintf("user-%x@example.com", b), PasswordHash: "x", CreatedAt: t0, UpdatedAt: t0}
	ws := ginauth.Organization{ID: uuid.Must(uuid.NewV7()).String(), Kind: ginauth.KindPersonal, Name: "Personal", CreatedAt: t0, UpdatedAt: t0}
	if err := f.st.CreateUser(t.Context(), u, ws, ginauth.Membership{OrganizationID: ws.ID, UserID: u.ID, Role: ginauth.RoleOwner, CreatedAt: t0}, nil); err != nil {
		t.Fatal(err)
	}
	return passkeys.Account{ID: u.ID, Email: u.Email}
}

// register runs a registration ceremony with authenticator a.
func (f *fixture) register(t testing.TB, acc passkeys.Account, a *webauthntest.Authenticator, opts ...webauthntest.Option) (passkeys.Credential, error) {
	t.Helper()
	o, err := f.rp.BeginRegistration(t.Context(), acc, t0)
	if err != nil {
		t.Fatalf("BeginRegistration: %v", err)
	}
	body, err := a.Create(o.Options, opts...)
	if err != nil {
		return passkeys.Credential{}, err
	}
	return f.rp.FinishRegistration(t.Context(), acc, o.CeremonyID, "My passkey", body, t0.Add(time.Second))
}

// mustRegister registers a passkey of acc on a new authenticator.
func (f *fixture) mustRegister(t testing.TB, acc passkeys.Account, cfg webauthntest.Config) (*webauthntest.Authenticator, passkeys.Credential) {
	t.Helper()
	if cfg.Origin == "" {
		cfg.Origin = origin
	}
	a := webauthntest.New(cfg)
	c, err := f.register(t, acc, a)
	if err != nil {
		t.Fatalf("registration: %v", err)
	}
	return a, c
}

// signIn runs a discoverable sign-in with a at now.
func (f *fixture) signIn(t *testing.T, a *webauthntest.Authenticator, now time.Time, opts ...webauthntest.Option) (passkeys.Credential, error) {
	t.Helper()
	o, err := f.rp.BeginSignIn(t.Context(), now)
	if err != nil {
		t.Fatalf("BeginSignIn: %v", err)
	}
	body, err := a.Get(o.Options, opts...)
	if err != nil {
		t.Fatalf("authenticator Get: %v", err)
	}
	return f.rp.FinishSignIn(t.Context(), o.CeremonyID, body, now.Add(time.Second))
}

// options decodes the publicKey member of begin options.
func options(t *testing.T, o passkeys.Options) map[string]any {
	t.Helper()
	var v struct {
		PublicKey map[string]any `json:"publicKey"`
	}
	if err := json.Unmarshal(o.Options, &v); err != nil || v.PublicKey == nil {
		t.Fatalf("options %s: %v", o.Options, err)
	}
	return v.PublicKey
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: error %v, want %v", what, err, target)
	}
}

func TestRegisterThenSignIn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice := f.account(t)

	o, err := f.rp.BeginRegistration(t.Context(), alice, t0)
	if err != nil {
		t.Fatal(err)
	}
	pk := options(t, o)
	sel, _ := pk["authenticatorSelection"].(map[string]any)
	if sel["residentKey"] != "required" || sel["requireResidentKey"] != true || sel["userVerification"] != "required" {
		t.Errorf("authenticatorSelection %v, want a discoverable credential with user verification required", sel)
	}
	if rp, _ := pk["rp"].(map[string]any); rp["id"] != rpID || rp["name"] != "Example" {
		t.Errorf("rp %v", pk["rp"])
	}
	if pk["timeout"] != float64(passkeys.CeremonyLifetime.Milliseconds()) {
		t.Errorf("timeout %v, want %d", pk["timeout"], passkeys.CeremonyLifetime.Milliseconds())
	}
	if ext, _ := pk["extensions"].(map[string]any); ext["credProps"] != true {
		t.Errorf("extensions %v, want credProps", pk["extensions"])
	}
	if ex, ok := pk["excludeCredentials"].([]any); ok && len(ex) != 0 {
		t.Errorf("excludeCredentials %v for an account without passkeys", ex)
	}
	u, _ := pk["user"].(map[string]any)
	handle, err := base64.RawURLEncoding.DecodeString(fmt.Sprint(u["id"]))
	if err != nil || len(handle) != passkeys.UserHandleLen {
		t.Fatalf("user.id %v: %d bytes (%v), want a %d-byte random handle", u["id"], len(handle), err, passkeys.UserHandleLen)
	}
	if bytes.Contains(handle, []byte(alice.ID)) || bytes.Contains(handle, []byte(alice.Email)) || u["name"] != alice.Email {
		t.Errorf("user %v: the handle must not be the id or email; the name is the email", u)
	}
	if len(o.CeremonyID) != 43 {
		t.Errorf("ceremony_id %q, want 256 bits in base64url", o.CeremonyID)
	}

	a := webauthntest.New(webauthntest.Config{Origin: origin})
	body, err := a.Create(o.Options)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := f.rp.FinishRegistration(t.Context(), alice, o.CeremonyID, "  Laptop  ", body, t0.Add(time.Second))
	if err != nil {
		t.Fatalf("FinishRegistration: %v", err)
	}
	held := a.Credentials()[0]
	if !bytes.Equal(reg.CredentialID, held.ID) || !bytes.Equal(held.UserHandle, handle) || reg.UserID != alice.ID ||
		reg.Name != "Laptop" || reg.SignCount != 0 || reg.AttestationFormat != "none" || !reg.CreatedAt.Equal(t0.Add(time.Second)) ||
		reg.LastUsedAt != nil || reg.BackupEligible || reg.BackedUp {
		t.Fatalf("registered %+v for held %+v", reg, held)
	}
	list, err := f.rp.List(t.Context(), alice.ID)
	if err != nil || len(list) != 1 || list[0].ID != reg.ID {
		t.Fatalf("List: %+v, %v", list, err)
	}

	// Discoverable sign-in: no allowCredentials, user verification required.
	so, err := f.rp.BeginSignIn(t.Context(), t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	spk := options(t, so)
	if ac, ok := spk["allowCredentials"].([]any); ok && len(ac) != 0 {
		t.Fatalf("sign-in options list credentials: %v", ac)
	}
	if spk["userVerification"] != "required" || spk["rpId"] != rpID {
		t.Fatalf("sign-in options %v", spk)
	}
	body, err = a.Get(so.Options)
	if err != nil {
		t.Fatal(err)
	}
	at := t0.Add(time.Minute + time.Second)
	got, err := f.rp.FinishSignIn(t.Context(), so.CeremonyID, body, at)
	if err != nil {
		t.Fatalf("FinishSignIn: %v", err)
	}
	if got.ID != reg.ID || got.UserID != alice.ID || got.SignCount != 1 || got.LastUsedAt == nil || !got.LastUsedAt.Equal(at) {
		t.Fatalf("signed in with %+v", got)
	}
	// The same authenticator again: counter 2.
	got, err = f.signIn(t, a, t0.Add(2*time.Minute))
	if err != nil || got.SignCount != 2 {
		t.Fatalf("second sign-in: %+v, %v", got, err)
	}
}

func TestRegistrationExcludesExisting(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice := f.account(t)
	phone, first := f.mustRegister(t, alice, webauthntest.Config{})

	o, err := f.rp.BeginRegistration(t.Context(), alice, t0)
	if err != nil {
		t.Fatal(err)
	}
	ex, _ := options(t, o)["excludeCredentials"].([]any)
	if len(ex) != 1 || ex[0].(map[string]any)["id"] != base64.RawURLEncoding.EncodeToString(first.CredentialID) {
		t.Fatalf("excludeCredentials %v, want the registered passkey", ex)
	}
	if _, err := phone.Create(o.Options); !errors.Is(err, webauthntest.ErrExcluded) {
		t.Fatalf("the authenticator holding a passkey made another: %v", err)
	}
	// The same user handle on every ceremony; another authenticator adds one.
	laptop, second := f.mustRegister(t, alice, webauthntest.Config{})
	if !bytes.Equal(laptop.Credentials()[0].UserHandle, phone.Credentials()[0].UserHandle) {
		t.Fatal("the account's user handle changed between registrations")
	}
	list, err := f.rp.List(t.Context(), alice.ID)
	if err != nil || len(list) != 2 || list[0].ID != first.ID || list[1].ID != second.ID {
		t.Fatalf("List: %+v, %v", list, err)
	}
}

// An attestation replayed into a new ceremony is refused: its challenge is
// the old one.
func TestReplayedAttestation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	bob := f.account(t)
	o1, _ := f.rp.BeginRegistration(t.Context(), bob, t0)
	body, err := webauthntest.New(webauthntest.Config{Origin: origin}).Create(o1.Options)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.rp.FinishRegistration(t.Context(), bob, o1.CeremonyID, "", body, t0); err != nil {
		t.Fatal(err)
	}
	o2, _ := f.rp.BeginRegistration(t.Context(), bob, t0)
	_, err = f.rp.FinishRegistration(t.Context(), bob, o2.CeremonyID, "", body, t0)
	wantErr(t, "replayed attestation", err, passkeys.ErrRegistrationRejected)
}

func TestCeremoniesAreSingleUse(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice := f.account(t)
	a, _ := f.mustRegister(t, alice, webauthntest.Config{})

	o, _ := f.rp.BeginSignIn(t.Context(), t0)
	body, err := a.Get(o.Options)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.rp.FinishSignIn(t.Context(), o.CeremonyID, body, t0); err != nil {
		t.Fatal(err)
	}
	_, err = f.rp.FinishSignIn(t.Context(), o.CeremonyID, body, t0)
	wantErr(t, "replayed sign-in", err, passkeys.ErrCeremonyNotFound)

	// Registration: the ceremony is used up by a finished registration.
	ro, _ := f.rp.BeginRegistration(t.Context(), alice, t0)
	other := webauthntest.New(webauthntest.Config{Origin: origin})
	rbody, err := other.Create(ro.Options)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.rp.FinishRegistration(t.Context(), alice, ro.CeremonyID, "", rbody, t0); err != nil {
		t.Fatal(err)
	}
	_, err = f.rp.FinishRegistration(t.Context(), alice, ro.CeremonyID, "", rbody, t0)
	wantErr(t, "replayed registration", err, passkeys.ErrCeremonyNotFound)

	// A refused answer uses the ceremony up too.
	o, _ = f.rp.BeginSignIn(t.Context(), t0)
	bad, _ := a.Get(o.Options, webauthntest.WithOrigin("https://evil.example"))
	_, err = f.rp.FinishSignIn(t.Context(), o.CeremonyID, bad, t0)
	wantErr(t, "wrong origin", err, passkeys.ErrAssertionRejected)
	good, _ := a.Get(o.Options)
	_, err = f.rp.FinishSignIn(t.Context(), o.CeremonyID, good, t0)
	wantErr(t, "good answer after a refused one", err, passkeys.ErrCeremonyNotFound)
}

func TestCeremonyExpiry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice := f.account(t)
	a, _ := f.mustRegister(t, alice, webauthntest.Config{})
	for _, tc := range []struct {
		after time.Duration
		ok    bool
	}{
		{passkeys.CeremonyLifetime - time.Millisecond, true},
		{passkeys.CeremonyLifetime, false},
	} {
		o, _ := f.rp.BeginSignIn(t.Context(), t0)
		body, _ := a.Get(o.Options)
		_, err := f.rp.FinishSignIn(t.Context(), o.CeremonyID, body, t0.Add(tc.after))
		if tc.ok && err != nil {
			t.Fatalf("finished %v after the start: %v", tc.after, err)
		}
		if !tc.ok {
			wantErr(t, "finished at expiry", err, passkeys.ErrCeremonyNotFound)
		}
	}
	// The expired ones are purged.
	if _, err := f.rp.BeginSignIn(t.Context(), t0); err != nil {
		t.Fatal(err)
	}
	n, err := f.rp.PurgeCeremonies(t.Context(), t0.Add(passkeys.CeremonyLifetime))
	if err != nil || n != 2 {
		t.Fatalf("PurgeCeremonies: %d, %v; want the 2 left (refused at expiry, never finished)", n, err)
	}
	if n, err := f.rp.PurgeCeremonies(t.Context(), t0.Add(passkeys.CeremonyLifetime)); err != nil || n != 0 {
		t.Fatalf("second PurgeCeremonies: %d, %v", n, err)
	}
}

func TestCeremonyBinding(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice, bob := f.account(t), f.account(t)
	a, _ := f.mustRegister(t, alice, webauthntest.Config{})

	// A registration ceremony of alice cannot register for bob.
	o, _ := f.rp.BeginRegistration(t.Context(), alice, t0)
	body, _ := webauthntest.New(webauthntest.Config{Origin: origin}).Create(o.Options)
	_, err := f.rp.FinishRegistration(t.Context(), bob, o.CeremonyID, "", body, t0)
	wantErr(t, "alice's registration finished by bob", err, passkeys.ErrCeremonyNotFound)

	// A second-factor ceremony of alice cannot be finished for bob, nor be a
	// sign-in; a sign-in ceremony cannot be a second factor.
	so, _ := f.rp.BeginSecondFactor(t.Context(), alice.ID, t0)
	sbody, _ := a.Get(so.Options)
	_, err = f.rp.FinishSecondFactor(t.Context(), bob.ID, so.CeremonyID, sbody, t0)
	wantErr(t, "alice's second factor finished for bob", err, passkeys.ErrCeremonyNotFound)
	_, err = f.rp.FinishSignIn(t.Context(), so.CeremonyID, sbody, t0)
	wantErr(t, "second-factor ceremony as a sign-in", err, passkeys.ErrCeremonyNotFound)
	io, _ := f.rp.BeginSignIn(t.Context(), t0)
	ibody, _ := a.Get(io.Options)
	_, err = f.rp.FinishSecondFactor(t.Context(), alice.ID, io.CeremonyID, ibody, t0)
	wantErr(t, "sign-in ceremony as a second factor", err, passkeys.ErrCeremonyNotFound)
	// The refusals above used nothing up.
	if _, err := f.rp.FinishSecondFactor(t.Context(), alice.ID, so.CeremonyID, sbody, t0); err != nil {
		t.Fatalf("alice's second factor: %v", err)
	}
	if _, err := f.rp.FinishSignIn(t.Context(), io.CeremonyID, ibody, t0); err != nil {
		t.Fatalf("alice's sign-in: %v", err)
	}

	for _, id := range []string{"", "short", strings.Repeat("A", 43), strings.Repeat("!", 43)} {
		_, err := f.rp.FinishSignIn(t.Context(), id, ibody, t0)
		wantErr(t, fmt.Sprintf("ceremony_id %q", id), err, passkeys.ErrCeremonyNotFound)
	}
}

func TestAssertionRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []webauthntest.Option
		want error
	}{
		{"wrong origin", []webauthntest.Option{webauthntest.WithOrigin("https://evil.example")}, passkeys.ErrAssertionRejected},
		{"origin of another port", []webauthntest.Option{webauthntest.WithOrigin("https://app.example.com:8443")}, passkeys.ErrAssertionRejected},
		{"wrong rp id", []webauthntest.Option{webauthntest.WithRPID("evil.example")}, passkeys.ErrAssertionRejected},
		{"no user verification", []webauthntest.Option{webauthntest.WithoutUserVerification()}, passkeys.ErrAssertionRejected},
		{"no user presence", []webauthntest.Option{webauthntest.WithoutUserPresence()}, passkeys.ErrAssertionRejected},
		{"wrong signature", []webauthntest.Option{webauthntest.WithWrongSignature()}, passkeys.ErrAssertionRejected},
		{"tampered challenge", []webauthntest.Option{webauthntest.WithTamperedChallenge()}, passkeys.ErrAssertionRejected},
		{"another user handle", []webauthntest.Option{webauthntest.WithUserHandle(make([]byte, 32))}, passkeys.ErrAssertionRejected},
		{"no user handle", []webauthntest.Option{webauthntest.WithoutUserHandle()}, passkeys.ErrAssertionRejected},
		{"backup eligibility changed", []webauthntest.Option{webauthntest.WithBackupFlags(true, true)}, passkeys.ErrAssertionRejected},
		{"unknown credential", []webauthntest.Option{webauthntest.WithUnknownCredential()}, passkeys.ErrUnknownCredential},
		{"counter not increased", []webauthntest.Option{webauthntest.WithSignCount(1)}, passkeys.ErrSignCountRegressed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			alice := f.account(t)
			a, reg := f.mustRegister(t, alice, webauthntest.Config{})
			if _, err := f.signIn(t, a, t0); err != nil { // counter 1
				t.Fatal(err)
			}
			_, err := f.signIn(t, a, t0.Add(time.Minute), tt.opts...)
			wantErr(t, tt.name, err, tt.want)
			// Nothing was recorded by the refusal.
			list, _ := f.rp.List(t.Context(), alice.ID)
			if list[0].SignCount != 1 || !list[0].LastUsedAt.Equal(t0.Add(time.Second)) {
				t.Fatalf("a refused assertion changed the passkey: %+v", list[0])
			}
			// The same authenticator without the knob still signs in.
			if got, err := f.signIn(t, a, t0.Add(2*time.Minute), webauthntest.WithSignCount(5)); err != nil || got.ID != reg.ID {
				t.Fatalf("sign-in without the knob: %+v, %v", got, err)
			}
		})
	}
}

func TestRegistrationRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []webauthntest.Option
	}{
		{"wrong origin", []webauthntest.Option{webauthntest.WithOrigin("https://evil.example")}},
		{"wrong rp id", []webauthntest.Option{webauthntest.WithRPID("evil.example")}},
		{"no user verification", []webauthntest.Option{webauthntest.WithoutUserVerification()}},
		{"no user presence", []webauthntest.Option{webauthntest.WithoutUserPresence()}},
		{"tampered challenge", []webauthntest.Option{webauthntest.WithTamperedChallenge()}},
		{"backed up but not eligible", []webauthntest.Option{webauthntest.WithBackupFlags(false, true)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			alice := f.account(t)
			_, err := f.register(t, alice, webauthntest.New(webauthntest.Config{Origin: origin}), tt.opts...)
			wantErr(t, tt.name, err, passkeys.ErrRegistrationRejected)
			if list, _ := f.rp.List(t.Context(), alice.ID); len(list) != 0 {
				t.Fatalf("a refused registration stored %+v", list)
			}
		})
	}
}

func TestSignCounter(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice := f.account(t)
	a, _ := f.mustRegister(t, alice, webauthntest.Config{})
	steps := []struct {
		count uint32
		err   error
		after uint32
	}{
		{3, nil, 3},
		{3, passkeys.ErrSignCountRegressed, 3}, // the same counter: a clone
		{2, passkeys.ErrSignCountRegressed, 3}, // backwards
		{0, nil, 3},                            // 0: an authenticator without a counter, accepted, counter kept
		{10, nil, 10},                          // jumps are fine
		{9, passkeys.ErrSignCountRegressed, 10},
	}
	for i, s := range steps {
		got, err := f.signIn(t, a, t0.Add(time.Duration(i)*time.Minute), webauthntest.WithSignCount(s.count))
		if s.err != nil {
			wantErr(t, fmt.Sprintf("step %d: counter %d", i, s.count), err, s.err)
			continue
		}
		if err != nil || got.SignCount != s.after {
			t.Fatalf("step %d: counter %d: %+v, %v; want stored %d", i, s.count, got, err, s.after)
		}
	}
}

func TestDeletedPasskeyIsUnknown(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice, bob := f.account(t), f.account(t)
	a, reg := f.mustRegister(t, alice, webauthntest.Config{})
	_, err := f.rp.Delete(t.Context(), bob.ID, reg.ID)
	wantErr(t, "bob deletes alice's passkey", err, passkeys.ErrNotFound)
	if _, err := f.rp.Delete(t.Context(), alice.ID, reg.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.signIn(t, a, t0)
	wantErr(t, "sign-in with a deleted passkey", err, passkeys.ErrUnknownCredential)
	_, err = f.rp.BeginSecondFactor(t.Context(), alice.ID, t0)
	wantErr(t, "second factor without passkeys", err, passkeys.ErrNoPasskeys)
}

func TestSecondFactor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice, bob := f.account(t), f.account(t)
	_, err := f.rp.BeginSecondFactor(t.Context(), alice.ID, t0)
	wantErr(t, "second factor before any passkey", err, passkeys.ErrNoPasskeys)
	phone, p1 := f.mustRegister(t, alice, webauthntest.Config{})
	laptop, p2 := f.mustRegister(t, alice, webauthntest.Config{})
	bobKey, _ := f.mustRegister(t, bob, webauthntest.Config{})

	o, err := f.rp.BeginSecondFactor(t.Context(), alice.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	pk := options(t, o)
	ac, _ := pk["allowCredentials"].([]any)
	if len(ac) != 2 || pk["userVerification"] != "required" {
		t.Fatalf("second-factor options %v, want alice's 2 passkeys and user verification", pk)
	}
	body, err := laptop.Get(o.Options)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.rp.FinishSecondFactor(t.Context(), alice.ID, o.CeremonyID, body, t0.Add(time.Second))
	if err != nil || got.ID != p2.ID || got.SignCount != 1 {
		t.Fatalf("FinishSecondFactor: %+v, %v", got, err)
	}
	o, _ = f.rp.BeginSecondFactor(t.Context(), alice.ID, t0)
	body, _ = phone.Get(o.Options)
	if got, err := f.rp.FinishSecondFactor(t.Context(), alice.ID, o.CeremonyID, body, t0); err != nil || got.ID != p1.ID {
		t.Fatalf("phone as second factor: %+v, %v", got, err)
	}

	// bob's passkey (answering bob's own options) for alice's ceremony.
	bo, _ := f.rp.BeginSecondFactor(t.Context(), bob.ID, t0)
	bbody, _ := bobKey.Get(bo.Options)
	o, _ = f.rp.BeginSecondFactor(t.Context(), alice.ID, t0)
	_, err = f.rp.FinishSecondFactor(t.Context(), alice.ID, o.CeremonyID, bbody, t0)
	wantErr(t, "another account's passkey", err, passkeys.ErrUnknownCredential)

	for _, tc := range []struct {
		name string
		opt  webauthntest.Option
		want error
	}{
		{"unknown credential", webauthntest.WithUnknownCredential(), passkeys.ErrUnknownCredential},
		{"wrong origin", webauthntest.WithOrigin("https://evil.example"), passkeys.ErrAssertionRejected},
		{"wrong rp id", webauthntest.WithRPID("evil.example"), passkeys.ErrAssertionRejected},
		{"no user verification", webauthntest.WithoutUserVerification(), passkeys.ErrAssertionRejected},
		{"counter not increased", webauthntest.WithSignCount(1), passkeys.ErrSignCountRegressed},
	} {
		o, _ := f.rp.BeginSecondFactor(t.Context(), alice.ID, t0)
		body, err := phone.Get(o.Options, tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.rp.FinishSecondFactor(t.Context(), alice.ID, o.CeremonyID, body, t0)
		wantErr(t, tc.name, err, tc.want)
	}
}

func TestMalformedCredentials(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice := f.account(t)
	a, _ := f.mustRegister(t, alice, webauthntest.Config{})
	o, _ := f.rp.BeginSignIn(t.Context(), t0)
	good, _ := a.Get(o.Options)
	ro, _ := f.rp.BeginRegistration(t.Context(), alice, t0)
	goodReg, _ := webauthntest.New(webauthntest.Config{Origin: origin}).Create(ro.Options)

	bodies := map[string][]byte{
		"empty":           nil,
		"not json":        []byte("passkey"),
		"json null":       []byte("null"),
		"empty object":    []byte("{}"),
		"array":           []byte("[]"),
		"wrong types":     []byte(`{"id":1,"rawId":true,"type":[],"response":"x"}`),
		"base64 garbage":  []byte(`{"id":"!!!","rawId":"!!!","type":"public-key","response":{"clientDataJSON":"%%%","authenticatorData":"***","signature":"@@","attestationObject":"##"}}`),
		"truncated":       good[:len(good)/2],
		"huge":            append(append([]byte(`{"id":"`), bytes.Repeat([]byte("A"), passkeys.MaxCredentialSize)...), `"}`...),
		"wrong cdj type":  bytes.Replace(good, []byte(`"type":"public-key"`), []byte(`"type":"password"`), 1),
		"nested too deep": []byte(strings.Repeat("[", 10000) + strings.Repeat("]", 10000)),
	}
	for name, body := range bodies {
		_, err := f.rp.FinishSignIn(t.Context(), o.CeremonyID, body, t0)
		if !errors.Is(err, passkeys.ErrMalformedCredential) {
			t.Errorf("sign-in with %s: %v, want ErrMalformedCredential", name, err)
		}
		_, err = f.rp.FinishRegistration(t.Context(), alice, ro.CeremonyID, "", body, t0)
		if !errors.Is(err, passkeys.ErrMalformedCredential) {
			t.Errorf("registration with %s: %v, want ErrMalformedCredential", name, err)
		}
	}
	// Refused before the ceremonies were touched: they still work.
	if _, err := f.rp.FinishSignIn(t.Context(), o.CeremonyID, good, t0); err != nil {
		t.Fatalf("sign-in after the malformed bodies: %v", err)
	}
	if _, err := f.rp.FinishRegistration(t.Context(), alice, ro.CeremonyID, "", goodReg, t0); err != nil {
		t.Fatalf("registration after the malformed bodies: %v", err)
	}

	// Well-formed answers of the other ceremony are refused too.
	o, _ = f.rp.BeginSignIn(t.Context(), t0)
	_, err := f.rp.FinishSignIn(t.Context(), o.CeremonyID, goodReg, t0)
	if !errors.Is(err, passkeys.ErrMalformedCredential) && !errors.Is(err, passkeys.ErrAssertionRejected) {
		t.Errorf("a registration response to a sign-in: %v", err)
	}
	ro, _ = f.rp.BeginRegistration(t.Context(), alice, t0)
	_, err = f.rp.FinishRegistration(t.Context(), alice, ro.CeremonyID, "", good, t0)
	if !errors.Is(err, passkeys.ErrMalformedCredential) && !errors.Is(err, passkeys.ErrRegistrationRejected) {
		t.Errorf("an assertion to a registration: %v", err)
	}
}

func TestNamesAndManagement(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice, bob := f.account(t), f.account(t)
	_, reg := f.mustRegister(t, alice, webauthntest.Config{BackupEligible: true, BackedUp: true})
	if !reg.BackupEligible || !reg.BackedUp || !reg.View().BackedUp {
		t.Fatalf("synced passkey %+v", reg)
	}
	for _, bad := range []string{"", "   ", strings.Repeat("é", passkeys.MaxNameLength+1), "a\x00b", "tab\there", "\u202Eevil", "bad\xffutf8"} {
		_, err := f.rp.Rename(t.Context(), alice.ID, reg.ID, bad)
		wantErr(t, fmt.Sprintf("rename to %q", bad), err, passkeys.ErrInvalidName)
	}
	got, err := f.rp.Rename(t.Context(), alice.ID, reg.ID, "  🔑 Téléphone  ")
	if err != nil || got.Name != "🔑 Téléphone" {
		t.Fatalf("rename: %+v, %v", got, err)
	}
	got, err = f.rp.Rename(t.Context(), alice.ID, reg.ID, strings.Repeat("é", passkeys.MaxNameLength))
	if err != nil || got.Name != strings.Repeat("é", passkeys.MaxNameLength) {
		t.Fatalf("rename to the longest name: %v", err)
	}
	_, err = f.rp.Rename(t.Context(), bob.ID, reg.ID, "mine")
	wantErr(t, "bob renames alice's passkey", err, passkeys.ErrNotFound)

	// A registration without a name gets the default; a bad name is refused
	// before the ceremony is used.
	o, _ := f.rp.BeginRegistration(t.Context(), alice, t0)
	body, _ := webauthntest.New(webauthntest.Config{Origin: origin}).Create(o.Options)
	_, err = f.rp.FinishRegistration(t.Context(), alice, o.CeremonyID, "\x07", body, t0)
	wantErr(t, "registration with a bad name", err, passkeys.ErrInvalidName)
	got, err = f.rp.FinishRegistration(t.Context(), alice, o.CeremonyID, "", body, t0)
	if err != nil || got.Name != passkeys.DefaultName {
		t.Fatalf("registration without a name: %+v, %v", got, err)
	}
	view := got.View()
	if b, _ := json.Marshal(view); !strings.Contains(string(b), `"last_used_at":null`) || strings.Contains(string(b), "public") {
		t.Fatalf("view %s", b)
	}
}

func TestMaxPasskeys(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *passkeys.Config) { c.MaxPasskeys = 1 })
	alice := f.account(t)
	o, err := f.rp.BeginRegistration(t.Context(), alice, t0)
	if err != nil {
		t.Fatal(err)
	}
	f.mustRegister(t, alice, webauthntest.Config{})
	_, err = f.rp.BeginRegistration(t.Context(), alice, t0)
	wantErr(t, "begin over the bound", err, passkeys.ErrTooManyPasskeys)
	// A ceremony begun before the bound was reached cannot exceed it.
	body, _ := webauthntest.New(webauthntest.Config{Origin: origin}).Create(o.Options)
	_, err = f.rp.FinishRegistration(t.Context(), alice, o.CeremonyID, "", body, t0)
	wantErr(t, "finish over the bound", err, passkeys.ErrTooManyPasskeys)
}

func TestDeletedAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice := f.account(t)
	_, err := f.rp.BeginRegistration(t.Context(), passkeys.Account{ID: uuid.NewString(), Email: "ghost@example.com"}, t0)
	wantErr(t, "registration for no account", err, passkeys.ErrUserNotFound)
	a, _ := f.mustRegister(t, alice, webauthntest.Config{})
	if err := f.st.DB().Exec("DELETE FROM auth_users WHERE id = ?", alice.ID).Error; err != nil {
		t.Fatal(err)
	}
	_, err = f.signIn(t, a, t0)
	wantErr(t, "sign-in of a deleted account", err, passkeys.ErrUnknownCredential)
}

// New refuses a store it cannot use.
func TestNewNeedsAStore(t *testing.T) {
	t.Parallel()
	if _, err := passkeys.New(passkeys.Config{RPID: rpID, RPDisplayName: "x", Origins: []string{origin}}, nil); err == nil {
		t.Fatal("New accepted a nil store")
	}
}

// TestCeremoniesOnEveryDialect runs the whole life of a passkey on every
// available database: registration, discoverable sign-in, replay, counter
// regression, second factor, rename, deletion.
func TestCeremoniesOnEveryDialect(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			f := newFixtureOn(t, d.Open)
			alice := f.account(t)
			a, reg := f.mustRegister(t, alice, webauthntest.Config{BackupEligible: true})
			o, _ := f.rp.BeginSignIn(t.Context(), t0)
			body, _ := a.Get(o.Options)
			got, err := f.rp.FinishSignIn(t.Context(), o.CeremonyID, body, t0.Add(time.Second))
			if err != nil || got.ID != reg.ID || got.UserID != alice.ID || got.SignCount != 1 {
				t.Fatalf("sign-in: %+v, %v", got, err)
			}
			_, err = f.rp.FinishSignIn(t.Context(), o.CeremonyID, body, t0.Add(time.Second))
			wantErr(t, "replay", err, passkeys.ErrCeremonyNotFound)
			_, err = f.signIn(t, a, t0, webauthntest.WithSignCount(1))
			wantErr(t, "counter regression", err, passkeys.ErrSignCountRegressed)
			_, err = f.signIn(t, a, t0, webauthntest.WithOrigin("https://evil.example"))
			wantErr(t, "wrong origin", err, passkeys.ErrAssertionRejected)
			_, err = f.signIn(t, a, t0, webauthntest.WithRPID("evil.example"))
			wantErr(t, "wrong rp id", err, passkeys.ErrAssertionRejected)
			_, err = f.signIn(t, a, t0, webauthntest.WithoutUserVerification())
			wantErr(t, "no user verification", err, passkeys.ErrAssertionRejected)
			_, err = f.signIn(t, a, t0, webauthntest.WithUnknownCredential())
			wantErr(t, "unknown credential", err, passkeys.ErrUnknownCredential)
			so, _ := f.rp.BeginSecondFactor(t.Context(), alice.ID, t0)
			sbody, _ := a.Get(so.Options)
			if got, err := f.rp.FinishSecondFactor(t.Context(), alice.ID, so.CeremonyID, sbody, t0); err != nil || got.ID != reg.ID {
				t.Fatalf("second factor: %+v, %v", got, err)
			}
			if got, err := f.rp.Rename(t.Context(), alice.ID, reg.ID, "Phone"); err != nil || got.Name != "Phone" {
				t.Fatalf("rename: %+v, %v", got, err)
			}
			if _, err := f.rp.Delete(t.Context(), alice.ID, reg.ID); err != nil {
				t.Fatal(err)
			}
			_, err = f.signIn(t, a, t0)
			wantErr(t, "deleted passkey", err, passkeys.ErrUnknownCredential)
		})
	}
}

// The transports of a registration response are the client's, unsigned:
// only the ones WebAuthn defines are stored, once each.
func TestRegistrationTransportsAreFiltered(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	alice := f.account(t)
	o, _ := f.rp.BeginRegistration(t.Context(), alice, t0)
	body, err := webauthntest.New(webauthntest.Config{Origin: origin}).Create(o.Options)
	if err != nil {
		t.Fatal(err)
	}
	junk := `"transports":["usb","` + strings.Repeat("x", 5000) + `","usb","nfc","internal,evil"]`
	body = bytes.Replace(body, []byte(`"transports":["hybrid","internal"]`), []byte(junk), 1)
	got, err := f.rp.FinishRegistration(t.Context(), alice, o.CeremonyID, "", body, t0)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := f.rp.List(t.Context(), alice.ID)
	if strings.Join(got.Transports, ",") != "usb,nfc" || strings.Join(list[0].Transports, ",") != "usb,nfc" {
		t.Fatalf("transports %q stored %q, want [usb nfc]", got.Transports, list[0].Transports)
	}
}
