package ginauth

import (
	"context"
	"fmt"
	"net/http"
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
	// BeforeSignUp runs before an account is created for the normalized
	// email by method ("password", or the name of the module that creates
	// it, such as "social"); an error refuses the sign-up with 403
	// sign_up_refused and the error's text as the message (a panic
	// refuses too, with a generic message). Accounts the application
	// creates through its own code (package users) do not pass it.
	BeforeSignUp func(ctx context.Context, email, method string) error
	// BeforeSignIn runs when u's credentials checked out, before a
	// session starts (password, passkey, social, ...; method is the first
	// factor, e.g. "password"); an error refuses the sign-in with 403
	// sign_in_refused and the error's text as the message.
	BeforeSignIn func(ctx context.Context, u User, method string) error
}

// maxRefusalMessage bounds the message of a refusal by a before-hook.
const maxRefusalMessage = 300

// refuse runs a before-hook: its error (or panic) becomes a 403 with code
// and the hook's message.
func (a *Auth) refuse(ctx context.Context, name, code string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			a.log.ErrorContext(ctx, "fastauth: hook panicked", "hook", name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fastauth.NewError(http.StatusForbidden, code, "refused by the application")
		}
	}()
	if e := fn(); e != nil {
		return fastauth.NewError(http.StatusForbidden, code, truncateUTF8(e.Error(), maxRefusalMessage))
	}
	return nil
}

// beforeSignUp runs the BeforeSignUp hook, if any.
func (a *Auth) beforeSignUp(ctx context.Context, email, method string) error {
	if h := a.cfg.Hooks.BeforeSignUp; h != nil {
		return a.refuse(ctx, "BeforeSignUp", CodeSignUpRefused, func() error { return h(ctx, email, method) })
	}
	return nil
}

// admit refuses the sign-in of a disabled account (403 account_disabled)
// and one the BeforeSignIn hook refuses (403 sign_in_refused); hook false
// skips the hook (the first factor already passed it).
func (a *Auth) admit(ctx context.Context, u User, method string, hook bool) error {
	if u.DisabledAt != nil {
		return fastauth.NewError(http.StatusForbidden, CodeAccountDisabled, "this account is disabled")
	}
	if h := a.cfg.Hooks.BeforeSignIn; h != nil && hook {
		return a.refuse(ctx, "BeforeSignIn", CodeSignInRefused, func() error { return h(ctx, hookUser(u), method) })
	}
	return nil
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
