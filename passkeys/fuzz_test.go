package passkeys_test

import (
	"errors"
	"testing"

	"github.com/fastauth/fastauth/internal/webauthntest"
	"github.com/fastauth/fastauth/passkeys"
)

// refusals are the errors a finishing call may return for bad input.
var refusals = []error{
	passkeys.ErrMalformedCredential, passkeys.ErrCeremonyNotFound, passkeys.ErrAssertionRejected,
	passkeys.ErrUnknownCredential, passkeys.ErrSignCountRegressed, passkeys.ErrRegistrationRejected,
	passkeys.ErrCredentialExists, passkeys.ErrTooManyPasskeys,
}

func isRefusal(err error) bool {
	for _, r := range refusals {
		if errors.Is(err, r) {
			return true
		}
	}
	return false
}

// FuzzFinish feeds arbitrary credential JSON to the finishing calls of
// live ceremonies: they never panic, and every refusal is one of the
// package's sentinels, which the routes answer with a 4xx and its code.
func FuzzFinish(f *testing.F) {
	fx := newFixture(f)
	alice := fx.account(f)
	a, _ := fx.mustRegister(f, alice, webauthntest.Config{})
	so, err := fx.rp.BeginSignIn(f.Context(), t0)
	if err != nil {
		f.Fatal(err)
	}
	assertion, err := a.Get(so.Options)
	if err != nil {
		f.Fatal(err)
	}
	ro, err := fx.rp.BeginRegistration(f.Context(), alice, t0)
	if err != nil {
		f.Fatal(err)
	}
	attestation, err := webauthntest.New(webauthntest.Config{Origin: origin}).Create(ro.Options)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{assertion, attestation, []byte(`{}`), []byte(`{"id":"AA","rawId":"AA","type":"public-key","response":{}}`), []byte(`null`)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, credential []byte) {
		ctx := t.Context()
		o, err := fx.rp.BeginSignIn(ctx, t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.rp.FinishSignIn(ctx, o.CeremonyID, credential, t0); err == nil || !isRefusal(err) {
			t.Fatalf("FinishSignIn: %v, want one of the refusals", err)
		}
		o, err = fx.rp.BeginSecondFactor(ctx, alice.ID, t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.rp.FinishSecondFactor(ctx, alice.ID, o.CeremonyID, credential, t0); err == nil || !isRefusal(err) {
			t.Fatalf("FinishSecondFactor: %v, want one of the refusals", err)
		}
		o, err = fx.rp.BeginRegistration(ctx, alice, t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.rp.FinishRegistration(ctx, alice, o.CeremonyID, "", credential, t0); err == nil || !isRefusal(err) {
			t.Fatalf("FinishRegistration: %v, want one of the refusals", err)
		}
	})
}
