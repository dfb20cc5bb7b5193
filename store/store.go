// Package store is the GORM implementation of ginauth.Backend for
// PostgreSQL, MySQL/MariaDB and SQLite.
//
//	db, err := postgres.Open(ctx, "postgres://app@db:5432/app") // or mysql.Open, sqlite.Open
//	st, err := store.New(db)
//	err = st.AutoMigrate(ctx)
//	auth, err := ginauth.Register(router, cfg, st)
//
// The store imports no database driver: one package per dialect opens the
// *gorm.DB with the right connection options and tells the store what its
// driver's errors mean (an ErrorClassifier), so a service links only the
// driver it uses:
//
//	github.com/fastauth/fastauth/store/postgres    pgx
//	github.com/fastauth/fastauth/store/mysql       go-sql-driver/mysql
//	github.com/fastauth/fastauth/store/sqlite      glebarez/sqlite (pure Go)
//	github.com/fastauth/fastauth/store/sqlitecgo   mattn/go-sqlite3 (cgo; faster writes)
//	github.com/fastauth/fastauth/store/dburl       postgres, mysql or sqlite by URL (links all three)
//
// All but store/sqlitecgo build with CGO_ENABLED=0.
//
// Every single-winner rule of the ginauth contract (refresh-token rotation,
// invite acceptance, sign-in racing a password change, the last-owner rule)
// is enforced with conditional updates checked for exactly one affected row,
// or by serializing on a row lock taken with an update that changes a
// value, so the rules hold on all three dialects under concurrency. The
// store never reads a clock: every time it writes or compares is the now
// its caller passes.
//
// SQLite: open the database with sqlite.Open (or its DSNOptions: write
// transactions begin immediate, a busy timeout, the WAL journal, foreign
// keys on) so that concurrent writers queue instead of failing. New detects
// a SQLite database opened without foreign keys enabled and then limits the
// pool to one connection, on which it turns them on.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/models"
)

// Dialect names as reported by gorm's dialectors.
const (
	dialectPostgres = "postgres"
	dialectMySQL    = "mysql"
	dialectSQLite   = "sqlite"
)

// Store implements ginauth.Backend on a *gorm.DB. It is safe for
// concurrent use.
type Store struct {
	db         *gorm.DB
	dialect    string
	classifier ErrorClassifier
}

var _ ginauth.Backend = (*Store)(nil)

// New returns a Store on db. The dialect must be postgres, mysql or sqlite,
// and db must carry the ErrorClassifier of its driver: the Open of the
// dialect packages attaches it (see ErrorClassifier for a *gorm.DB opened
// otherwise).
func New(db *gorm.DB) (*Store, error) {
	if db == nil {
		return nil, errors.New("store: nil *gorm.DB")
	}
	name := db.Dialector.Name()
	switch name {
	case dialectPostgres, dialectMySQL, dialectSQLite:
	default:
		return nil, fmt.Errorf("store: unsupported dialect %q", name)
	}
	classifier, err := classifierOf(db)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db.Session(&gorm.Session{NewDB: true}), dialect: name, classifier: classifier}
	if name == dialectSQLite {
		if err := s.tuneSQLite(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Dialect reports the database dialect: "postgres", "mysql" or "sqlite".
func (s *Store) Dialect() string { return s.dialect }

// DB returns the *gorm.DB the store runs on.
func (s *Store) DB() *gorm.DB { return s.db }

// tuneSQLite makes sure foreign keys are enforced, writers wait for each
// other and the journal is WAL. A database opened with sqlite.Open has all
// of it on every connection; one opened otherwise gets a pool of a single
// connection configured here, because these pragmas are per connection.
func (s *Store) tuneSQLite() error {
	var fk int
	if err := s.db.Raw("PRAGMA foreign_keys").Scan(&fk).Error; err != nil {
		return s.wrap("sqlite pragmas", err)
	}
	if fk == 1 {
		return nil
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("store: sqlite pragmas: %w", err)
	}
	sqlDB.SetMaxOpenConns(1)
	for _, p := range []string{"PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL"} {
		if err := s.db.Exec(p).Error; err != nil {
			return s.wrap("sqlite pragmas", err)
		}
	}
	return nil
}

// AutoMigrate creates or upgrades the auth_* tables and their indexes. On
// MySQL/MariaDB it also gives the columns compared byte for byte (emails,
// hashes) the binary collation, converting tables of earlier versions.
// Running it on an up-to-date schema changes nothing.
func (s *Store) AutoMigrate(ctx context.Context) error {
	db, err := s.migrationDB(models.All())
	if err != nil {
		return s.wrap("auto migrate", err)
	}
	if err := db.WithContext(ctx).AutoMigrate(models.All()...); err != nil {
		return s.wrap("auto migrate", err)
	}
	if err := s.migrateCollations(ctx, db, models.All()); err != nil {
		return s.wrap("auto migrate", err)
	}
	return nil
}

// migrationDB is the *gorm.DB the models ms are migrated on. On PostgreSQL
// it is a private one over the same connection pool whose parsed models carry no
// time precision: timestamptz already keeps microseconds, and gorm's
// migrator mistakes the "(6)" of timestamptz(6) for a column size, which
// would make every AutoMigrate re-ALTER every time column (taking an
// exclusive lock on each auth table at each start). MySQL needs the
// precision (gorm's default there is DATETIME(3)); SQLite ignores it.
func (s *Store) migrationDB(ms []any) (*gorm.DB, error) {
	if s.dialect != dialectPostgres {
		return s.db, nil
	}
	pool, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	db, err := gorm.Open(sharedPool{Dialector: s.db.Dialector, pool: pool}, &gorm.Config{
		Logger:               s.db.Logger,
		NamingStrategy:       s.db.NamingStrategy,
		DisableAutomaticPing: true,
	})
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(m); err != nil {
			return nil, err
		}
		for _, f := range stmt.Schema.Fields {
			if f.DataType == schema.Time {
				f.Precision = 0
			}
		}
	}
	return db, nil
}

// sharedPool is a gorm.Dialector that opens like Dialector but runs on
// pool: migrationDB's private *gorm.DB shares the store's connections
// without naming the driver. It serves AutoMigrate only: of the dialect's
// optional interfaces it forwards Apply alone.
type sharedPool struct {
	gorm.Dialector
	pool *sql.DB
}

// Initialize initializes the dialect (callbacks, clauses) and replaces
// the connection pool it made, which has not connected yet, by pool.
func (d sharedPool) Initialize(db *gorm.DB) error {
	if err := d.Dialector.Initialize(db); err != nil {
		return err
	}
	if own, ok := db.ConnPool.(*sql.DB); ok && own != d.pool {
		_ = own.Close()
	}
	db.ConnPool = d.pool
	return nil
}

// Apply lets the dialect adjust the gorm configuration (PostgreSQL limits
// identifiers to 63 bytes), as it did for the store's own *gorm.DB.
func (d sharedPool) Apply(c *gorm.Config) error {
	if a, ok := d.Dialector.(interface{ Apply(*gorm.Config) error }); ok {
		return a.Apply(c)
	}
	return nil
}

// maxAttempts bounds the retries of a transaction that lost a deadlock or
// a serialization conflict.
const maxAttempts = 6

// txKey is the context key of the store's transaction (*gorm.DB). It
// names the store, so that a transaction of one store is never used by
// another.
type txKey struct{ s *Store }

// txFrom returns the transaction of s that ctx carries, or nil.
func (s *Store) txFrom(ctx context.Context) *gorm.DB {
	tx, _ := ctx.Value(txKey{s}).(*gorm.DB)
	return tx
}

// Transaction runs fn in a transaction carried by the context it passes
// to fn: every method of s called with that context joins it (see
// fastauth.Transactor). Inside an outer transaction it runs as a savepoint.
func (s *Store) Transaction(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.tx(ctx, "transaction", func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{s}, tx))
	})
}

// tx runs fn in a transaction, retrying it when the database aborted it to
// break a deadlock or a lock wait. The error fn returns is mapped by wrap.
// When ctx carries a transaction of s, fn runs inside it as a savepoint
// (rolled back alone on error) and without retries: a deadlock aborts the
// outer transaction, which the outermost call retries.
func (s *Store) tx(ctx context.Context, op string, fn func(tx *gorm.DB) error) error {
	if outer := s.txFrom(ctx); outer != nil {
		return s.wrap(op, outer.WithContext(ctx).Transaction(fn))
	}
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		err = s.db.WithContext(ctx).Transaction(fn)
		if err == nil || !s.retryable(err) || ctx.Err() != nil {
			break
		}
		t := time.NewTimer(time.Duration(2<<attempt) * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
	return s.wrap(op, err)
}

// conn is the store's db bound to ctx, for statements outside
// transactions: the transaction ctx carries (Transaction), else the pool.
func (s *Store) conn(ctx context.Context) *gorm.DB {
	if tx := s.txFrom(ctx); tx != nil {
		return tx.WithContext(ctx)
	}
	return s.db.WithContext(ctx)
}

// forUpdate adds FOR UPDATE on the dialects that have it. SQLite needs none:
// its write transactions (BEGIN IMMEDIATE) are serialized.
func (s *Store) forUpdate(q *gorm.DB) *gorm.DB {
	if s.dialect == dialectSQLite {
		return q
	}
	return q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
}

// lockOrganization serializes roster mutations of one organization: the
// update takes the row lock until the transaction ends, and it changes a
// value so that MySQL, which counts changed rather than matched rows,
// reports the row. A missing organization gives ErrNotFound.
func lockOrganization(tx *gorm.DB, organizationID string) error {
	res := tx.Model(&models.Organization{}).Where("id = ?", organizationID).
		UpdateColumn("version", gorm.Expr("version + 1"))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("organization %s: %w", organizationID, ginauth.ErrNotFound)
	}
	return nil
}

// first loads the single row q selects into dest, or ErrNotFound. It uses
// Find so that a miss is not logged as an error by gorm.
func first(q *gorm.DB, dest any) error {
	res := q.Limit(1).Find(dest)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ginauth.ErrNotFound
	}
	return nil
}

// ts is how the store writes a time: UTC, microsecond precision (what
// every dialect keeps).
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// tsPtr is ts for optional times.
func tsPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := ts(*t)
	return &v
}

// utcPtr converts a read optional time to UTC.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}

// strPtr maps "" to NULL.
func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// deref maps NULL to "".
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
