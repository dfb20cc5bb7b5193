package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	glebarez "github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/fastauth/fastauth/conformance"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/dburl"
	"github.com/fastauth/fastauth/store/postgres"
	"github.com/fastauth/fastauth/store/sqlite"
)

// countingLogger counts the SQL statements gorm runs.
type countingLogger struct {
	logger.Interface
	n atomic.Int64
}

func (l *countingLogger) LogMode(logger.LogLevel) logger.Interface { return l }

func (l *countingLogger) Trace(_ context.Context, _ time.Time, _ func() (string, int64), _ error) {
	l.n.Add(1)
}

// seed stores a user, a shared organization and an API key of it.
func seed(t *testing.T, b ginauth.Backend) ginauth.APIKey {
	t.Helper()
	ctx := t.Context()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	u := ginauth.User{ID: "0190a000-0000-7000-8000-000000000001", Email: "seed@example.com", PasswordHash: "h", CreatedAt: now, UpdatedAt: now}
	ws := ginauth.Organization{ID: "0190a000-0000-7000-8000-000000000002", Kind: ginauth.KindPersonal, Name: "Personal", CreatedAt: now, UpdatedAt: now}
	if err := b.CreateUser(ctx, u, ws, ginauth.Membership{OrganizationID: ws.ID, UserID: u.ID, Role: ginauth.RoleOwner, CreatedAt: now}, nil); err != nil {
		t.Fatal(err)
	}
	k := ginauth.APIKey{ID: "0190a000-0000-7000-8000-000000000003", OrganizationID: ws.ID, Name: "k", CreatedByUserID: u.ID,
		KeyPrefix: "0123456789ab", KeyHash: make([]byte, 32), CreatedAt: now}
	k.KeyHash[0] = 1
	if err := b.CreateAPIKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	return k
}

// TestAPIKeyByHashOneQuery: verifying an API key costs one SQL statement.
func TestAPIKeyByHashOneQuery(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			db := d.Open(t)
			counter := &countingLogger{Interface: logger.Discard}
			st := testdb.Store(t, db.Session(&gorm.Session{Logger: counter}))
			k := seed(t, st)
			counter.n.Store(0)
			v, err := st.APIKeyByHash(t.Context(), k.KeyHash)
			if err != nil {
				t.Fatal(err)
			}
			if v.Membership == nil || v.User.Email != "seed@example.com" {
				t.Fatalf("APIKeyByHash = %+v", v)
			}
			if n := counter.n.Load(); n != 1 {
				t.Errorf("APIKeyByHash ran %d SQL statements, want 1", n)
			}
		})
	}
}

// ddlLogger records the DDL statements gorm runs.
type ddlLogger struct {
	logger.Interface
	mu  sync.Mutex
	ddl []string
}

func (l *ddlLogger) LogMode(logger.LogLevel) logger.Interface { return l }

func (l *ddlLogger) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	sql, _ := fc()
	if w := strings.ToUpper(strings.Fields(sql + " x")[0]); w == "ALTER" || w == "CREATE" || w == "DROP" {
		l.mu.Lock()
		l.ddl = append(l.ddl, sql)
		l.mu.Unlock()
	}
}

// TestAutoMigrateTwice: migrating an up-to-date schema runs no DDL (no
// ALTER taking table locks at every start).
func TestAutoMigrateTwice(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			ddl := &ddlLogger{Interface: logger.Discard}
			st := testdb.Store(t, d.Open(t).Session(&gorm.Session{Logger: ddl}))
			if len(ddl.ddl) == 0 {
				t.Fatal("the first AutoMigrate ran no DDL")
			}
			ddl.ddl = nil
			if err := st.AutoMigrate(t.Context()); err != nil {
				t.Fatalf("second AutoMigrate: %v", err)
			}
			if len(ddl.ddl) != 0 {
				t.Errorf("the second AutoMigrate ran DDL: %q", ddl.ddl)
			}
			seed(t, st)
			if st.Dialect() != d.Name {
				t.Errorf("Dialect() = %q, want %q", st.Dialect(), d.Name)
			}
		})
	}
}

// TestOpenSQLiteMemory: sqlite.Open(":memory:") is one private database,
// shared by every use of the returned *gorm.DB.
func TestOpenSQLiteMemory(t *testing.T) {
	t.Parallel()
	db, err := sqlite.Open(t.Context(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	t.Cleanup(func() { _ = sqlDB.Close() })
	st := testdb.Store(t, db)
	k := seed(t, st)
	errs := make(chan error, 10)
	for range 10 {
		go func() { _, err := st.APIKeyByHash(t.Context(), k.KeyHash); errs <- err }()
	}
	for range 10 {
		if err := <-errs; err != nil {
			t.Errorf("APIKeyByHash: %v", err)
		}
	}
}

// TestOpenPoolSize: postgres.Open keeps PoolSize connections open and idle,
// so a loaded server reuses its connections.
func TestOpenPoolSize(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv("FASTAUTH_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("FASTAUTH_TEST_POSTGRES_DSN is not set")
	}
	db, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	t.Cleanup(func() { _ = sqlDB.Close() })
	if got := sqlDB.Stats().MaxOpenConnections; got != postgres.PoolSize {
		t.Fatalf("MaxOpenConnections = %d, want %d", got, postgres.PoolSize)
	}
	// Open and release PoolSize connections at once: all stay idle.
	conns := make([]*sql.Conn, postgres.PoolSize)
	for i := range conns {
		if conns[i], err = sqlDB.Conn(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range conns {
		_ = c.Close()
	}
	if idle := sqlDB.Stats().Idle; idle != postgres.PoolSize {
		t.Fatalf("idle connections = %d, want %d", idle, postgres.PoolSize)
	}
}

// TestOpenErrors: unknown schemes are refused; an unreachable server is
// ErrStoreUnavailable.
func TestOpenErrors(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "fastauth.db", "oracle://x", "sqlite://"} {
		if _, err := dburl.Open(t.Context(), u); err == nil {
			t.Errorf("Open(%q) succeeded", u)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for _, u := range []string{
		"postgres://postgres:secret@127.0.0.1:1/x?sslmode=disable&connect_timeout=2",
		"mysql://root:secret@tcp(127.0.0.1:1)/x?timeout=2s",
	} {
		_, err := dburl.Open(ctx, u)
		if !errors.Is(err, ginauth.ErrStoreUnavailable) {
			t.Errorf("Open(%q) = %v, want ErrStoreUnavailable", u, err)
		}
		if err != nil && containsSecret(err.Error()) {
			t.Errorf("Open error leaks the password: %v", err)
		}
	}
}

func containsSecret(s string) bool {
	for i := 0; i+6 <= len(s); i++ {
		if s[i:i+6] == "secret" {
			return true
		}
	}
	return false
}

// TestDeadlineIsStoreUnavailable: a store call that runs out of time
// reports ErrStoreUnavailable.
func TestDeadlineIsStoreUnavailable(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			st := testdb.Store(t, d.Open(t))
			ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
			defer cancel()
			_, err := st.UserByEmail(ctx, "nobody@example.com")
			if !errors.Is(err, ginauth.ErrStoreUnavailable) {
				t.Errorf("UserByEmail past its deadline = %v, want ErrStoreUnavailable", err)
			}
		})
	}
}

// TestPlainSQLiteOpen: a SQLite database opened without sqlite.Open's DSN
// options (as the driver's README does, the Classifier attached with
// db.Use) still enforces foreign keys and passes the backend suite's race
// rules: New limits it to one connection.
func TestPlainSQLiteOpen(t *testing.T) {
	t.Parallel()
	conformance.RunBackend(t, func(t *testing.T) ginauth.Backend {
		db, err := gorm.Open(glebarez.Open(filepath.Join(t.TempDir(), "plain.db")), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Use(sqlite.Classifier{}); err != nil {
			t.Fatal(err)
		}
		sqlDB, _ := db.DB()
		t.Cleanup(func() { _ = sqlDB.Close() })
		st := testdb.Store(t, db)
		var fk int
		if err := db.Raw("PRAGMA foreign_keys").Scan(&fk).Error; err != nil || fk != 1 {
			t.Fatalf("PRAGMA foreign_keys = %d (%v), want 1", fk, err)
		}
		return st
	})
}

// TestSQLiteMemoryBackend: the single-connection in-memory database of
// sqlite://:memory: passes the backend suite (no transaction waits on a
// second connection).
func TestSQLiteMemoryBackend(t *testing.T) {
	t.Parallel()
	conformance.RunBackend(t, func(t *testing.T) ginauth.Backend {
		db, err := sqlite.Open(t.Context(), ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		sqlDB, _ := db.DB()
		t.Cleanup(func() { _ = sqlDB.Close() })
		st := testdb.Store(t, db)
		return st
	})
}

// TestErrorMapping: constraint violations map to the ginauth sentinels on
// every dialect: a taken email is ErrDuplicateEmail, any other unique
// violation ErrConflict, a reference to a missing row ErrNotFound.
func TestErrorMapping(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			st := testdb.Store(t, d.Open(t))
			ctx := t.Context()
			k := seed(t, st)

			dup := k
			dup.ID = "0190a000-0000-7000-8000-0000000000ff"
			if err := st.CreateAPIKey(ctx, dup); !errors.Is(err, ginauth.ErrConflict) || errors.Is(err, ginauth.ErrDuplicateEmail) {
				t.Errorf("CreateAPIKey with a taken hash = %v, want ErrConflict", err)
			}
			sameID := k
			sameID.KeyHash = make([]byte, 32)
			if err := st.CreateAPIKey(ctx, sameID); !errors.Is(err, ginauth.ErrConflict) {
				t.Errorf("CreateAPIKey with a taken id = %v, want ErrConflict", err)
			}
			orphan := k
			orphan.ID = "0190a000-0000-7000-8000-0000000000fe"
			orphan.KeyHash = append([]byte{2}, make([]byte, 31)...)
			orphan.OrganizationID = "0190a000-0000-7000-8000-0000000000fd"
			if err := st.CreateAPIKey(ctx, orphan); !errors.Is(err, ginauth.ErrNotFound) {
				t.Errorf("CreateAPIKey in a missing organization = %v, want ErrNotFound", err)
			}
			if err := st.SetActiveOrganization(ctx, k.CreatedByUserID, orphan.OrganizationID); !errors.Is(err, ginauth.ErrNotFound) {
				t.Errorf("SetActiveOrganization to a missing organization = %v, want ErrNotFound", err)
			}
		})
	}
}

// TestNewNeedsClassifier: a *gorm.DB without its driver's error classifier
// is refused by New with the package that provides one, since the store
// could not tell a duplicate email or an unreachable database from any
// other error; one that classifies another driver is refused by db.Use.
func TestNewNeedsClassifier(t *testing.T) {
	t.Parallel()
	db, err := gorm.Open(glebarez.Open(filepath.Join(t.TempDir(), "bare.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	t.Cleanup(func() { _ = sqlDB.Close() })
	_, err = store.New(db)
	if err == nil || !strings.Contains(err.Error(), "github.com/fastauth/fastauth/store/sqlite") {
		t.Fatalf("New without a classifier = %v, want an error naming store/sqlite", err)
	}
	if err := db.Use(postgres.Classifier{}); err == nil || !strings.Contains(err.Error(), "not pgx") {
		t.Fatalf("db.Use(postgres.Classifier{}) on SQLite = %v, want refused", err)
	}
	if err := db.Use(sqlite.Classifier{}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.New(db); err != nil {
		t.Fatalf("New with the classifier: %v", err)
	}
}
