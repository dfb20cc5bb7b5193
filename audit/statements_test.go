package audit_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/conformance"
	"github.com/fastauth/fastauth/internal/testdb"
)

// statements records the SQL statements a GORM handle runs while on.
type statements struct {
	on  atomic.Bool
	mu  sync.Mutex
	sql []string
}

// countStatements registers callbacks on db that record every statement
// it runs (queries, inserts, updates, deletes, raw statements and rows,
// savepoints included) while the counter is on.
func countStatements(t *testing.T, db *gorm.DB) *statements {
	t.Helper()
	s := &statements{}
	fn := func(tx *gorm.DB) {
		if s.on.Load() {
			s.mu.Lock()
			s.sql = append(s.sql, tx.Statement.SQL.String())
			s.mu.Unlock()
		}
	}
	cb := db.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("test:count", fn),
		cb.Query().After("gorm:query").Register("test:count", fn),
		cb.Update().After("gorm:update").Register("test:count", fn),
		cb.Delete().After("gorm:delete").Register("test:count", fn),
		cb.Row().After("gorm:row").Register("test:count", fn),
		cb.Raw().After("gorm:raw").Register("test:count", fn),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// during returns the statements run while do runs.
func (s *statements) during(do func()) []string {
	s.mu.Lock()
	s.sql = nil
	s.mu.Unlock()
	s.on.Store(true)
	do()
	s.on.Store(false)
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sql)
}

// without returns sql without the statements that mention any of tables.
func without(sql []string, tables ...string) []string {
	return slices.DeleteFunc(slices.Clone(sql), func(q string) bool {
		for _, table := range tables {
			if strings.Contains(q, table) {
				return true
			}
		}
		return false
	})
}

// TestAuditStatements counts the SQL statements of one request with and
// without the audit module, on every dialect: the module adds one INSERT
// per event and, with a webhook endpoint, one INSERT of the event's
// deliveries (one multi-row INSERT for all matching endpoints); the other
// statements stay the same, apart from savepoints: the change's own
// transaction becomes a savepoint in the kernel's (the transaction the
// event is written in), and with endpoints the event and its deliveries
// are written in one more savepoint. An authenticated GET with a warm
// cookie runs no statement with or without the module. BEGIN and COMMIT
// are not GORM statements and are not counted (one transaction per
// request either way).
func TestAuditStatements(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			testAuditStatements(t, d)
		})
	}
}

func testAuditStatements(t *testing.T, d testdb.Dialect) {
	type counts struct{ signUp, roleChange, warmGET []string }
	measure := func(t *testing.T, cfg *audit.ModuleConfig) counts {
		db := d.Open(t)
		st := testdb.Store(t, db)
		var h *conformance.Harness
		if cfg == nil {
			h = conformance.NewHarness(t, st, nil)
		} else {
			h = newWorldOn(t, st, *cfg, nil).Harness
		}
		stmts := countStatements(t, db)
		var out counts
		email := h.Email()
		var owner *conformance.Client
		out.signUp = stmts.during(func() { owner, _ = h.SignUpAs(t, email) })
		w := &world{Harness: h}
		orgID := createOrganization(t, w, owner, "Statements Ltd")
		member := w.join(t, owner, orgID, "member")
		var who conformance.Whoami
		member.Get("/api/whoami").Expect(t, http.StatusOK).Decode(t, &who)
		out.roleChange = stmts.during(func() {
			owner.Patch(h.Path("/organizations/"+orgID+"/members/"+who.UserID), map[string]string{"role": "admin"}).Expect(t, http.StatusOK)
		})
		owner.Get("/api/whoami").Expect(t, http.StatusOK) // warms the token cache
		out.warmGET = stmts.during(func() {
			for range 3 {
				owner.Get("/api/whoami").Expect(t, http.StatusOK)
			}
		})
		return out
	}
	bare := measure(t, nil)
	module := measure(t, &audit.ModuleConfig{NoBackground: true})
	hooked := measure(t, &audit.ModuleConfig{NoBackground: true, Endpoints: []audit.Endpoint{
		testEndpoint(t, "https://hooks.example.com/fastauth"),
		{ID: "second", URL: "https://hooks.example.com/second", Secrets: testEndpoint(t, "https://x.example").Secrets},
	}})
	for _, c := range []struct {
		name string
		sql  func(counts) []string
		// events is how many events the request emits.
		events int
	}{
		{"sign-up", func(c counts) []string { return c.signUp }, 1},
		{"member role change", func(c counts) []string { return c.roleChange }, 1},
		{"warm GET", func(c counts) []string { return c.warmGET }, 0},
	} {
		b, m, w := c.sql(bare), c.sql(module), c.sql(hooked)
		t.Logf("%s: %d statements without the module, %d with it, %d with two webhook endpoints", c.name, len(b), len(m), len(w))
		if c.events == 0 {
			if len(b)+len(m)+len(w) != 0 {
				t.Errorf("%s ran statements: without the module %q; with it %q; with webhooks %q", c.name, b, m, w)
			}
			continue
		}
		for _, v := range []struct {
			name       string
			sql        []string
			inserts    int
			savepoints int
		}{
			{"the module", m, c.events, 1},
			{"two webhook endpoints", w, 2 * c.events, 1 + c.events},
		} {
			if n := count(v.sql, "INSERT") - count(b, "INSERT"); n != v.inserts {
				t.Errorf("%s with %s: %d more INSERTs, want %d\nwith: %q\nwithout: %q", c.name, v.name, n, v.inserts, v.sql, b)
			}
			if n := count(v.sql, "SAVEPOINT") - count(b, "SAVEPOINT"); n != v.savepoints {
				t.Errorf("%s with %s: %d more savepoints, want %d\nwith: %q\nwithout: %q", c.name, v.name, n, v.savepoints, v.sql, b)
			}
			if rest := without(v.sql, "audit_events", "webhook_deliveries", "SAVEPOINT"); !slices.Equal(rest, without(b, "SAVEPOINT")) {
				t.Errorf("%s with %s changed the other statements:\nwith: %q\nwithout: %q", c.name, v.name, v.sql, b)
			}
		}
	}
}

// count is how many statements of sql begin with verb.
func count(sql []string, verb string) int {
	n := 0
	for _, q := range sql {
		if strings.HasPrefix(strings.TrimSpace(q), verb) {
			n++
		}
	}
	return n
}
