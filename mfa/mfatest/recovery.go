package mfatest

import (
	"testing"

	"github.com/fastauth/fastauth/mfa"
)

func recoveryCases() []testCase {
	return []testCase{
		{"CodeUsedOnce", recoverySingleUse},
		{"AnyCandidateHashMatches", recoveryCandidates},
		{"CodesOfAnotherUserDoNotWork", recoveryOtherUser},
		{"RegenerateReplacesTheSet", recoveryRegenerate},
		{"RegenerateWithARefusedProofChangesNothing", recoveryRegenerateRefused},
		{"EnableReplacesTheSet", recoveryEnableReplaces},
	}
}

func recoverySingleUse(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	noErr(t, "UseProof", h.Store.UseProof(ctx, e.userID, recovery(e.codes[0]), epoch))
	is(t, "UseProof again", h.Store.UseProof(ctx, e.userID, recovery(e.codes[0]), epoch), mfa.ErrInvalidCode)
	wantStatus(t, h, e.userID, mfa.Status{TOTPEnabled: true, RecoveryCodesRemaining: 9})
	for _, c := range e.codes[1:] {
		noErr(t, "UseProof", h.Store.UseProof(ctx, e.userID, recovery(c), epoch))
	}
	wantStatus(t, h, e.userID, mfa.Status{TOTPEnabled: true})
	if m := status(t, h, e.userID).Methods(); len(m) != 1 || m[0] != mfa.MethodTOTP {
		t.Fatalf("Methods without codes left = %v", m)
	}
}

func recoveryCandidates(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	// As after a key rotation: the hash under the new key first, the
	// stored one (under the previous key) second.
	p := mfa.Proof{Method: mfa.MethodRecoveryCode, RecoveryCodeHashes: [][]byte{randomBytes(32), e.codes[2]}}
	noErr(t, "UseProof", h.Store.UseProof(ctx, e.userID, p, epoch))
	is(t, "UseProof again", h.Store.UseProof(ctx, e.userID, p, epoch), mfa.ErrInvalidCode)
	wantStatus(t, h, e.userID, mfa.Status{TOTPEnabled: true, RecoveryCodesRemaining: 9})
}

func recoveryOtherUser(t *testing.T, h Harness) {
	a, b := enableUser(t, h), enableUser(t, h)
	is(t, "UseProof with another user's code", h.Store.UseProof(t.Context(), a.userID, recovery(b.codes[0]), epoch), mfa.ErrInvalidCode)
	wantStatus(t, h, b.userID, mfa.Status{TOTPEnabled: true, RecoveryCodesRemaining: 10})
}

func recoveryRegenerate(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	noErr(t, "UseProof", h.Store.UseProof(ctx, e.userID, recovery(e.codes[0]), epoch))
	fresh := hashes(10)
	noErr(t, "RegenerateRecoveryCodes", h.Store.RegenerateRecoveryCodes(ctx, e.userID, e.totp(step0+1), fresh, epoch))
	wantStatus(t, h, e.userID, mfa.Status{TOTPEnabled: true, RecoveryCodesRemaining: 10})
	is(t, "an old code", h.Store.UseProof(ctx, e.userID, recovery(e.codes[1]), epoch), mfa.ErrInvalidCode)
	noErr(t, "a new code", h.Store.UseProof(ctx, e.userID, recovery(fresh[9]), epoch))
	is(t, "the regenerating step", h.Store.UseProof(ctx, e.userID, e.totp(step0+1), epoch), mfa.ErrCodeReplayed)
}

func recoveryRegenerateRefused(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	for _, p := range []mfa.Proof{e.totp(step0), {}, {Method: "passkey"}} {
		is(t, "RegenerateRecoveryCodes", h.Store.RegenerateRecoveryCodes(ctx, e.userID, p, hashes(10), epoch), mfa.ErrInvalidCode)
	}
	noErr(t, "an old code still works", h.Store.UseProof(ctx, e.userID, recovery(e.codes[0]), epoch))
	is(t, "RegenerateRecoveryCodes of an unknown user", h.Store.RegenerateRecoveryCodes(ctx, newID(t), e.totp(step0+1), hashes(10), epoch), mfa.ErrNotFound)
}

func recoveryEnableReplaces(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	noErr(t, "DisableTOTP keeping codes", h.Store.DisableTOTP(ctx, e.userID, e.totp(step0+1), false, epoch))
	p := pending(t)
	noErr(t, "SetPendingTOTP", h.Store.SetPendingTOTP(ctx, e.userID, p, epoch))
	fresh := hashes(10)
	noErr(t, "EnableTOTP", h.Store.EnableTOTP(ctx, e.userID, p.SecretID, step0+2, fresh, epoch))
	wantStatus(t, h, e.userID, mfa.Status{TOTPEnabled: true, RecoveryCodesRemaining: 10})
	is(t, "a code of the earlier set", h.Store.UseProof(ctx, e.userID, recovery(e.codes[0]), epoch), mfa.ErrInvalidCode)
	noErr(t, "a code of the new set", h.Store.UseProof(ctx, e.userID, recovery(fresh[0]), epoch))
}
