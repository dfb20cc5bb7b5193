package ginauth

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/fastauth/fastauth"
)

// Hooks are application callbacks run after successful auth events with the
// hydrated user. They run synchronously before the response is written, with
// the request's context; an error (or panic) is logged and never undoes the
// event. Nil hooks are skipped. The User handed to a hook has an empty
// PasswordHash.
//
// Hooks are a subscriber of the event bus (Auth.Subscribe) that calls them
// on user.signed_up, user.signed_in and invite.accepted.
type Hooks struct {
	// AfterSignUp runs after an account and its personal workspace exist.
	AfterSignUp func(ctx context.Context, u User) error
	// AfterSignIn runs after a sign-in created a session.
	AfterSignIn func(ctx context.Context, u User) error
	// AfterInviteAccepted runs after u joined inv.OrganizationID.
	AfterInviteAccepted func(ctx context.Context, u User, inv Invite) error
}

// hooksHandler is the event subscriber that runs the configured Hooks.
// It never fails: hook errors and panics are logged by runHook.
func (a *Auth) hooksHandler(ctx context.Context, e Event) error {
	h := a.cfg.Hooks
	switch e.Type {
	case fastauth.EventUserSignedUp:
		if u, ok := e.Payload.(User); ok && h.AfterSignUp != nil {
			a.runHook(ctx, "AfterSignUp", u, func() error { return h.AfterSignUp(ctx, hookUser(u)) })
		}
	case fastauth.EventUserSignedIn:
		if u, ok := e.Payload.(User); ok && h.AfterSignIn != nil {
			a.runHook(ctx, "AfterSignIn", u, func() error { return h.AfterSignIn(ctx, hookUser(u)) })
		}
	case fastauth.EventInviteAccepted:
		if acc, ok := e.Payload.(fastauth.InviteAcceptance); ok && h.AfterInviteAccepted != nil {
			inv := acc.Invite
			inv.TokenHash = nil
			a.runHook(ctx, "AfterInviteAccepted", acc.User, func() error { return h.AfterInviteAccepted(ctx, hookUser(acc.User), inv) })
		}
	}
	return nil
}

// runHook calls fn, logging its error or recovering and logging its panic.
func (a *Auth) runHook(ctx context.Context, name string, u User, fn func() error) {
	defer func() {
		if r := recover(); r != nil {
			a.log.ErrorContext(ctx, "fastauth: hook panicked", "hook", name, "user_id", u.ID,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	if err := fn(); err != nil {
		a.log.ErrorContext(ctx, "fastauth: hook failed", "hook", name, "user_id", u.ID, "err", err)
	}
}

// hookUser is the user as hooks see it: without the password hash.
func hookUser(u User) User {
	u.PasswordHash = ""
	return u
}
