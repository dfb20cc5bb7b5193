package mfatest

import (
	"bytes"
	"testing"
	"time"

	"github.com/fastauth/fastauth/mfa"
)

func challengeCases() []testCase {
	return []testCase{
		{"CreateAndRead", challengeRead},
		{"UnknownUser", challengeUnknownUser},
		{"UnknownToken", challengeUnknownToken},
		{"ExpiresAtExpiresAt", challengeExpiry},
		{"DeadAfterMaxFailures", challengeFailures},
		{"RedeemIsSingleUse", challengeRedeem},
		{"RedeemWithRecoveryCode", challengeRedeemRecovery},
		{"RefusedProofLeavesTheChallengeLive", challengeRefusedProof},
		{"ExternalProofOnlyConsumes", challengeExternal},
		{"DeleteExpired", challengeDeleteExpired},
	}
}

func challengeRead(t *testing.T, h Harness) {
	u := h.NewUser(t)
	c := newChallenge(t, h, u, epoch)
	got, err := h.Store.Challenge(t.Context(), c.TokenHash, maxFailures, epoch)
	noErr(t, "Challenge", err)
	if got.ID != c.ID || got.UserID != u || !bytes.Equal(got.TokenHash, c.TokenHash) || got.FirstMethod != "password" ||
		got.ConsumedAt != nil || got.Failures != 0 {
		t.Fatalf("Challenge = %+v, want %+v", got, c)
	}
	timeEq(t, "CreatedAt", got.CreatedAt, epoch)
	timeEq(t, "ExpiresAt", got.ExpiresAt, c.ExpiresAt)
}

func challengeUnknownUser(t *testing.T, h Harness) {
	c := mfa.Challenge{ID: newID(t), UserID: newID(t), TokenHash: randomBytes(32), FirstMethod: "password", CreatedAt: epoch, ExpiresAt: epoch.Add(time.Minute)}
	is(t, "CreateChallenge of an unknown user", h.Store.CreateChallenge(t.Context(), c), mfa.ErrNotFound)
}

func challengeUnknownToken(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	tok := randomBytes(32)
	_, err := h.Store.Challenge(ctx, tok, maxFailures, epoch)
	is(t, "Challenge", err, mfa.ErrChallengeInvalid)
	_, err = h.Store.FailChallenge(ctx, tok, maxFailures, epoch)
	is(t, "FailChallenge", err, mfa.ErrChallengeInvalid)
	_, err = h.Store.RedeemChallenge(ctx, tok, maxFailures, e.totp(step0+1), epoch)
	is(t, "RedeemChallenge", err, mfa.ErrChallengeInvalid)
	noErr(t, "the proof was not spent", h.Store.UseProof(ctx, e.userID, e.totp(step0+1), epoch))
}

func challengeExpiry(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	c := newChallenge(t, h, e.userID, epoch)
	last := c.ExpiresAt.Add(-time.Microsecond)
	_, err := h.Store.Challenge(ctx, c.TokenHash, maxFailures, last)
	noErr(t, "Challenge a microsecond before expiry", err)
	_, err = h.Store.Challenge(ctx, c.TokenHash, maxFailures, c.ExpiresAt)
	is(t, "Challenge at expiry", err, mfa.ErrChallengeInvalid)
	_, err = h.Store.FailChallenge(ctx, c.TokenHash, maxFailures, c.ExpiresAt)
	is(t, "FailChallenge at expiry", err, mfa.ErrChallengeInvalid)
	_, err = h.Store.RedeemChallenge(ctx, c.TokenHash, maxFailures, e.totp(step0+1), c.ExpiresAt)
	is(t, "RedeemChallenge at expiry", err, mfa.ErrChallengeInvalid)
	_, err = h.Store.RedeemChallenge(ctx, c.TokenHash, maxFailures, e.totp(step0+1), last)
	noErr(t, "RedeemChallenge a microsecond before expiry", err)
}

func challengeFailures(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	c := newChallenge(t, h, e.userID, epoch)
	for i := 1; i <= maxFailures; i++ {
		n, err := h.Store.FailChallenge(ctx, c.TokenHash, maxFailures, epoch)
		noErr(t, "FailChallenge", err)
		if n != i {
			t.Fatalf("FailChallenge #%d = %d", i, n)
		}
		if i < maxFailures {
			got, err := h.Store.Challenge(ctx, c.TokenHash, maxFailures, epoch)
			noErr(t, "Challenge", err)
			if got.Failures != i {
				t.Fatalf("Failures = %d, want %d", got.Failures, i)
			}
		}
	}
	_, err := h.Store.FailChallenge(ctx, c.TokenHash, maxFailures, epoch)
	is(t, "FailChallenge of a dead challenge", err, mfa.ErrChallengeInvalid)
	_, err = h.Store.Challenge(ctx, c.TokenHash, maxFailures, epoch)
	is(t, "Challenge after max failures", err, mfa.ErrChallengeInvalid)
	_, err = h.Store.RedeemChallenge(ctx, c.TokenHash, maxFailures, e.totp(step0+1), epoch)
	is(t, "RedeemChallenge after max failures", err, mfa.ErrChallengeInvalid)
	noErr(t, "the proof was not spent", h.Store.UseProof(ctx, e.userID, e.totp(step0+1), epoch))
}

func challengeRedeem(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	c := newChallenge(t, h, e.userID, epoch)
	at := epoch.Add(time.Minute)
	got, err := h.Store.RedeemChallenge(ctx, c.TokenHash, maxFailures, e.totp(step0+2), at)
	noErr(t, "RedeemChallenge", err)
	if got.ID != c.ID || got.UserID != e.userID || got.FirstMethod != "password" || got.ConsumedAt == nil {
		t.Fatalf("RedeemChallenge = %+v", got)
	}
	timeEq(t, "ConsumedAt", *got.ConsumedAt, at)
	_, err = h.Store.RedeemChallenge(ctx, c.TokenHash, maxFailures, e.totp(step0+3), at)
	is(t, "RedeemChallenge again", err, mfa.ErrChallengeInvalid)
	_, err = h.Store.Challenge(ctx, c.TokenHash, maxFailures, at)
	is(t, "Challenge after redeem", err, mfa.ErrChallengeInvalid)
	is(t, "the redeeming step", h.Store.UseProof(ctx, e.userID, e.totp(step0+2), at), mfa.ErrCodeReplayed)
	noErr(t, "the refused redeem's step was not spent", h.Store.UseProof(ctx, e.userID, e.totp(step0+3), at))
}

func challengeRedeemRecovery(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	c := newChallenge(t, h, e.userID, epoch)
	_, err := h.Store.RedeemChallenge(ctx, c.TokenHash, maxFailures, recovery(e.codes[7]), epoch)
	noErr(t, "RedeemChallenge", err)
	wantStatus(t, h, e.userID, mfa.Status{TOTPEnabled: true, RecoveryCodesRemaining: 9})
	other := enableUser(t, h)
	c2 := newChallenge(t, h, e.userID, epoch)
	_, err = h.Store.RedeemChallenge(ctx, c2.TokenHash, maxFailures, recovery(other.codes[0]), epoch)
	is(t, "RedeemChallenge with another user's code", err, mfa.ErrInvalidCode)
}

func challengeRefusedProof(t *testing.T, h Harness) {
	ctx := t.Context()
	e := enableUser(t, h)
	c := newChallenge(t, h, e.userID, epoch)
	for _, p := range []mfa.Proof{e.totp(step0), recovery(randomBytes(32)), {}} {
		_, err := h.Store.RedeemChallenge(ctx, c.TokenHash, maxFailures, p, epoch)
		is(t, "RedeemChallenge with a refused proof", err, mfa.ErrInvalidCode)
	}
	got, err := h.Store.Challenge(ctx, c.TokenHash, maxFailures, epoch)
	noErr(t, "Challenge", err)
	if got.ConsumedAt != nil || got.Failures != 0 {
		t.Fatalf("a refused proof changed the challenge: %+v", got)
	}
	_, err = h.Store.RedeemChallenge(ctx, c.TokenHash, maxFailures, e.totp(step0+1), epoch)
	noErr(t, "RedeemChallenge", err)
}

func challengeExternal(t *testing.T, h Harness) {
	u := h.NewUser(t) // no TOTP, no codes: say, passkeys only
	c := newChallenge(t, h, u, epoch)
	got, err := h.Store.RedeemChallenge(t.Context(), c.TokenHash, maxFailures, mfa.Proof{Method: "passkey"}, epoch)
	noErr(t, "RedeemChallenge with an external proof", err)
	if got.UserID != u {
		t.Fatalf("RedeemChallenge = %+v", got)
	}
	_, err = h.Store.RedeemChallenge(t.Context(), c.TokenHash, maxFailures, mfa.Proof{Method: "passkey"}, epoch)
	is(t, "RedeemChallenge again", err, mfa.ErrChallengeInvalid)
}

// challengeDeleteExpired works ten years before epoch, so that no other
// case's challenges expire at the time it deletes at.
func challengeDeleteExpired(t *testing.T, h Harness) {
	ctx := t.Context()
	u := h.NewUser(t)
	early := epoch.AddDate(-10, 0, 0)
	expired1 := newChallenge(t, h, u, early)
	expired2 := newChallenge(t, h, u, early.Add(time.Minute))
	_, err := h.Store.RedeemChallenge(ctx, expired2.TokenHash, maxFailures, mfa.Proof{Method: "passkey"}, early.Add(time.Minute))
	noErr(t, "RedeemChallenge", err)
	live := newChallenge(t, h, u, early.Add(time.Hour))
	now := expired2.ExpiresAt // expires_at <= now is deleted
	n, err := h.Store.DeleteExpiredChallenges(ctx, now)
	noErr(t, "DeleteExpiredChallenges", err)
	if n != 2 {
		t.Fatalf("DeleteExpiredChallenges = %d, want 2 (%s, %s)", n, expired1.ID, expired2.ID)
	}
	_, err = h.Store.Challenge(ctx, live.TokenHash, maxFailures, now)
	noErr(t, "the live challenge", err)
	n, err = h.Store.DeleteExpiredChallenges(ctx, now)
	noErr(t, "DeleteExpiredChallenges again", err)
	if n != 0 {
		t.Fatalf("DeleteExpiredChallenges again = %d", n)
	}
}
