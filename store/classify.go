package store

import (
	"fmt"

	"gorm.io/gorm"
)

// ErrorKind is what a database error means to the store, whatever the
// driver that reported it.
type ErrorKind int

// The kinds of database errors the store tells apart.
const (
	// ErrorOther is any error of none of the kinds below.
	ErrorOther ErrorKind = iota
	// ErrorUnique is a violated unique index or primary key.
	ErrorUnique
	// ErrorForeignKey is a violated foreign key.
	ErrorForeignKey
	// ErrorRetry is a transaction the database aborted to resolve lock
	// contention (deadlock, serialization failure, lock wait timeout,
	// busy): running it again may succeed.
	ErrorRetry
	// ErrorUnavailable is a database that cannot be reached or did not
	// answer in time.
	ErrorUnavailable
)

// ErrorClassifierName is the name under which an ErrorClassifier is
// registered as a gorm plugin.
const ErrorClassifierName = "fastauth:store-error-classifier"

// ErrorClassifier tells the store what the errors of one database driver
// mean. It is a gorm plugin (Name returns ErrorClassifierName) attached to
// the *gorm.DB given to New, so the store itself imports no driver and a
// service links only the driver of its dialect.
//
// The dialect packages provide one each: store/postgres (pgx),
// store/mysql (go-sql-driver/mysql) and store/sqlite. Their Open attaches
// it; a *gorm.DB the application opened itself gets it with gorm's Use:
//
//	db, err := gorm.Open(gormpostgres.Open(dsn), &gorm.Config{})
//	err = db.Use(postgres.Classifier{}) // github.com/fastauth/fastauth/store/postgres
//	st, err := store.New(db)
//
// A classifier's Initialize refuses a *gorm.DB whose driver it does not
// know. ClassifyError returns ErrorOther for errors it does not recognize;
// the store then still recognizes the driver-independent signs of an
// unreachable database (deadlines, network errors, broken connections).
type ErrorClassifier interface {
	gorm.Plugin
	ClassifyError(err error) ErrorKind
}

// classifierOf returns the ErrorClassifier attached to db.
func classifierOf(db *gorm.DB) (ErrorClassifier, error) {
	p, ok := db.Config.Plugins[ErrorClassifierName]
	if !ok {
		return nil, fmt.Errorf("store: the %s database has no error classifier: open it with github.com/fastauth/fastauth/store/%s (Open), or attach that package's Classifier with db.Use", db.Dialector.Name(), db.Dialector.Name())
	}
	c, ok := p.(ErrorClassifier)
	if !ok {
		return nil, fmt.Errorf("store: plugin %q is a %T, not a store.ErrorClassifier", ErrorClassifierName, p)
	}
	return c, nil
}
