package ginauth

// TEMPORARY: placeholders so the package compiles while each domain is
// written. Whoever implements a piece deletes its placeholder from here.
// This file must be gone before the work lands.

import (
	"context"
	"errors"
	"log/slog"

	"github.com/gin-gonic/gin"
)

// ---- core (token.go, password.go, middleware.go, guard.go, account.go, session.go)

type tokenSigner struct{}

func newTokenSigner(cfg Config) (*tokenSigner, error) { return &tokenSigner{}, nil }

type passwordHasher struct{}

func newPasswordHasher(cfg Config) *passwordHasher { return &passwordHasher{} }

// Middleware is the base middleware (placeholder).
func (a *Auth) Middleware() gin.HandlerFunc { return func(c *gin.Context) { c.Next() } }

// RequireUser placeholder.
func RequireUser() gin.HandlerFunc { return func(c *gin.Context) { c.Next() } }

// RequireRole placeholder.
func RequireRole(role string) gin.HandlerFunc { return func(c *gin.Context) { c.Next() } }

func (a *Auth) mountAccountRoutes(g *gin.RouterGroup) {}

// activeMembership resolves the user's active organization: the persisted
// one while the user is still a member of it, else the personal workspace.
func (a *Auth) activeMembership(ctx context.Context, u User) (MembershipDetail, error) {
	return MembershipDetail{}, nil
}

// setAccessCookie mints an access token for the user in the given active
// organization within session sessionID and sets the access cookie.
func (a *Auth) setAccessCookie(c *gin.Context, u User, active MembershipDetail, sessionID string) error {
	return nil
}

// clearAuthCookies expires both auth cookies.
func (a *Auth) clearAuthCookies(c *gin.Context) {}

// requireSession is the guard of the "(cookie)" routes: a cookie principal
// whose session is still active in the store (403 forbidden for API keys,
// 401 invalid_token for a revoked session).
func (a *Auth) requireSession(c *gin.Context)         {}
func (a *Auth) mountSessionRoutes(g *gin.RouterGroup) {}

// ---- organizations and API keys (organization.go, member.go, invite.go, apikey.go, apikey_verify.go)

type apiKeyVerifier struct{}

func newAPIKeyVerifier(a *Auth) *apiKeyVerifier { return &apiKeyVerifier{} }
func (v *apiKeyVerifier) close() error          { return nil }

// verify authenticates a bearer API key (the whole "sk-..." string). It
// returns the principal (the key's creator with their current role in the
// key's organization) or an error: errAPIKeyInvalid for a malformed, unknown,
// expired or orphaned key, a store error otherwise.
func (v *apiKeyVerifier) verify(ctx context.Context, plain string) (*Principal, error) {
	return nil, errAPIKeyInvalid
}

// errAPIKeyInvalid: the bearer key is malformed, unknown, expired, or its
// creator is no longer a member of its organization (401 invalid_token).
var errAPIKeyInvalid = errors.New("ginauth: invalid API key")

func (a *Auth) mountOrganizationRoutes(g *gin.RouterGroup) {}
func (a *Auth) mountAPIKeyRoutes(g *gin.RouterGroup)       {}

// ---- mail and hooks (mail.go, mailer_*.go, hooks.go, verification.go)

// NewLogMailer placeholder.
func NewLogMailer(l *slog.Logger) Mailer { return nil }

// MailTemplates placeholder.
type MailTemplates struct{}

// sendInviteMail mails an invite (with its plaintext token) to inv.Email.
// Failures are logged, never returned.
func (a *Auth) sendInviteMail(ctx context.Context, inv Invite, organizationName, token string) {}

// sendConfirmationMail issues an email_confirm token for u and mails it.
// Failures are logged, never returned.
func (a *Auth) sendConfirmationMail(ctx context.Context, u User) {}

// afterSignUp, afterSignIn and afterInviteAccepted run the hooks; a hook
// error or panic is logged and never undoes anything.
func (a *Auth) afterSignUp(ctx context.Context, u User)                     {}
func (a *Auth) afterSignIn(ctx context.Context, u User)                     {}
func (a *Auth) afterInviteAccepted(ctx context.Context, u User, inv Invite) {}

func (a *Auth) mountMailRoutes(g *gin.RouterGroup) {}
