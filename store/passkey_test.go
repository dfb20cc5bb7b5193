package store_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/passkeys/passkeystest"
	"github.com/fastauth/fastauth/store"
)

// passkeyHarness returns a store on a fresh database of open with the core
// and passkeys tables, and account helpers on it.
func passkeyHarness(open func(t testing.TB) *gorm.DB) func(t *testing.T) passkeystest.Harness {
	return func(t *testing.T) passkeystest.Harness {
		t.Helper()
		st := testdb.Store(t, open(t))
		if err := st.Passkeys().Migrate(t.Context()); err != nil {
			t.Fatalf("Passkeys().Migrate: %v", err)
		}
		return passkeystest.Harness{
			Store:   st.Passkeys(),
			NewUser: func(t *testing.T) string { return newAccount(t, st) },
			DeleteUser: func(t *testing.T, userID string) {
				t.Helper()
				if err := st.DB().WithContext(t.Context()).Exec("DELETE FROM auth_users WHERE id = ?", userID).Error; err != nil {
					t.Fatalf("delete user: %v", err)
				}
			},
		}
	}
}

// newAccount stores a user with its personal workspace.
func newAccount(t *testing.T, st *store.Store) string {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Microsecond)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	u := ginauth.User{ID: uuid.Must(uuid.NewV7()).String(), Email: fmt.Sprintf("pk-%x@example.com", b), PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", CreatedAt: now, UpdatedAt: now}
	ws := ginauth.Organization{ID: uuid.Must(uuid.NewV7()).String(), Kind: ginauth.KindPersonal, Name: "Personal", CreatedAt: now, UpdatedAt: now}
	m := ginauth.Membership{OrganizationID: ws.ID, UserID: u.ID, Role: ginauth.RoleOwner, CreatedAt: now}
	if err := st.CreateUser(t.Context(), u, ws, m, nil); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return u.ID
}

// TestPasskeys runs the passkeys.Store conformance suite on every available
// dialect.
func TestPasskeys(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			passkeystest.Run(t, passkeyHarness(d.Open))
		})
	}
}

// TestPasskeyTablesAreTheModules: AutoMigrate creates no passkeys table
// (a module not enabled migrates nothing); Passkeys().Migrate creates them.
func TestPasskeyTablesAreTheModules(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			st := testdb.Store(t, d.Open(t))
			tables := []string{"auth_passkey_users", "auth_passkeys", "auth_passkey_ceremonies"}
			for _, table := range tables {
				if st.DB().Migrator().HasTable(table) {
					t.Fatalf("AutoMigrate created %s", table)
				}
			}
			if err := st.Passkeys().Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			for _, table := range tables {
				if !st.DB().Migrator().HasTable(table) {
					t.Fatalf("Passkeys().Migrate did not create %s", table)
				}
			}
		})
	}
}
