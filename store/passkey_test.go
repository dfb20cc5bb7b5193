package store_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/passkeys/passkeystest"
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
