package conformance

import (
	"context"
	"errors"
	"testing"

	"github.com/fastauth/fastauth/ginauth"
)

func backendTransactionCases() []backendCase {
	return []backendCase{
		{"RollbackUndoesEveryWrite", bkTxRollback},
		{"CommitKeepsEveryWrite", bkTxCommit},
		{"FailedCallInsideIsRolledBackAlone", bkTxNestedFailure},
	}
}

var errTxTest = errors.New("conformance: the transaction's function failed")

// bkTxWrites makes two writes of two different store methods inside a
// transaction (an account, then a shared organization it owns), reading
// the first back inside the transaction, and returns fail at the end.
func bkTxWrites(t *testing.T, b ginauth.Backend, fail error) (ginauth.User, ginauth.Organization, error) {
	t.Helper()
	u, ws, m := bkNewAccount(t, bkEmail(t), bkEpoch)
	org := ginauth.Organization{ID: bkID(t), Kind: ginauth.KindShared, Name: "Tx org", CreatedAt: bkEpoch, UpdatedAt: bkEpoch}
	err := b.Transaction(t.Context(), func(ctx context.Context) error {
		if err := b.CreateUser(ctx, u, ws, m, nil); err != nil {
			return err
		}
		// A read with the transaction's context sees its own write.
		if _, err := b.UserByID(ctx, u.ID); err != nil {
			t.Errorf("UserByID inside the transaction: %v", err)
		}
		if err := b.CreateOrganization(ctx, org, ginauth.Membership{OrganizationID: org.ID, UserID: u.ID, Role: ginauth.RoleOwner, CreatedAt: bkEpoch}); err != nil {
			return err
		}
		return fail
	})
	return u, org, err
}

func bkTxRollback(t *testing.T, b ginauth.Backend) {
	u, org, err := bkTxWrites(t, b, errTxTest)
	bkIs(t, "Transaction", err, errTxTest)
	_, err = b.UserByID(t.Context(), u.ID)
	bkIs(t, "UserByID after rollback", err, ginauth.ErrNotFound)
	_, err = b.OrganizationByID(t.Context(), org.ID)
	bkIs(t, "OrganizationByID after rollback", err, ginauth.ErrNotFound)
	_, err = b.UserByEmail(t.Context(), u.Email)
	bkIs(t, "UserByEmail after rollback", err, ginauth.ErrNotFound)
}

func bkTxCommit(t *testing.T, b ginauth.Backend) {
	u, org, err := bkTxWrites(t, b, nil)
	bkNoErr(t, "Transaction", err)
	_, err = b.UserByID(t.Context(), u.ID)
	bkNoErr(t, "UserByID after commit", err)
	mem, err := b.Membership(t.Context(), org.ID, u.ID)
	bkNoErr(t, "Membership after commit", err)
	if mem.Role != ginauth.RoleOwner {
		t.Errorf("role %q after commit, want owner", mem.Role)
	}
}

// bkTxNestedFailure: a store call that fails inside a transaction (a
// duplicate email) undoes its own writes only; the transaction goes on and
// commits what else it wrote. This is what lets a caller handle an
// expected failure without abandoning the transaction (on PostgreSQL a
// failed statement would otherwise abort the whole transaction).
func bkTxNestedFailure(t *testing.T, b ginauth.Backend) {
	taken := bkUser(t, b, bkEpoch)
	u, ws, m := bkNewAccount(t, bkEmail(t), bkEpoch)
	err := b.Transaction(t.Context(), func(ctx context.Context) error {
		if err := b.CreateUser(ctx, u, ws, m, nil); err != nil {
			return err
		}
		dup, dws, dm := bkNewAccount(t, taken.User.Email, bkEpoch)
		if err := b.CreateUser(ctx, dup, dws, dm, nil); !errors.Is(err, ginauth.ErrDuplicateEmail) {
			t.Errorf("duplicate CreateUser inside the transaction = %v, want ErrDuplicateEmail", err)
		}
		return b.SetActiveOrganization(ctx, u.ID, ws.ID)
	})
	bkNoErr(t, "Transaction", err)
	got, err := b.UserByID(t.Context(), u.ID)
	bkNoErr(t, "UserByID after commit", err)
	if got.ActiveOrganizationID != ws.ID {
		t.Errorf("active organization %q, want %q", got.ActiveOrganizationID, ws.ID)
	}
}
