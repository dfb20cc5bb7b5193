package store_test

import (
	"database/sql/driver"
	"fmt"

	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth/conformance"
	"github.com/fastauth/fastauth/internal/testdb"
)

// TestSignUpIsOneTransaction: a sign-up writes the user, the personal
// workspace, the owner membership and the first session with its refresh
// token in one transaction. A fault injected before each of those inserts
// (the database connection dies there) leaves no trace of the account, in
// particular no account without its first session, and the same address
// signs up afterwards.
func TestSignUpIsOneTransaction(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			db := d.Open(t)
			var failOn atomic.Value // table name
			failOn.Store("")
			if err := db.Callback().Create().Before("gorm:create").Register("test:fault", func(tx *gorm.DB) {
				if table := failOn.Load().(string); table != "" && tx.Statement.Table == table {
					_ = tx.AddError(fmt.Errorf("injected fault before the insert into %s: %w", table, driver.ErrBadConn))
				}
			}); err != nil {
				t.Fatal(err)
			}
			h := conformance.NewHarness(t, testdb.Store(t, db), nil)
			for _, table := range []string{"auth_organizations", "auth_memberships", "auth_sessions", "auth_refresh_tokens"} {
				failOn.Store(table)
				email := h.Email()
				r := h.NewClient().Post(h.Path("/sign-up"), map[string]string{"email": email, "password": conformance.Password})
				if r.Status < 500 {
					t.Fatalf("sign-up with a fault before the insert into %s: status %d, want a 5xx", table, r.Status)
				}
				failOn.Store("")
				for _, tbl := range []string{"auth_users", "auth_organizations", "auth_memberships", "auth_sessions", "auth_refresh_tokens"} {
					var n int64
					if err := db.Table(tbl).Count(&n).Error; err != nil {
						t.Fatal(err)
					}
					if n != 0 {
						t.Errorf("fault before the insert into %s: %s has %d rows, want none (a half-written sign-up)", table, tbl, n)
					}
				}
				if _, out := h.SignUpAs(t, email); out.User.Email != email {
					t.Fatalf("sign-up after the fault: %+v", out)
				}
				if err := db.Exec("DELETE FROM auth_users").Error; err != nil {
					t.Fatal(err)
				}
				if err := db.Exec("DELETE FROM auth_organizations").Error; err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
