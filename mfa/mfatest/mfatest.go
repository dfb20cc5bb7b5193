// Package mfatest is the conformance suite of mfa.Store: every rule of the
// contract, method by method, including its race rules with real
// goroutines. A Store implementation runs it from its own tests on every
// database it supports:
//
//	func TestMFAStore(t *testing.T) {
//		mfatest.Run(t, func(t *testing.T) mfatest.Harness {
//			st := openMigratedStore(t)
//			return mfatest.Harness{Store: st.MFA(), NewUser: func(t *testing.T) string { ... }}
//		})
//	}
package mfatest

import (
	"context"
	"crypto/rand"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fastauth/fastauth/mfa"
)

// Harness is what the suite runs against.
type Harness struct {
	// Store is the implementation under test, migrated (Store.Migrate
	// has run).
	Store mfa.Store
	// NewUser creates an account in the database the Store runs on and
	// returns its id: the second factor's rows belong to existing users.
	NewUser func(t *testing.T) string
}

// Run checks h's Store against the mfa.Store contract. open is called once;
// the cases share its database and run in parallel, each with users of its
// own.
func Run(t *testing.T, open func(t *testing.T) Harness) {
	t.Helper()
	h := open(t)
	t.Run("MigrateAgain", func(t *testing.T) {
		if err := h.Store.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate on a migrated database: %v", err)
		}
	})
	for _, g := range groups() {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					c.run(t, h)
				})
			}
		})
	}
}

// testCase is one rule of the contract.
type testCase struct {
	name string
	run  func(t *testing.T, h Harness)
}

// groups lists the contract by concern.
func groups() []struct {
	name  string
	cases []testCase
} {
	return []struct {
		name  string
		cases []testCase
	}{
		{"TOTP", totpCases()},
		{"RecoveryCodes", recoveryCases()},
		{"Challenges", challengeCases()},
		{"Races", raceCases()},
	}
}

// epoch is the "now" cases start from: microsecond precision, which every
// dialect keeps.
var epoch = time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC)

// step0 is the TOTP step of epoch.
var step0 = mfa.TOTPStep(epoch)

// raceN is how many goroutines the race cases start.
const raceN = 20

// maxFailures is the failure limit the challenge cases pass.
const maxFailures = 5

func newID(t *testing.T) string {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

// randomBytes returns n bytes of crypto/rand.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// hashes returns n random 32-byte hashes (stand-ins for keyed hashes of
// recovery codes).
func hashes(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = randomBytes(32)
	}
	return out
}

// pending returns a new pending secret (random bytes stand in for a sealed
// secret: the store never opens it).
func pending(t *testing.T) mfa.PendingTOTP {
	return mfa.PendingTOTP{SecretID: newID(t), Secret: randomBytes(49)}
}

// enabled is a user with TOTP on, enabled with the code of step0, and a
// set of recovery codes.
type enabled struct {
	userID   string
	secretID string
	codes    [][]byte
}

// enableUser creates a user and turns TOTP on.
func enableUser(t *testing.T, h Harness) enabled {
	t.Helper()
	ctx := t.Context()
	u := h.NewUser(t)
	p := pending(t)
	noErr(t, "SetPendingTOTP", h.Store.SetPendingTOTP(ctx, u, p, epoch))
	codes := hashes(mfa.RecoveryCodeCount)
	noErr(t, "EnableTOTP", h.Store.EnableTOTP(ctx, u, p.SecretID, step0, codes, epoch))
	return enabled{userID: u, secretID: p.SecretID, codes: codes}
}

// totp is a TOTP proof of e's secret for a step.
func (e enabled) totp(step int64) mfa.Proof {
	return mfa.Proof{Method: mfa.MethodTOTP, TOTPSecretID: e.secretID, TOTPStep: step}
}

// recovery is a recovery-code proof of a hash.
func recovery(hash []byte) mfa.Proof {
	return mfa.Proof{Method: mfa.MethodRecoveryCode, RecoveryCodeHashes: [][]byte{hash}}
}

// newChallenge stores a challenge of userID created at now.
func newChallenge(t *testing.T, h Harness, userID string, now time.Time) mfa.Challenge {
	t.Helper()
	c := mfa.Challenge{ID: newID(t), UserID: userID, TokenHash: randomBytes(32), FirstMethod: "password",
		CreatedAt: now, ExpiresAt: now.Add(mfa.DefaultChallengeTTL)}
	noErr(t, "CreateChallenge", h.Store.CreateChallenge(t.Context(), c))
	return c
}

func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func is(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

// status returns the user's status, failing t on error.
func status(t *testing.T, h Harness, userID string) mfa.Status {
	t.Helper()
	s, err := h.Store.Status(t.Context(), userID)
	noErr(t, "Status", err)
	return s
}

// wantStatus checks the user's status.
func wantStatus(t *testing.T, h Harness, userID string, want mfa.Status) {
	t.Helper()
	if got := status(t, h, userID); got != want {
		t.Fatalf("Status = %+v, want %+v", got, want)
	}
}

// timeEq checks a stored time.
func timeEq(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) || got.Location() != time.UTC {
		t.Fatalf("%s = %v, want %v in UTC", what, got, want)
	}
}

// race runs f in n goroutines started together and returns their errors.
// It first has n goroutines read at once, so that the connection pool
// holds enough open connections for the racers to overlap instead of
// queueing behind connection set-up.
func race(h Harness, n int, f func(i int) error) []error {
	var warm sync.WaitGroup
	for range n {
		warm.Add(1)
		go func() {
			defer warm.Done()
			_, _ = h.Store.Status(context.Background(), "")
		}()
	}
	warm.Wait()
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// oneWinner checks that exactly one error is nil and that every other
// matches one of losers.
func oneWinner(t *testing.T, what string, errs []error, losers ...error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		if err == nil {
			if winner >= 0 {
				t.Fatalf("%s: goroutines %d and %d both won", what, winner, i)
			}
			winner = i
			continue
		}
		matched := false
		for _, l := range losers {
			matched = matched || errors.Is(err, l)
		}
		if !matched {
			t.Fatalf("%s: goroutine %d: %v, want one of %v", what, i, err, losers)
		}
	}
	if winner < 0 {
		t.Fatalf("%s: nobody won: %v", what, errs)
	}
	return winner
}
