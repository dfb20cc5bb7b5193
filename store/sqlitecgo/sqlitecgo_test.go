package sqlitecgo_test

import (
	"path/filepath"
	"testing"

	"github.com/fastauth/fastauth/conformance"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/store/sqlitecgo"
)

// TestBackend runs the backend conformance suite (race rules and error
// mapping included) on the store over the cgo driver.
func TestBackend(t *testing.T) {
	conformance.RunBackend(t, func(t *testing.T) ginauth.Backend {
		db, err := sqlitecgo.Open(t.Context(), filepath.Join(t.TempDir(), "auth.db"))
		if err != nil {
			t.Fatal(err)
		}
		sqlDB, _ := db.DB()
		t.Cleanup(func() { _ = sqlDB.Close() })
		return testdb.Store(t, db)
	})
}
