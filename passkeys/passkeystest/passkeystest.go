// Package passkeystest is the conformance suite of passkeys.Store: every
// rule of the interface's contract, single-winner races included, as
// subtests any implementation runs from its own tests:
//
//	func TestPasskeys(t *testing.T) {
//		passkeystest.Run(t, func(t *testing.T) passkeystest.Harness { ... })
//	}
package passkeystest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fastauth/fastauth/passkeys"
)

// Harness is what the suite needs of an implementation.
type Harness struct {
	// Store is a fresh passkeys.Store whose tables (core and passkeys)
	// exist.
	Store passkeys.Store
	// NewUser creates an account in the core tables the passkeys refer
	// to and returns its id.
	NewUser func(t *testing.T) string
	// DeleteUser deletes an account; its handle, passkeys and ceremonies
	// must go with it. Nil skips the case.
	DeleteUser func(t *testing.T, userID string)
}

// RaceN is how many goroutines the race cases start.
const RaceN = 16

// epoch is the now cases start from: microsecond precision, which every
// dialect keeps.
var epoch = time.Date(2031, 4, 5, 6, 7, 8, 123456000, time.UTC)

// Run runs every case on fresh harnesses from open.
func Run(t *testing.T, open func(t *testing.T) Harness) {
	cases := []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"Migrate/Idempotent", migrateIdempotent},
		{"UserHandle/EnsureKeepsTheFirst", handleEnsure},
		{"UserHandle/UnknownUser", handleUnknownUser},
		{"Ceremony/TakeOnce", ceremonyTakeOnce},
		{"Ceremony/Binding", ceremonyBinding},
		{"Ceremony/Expiry", ceremonyExpiry},
		{"Credential/CreateListFind", credentialCreateListFind},
		{"Credential/BytesRoundTrip", credentialBytes},
		{"Credential/DuplicateID", credentialDuplicate},
		{"Credential/Bound", credentialBound},
		{"Credential/NeedsHandle", credentialNeedsHandle},
		{"Credential/RenameAndDelete", credentialRenameDelete},
		{"Assertion/Counter", assertionCounter},
		{"Assertion/UnknownPasskey", assertionUnknown},
		{"Account/DeletionCascades", accountDeletion},
		{"Race/EnsureUserHandle", raceEnsureHandle},
		{"Race/TakeCeremony", raceTakeCeremony},
		{"Race/CreateWithinBound", raceCreateBound},
		{"Race/SameCredentialID", raceSameCredential},
		{"Race/Delete", raceDelete},
		{"Race/SameCounter", raceSameCounter},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, open(t))
		})
	}
}

// --- helpers ---------------------------------------------------------------

func random(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func newID(t *testing.T) string {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

func hashOf(t *testing.T) string {
	t.Helper()
	return fmt.Sprintf("%x", sha256.Sum256(random(t, 32)))
}

// userWithHandle creates an account and its handle.
func userWithHandle(t *testing.T, h Harness) string {
	t.Helper()
	id := h.NewUser(t)
	if _, err := h.Store.EnsureUserHandle(t.Context(), id, random(t, passkeys.UserHandleLen)); err != nil {
		t.Fatalf("EnsureUserHandle: %v", err)
	}
	return id
}

// credential builds (without storing) a passkey of userID.
func credential(t *testing.T, userID string, at time.Time) passkeys.Credential {
	t.Helper()
	return passkeys.Credential{
		ID:                newID(t),
		UserID:            userID,
		CredentialID:      random(t, 32),
		PublicKey:         random(t, 77),
		SignCount:         0,
		BackupEligible:    true,
		BackedUp:          false,
		Transports:        []string{"hybrid", "internal"},
		AAGUID:            random(t, 16),
		AttestationFormat: "none",
		Name:              "Passkey",
		CreatedAt:         at,
	}
}

// stored creates a passkey of userID and fails t on error.
func stored(t *testing.T, h Harness, userID string, at time.Time) passkeys.Credential {
	t.Helper()
	c := credential(t, userID, at)
	if err := h.Store.CreateCredential(t.Context(), c, passkeys.DefaultMaxPasskeys); err != nil {
		t.Fatalf("CreateCredential: %v", err)
	}
	return c
}

func ceremony(t *testing.T, kind passkeys.CeremonyKind, userID string, at time.Time) passkeys.Ceremony {
	t.Helper()
	return passkeys.Ceremony{
		IDHash:    hashOf(t),
		Kind:      kind,
		UserID:    userID,
		Session:   []byte(`{"challenge":"` + fmt.Sprintf("%x", random(t, 16)) + `"}`),
		CreatedAt: at,
		ExpiresAt: at.Add(passkeys.CeremonyLifetime),
	}
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: error %v, want %v", what, err, target)
	}
}

func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// sameCredential compares every field.
func sameCredential(t *testing.T, what string, got, want passkeys.Credential) {
	t.Helper()
	switch {
	case got.ID != want.ID, got.UserID != want.UserID, got.Name != want.Name,
		!bytes.Equal(got.CredentialID, want.CredentialID), !bytes.Equal(got.PublicKey, want.PublicKey),
		!bytes.Equal(got.AAGUID, want.AAGUID), got.AttestationFormat != want.AttestationFormat,
		got.SignCount != want.SignCount, got.BackupEligible != want.BackupEligible, got.BackedUp != want.BackedUp,
		!slices.Equal(got.Transports, want.Transports), !got.CreatedAt.Equal(want.CreatedAt),
		(got.LastUsedAt == nil) != (want.LastUsedAt == nil),
		got.LastUsedAt != nil && !got.LastUsedAt.Equal(*want.LastUsedAt):
		t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
	if got.CreatedAt.Location() != time.UTC {
		t.Fatalf("%s: created_at in %v, want UTC", what, got.CreatedAt.Location())
	}
}

// concurrently runs fn(0..n-1) in n goroutines released together and
// returns their errors.
func concurrently(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return errs
}

// tally counts the nil errors and those matching target, failing t on any
// other error.
func tally(t *testing.T, what string, errs []error, target error) (ok int) {
	t.Helper()
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, target):
			t.Fatalf("%s %d: %v, want nil or %v", what, i, err, target)
		}
	}
	return ok
}
