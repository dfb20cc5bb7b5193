// Package socialtest is the conformance suite of social.Store: any
// implementation runs it from its own go test, on every database it
// supports.
//
//	func TestIdentities(t *testing.T) {
//		socialtest.Run(t, func(t *testing.T) socialtest.Harness {
//			st := openMigratedStore(t)
//			return socialtest.Harness{Store: st.Identities(), NewUser: ...}
//		})
//	}
package socialtest

import (
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fastauth/fastauth/social"
)

// Harness is a store under test.
type Harness struct {
	// Store is the implementation, migrated (Run calls Migrate once more
	// to check that it is idempotent).
	Store social.Store
	// NewUser creates a user of the kernel (identities reference users)
	// and returns its id.
	NewUser func(t *testing.T) string
}

// epoch is the suite's clock: times have microseconds, which every
// dialect keeps.
var epoch = time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC)

// Racers is how many goroutines the race cases run at once.
const Racers = 8

// Run runs every case on one harness from open; the cases isolate
// themselves with fresh users and subjects, and run in parallel.
func Run(t *testing.T, open func(t *testing.T) Harness) {
	t.Helper()
	h := open(t)
	if err := h.Store.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate on a migrated store: %v", err)
	}
	cases := []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"CreateAndLookup", createAndLookup},
		{"SubjectUniquePerProvider", subjectUniquePerProvider},
		{"SubjectComparedExactly", subjectComparedExactly},
		{"UnknownUser", unknownUser},
		{"NotFound", notFound},
		{"ListOldestFirst", listOldestFirst},
		{"Delete", deleteIdentity},
		{"DeleteKeepOne", deleteKeepOne},
		{"RaceCreateSameSubject", raceCreateSameSubject},
		{"RaceDeleteLastTwo", raceDeleteLastTwo},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, h)
		})
	}
}

// subject returns a new random subject.
func subject(t *testing.T) string {
	t.Helper()
	return "sub-" + rand.Text()
}

// identity returns a new identity of user.
func identity(t *testing.T, provider, sub, userID string, at time.Time) social.Identity {
	t.Helper()
	id, err := social.NewIdentity(social.Profile{Provider: provider, Subject: sub, Email: "p" + sub + "@example.com"}, userID, at)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// create stores id, failing t on error.
func create(t *testing.T, h Harness, id social.Identity) {
	t.Helper()
	if err := h.Store.CreateIdentity(t.Context(), id); err != nil {
		t.Fatalf("CreateIdentity(%s/%s): %v", id.Provider, id.Subject, err)
	}
}

// wantErr fails t unless err matches target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: %v, want %v", what, err, target)
	}
}

// same fails t unless got equals want (times compared as instants).
func same(t *testing.T, what string, got, want social.Identity) {
	t.Helper()
	if got.ID != want.ID || got.Provider != want.Provider || got.Subject != want.Subject ||
		got.UserID != want.UserID || got.Email != want.Email || !got.CreatedAt.Equal(want.CreatedAt) ||
		got.CreatedAt.Location() != time.UTC {
		t.Fatalf("%s = %+v, want %+v", what, got, want)
	}
}

func createAndLookup(t *testing.T, h Harness) {
	u := h.NewUser(t)
	want := identity(t, "google", subject(t), u, epoch)
	create(t, h, want)
	got, err := h.Store.IdentityBySubject(t.Context(), "google", want.Subject)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "IdentityBySubject", got, want)

	noEmail := identity(t, "github", subject(t), u, epoch)
	noEmail.Email = ""
	create(t, h, noEmail)
	got, err = h.Store.IdentityBySubject(t.Context(), "github", noEmail.Subject)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "IdentityBySubject without email", got, noEmail)
}

func subjectUniquePerProvider(t *testing.T, h Harness) {
	u1, u2 := h.NewUser(t), h.NewUser(t)
	sub := subject(t)
	create(t, h, identity(t, "google", sub, u1, epoch))
	// The same subject at another provider is another account.
	create(t, h, identity(t, "github", sub, u2, epoch))
	wantErr(t, "same subject, other user", h.Store.CreateIdentity(t.Context(), identity(t, "google", sub, u2, epoch)), social.ErrIdentityTaken)
	wantErr(t, "same subject, same user", h.Store.CreateIdentity(t.Context(), identity(t, "google", sub, u1, epoch)), social.ErrIdentityTaken)
	got, err := h.Store.IdentityBySubject(t.Context(), "google", sub)
	if err != nil || got.UserID != u1 {
		t.Fatalf("after the refused links: %+v, %v; want user %s", got, err, u1)
	}
}

// Subjects are case-sensitive ids: MySQL's default collations would make
// "Abc" find, or collide with, "abc".
func subjectComparedExactly(t *testing.T, h Harness) {
	u1, u2 := h.NewUser(t), h.NewUser(t)
	base := subject(t)
	lower, upper := "abc-"+base, "ABC-"+base
	create(t, h, identity(t, "google", lower, u1, epoch))
	create(t, h, identity(t, "google", upper, u2, epoch))
	for sub, user := range map[string]string{lower: u1, upper: u2} {
		got, err := h.Store.IdentityBySubject(t.Context(), "google", sub)
		if err != nil || got.UserID != user {
			t.Fatalf("IdentityBySubject(%q) = %+v, %v; want user %s", sub, got, err, user)
		}
	}
	_, err := h.Store.IdentityBySubject(t.Context(), "Google", lower)
	wantErr(t, "provider in another case", err, social.ErrNotFound)
	_, err = h.Store.IdentityBySubject(t.Context(), "google", "Abc-"+base)
	wantErr(t, "subject in another case", err, social.ErrNotFound)
}

func unknownUser(t *testing.T, h Harness) {
	err := h.Store.CreateIdentity(t.Context(), identity(t, "google", subject(t), "01900000-0000-7000-8000-000000000000", epoch))
	wantErr(t, "CreateIdentity for an unknown user", err, social.ErrUserNotFound)
}

func notFound(t *testing.T, h Harness) {
	_, err := h.Store.IdentityBySubject(t.Context(), "google", subject(t))
	wantErr(t, "IdentityBySubject", err, social.ErrNotFound)
	u := h.NewUser(t)
	ids, err := h.Store.Identities(t.Context(), u)
	if err != nil || len(ids) != 0 {
		t.Fatalf("Identities of a user without any = %v, %v", ids, err)
	}
	_, err = h.Store.DeleteIdentity(t.Context(), u, "01900000-0000-7000-8000-000000000000", false)
	wantErr(t, "DeleteIdentity", err, social.ErrNotFound)
}

func listOldestFirst(t *testing.T, h Harness) {
	u, other := h.NewUser(t), h.NewUser(t)
	var want []social.Identity
	for i, p := range []string{"microsoft", "google", "github"} {
		id := identity(t, p, subject(t), u, epoch.Add(time.Duration(i)*time.Minute))
		want = append(want, id)
	}
	// Inserted out of order.
	for _, i := range []int{2, 0, 1} {
		create(t, h, want[i])
	}
	create(t, h, identity(t, "google", subject(t), other, epoch))
	got, err := h.Store.Identities(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("Identities = %d, want %d", len(got), len(want))
	}
	for i := range want {
		same(t, fmt.Sprintf("Identities[%d]", i), got[i], want[i])
	}
}

func deleteIdentity(t *testing.T, h Harness) {
	u, other := h.NewUser(t), h.NewUser(t)
	id := identity(t, "google", subject(t), u, epoch)
	create(t, h, id)
	_, err := h.Store.DeleteIdentity(t.Context(), other, id.ID, false)
	wantErr(t, "DeleteIdentity of another user's identity", err, social.ErrNotFound)
	// Without keepOne the last identity goes (the account has a password
	// or a passkey).
	got, err := h.Store.DeleteIdentity(t.Context(), u, id.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "DeleteIdentity", got, id)
	_, err = h.Store.IdentityBySubject(t.Context(), id.Provider, id.Subject)
	wantErr(t, "IdentityBySubject after delete", err, social.ErrNotFound)
	_, err = h.Store.DeleteIdentity(t.Context(), u, id.ID, false)
	wantErr(t, "DeleteIdentity twice", err, social.ErrNotFound)
	// The subject can be linked again.
	create(t, h, identity(t, "google", id.Subject, other, epoch))
}

func deleteKeepOne(t *testing.T, h Harness) {
	u := h.NewUser(t)
	a, b := identity(t, "google", subject(t), u, epoch), identity(t, "github", subject(t), u, epoch.Add(time.Second))
	create(t, h, a)
	create(t, h, b)
	if _, err := h.Store.DeleteIdentity(t.Context(), u, a.ID, true); err != nil {
		t.Fatalf("DeleteIdentity of one of two with keepOne: %v", err)
	}
	_, err := h.Store.DeleteIdentity(t.Context(), u, b.ID, true)
	wantErr(t, "DeleteIdentity of the last with keepOne", err, social.ErrLastSignInMethod)
	ids, err := h.Store.Identities(t.Context(), u)
	if err != nil || len(ids) != 1 || ids[0].ID != b.ID {
		t.Fatalf("after the refusal: %v, %v", ids, err)
	}
}

// Two callbacks linking one provider account: exactly one wins.
func raceCreateSameSubject(t *testing.T, h Harness) {
	sub := subject(t)
	users := make([]string, Racers)
	for i := range users {
		users[i] = h.NewUser(t)
	}
	var wg sync.WaitGroup
	errs := make([]error, Racers)
	start := make(chan struct{})
	for i := range Racers {
		wg.Go(func() {
			<-start
			errs[i] = h.Store.CreateIdentity(t.Context(), identity(t, "google", sub, users[i], epoch))
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner == -1:
			winner = i
		case err == nil:
			t.Fatalf("two links of one subject succeeded: users %s and %s", users[winner], users[i])
		case !errors.Is(err, social.ErrIdentityTaken):
			t.Fatalf("losing CreateIdentity: %v, want ErrIdentityTaken", err)
		}
	}
	if winner == -1 {
		t.Fatal("no CreateIdentity succeeded")
	}
	got, err := h.Store.IdentityBySubject(t.Context(), "google", sub)
	if err != nil || got.UserID != users[winner] {
		t.Fatalf("stored %+v, %v; want the winner %s", got, err, users[winner])
	}
}

// Unlinking both of the last two identities at once: one stays.
func raceDeleteLastTwo(t *testing.T, h Harness) {
	for round := range 5 {
		u := h.NewUser(t)
		ids := []social.Identity{identity(t, "google", subject(t), u, epoch), identity(t, "github", subject(t), u, epoch)}
		for _, id := range ids {
			create(t, h, id)
		}
		var wg sync.WaitGroup
		errs := make([]error, len(ids))
		start := make(chan struct{})
		for i := range ids {
			wg.Go(func() {
				<-start
				_, errs[i] = h.Store.DeleteIdentity(t.Context(), u, ids[i].ID, true)
			})
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, social.ErrLastSignInMethod):
				t.Fatalf("round %d: losing DeleteIdentity: %v, want ErrLastSignInMethod", round, err)
			}
		}
		left, err := h.Store.Identities(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		if ok != 1 || len(left) != 1 || !slices.ContainsFunc(ids, func(id social.Identity) bool { return id.ID == left[0].ID }) {
			t.Fatalf("round %d: %d deletions succeeded, %d identities left; want 1 and 1", round, ok, len(left))
		}
	}
}
