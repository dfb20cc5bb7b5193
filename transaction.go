package fastauth

import "context"

// Transactor runs several store calls as one transaction. The transaction
// travels in the context fn receives: every call of the same store made
// with that context (the kernel's methods and every module's) joins it,
// without a transaction parameter on any method. fn's error rolls back
// everything written inside it and is returned (wrapped). Transactions
// nest: a Transaction (or a store method that needs one) called with a
// context already inside one runs as a savepoint of the outer one.
//
// The store may run fn more than once when the database aborts the
// transaction to resolve a deadlock, so fn must do nothing but store calls
// (and work that can be repeated) until it returns.
type Transactor interface {
	Transaction(ctx context.Context, fn func(ctx context.Context) error) error
}
