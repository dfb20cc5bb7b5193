package ginauth

import (
	"context"
	"fmt"
	"runtime/debug"
)

// Hooks are application callbacks run after successful auth events with the
// hydrated user. They run synchronously before the response is written, with
// the request's context; an error (or panic) is logged and never undoes the
// event. Nil hooks are skipped. The User handed to a hook has an empty
// PasswordHash.
type Hooks struct {
	// AfterSignUp runs after an account and its personal workspace exist.
	AfterSignUp func(ctx context.Context, u User) error
	// AfterSignIn runs after a sign-in created a session.
	AfterSignIn func(ctx context.Context, u User) error
	// AfterInviteAccepted runs after u joined inv.OrganizationID.
	AfterInviteAccepted func(ctx context.Context, u User, inv Invite) error
}

// afterSignUp runs Hooks.AfterSignUp.
func (a *Auth) afterSignUp(ctx context.Context, u User) {
	if h := a.cfg.Hooks.AfterSignUp; h != nil {
		a.runHook(ctx, "AfterSignUp", u, func() error { return h(ctx, hookUser(u)) })
	}
}

// afterSignIn runs Hooks.AfterSignIn.
func (a *Auth) afterSignIn(ctx context.Context, u User) {
	if h := a.cfg.Hooks.AfterSignIn; h != nil {
		a.runHook(ctx, "AfterSignIn", u, func() error { return h(ctx, hookUser(u)) })
	}
}

// afterInviteAccepted runs Hooks.AfterInviteAccepted. The invite's token
// hash is not passed on.
func (a *Auth) afterInviteAccepted(ctx context.Context, u User, inv Invite) {
	if h := a.cfg.Hooks.AfterInviteAccepted; h != nil {
		inv.TokenHash = nil
		a.runHook(ctx, "AfterInviteAccepted", u, func() error { return h(ctx, hookUser(u), inv) })
	}
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
