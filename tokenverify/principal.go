package tokenverify

import (
	"context"
	"slices"
	"time"
)

// Principal is the caller an access token names: the user, the session
// the token belongs to, and the user's active organization and role there
// when the token was issued.
type Principal struct {
	// UserID is the user's id (the sub claim).
	UserID string
	// Email is the user's email address.
	Email string
	// SessionID is the fastauth session the token was issued for (sid).
	SessionID string
	// OrganizationID is the user's active organization (org).
	OrganizationID string
	// OrganizationRole is the user's role in it (org_role): a role the
	// fastauth server accepts ("owner", "admin", "member"); a token with
	// any other is refused, as the server refuses it.
	OrganizationRole string
	// AAL is the session's authenticator assurance level: 1 after one
	// factor, 2 after a second one. Tokens of fastauth versions that do
	// not write the aal, amr and auth_time claims count as 1.
	AAL int
	// AMR lists the methods the session authenticated with (amr), such as
	// "password", "totp", "passkey", "oauth"; ["password"] for tokens
	// without the claim, as the server reads them.
	AMR []string
	// AuthTime is when the session last authenticated (auth_time: its
	// sign-in or its latest step-up); zero for tokens without the claim.
	AuthTime time.Time
	// IssuedAt and ExpiresAt are the token's iat and exp.
	IssuedAt, ExpiresAt time.Time
}

// HasMethod reports whether the session authenticated with method (an
// AMR entry such as "totp").
func (p *Principal) HasMethod(method string) bool { return slices.Contains(p.AMR, method) }

// principalKey is the context key of the *Principal.
type principalKey struct{}

// NewContext returns a copy of ctx that carries p, where PrincipalFrom
// finds it. The middlewares call it for every request they admit.
func NewContext(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal the middleware admitted the request
// with: PrincipalFrom(r.Context()) in a net/http handler (or
// ginverify.PrincipalFrom(c) in a Gin handler). Behind the middleware it
// is always present.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}
