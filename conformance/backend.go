package conformance

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fastauth/fastauth/ginauth"
)

// backendCase is one rule of the Backend contract, checked against a fresh
// backend.
type backendCase struct {
	name string
	run  func(t *testing.T, b ginauth.Backend)
}

// backendGroups lists the Backend contract by domain.
func backendGroups() []struct {
	name  string
	cases []backendCase
} {
	return []struct {
		name  string
		cases []backendCase
	}{
		{"Users", backendUserCases()},
		{"Sessions", backendSessionCases()},
		{"SessionAssurance", backendAssuranceCases()},
		{"Verification", backendVerificationCases()},
		{"Addresses", backendAddressCases()},
		{"Transactions", backendTransactionCases()},
	}
}

// RunBackend checks a Backend implementation against the contract of the
// ginauth Backend interface directly, method by method, including its race
// rules with real goroutines (concurrent refresh-token rotations, duplicate
// sign-ups, invite accepts and revokes, owners demoting each other, a
// sign-in racing a password change). newBackend must return a fresh,
// migrated backend on every call; cases run in parallel.
func RunBackend(t *testing.T, newBackend Factory) {
	t.Helper()
	for _, g := range backendGroups() {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					c.run(t, newBackend(t))
				})
			}
		})
	}
}

// bkEpoch is the "now" backend cases start from: microsecond precision,
// which every dialect keeps.
var bkEpoch = time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC)

// bkRaceN is how many goroutines the race cases start.
const bkRaceN = 20

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
	User      ginauth.User
	Workspace ginauth.Organization
}

// bkNewAccount builds (without storing) a user and personal workspace.
func bkNewAccount(t *testing.T, email string, now time.Time) (ginauth.User, ginauth.Organization, ginauth.Membership) {
	t.Helper()
	u := ginauth.User{ID: bkID(t), Email: email, PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", CreatedAt: now, UpdatedAt: now}
	ws := ginauth.Organization{ID: bkID(t), Kind: ginauth.KindPersonal, Name: "Personal", CreatedAt: now, UpdatedAt: now}
	m := ginauth.Membership{OrganizationID: ws.ID, UserID: u.ID, Role: ginauth.RoleOwner, CreatedAt: now}
	return u, ws, m
}

// bkUser stores a new account.
func bkUser(t *testing.T, b ginauth.Backend, now time.Time) bkAccount {
	t.Helper()
	u, ws, m := bkNewAccount(t, bkEmail(t), now)
	if err := b.CreateUser(t.Context(), u, ws, m, nil); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return bkAccount{User: u, Workspace: ws}
}

// bkOrg stores a shared organization owned by owner.
func bkOrg(t *testing.T, b ginauth.Backend, owner ginauth.User, now time.Time) ginauth.Organization {
	t.Helper()
	o := ginauth.Organization{ID: bkID(t), Kind: ginauth.KindShared, Name: "Org " + owner.Email, CreatedAt: now, UpdatedAt: now}
	if err := b.CreateOrganization(t.Context(), o, ginauth.Membership{OrganizationID: o.ID, UserID: owner.ID, Role: ginauth.RoleOwner, CreatedAt: now}); err != nil {
		t.Fatalf("CreateOrganization: %v", err)
	}
	return o
}

// bkInvite stores a pending invite and returns it with its token hash.
func bkInvite(t *testing.T, b ginauth.Backend, org ginauth.Organization, by ginauth.User, email string, role ginauth.Role, now time.Time) ginauth.Invite {
	t.Helper()
	inv := ginauth.Invite{
		ID: bkID(t), OrganizationID: org.ID, Email: email, Role: role, TokenHash: bkHash(t),
		InvitedByUserID: by.ID, CreatedAt: now, ExpiresAt: now.Add(7 * 24 * time.Hour),
	}
	if err := b.CreateInvite(t.Context(), inv, now); err != nil {
		t.Fatalf("CreateInvite: %v", err)
	}
	return inv
}

// bkJoin adds user to org with role through an invite.
func bkJoin(t *testing.T, b ginauth.Backend, org ginauth.Organization, by, user ginauth.User, role ginauth.Role, now time.Time) {
	t.Helper()
	inv := bkInvite(t, b, org, by, user.Email, role, now)
	if _, _, err := b.AcceptInvite(t.Context(), inv.TokenHash, user.ID, now); err != nil {
		t.Fatalf("AcceptInvite: %v", err)
	}
}

// bkSession stores a new session of user (at credential version 0 unless
// the user's version says otherwise) and returns it with the hash of its
// first refresh token.
func bkSession(t *testing.T, b ginauth.Backend, u ginauth.User, now time.Time) (ginauth.Session, []byte) {
	t.Helper()
	s, first := bkNewSession(t, u, now)
	if err := b.CreateSession(t.Context(), s, first, u.CredentialVersion, false, now); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	return s, first.TokenHash
}

// bkNewSession builds (without storing) a session of u and its first token.
func bkNewSession(t *testing.T, u ginauth.User, now time.Time) (ginauth.Session, ginauth.RefreshToken) {
	t.Helper()
	s := ginauth.Session{
		ID: bkID(t), UserID: u.ID, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(7 * 24 * time.Hour),
		UserAgent: "conformance/1.0", IP: "192.0.2.1",
	}
	first := ginauth.RefreshToken{ID: bkID(t), SessionID: s.ID, TokenHash: bkHash(t), CreatedAt: now, ExpiresAt: s.ExpiresAt}
	return s, first
}

// bkNextToken builds the next refresh token of a rotation at now.
func bkNextToken(t *testing.T, now time.Time) ginauth.RefreshToken {
	t.Helper()
	return ginauth.RefreshToken{ID: bkID(t), TokenHash: bkHash(t), CreatedAt: now}
}

// bkAPIKey stores an API key of org created by u.
func bkAPIKey(t *testing.T, b ginauth.Backend, org ginauth.Organization, u ginauth.User, name string, now time.Time) ginauth.APIKey {
	t.Helper()
	k := ginauth.APIKey{
		ID: bkID(t), OrganizationID: org.ID, Name: name, CreatedByUserID: u.ID,
		KeyPrefix: "0123456789ab", KeyHash: bkHash(t), CreatedAt: now,
	}
	if err := b.CreateAPIKey(t.Context(), k); err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	return k
}

// bkVerification stores a verification token of kind for u.
func bkVerification(t *testing.T, b ginauth.Backend, u ginauth.User, kind ginauth.VerificationKind, now time.Time) ginauth.VerificationToken {
	t.Helper()
	v := ginauth.VerificationToken{ID: bkID(t), UserID: u.ID, Kind: kind, TokenHash: bkHash(t), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := b.CreateVerificationToken(t.Context(), v); err != nil {
		t.Fatalf("CreateVerificationToken: %v", err)
	}
	return v
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
