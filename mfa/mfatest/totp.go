package mfatest

import (
	"bytes"
	"testing"
	"time"

	"github.com/fastauth/fastauth/mfa"
)

func totpCases() []testCase {
	return []testCase{
		{"NoTOTPIsTheZeroState", totpNone},
		{"SetupForAnUnknownUser", totpUnknownUser},
		{"SetupStoresAPendingSecret", totpPending},
		{"SetupReplacesThePendingSecret", totpSetupReplaces},
		{"EnableTurnsThePendingSecretOn", totpEnable},
		{"EnableWithoutPendingSecret", totpEnableWithoutPending},
		{"SetupWhileEnabledIsRefused", totpSetupWhileEnabled},
		{"StepAcceptedOnceAndInOrder", totpSteps},
		{"ProofOfAnotherSecretIsRefused", totpOtherSecret},
		{"IncompleteOrForeignProofsAreRefused", totpBadProofs},
		{"DisableWithTOTP", totpDisable},
		{"DisableWithRecoveryCodeKeepingCodes", totpDisableKeepCodes},
		{"DisableWithARefusedProofChangesNothing", totpDisableRefused},
		{"DisableWhenOff", totpDisableOff},
		{"SetupAgainAfterDisable", totpAgain},
	}
}

func totpNone(t *testing.T, h Harness) {
	u := h.NewUser(t)
	for _, id := range []string{u, newID(t)} {
		st, err := h.Store.TOTP(t.Context(), id)
		noErr(t, "TOTP", err)
		if st.UserID != id || st.SecretID != "" || st.Secret != nil || st.EnabledAt != nil || st.LastStep != 0 || st.Enabled() || st.Pending() {
			t.Fatalf("TOTP of a user without TOTP = %+v", st)
		}
		wantStatus(t, h, id, mfa.Status{})
	}
	if m := (mfa.Status{}).Methods(); len(m) != 0 {
		t.Fatalf("Methods of no factor = %v", m)
	}
}

func totpUnknownUser(t *testing.T, h Harness) {
	err := h.Store.SetPendingTOTP(t.Context(), newID(t), pending(t), epoch)
	is(t, "SetPendingTOTP of an unknown user", err, mfa.ErrNotFound)
}

func totpPending(t *testing.T, h Harness) {
	u := h.NewUser(t)
	p := pending(t)
	noErr(t, "SetPendingTOTP", h.Store.SetPendingTOTP(t.Context(), u, p, epoch))
	st, err := h.Store.TOTP(t.Context(), u)
	noErr(t, "TOTP", err)
	if st.UserID != u || st.SecretID != p.SecretID || !bytes.Equal(st.Secret, p.Secret) || st.EnabledAt != nil || !st.Pending() || st.Enabled() {
		t.Fatalf("TOTP after setup = %+v, want pending %+v", st, p)
	}
	timeEq(t, "CreatedAt", st.CreatedAt, epoch)
	wantStatus(t, h, u, mfa.Status{})
}

func totpSetupReplaces(t *testing.T, h Harness) {
	ctx := t.Context()
	u := h.NewUser(t)
	first, second := pending(t), pending(t)
	noErr(t, "SetPendingTOTP", h.Store.SetPendingTOTP(ctx, u, first, epoch))
	later := epoch.Add(time.Minute)
	noErr(t, "SetPendingTOTP again", h.Store.SetPendingTOTP(ctx, u, second, later))
	st, _ := h.Store.TOTP(ctx, u)
	if st.SecretID != second.SecretID || !bytes.Equal(st.Secret, second.Secret) {
		t.Fatalf("TOTP = %+v, want the second setup", st)
	}
	timeEq(t, "CreatedAt", st.CreatedAt, later)
	err := h.Store.EnableTOTP(ctx, u, first.SecretID, step0, hashes(10), later)
	is(t, "EnableTOTP of the replaced secret", err, mfa.ErrSetupRequired)
	wantStatus(t, h, u, mfa.Status{})
	noErr(t, "EnableTOTP", h.Store.EnableTOTP(ctx, u, second.SecretID, step0, hashes(10), later))
}

func totpEnable(t *testing.T, h Harness) {
	ctx := t.Context()
	u := h.NewUser(t)
	p := pending(t)
	noErr(t, "SetPendingTOTP", h.Store.SetPendingTOTP(ctx, u, p, epoch))
	at := epoch.Add(time.Minute)
	noErr(t, "EnableTOTP", h.Store.EnableTOTP(ctx, u, p.SecretID, step0+2, hashes(10), at))
	st, _ := h.Store.TOTP(ctx, u)
	if !st.Enabled() || st.Pending() || st.SecretID != p.SecretID || !bytes.Equal(st.Secret, p.Secret) || st.LastStep != step0+2 || st.EnabledAt == nil {
		t.Fatalf("TOTP after enable = %+v", st)
	}
	timeEq(t, "EnabledAt", *st.EnabledAt, at)
	s := status(t, h, u)
	if s != (mfa.Status{TOTPEnabled: true, RecoveryCodesRemaining: 10}) {
		t.Fatalf("Status = %+v", s)
	}
	if m := s.Methods(); len(m) != 2 || m[0] != mfa.MethodTOTP || m[1] != mfa.MethodRecoveryCode {
		t.Fatalf("Methods = %v", m)
	}
	err := h.Store.EnableTOTP(ctx, u, p.SecretID, step0+3, hashes(10), at)
	is(t, "EnableTOTP twice", err, mfa.ErrSetupRequired)
	// The enabling code's step is spent.
	is(t, "UseProof of the enabling step", h.Store.UseProof(ctx, u, mfa.Proof{Method: mfa.MethodTOTP, TOTPSecretID: p.SecretID, TOTPStep: step0 + 2}, at), mfa.ErrCodeReplayed)
}

func totpEnableWithoutPending(t *testing.T, h Harness) {
	u := h.NewUser(t)
	err := h.Store.EnableTOTP(t.Context(), u, newID(t), step0, hashes(10), epoch)
	is(t, "EnableTOTP without setup", err, mfa.ErrSetupRequired)
	wantStatus(t, h, u, mfa.Status{})
}

func totpSetupWhileEnabled(t *testing.T, h Harness) {
	e := enableUser(t, h)
	err := h.Store.SetPendingTOTP(t.Context(), e.userID, pending(t), epoch)
	is(t, "SetPendingTOTP while enabled", err, mfa.ErrTOTPEnabled)
	st, _ := h.Store.TOTP(t.Context(), e.userID)
	if !st.Enabled() || st.SecretID != e.secretID {
		t.Fatalf("a refused setup changed the secret: %+v", st)
	}
}

func totpSteps(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	for _, c := range []struct {
		step int64
		err  error
	}{
		{step0, mfa.ErrCodeReplayed}, // the enabling step
		{step0 - 1, mfa.ErrCodeReplayed},
		{step0 + 1, nil},
		{step0 + 1, mfa.ErrCodeReplayed},
		{step0, mfa.ErrCodeReplayed},
		{step0 + 3, nil},
		{step0 + 2, mfa.ErrCodeReplayed}, // earlier than the last accepted
	} {
		err := h.Store.UseProof(ctx, e.userID, e.totp(c.step), epoch)
		if c.err == nil {
			noErr(t, "UseProof", err)
		} else {
			is(t, "UseProof", err, c.err)
			is(t, "UseProof", err, mfa.ErrInvalidCode)
		}
	}
	st, _ := h.Store.TOTP(ctx, e.userID)
	if st.LastStep != step0+3 {
		t.Fatalf("LastStep = %d, want %d", st.LastStep, step0+3)
	}
}

func totpOtherSecret(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	other := enableUser(t, h)
	proof := e.totp(step0 + 1)
	proof.TOTPSecretID = newID(t)
	is(t, "UseProof of an unknown secret", h.Store.UseProof(ctx, e.userID, proof, epoch), mfa.ErrInvalidCode)
	is(t, "UseProof with another user's secret", h.Store.UseProof(ctx, e.userID, other.totp(step0+1), epoch), mfa.ErrInvalidCode)
	pendingOnly := h.NewUser(t)
	p := pending(t)
	noErr(t, "SetPendingTOTP", h.Store.SetPendingTOTP(ctx, pendingOnly, p, epoch))
	err := h.Store.UseProof(ctx, pendingOnly, mfa.Proof{Method: mfa.MethodTOTP, TOTPSecretID: p.SecretID, TOTPStep: step0}, epoch)
	is(t, "UseProof of a pending secret", err, mfa.ErrInvalidCode)
	noErr(t, "UseProof", h.Store.UseProof(ctx, e.userID, e.totp(step0+1), epoch))
}

func totpBadProofs(t *testing.T, h Harness) {
	e := enableUser(t, h)
	for _, p := range []mfa.Proof{
		{},
		{Method: "passkey"},
		{Method: mfa.MethodTOTP, TOTPSecretID: e.secretID},
		{Method: mfa.MethodTOTP, TOTPStep: step0 + 5},
		{Method: mfa.MethodRecoveryCode},
		{Method: mfa.MethodRecoveryCode, RecoveryCodeHashes: hashes(2)},
	} {
		is(t, "UseProof of "+p.Method, h.Store.UseProof(t.Context(), e.userID, p, epoch), mfa.ErrInvalidCode)
	}
	wantStatus(t, h, e.userID, mfa.Status{TOTPEnabled: true, RecoveryCodesRemaining: 10})
}

func totpDisable(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	noErr(t, "DisableTOTP", h.Store.DisableTOTP(ctx, e.userID, e.totp(step0+1), true, epoch))
	st, _ := h.Store.TOTP(ctx, e.userID)
	if st.Enabled() || st.Pending() || st.SecretID != "" {
		t.Fatalf("TOTP after disable = %+v", st)
	}
	wantStatus(t, h, e.userID, mfa.Status{})
	is(t, "recovery code after disable", h.Store.UseProof(ctx, e.userID, recovery(e.codes[0]), epoch), mfa.ErrInvalidCode)
}

func totpDisableKeepCodes(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	noErr(t, "DisableTOTP", h.Store.DisableTOTP(ctx, e.userID, recovery(e.codes[4]), false, epoch))
	wantStatus(t, h, e.userID, mfa.Status{RecoveryCodesRemaining: 9})
	is(t, "the code that disabled", h.Store.UseProof(ctx, e.userID, recovery(e.codes[4]), epoch), mfa.ErrInvalidCode)
	noErr(t, "another kept code", h.Store.UseProof(ctx, e.userID, recovery(e.codes[5]), epoch))
}

func totpDisableRefused(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	for _, p := range []mfa.Proof{e.totp(step0), recovery(randomBytes(32)), {}} {
		is(t, "DisableTOTP", h.Store.DisableTOTP(ctx, e.userID, p, true, epoch), mfa.ErrInvalidCode)
	}
	wantStatus(t, h, e.userID, mfa.Status{TOTPEnabled: true, RecoveryCodesRemaining: 10})
}

func totpDisableOff(t *testing.T, h Harness) {
	ctx := t.Context()
	u := h.NewUser(t)
	is(t, "DisableTOTP without TOTP", h.Store.DisableTOTP(ctx, u, mfa.Proof{Method: mfa.MethodTOTP, TOTPSecretID: newID(t), TOTPStep: step0}, true, epoch), mfa.ErrTOTPNotEnabled)
	p := pending(t)
	noErr(t, "SetPendingTOTP", h.Store.SetPendingTOTP(ctx, u, p, epoch))
	is(t, "DisableTOTP of a pending secret", h.Store.DisableTOTP(ctx, u, mfa.Proof{Method: mfa.MethodTOTP, TOTPSecretID: p.SecretID, TOTPStep: step0}, true, epoch), mfa.ErrTOTPNotEnabled)
	is(t, "DisableTOTP of an unknown user", h.Store.DisableTOTP(ctx, newID(t), mfa.Proof{Method: mfa.MethodTOTP, TOTPSecretID: p.SecretID, TOTPStep: step0}, true, epoch), mfa.ErrNotFound)
}

func totpAgain(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	noErr(t, "DisableTOTP", h.Store.DisableTOTP(ctx, e.userID, e.totp(step0+1), true, epoch))
	p := pending(t)
	noErr(t, "SetPendingTOTP", h.Store.SetPendingTOTP(ctx, e.userID, p, epoch))
	noErr(t, "EnableTOTP", h.Store.EnableTOTP(ctx, e.userID, p.SecretID, step0+2, hashes(10), epoch))
	is(t, "proof of the old secret", h.Store.UseProof(ctx, e.userID, e.totp(step0+3), epoch), mfa.ErrInvalidCode)
	noErr(t, "proof of the new secret", h.Store.UseProof(ctx, e.userID, mfa.Proof{Method: mfa.MethodTOTP, TOTPSecretID: p.SecretID, TOTPStep: step0 + 3}, epoch))
}
