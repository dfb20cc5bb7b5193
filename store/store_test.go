package store_test

import (
	"testing"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth/conformance"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
)

// newStore returns a factory of fresh, migrated stores on open's databases.
func newStore(open func(t testing.TB) *gorm.DB) conformance.Factory {
	return func(t *testing.T) ginauth.Backend {
		t.Helper()
		return testdb.Store(t, open(t))
	}
}

// TestBackend runs the backend-level conformance suite on every available
// dialect: SQLite always, PostgreSQL and MySQL when FASTAUTH_TEST_POSTGRES_DSN
// and FASTAUTH_TEST_MYSQL_DSN are set.
func TestBackend(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			conformance.RunBackend(t, newStore(d.Open))
		})
	}
}

// TestConformance runs the HTTP conformance suite on every available
// dialect.
func TestConformance(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			conformance.Run(t, newStore(d.Open))
		})
	}
}
