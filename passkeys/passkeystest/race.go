package passkeystest

import (
	"bytes"
	"testing"
	"time"

	"github.com/fastauth/fastauth/passkeys"
)

// raceEnsureHandle: concurrent first calls with different candidates all
// return one handle, one of the candidates.
func raceEnsureHandle(t *testing.T, h Harness) {
	id := h.NewUser(t)
	candidates := make([][]byte, RaceN)
	got := make([][]byte, RaceN)
	for i := range candidates {
		candidates[i] = random(t, passkeys.UserHandleLen)
	}
	errs := concurrently(RaceN, func(i int) error {
		var err error
		got[i], err = h.Store.EnsureUserHandle(t.Context(), id, candidates[i])
		return err
	})
	for i, err := range errs {
		noErr(t, "EnsureUserHandle", err)
		if !bytes.Equal(got[i], got[0]) {
			t.Fatalf("concurrent EnsureUserHandle returned %x and %x", got[0], got[i])
		}
	}
	found := false
	for _, c := range candidates {
		found = found || bytes.Equal(c, got[0])
	}
	if !found {
		t.Fatalf("handle %x is none of the candidates", got[0])
	}
}

// raceTakeCeremony: of concurrent takes of one ceremony exactly one wins.
func raceTakeCeremony(t *testing.T, h Harness) {
	for _, userID := range []string{"", h.NewUser(t)} {
		kind := passkeys.CeremonySignIn
		if userID != "" {
			kind = passkeys.CeremonySecondFactor
		}
		c := ceremony(t, kind, userID, epoch)
		noErr(t, "create", h.Store.CreateCeremony(t.Context(), c))
		errs := concurrently(RaceN, func(int) error {
			_, err := h.Store.TakeCeremony(t.Context(), c.IDHash, kind, userID, epoch.Add(time.Second))
			return err
		})
		if ok := tally(t, "take", errs, passkeys.ErrCeremonyNotFound); ok != 1 {
			t.Fatalf("%d concurrent takes of one %s ceremony succeeded, want exactly 1", ok, kind)
		}
	}
}

// raceCreateBound: concurrent creations never exceed the bound.
func raceCreateBound(t *testing.T, h Harness) {
	id := userWithHandle(t, h)
	const max = 5
	stored(t, h, id, epoch) // one exists already
	errs := concurrently(RaceN, func(i int) error {
		return h.Store.CreateCredential(t.Context(), credential(t, id, epoch.Add(time.Duration(i)*time.Millisecond)), max)
	})
	if ok := tally(t, "create", errs, passkeys.ErrTooManyPasskeys); ok != max-1 {
		t.Fatalf("%d concurrent creations succeeded with 1 of %d places taken, want %d", ok, max, max-1)
	}
	list, err := h.Store.Credentials(t.Context(), id)
	noErr(t, "list", err)
	if len(list) != max {
		t.Fatalf("%d passkeys stored, want %d", len(list), max)
	}
}

// raceSameCredential: concurrent registrations of one credential id (by
// two accounts) store it once.
func raceSameCredential(t *testing.T, h Harness) {
	alice, bob := userWithHandle(t, h), userWithHandle(t, h)
	credentialID := random(t, 32)
	errs := concurrently(RaceN, func(i int) error {
		owner := alice
		if i%2 == 1 {
			owner = bob
		}
		c := credential(t, owner, epoch)
		c.CredentialID = credentialID
		return h.Store.CreateCredential(t.Context(), c, passkeys.DefaultMaxPasskeys)
	})
	if ok := tally(t, "create", errs, passkeys.ErrCredentialExists); ok != 1 {
		t.Fatalf("%d concurrent registrations of one credential id succeeded, want exactly 1", ok)
	}
	// The losers were not counted.
	owner, err := h.Store.CredentialByCredentialID(t.Context(), credentialID)
	noErr(t, "lookup", err)
	for _, id := range []string{alice, bob} {
		want := 2
		if id == owner.UserID {
			want = 1
		}
		for range want {
			noErr(t, "fill the bound", h.Store.CreateCredential(t.Context(), credential(t, id, epoch), 2))
		}
		wantErr(t, "over the bound", h.Store.CreateCredential(t.Context(), credential(t, id, epoch), 2), passkeys.ErrTooManyPasskeys)
	}
}

// raceDelete: of concurrent deletions of one passkey exactly one succeeds
// and the count drops by one.
func raceDelete(t *testing.T, h Harness) {
	id := userWithHandle(t, h)
	c := stored(t, h, id, epoch)
	stored(t, h, id, epoch.Add(time.Second))
	errs := concurrently(RaceN, func(int) error {
		_, err := h.Store.DeleteCredential(t.Context(), id, c.ID)
		return err
	})
	if ok := tally(t, "delete", errs, passkeys.ErrNotFound); ok != 1 {
		t.Fatalf("%d concurrent deletions of one passkey succeeded, want exactly 1", ok)
	}
	// One passkey is left: a bound of 2 leaves one place.
	noErr(t, "create in the freed place", h.Store.CreateCredential(t.Context(), credential(t, id, epoch), 2))
	wantErr(t, "over the bound", h.Store.CreateCredential(t.Context(), credential(t, id, epoch), 2), passkeys.ErrTooManyPasskeys)
}

// raceSameCounter: of concurrent assertions carrying one counter value (a
// cloned authenticator) exactly one is recorded.
func raceSameCounter(t *testing.T, h Harness) {
	id := userWithHandle(t, h)
	c := stored(t, h, id, epoch)
	errs := concurrently(RaceN, func(i int) error {
		_, err := h.Store.RecordAssertion(t.Context(), c.ID, 7, false, epoch.Add(time.Duration(i)*time.Millisecond))
		return err
	})
	if ok := tally(t, "record", errs, passkeys.ErrSignCountRegressed); ok != 1 {
		t.Fatalf("%d concurrent assertions with counter 7 were recorded, want exactly 1", ok)
	}
	got, err := h.Store.CredentialByCredentialID(t.Context(), c.CredentialID)
	noErr(t, "read", err)
	if got.SignCount != 7 {
		t.Fatalf("counter %d, want 7", got.SignCount)
	}
}
