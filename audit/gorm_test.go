package audit_test

// The GORM store's run of the conformance suite lives here rather than in
// package store's tests: it gets its own test binary (and time budget)
// instead of lengthening store's, which already runs the whole HTTP and
// Backend suites on three dialects.

import (
	"context"
	"testing"

	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/audit/audittest"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/models"
)

// TestGORMStore runs the audit store's conformance suite on every available
// dialect.
func TestGORMStore(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			audittest.Run(t, func(t *testing.T) audit.Store {
				st := testdb.Store(t, d.Open(t)).Audit()
				if err := st.Migrate(context.Background()); err != nil {
					t.Fatalf("Migrate: %v", err)
				}
				return st
			})
		})
	}
}

// TestGORMMigrate checks that AutoMigrate leaves the audit tables alone
// (a module not enabled migrates nothing), that Migrate creates them with
// their indexes, and that a second Migrate succeeds.
func TestGORMMigrate(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			db := d.Open(t)
			st := testdb.Store(t, db)
			m := db.Migrator()
			for _, model := range []any{&models.AuditEvent{}, &models.WebhookDelivery{}} {
				if m.HasTable(model) {
					t.Fatalf("AutoMigrate created %T", model)
				}
			}
			for range 2 {
				if err := st.Audit().Migrate(context.Background()); err != nil {
					t.Fatalf("Migrate: %v", err)
				}
			}
			for _, idx := range []string{"idx_auth_audit_events_org", "idx_auth_audit_events_org_type", "idx_auth_audit_events_subject", "idx_auth_audit_events_occurred"} {
				if !m.HasIndex(&models.AuditEvent{}, idx) {
					t.Errorf("index %s missing", idx)
				}
			}
			if !m.HasIndex(&models.WebhookDelivery{}, "idx_auth_webhook_deliveries_due") {
				t.Error("index idx_auth_webhook_deliveries_due missing")
			}
		})
	}
}
