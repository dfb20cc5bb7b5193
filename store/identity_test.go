package store_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/social/socialtest"
	"github.com/fastauth/fastauth/store"
)

// TestIdentities runs the social.Store conformance suite on every
// available dialect.
func TestIdentities(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			socialtest.Run(t, func(t *testing.T) socialtest.Harness {
				st := testdb.Store(t, d.Open(t))
				if err := st.Identities().Migrate(t.Context()); err != nil {
					t.Fatalf("Migrate: %v", err)
				}
				return socialtest.Harness{Store: st.Identities(), NewUser: func(t *testing.T) string { return newUser(t, st) }}
			})
		})
	}
}

// The core's AutoMigrate creates no table of the social module: a module
// that is not enabled migrates nothing.
func TestIdentitiesNotMigratedByCore(t *testing.T) {
	t.Parallel()
	st := testdb.Store(t, testdb.SQLite(t))
	if st.DB().Migrator().HasTable("auth_identities") {
		t.Fatal("AutoMigrate created auth_identities")
	}
	if err := st.Identities().Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !st.DB().Migrator().HasTable("auth_identities") {
		t.Fatal("Migrate did not create auth_identities")
	}
}

// newUser stores a new account with its personal workspace and returns
// its id.
func newUser(t *testing.T, st *store.Store) string {
	t.Helper()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	id := func() string {
		u, err := uuid.NewV7()
		if err != nil {
			t.Fatal(err)
		}
		return u.String()
	}
	u := ginauth.User{ID: id(), PasswordHash: "", CreatedAt: now, UpdatedAt: now}
	u.Email = "u-" + u.ID + "@example.com"
	ws := ginauth.Organization{ID: id(), Kind: ginauth.KindPersonal, Name: "Personal", CreatedAt: now, UpdatedAt: now}
	m := ginauth.Membership{OrganizationID: ws.ID, UserID: u.ID, Role: ginauth.RoleOwner, CreatedAt: now}
	if err := st.CreateUser(t.Context(), u, ws, m, nil); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return u.ID
}
