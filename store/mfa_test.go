package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/mfa/mfatest"
	"github.com/fastauth/fastauth/store"
)

// TestMFAStore runs the mfa.Store conformance suite on every available
// dialect.
func TestMFAStore(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			mfatest.Run(t, func(t *testing.T) mfatest.Harness {
				st := testdb.Store(t, d.Open(t))
				if err := st.MFA().Migrate(t.Context()); err != nil {
					t.Fatalf("MFA().Migrate: %v", err)
				}
				return mfatest.Harness{Store: st.MFA(), NewUser: func(t *testing.T) string { return newAccount(t, st) }}
			})
		})
	}
}

// newAccount stores a fresh account and returns its id.
func newAccount(t *testing.T, st *store.Store) string {
	t.Helper()
	id := func() string { return uuid.Must(uuid.NewV7()).String() }
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	u := ginauth.User{ID: id(), PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", CreatedAt: now, UpdatedAt: now}
	u.Email = u.ID + "@example.com"
	ws := ginauth.Organization{ID: id(), Kind: ginauth.KindPersonal, Name: "Personal", CreatedAt: now, UpdatedAt: now}
	if err := st.CreateUser(t.Context(), u, ws, ginauth.Membership{OrganizationID: ws.ID, UserID: u.ID, Role: ginauth.RoleOwner, CreatedAt: now}, nil); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return u.ID
}

// TestMFAMigrate checks that the core's AutoMigrate creates no table of the
// second factor, that MFA().Migrate creates them, and that either migration
// runs again over the other without error.
func TestMFAMigrate(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := d.Open(t)
			st := testdb.Store(t, db)
			tables := []string{"auth_mfa_totp", "auth_mfa_recovery_codes", "auth_mfa_challenges"}
			for _, table := range tables {
				if db.Migrator().HasTable(table) {
					t.Fatalf("AutoMigrate created %s", table)
				}
			}
			for range 2 {
				if err := st.MFA().Migrate(ctx); err != nil {
					t.Fatalf("MFA().Migrate: %v", err)
				}
				if err := st.AutoMigrate(ctx); err != nil {
					t.Fatalf("AutoMigrate after MFA().Migrate: %v", err)
				}
			}
			for _, table := range tables {
				if !db.Migrator().HasTable(table) {
					t.Fatalf("MFA().Migrate did not create %s", table)
				}
			}
			if d.Name == "mysql" {
				checkEmailCollation(t, db)
			}
		})
	}
}

// checkEmailCollation checks that migrating the module's tables, which
// reference auth_users, left the binary collation of the core's address
// column alone.
func checkEmailCollation(t *testing.T, db *gorm.DB) {
	t.Helper()
	var collation string
	err := db.Raw("SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'auth_users' AND COLUMN_NAME = 'email'").
		Scan(&collation).Error
	if err != nil || collation != "utf8mb4_bin" {
		t.Fatalf("auth_users.email collation = %q, %v; want utf8mb4_bin", collation, err)
	}
}
