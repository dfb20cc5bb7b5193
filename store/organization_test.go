package store_test

import (
	"testing"

	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/organizations/organizationstest"
)

// TestOrganizationStore runs the organizations.Store conformance suite on
// every available dialect, each case on a fresh database.
func TestOrganizationStore(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			organizationstest.Run(t, func(t *testing.T) organizationstest.Harness {
				st := testdb.Store(t, d.Open(t))
				return organizationstest.Harness{Store: st, Kernel: st, APIKeys: st}
			})
		})
	}
}
