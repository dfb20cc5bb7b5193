package mfatest

import (
	"errors"
	"slices"
	"testing"

	"github.com/fastauth/fastauth/mfa"
)

func raceCases() []testCase {
	return []testCase{
		{"OneTOTPCodeConcurrently", raceTOTPStep},
		{"OneRecoveryCodeConcurrently", raceRecoveryCode},
		{"RedeemOneChallengeWithOneCode", raceRedeemSameProof},
		{"RedeemOneChallengeWithDistinctCodes", raceRedeemDistinctProofs},
		{"FailuresStopAtTheLimit", raceFailures},
		{"RedeemAgainstTheLastFailure", raceRedeemVsFail},
		{"EnableOnePendingSecret", raceEnable},
		{"RegenerateLeavesOneSet", raceRegenerate},
		{"DisableWithDistinctCodes", raceDisable},
	}
}

func raceTOTPStep(t *testing.T, h Harness) {
	e := enableUser(t, h)
	errs := race(h, raceN, func(int) error { return h.Store.UseProof(t.Context(), e.userID, e.totp(step0+1), epoch) })
	oneWinner(t, "UseProof of one step", errs, mfa.ErrCodeReplayed)
}

func raceRecoveryCode(t *testing.T, h Harness) {
	e := enableUser(t, h)
	errs := race(h, raceN, func(int) error { return h.Store.UseProof(t.Context(), e.userID, recovery(e.codes[0]), epoch) })
	oneWinner(t, "UseProof of one recovery code", errs, mfa.ErrInvalidCode)
	wantStatus(t, h, e.userID, mfa.Status{TOTPEnabled: true, RecoveryCodesRemaining: 9})
}

func raceRedeemSameProof(t *testing.T, h Harness) {
	e := enableUser(t, h)
	c := newChallenge(t, h, e.userID, epoch)
	errs := race(h, raceN, func(int) error {
		_, err := h.Store.RedeemChallenge(t.Context(), c.TokenHash, maxFailures, e.totp(step0+1), epoch)
		return err
	})
	oneWinner(t, "RedeemChallenge", errs, mfa.ErrChallengeInvalid, mfa.ErrCodeReplayed)
}

func raceRedeemDistinctProofs(t *testing.T, h Harness) {
	e := enableUser(t, h)
	c := newChallenge(t, h, e.userID, epoch)
	errs := race(h, raceN, func(i int) error {
		p := e.totp(step0 + 1 + int64(i))
		if i < len(e.codes) {
			p = recovery(e.codes[i])
		}
		_, err := h.Store.RedeemChallenge(t.Context(), c.TokenHash, maxFailures, p, epoch)
		return err
	})
	w := oneWinner(t, "RedeemChallenge", errs, mfa.ErrChallengeInvalid)
	// Only the winner's proof was spent.
	want := mfa.Status{TOTPEnabled: true, RecoveryCodesRemaining: 10}
	if w < len(e.codes) {
		want.RecoveryCodesRemaining = 9
	}
	wantStatus(t, h, e.userID, want)
}

func raceFailures(t *testing.T, h Harness) {
	u := h.NewUser(t)
	c := newChallenge(t, h, u, epoch)
	counts := make([]int, raceN)
	errs := race(h, raceN, func(i int) error {
		n, err := h.Store.FailChallenge(t.Context(), c.TokenHash, maxFailures, epoch)
		counts[i] = n
		return err
	})
	var got []int
	for i, err := range errs {
		switch {
		case err == nil:
			got = append(got, counts[i])
		case !errors.Is(err, mfa.ErrChallengeInvalid):
			t.Fatalf("FailChallenge: %v", err)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, []int{1, 2, 3, 4, 5}) {
		t.Fatalf("concurrent FailChallenge counted %v, want 1 to %d once each", got, maxFailures)
	}
	_, err := h.Store.Challenge(t.Context(), c.TokenHash, maxFailures, epoch)
	is(t, "Challenge", err, mfa.ErrChallengeInvalid)
}

func raceRedeemVsFail(t *testing.T, h Harness) {
	e := enableUser(t, h)
	c := newChallenge(t, h, e.userID, epoch)
	for range maxFailures - 1 {
		_, err := h.Store.FailChallenge(t.Context(), c.TokenHash, maxFailures, epoch)
		noErr(t, "FailChallenge", err)
	}
	errs := race(h, raceN, func(i int) error {
		if i == 0 {
			_, err := h.Store.RedeemChallenge(t.Context(), c.TokenHash, maxFailures, e.totp(step0+1), epoch)
			return err
		}
		_, err := h.Store.FailChallenge(t.Context(), c.TokenHash, maxFailures, epoch)
		return err
	})
	w := oneWinner(t, "the redeem and the last failures", errs, mfa.ErrChallengeInvalid)
	if w != 0 {
		noErr(t, "the refused redeem's proof was not spent", h.Store.UseProof(t.Context(), e.userID, e.totp(step0+1), epoch))
	}
}

func raceEnable(t *testing.T, h Harness) {
	u := h.NewUser(t)
	p := pending(t)
	noErr(t, "SetPendingTOTP", h.Store.SetPendingTOTP(t.Context(), u, p, epoch))
	errs := race(h, raceN/2, func(int) error {
		return h.Store.EnableTOTP(t.Context(), u, p.SecretID, step0, hashes(10), epoch)
	})
	oneWinner(t, "EnableTOTP", errs, mfa.ErrSetupRequired)
	wantStatus(t, h, u, mfa.Status{TOTPEnabled: true, RecoveryCodesRemaining: 10})
}

func raceRegenerate(t *testing.T, h Harness) {
	e := enableUser(t, h)
	sets := make([][][]byte, raceN/2)
	for i := range sets {
		sets[i] = hashes(10)
	}
	errs := race(h, len(sets), func(i int) error {
		return h.Store.RegenerateRecoveryCodes(t.Context(), e.userID, e.totp(step0+1+int64(i)), sets[i], epoch)
	})
	for _, err := range errs {
		if err != nil && !errors.Is(err, mfa.ErrCodeReplayed) {
			t.Fatalf("RegenerateRecoveryCodes: %v", err)
		}
	}
	wantStatus(t, h, e.userID, mfa.Status{TOTPEnabled: true, RecoveryCodesRemaining: 10})
	// The ten codes left are one whole set: the last regeneration's.
	whole := 0
	for _, set := range sets {
		n := 0
		for _, c := range set {
			if h.Store.UseProof(t.Context(), e.userID, recovery(c), epoch) == nil {
				n++
			}
		}
		if n != 0 && n != 10 {
			t.Fatalf("%d codes of one set work, want 0 or 10", n)
		}
		if n == 10 {
			whole++
		}
	}
	if whole != 1 {
		t.Fatalf("%d whole sets work, want 1", whole)
	}
}

func raceDisable(t *testing.T, h Harness) {
	e := enableUser(t, h)
	errs := race(h, len(e.codes), func(i int) error {
		return h.Store.DisableTOTP(t.Context(), e.userID, recovery(e.codes[i]), false, epoch)
	})
	oneWinner(t, "DisableTOTP", errs, mfa.ErrTOTPNotEnabled)
	// The losers' codes were not spent.
	wantStatus(t, h, e.userID, mfa.Status{RecoveryCodesRemaining: 9})
}
