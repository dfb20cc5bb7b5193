package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/models"
	"github.com/fastauth/fastauth/store"
)

// exactColumns are the columns the models tag fastauth:"exact".
var exactColumns = map[string][]string{
	"auth_users":               {"email"},
	"auth_invites":             {"email", "role", "token_hash", "active_key"},
	"auth_organizations":       {"kind"},
	"auth_memberships":         {"role"},
	"auth_refresh_tokens":      {"token_hash"},
	"auth_api_keys":            {"key_hash"},
	"auth_verification_tokens": {"kind", "token_hash"},
}

// columnCollation reads a column's collation from information_schema.
func columnCollation(t *testing.T, db *gorm.DB, table, column string) string {
	t.Helper()
	var c *string
	if err := db.Raw("SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?",
		table, column).Scan(&c).Error; err != nil {
		t.Fatal(err)
	}
	if c == nil {
		t.Fatalf("%s.%s: no collation", table, column)
	}
	return *c
}

// TestMySQLCollationMigration: the test database is created with a
// case-, accent- and width-insensitive default collation
// (utf8mb4_unicode_ci, see internal/testdb). Tables created by an earlier
// version inherit it, and "àda@example.com" finds "ada@example.com".
// AutoMigrate converts them: afterwards every exact column is utf8mb4_bin,
// look-alikes are other addresses, the ids keep the default collation (an
// application's foreign keys to them keep working) and a second
// AutoMigrate runs no DDL.
func TestMySQLCollationMigration(t *testing.T) {
	t.Parallel()
	db := testdb.MySQL(t)
	ctx := t.Context()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

	// The schema of earlier versions: the models migrated as they were,
	// with the database's default collation.
	if err := db.AutoMigrate(models.All()...); err != nil {
		t.Fatal(err)
	}
	def := columnCollation(t, db, "auth_users", "email")
	if def == "utf8mb4_bin" {
		t.Fatal("the test database's default collation is binary: this test would prove nothing")
	}
	// An application table referencing the users, as hooks often create.
	if err := db.Exec("CREATE TABLE app_profiles (user_id varchar(36) NOT NULL PRIMARY KEY, " +
		"CONSTRAINT fk_app_profiles_user FOREIGN KEY (user_id) REFERENCES auth_users (id) ON DELETE CASCADE)").Error; err != nil {
		t.Fatal(err)
	}
	st, err := store.New(db)
	if err != nil {
		t.Fatal(err)
	}
	newAccount := func(id int, email string) error {
		u := ginauth.User{ID: uuidOf(id, 1), Email: email, PasswordHash: "h", CreatedAt: now, UpdatedAt: now}
		ws := ginauth.Organization{ID: uuidOf(id, 2), Kind: ginauth.KindPersonal, Name: "Personal", CreatedAt: now, UpdatedAt: now}
		return st.CreateUser(ctx, u, ws, ginauth.Membership{OrganizationID: ws.ID, UserID: u.ID, Role: ginauth.RoleOwner, CreatedAt: now}, nil)
	}
	if err := newAccount(1, "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("INSERT INTO app_profiles (user_id) VALUES (?)", uuidOf(1, 1)).Error; err != nil {
		t.Fatal(err)
	}
	// The defect being migrated away.
	if u, err := st.UserByEmail(ctx, "àda@example.com"); err != nil || u.Email != "ada@example.com" {
		t.Fatalf("before the migration: UserByEmail(àda@) = %q, %v; want the look-alike match of %s", u.Email, err, def)
	}

	if err := st.AutoMigrate(ctx); err != nil {
		t.Fatalf("AutoMigrate over the old schema: %v", err)
	}
	for table, cols := range exactColumns {
		for _, col := range cols {
			if got := columnCollation(t, db, table, col); got != "utf8mb4_bin" {
				t.Errorf("%s.%s: collation %s after AutoMigrate, want utf8mb4_bin", table, col, got)
			}
		}
	}
	if got := columnCollation(t, db, "auth_users", "id"); got != def {
		t.Errorf("auth_users.id: collation %s, want the default %s (application foreign keys)", got, def)
	}
	for _, addr := range []string{"àda@example.com", "ａda@example.com", "adä@example.com"} {
		if _, err := st.UserByEmail(ctx, addr); !errors.Is(err, ginauth.ErrNotFound) {
			t.Errorf("after the migration: UserByEmail(%s) = %v, want ErrNotFound", addr, err)
		}
	}
	if u, err := st.UserByEmail(ctx, "ada@example.com"); err != nil || u.ID != uuidOf(1, 1) {
		t.Fatalf("the existing account after the migration: %+v, %v", u, err)
	}
	if err := newAccount(2, "àda@example.com"); err != nil {
		t.Fatalf("a look-alike sign-up after the migration: %v", err)
	}
	if err := newAccount(3, "ada@example.com"); !errors.Is(err, ginauth.ErrDuplicateEmail) {
		t.Fatalf("the same address again: %v, want ErrDuplicateEmail (the unique index survived)", err)
	}

	ddl := &ddlLogger{Interface: logger.Discard}
	again, err := store.New(db.Session(&gorm.Session{Logger: ddl}))
	if err != nil {
		t.Fatal(err)
	}
	if err := again.AutoMigrate(ctx); err != nil {
		t.Fatal(err)
	}
	if len(ddl.ddl) != 0 {
		t.Errorf("AutoMigrate after the conversion ran DDL: %q", ddl.ddl)
	}
}

// TestMySQLFreshSchemaAllowsApplicationForeignKeys: on a fresh database
// the exact columns are binary from the first AutoMigrate, and an
// application table created with the default collation can still reference
// the users' ids.
func TestMySQLFreshSchemaAllowsApplicationForeignKeys(t *testing.T) {
	t.Parallel()
	db := testdb.MySQL(t)
	testdb.Store(t, db)
	if got := columnCollation(t, db, "auth_users", "email"); got != "utf8mb4_bin" {
		t.Errorf("auth_users.email: collation %s, want utf8mb4_bin", got)
	}
	if err := db.Exec("CREATE TABLE app_profiles (user_id varchar(36) NOT NULL PRIMARY KEY, " +
		"CONSTRAINT fk_app_profiles_user FOREIGN KEY (user_id) REFERENCES auth_users (id) ON DELETE CASCADE)").Error; err != nil {
		t.Fatalf("an application foreign key to auth_users.id: %v", err)
	}
}

// uuidOf is a fixed UUID for account n, row kind k.
func uuidOf(n, k int) string { return fmt.Sprintf("0190a000-0000-7000-8%03x-%012x", k, n) }
