package social

import (
	"context"
	"errors"
	"fmt"
)

// Lookup is what the linking rules read: the user a provider account is
// linked to, and the account that has an address. The module answers it
// from its Store and the kernel's users.
type Lookup interface {
	// LinkedUser returns the id of the user (provider, subject) is linked
	// to, with found=false when it is linked to none.
	LinkedUser(ctx context.Context, provider, subject string) (userID string, found bool, err error)
	// AccountByEmail returns the account whose normalized address is
	// email, with found=false when there is none.
	AccountByEmail(ctx context.Context, email string) (acct Account, found bool, err error)
}

// Account is what the linking rules need of a local account.
type Account struct {
	// UserID is the account's user id.
	UserID string
	// EmailConfirmed reports whether the account's address is confirmed.
	EmailConfirmed bool
}

// Action is what a callback does with a verified profile.
type Action int

// The actions of a [Decision].
const (
	// ActionSignIn signs in the user the identity is linked to.
	ActionSignIn Action = iota + 1
	// ActionLinkAndSignIn links the identity to the account with the same
	// confirmed address, which the provider verified, and signs it in.
	ActionLinkAndSignIn
	// ActionCreate creates an account without password for the profile's
	// address (confirmed when the provider verified it), links the
	// identity to it and signs it in.
	ActionCreate
	// ActionLink links the identity to the signed-in user who started a
	// link flow; the session stays as it is.
	ActionLink
	// ActionAlreadyLinked: a link flow found the identity linked to its
	// user already; nothing changes.
	ActionAlreadyLinked
)

// String names the action.
func (a Action) String() string {
	switch a {
	case ActionSignIn:
		return "sign_in"
	case ActionLinkAndSignIn:
		return "link_and_sign_in"
	case ActionCreate:
		return "create"
	case ActionLink:
		return "link"
	case ActionAlreadyLinked:
		return "already_linked"
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Decision is the outcome of the linking rules.
type Decision struct {
	// Action is what to do.
	Action Action
	// UserID is the user to sign in or link to; empty for ActionCreate.
	UserID string
}

// Decide applies the linking rules to a verified profile. linkUserID is
// the signed-in user of a link flow (Flow.LinkUserID), empty for a
// sign-in.
//
// Sign-in: a linked (provider, subject) signs in its user; else an
// address the provider verified that equals a confirmed account's address
// links to that account; else, when an account has the address (its
// address unconfirmed, or the provider's unverified), ErrAccountExists, so
// that registering an address first cannot capture the person who owns
// it; else a new account (ErrEmailRequired without an address).
//
// Link: the identity links to linkUserID unless it is linked to another
// user (ErrIdentityTaken); linked to linkUserID already is
// ActionAlreadyLinked. Addresses do not matter: the user proved both
// accounts.
//
// Decide only reads. The store decides the races that follow: two
// callbacks linking one identity (CreateIdentity: one wins, the other
// gets ErrIdentityTaken and should decide again) and two creating one
// address (the kernel's unique address: the loser decides again and
// finds the account).
func Decide(ctx context.Context, l Lookup, p Profile, linkUserID string) (Decision, error) {
	userID, linked, err := l.LinkedUser(ctx, p.Provider, p.Subject)
	if err != nil {
		return Decision{}, fmt.Errorf("social: decide: linked user: %w", err)
	}
	if linkUserID != "" {
		switch {
		case !linked:
			return Decision{Action: ActionLink, UserID: linkUserID}, nil
		case userID == linkUserID:
			return Decision{Action: ActionAlreadyLinked, UserID: linkUserID}, nil
		default:
			return Decision{}, ErrIdentityTaken
		}
	}
	if linked {
		return Decision{Action: ActionSignIn, UserID: userID}, nil
	}
	if p.Email == "" {
		return Decision{}, ErrEmailRequired
	}
	acct, found, err := l.AccountByEmail(ctx, p.Email)
	if err != nil {
		return Decision{}, fmt.Errorf("social: decide: account by email: %w", err)
	}
	switch {
	case !found:
		return Decision{Action: ActionCreate}, nil
	case p.EmailVerified && acct.EmailConfirmed:
		return Decision{Action: ActionLinkAndSignIn, UserID: acct.UserID}, nil
	default:
		return Decision{}, ErrAccountExists
	}
}

// NewLookup returns the Lookup of the module: linked users from the
// module's Store, accounts from accountByEmail (the kernel's users, found
// false when there is none).
func NewLookup(st Store, accountByEmail func(ctx context.Context, email string) (Account, bool, error)) Lookup {
	return storeLookup{st: st, accounts: accountByEmail}
}

// storeLookup is the Lookup NewLookup returns.
type storeLookup struct {
	st       Store
	accounts func(ctx context.Context, email string) (Account, bool, error)
}

// LinkedUser reads the identity of (provider, subject).
func (l storeLookup) LinkedUser(ctx context.Context, provider, subject string) (string, bool, error) {
	id, err := l.st.IdentityBySubject(ctx, provider, subject)
	switch {
	case errors.Is(err, ErrNotFound):
		return "", false, nil
	case err != nil:
		return "", false, err
	}
	return id.UserID, true, nil
}

// AccountByEmail asks the accounts function.
func (l storeLookup) AccountByEmail(ctx context.Context, email string) (Account, bool, error) {
	return l.accounts(ctx, email)
}
