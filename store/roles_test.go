package store_test

import (
	"testing"

	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/roles/rolestest"
)

// TestRolesStore runs the roles.Store conformance suite on every available
// dialect.
func TestRolesStore(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			rolestest.Run(t, func(t *testing.T) rolestest.Harness {
				st := testdb.Store(t, d.Open(t))
				if err := st.Roles().Migrate(t.Context()); err != nil {
					t.Fatalf("Roles().Migrate: %v", err)
				}
				return rolestest.Harness{Store: st.Roles(), Organizations: st, Kernel: st}
			})
		})
	}
}
