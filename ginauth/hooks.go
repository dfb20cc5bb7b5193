package ginauth

import "context"

// Hooks are application callbacks run after successful auth events with the
// hydrated user. They run synchronously before the response is written, with
// the request's context; an error (or panic) is logged and never undoes the
// event. Nil hooks are skipped.
type Hooks struct {
	// AfterSignUp runs after an account and its personal workspace exist.
	AfterSignUp func(ctx context.Context, u User) error
	// AfterSignIn runs after a sign-in created a session.
	AfterSignIn func(ctx context.Context, u User) error
	// AfterInviteAccepted runs after u joined inv.OrganizationID.
	AfterInviteAccepted func(ctx context.Context, u User, inv Invite) error
}
