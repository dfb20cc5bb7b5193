// Package organizationstest is the conformance suite of
// organizations.Store: every rule of the contract, method by method,
// including its race rules with real goroutines (owners demoting each
// other or leaving at once, concurrent invites, accepts and revokes). A
// Store implementation runs it from its own tests on every database it
// supports:
//
//	func TestOrganizationStore(t *testing.T) {
//		organizationstest.Run(t, func(t *testing.T) organizationstest.Harness {
//			st := openMigratedStore(t)
//			return organizationstest.Harness{Store: st, Kernel: st, APIKeys: st}
//		})
//	}
package organizationstest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/apikeys"
	"github.com/fastauth/fastauth/organizations"
)

// Kernel is the kernel's storage the suite needs beside the Store: the
// accounts memberships belong to (with their personal workspace and their
// active organization). ginauth.Backend implements it.
type Kernel interface {
	CreateUser(ctx context.Context, u fastauth.User, workspace fastauth.Organization, owner fastauth.Membership, first *fastauth.NewSession) error
	UserByID(ctx context.Context, id string) (fastauth.User, error)
	SetActiveOrganization(ctx context.Context, userID, organizationID string) error
}

// Harness is what the suite runs against, on one fresh, migrated
// database.
type Harness struct {
	// Store is the implementation under test.
	Store organizations.Store
	// Kernel creates and reads the accounts, on the same database.
	Kernel Kernel
	// APIKeys creates and reads API keys on the same database: removing a
	// member deletes the member's keys in the organization, deleting an
	// organization all of its keys.
	APIKeys apikeys.Store
}

// testCase is one rule of the contract.
type testCase struct {
	name string
	run  func(t *testing.T, h Harness)
}

// Run checks the Store of the harnesses open returns against the
// organizations.Store contract. open must return a fresh, migrated
// database on every call; cases run in parallel.
func Run(t *testing.T, open func(t *testing.T) Harness) {
	t.Helper()
	for _, g := range []struct {
		name  string
		cases []testCase
	}{
		{"Organizations", organizationCases()},
		{"Invites", inviteCases()},
	} {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					c.run(t, open(t))
				})
			}
		})
	}
}

// bkRaceN is how many goroutines the race cases start.
const bkRaceN = 20

// bkEpoch is the "now" cases start from: microsecond precision,
// which every dialect keeps.
var bkEpoch = time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC)

// bkID returns a new UUIDv7 string.
func bkID(t *testing.T) string {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

// bkHash returns the SHA-256 of a fresh random secret.
func bkHash(t *testing.T) []byte {
	t.Helper()
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b[:])
	return h[:]
}

// bkEmail returns a fresh normalized email address.
func bkEmail(t *testing.T) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("user-%x@example.com", b)
}

// bkAccount is a user with their personal workspace.
type bkAccount struct {
	User      fastauth.User
	Workspace fastauth.Organization
}

// bkNewAccount builds (without storing) a user and personal workspace.
func bkNewAccount(t *testing.T, email string, now time.Time) (fastauth.User, fastauth.Organization, fastauth.Membership) {
	t.Helper()
	u := fastauth.User{ID: bkID(t), Email: email, PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", CreatedAt: now, UpdatedAt: now}
	ws := fastauth.Organization{ID: bkID(t), Kind: fastauth.KindPersonal, Name: "Personal", CreatedAt: now, UpdatedAt: now}
	m := fastauth.Membership{OrganizationID: ws.ID, UserID: u.ID, Role: fastauth.RoleOwner, CreatedAt: now}
	return u, ws, m
}

// bkUser stores a new account.
func bkUser(t *testing.T, h Harness, now time.Time) bkAccount {
	t.Helper()
	u, ws, m := bkNewAccount(t, bkEmail(t), now)
	if err := h.Kernel.CreateUser(t.Context(), u, ws, m, nil); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return bkAccount{User: u, Workspace: ws}
}

// bkOrg stores a shared organization owned by owner.
func bkOrg(t *testing.T, h Harness, owner fastauth.User, now time.Time) fastauth.Organization {
	t.Helper()
	o := fastauth.Organization{ID: bkID(t), Kind: fastauth.KindShared, Name: "Org " + owner.Email, CreatedAt: now, UpdatedAt: now}
	if err := h.Store.CreateOrganization(t.Context(), o, fastauth.Membership{OrganizationID: o.ID, UserID: owner.ID, Role: fastauth.RoleOwner, CreatedAt: now}); err != nil {
		t.Fatalf("CreateOrganization: %v", err)
	}
	return o
}

// bkInvite stores a pending invite and returns it with its token hash.
func bkInvite(t *testing.T, h Harness, org fastauth.Organization, by fastauth.User, email string, role fastauth.Role, now time.Time) fastauth.Invite {
	t.Helper()
	inv := fastauth.Invite{
		ID: bkID(t), OrganizationID: org.ID, Email: email, Role: role, TokenHash: bkHash(t),
		InvitedByUserID: by.ID, CreatedAt: now, ExpiresAt: now.Add(7 * 24 * time.Hour),
	}
	if err := h.Store.CreateInvite(t.Context(), inv, now); err != nil {
		t.Fatalf("CreateInvite: %v", err)
	}
	return inv
}

// bkJoin adds user to org with role through an invite.
func bkJoin(t *testing.T, h Harness, org fastauth.Organization, by, user fastauth.User, role fastauth.Role, now time.Time) {
	t.Helper()
	inv := bkInvite(t, h, org, by, user.Email, role, now)
	if _, _, err := h.Store.AcceptInvite(t.Context(), inv.TokenHash, user.ID, now); err != nil {
		t.Fatalf("AcceptInvite: %v", err)
	}
}

// bkAPIKey stores an API key of org created by u.
func bkAPIKey(t *testing.T, h Harness, org fastauth.Organization, u fastauth.User, name string, now time.Time) fastauth.APIKey {
	t.Helper()
	k := fastauth.APIKey{
		ID: bkID(t), OrganizationID: org.ID, Name: name, CreatedByUserID: u.ID,
		KeyPrefix: "0123456789ab", KeyHash: bkHash(t), CreatedAt: now,
	}
	if err := h.APIKeys.CreateAPIKey(t.Context(), k); err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	return k
}

// bkConcurrently runs fn(0..n-1) in n goroutines released at once and
// returns their errors by index.
func bkConcurrently(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// bkCount counts the nil errors and those matching target; any other error
// fails the test.
func bkCount(t *testing.T, what string, errs []error, target error) (ok, matched int) {
	t.Helper()
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, target):
			matched++
		default:
			t.Errorf("%s #%d: unexpected error %v", what, i, err)
		}
	}
	return ok, matched
}

// bkIs fails the test unless err matches target.
func bkIs(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: error %v, want %v", what, err, target)
	}
}

// bkNoErr fails the test on err.
func bkNoErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// bkTime fails the test unless got is the instant want, in UTC.
func bkTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("%s = %v, want %v in UTC", what, got, want)
	}
}

// bkTimePtr is bkTime for optional times (nil want means "unset").
func bkTimePtr(t *testing.T, what string, got, want *time.Time) {
	t.Helper()
	switch {
	case want == nil && got != nil:
		t.Errorf("%s = %v, want unset", what, *got)
	case want != nil && got == nil:
		t.Errorf("%s unset, want %v", what, *want)
	case want != nil:
		bkTime(t, what, *got, *want)
	}
}
