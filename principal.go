package fastauth

import "time"

// PrincipalKind tells how a request authenticated.
type PrincipalKind string

// The two kinds of principal.
const (
	// PrincipalSession: an access-token cookie of a browser session.
	PrincipalSession PrincipalKind = "session"
	// PrincipalAPIKey: an `Authorization: Bearer sk-...` API key.
	PrincipalAPIKey PrincipalKind = "api_key"
)

// Principal is the authenticated caller of a request. For a session it is
// read from the access token (no store access); for an API key it is the
// key's creator with their current role in the key's organization.
//
// The middleware may hand the same Principal to every request that
// presents the same credential (a session's principal is kept with its
// verified access token, so a repeat allocates nothing): read it, never
// modify it; copy it (and its AMR) to derive another.
type Principal struct {
	Kind             PrincipalKind
	UserID           string
	Email            string
	OrganizationID   string
	OrganizationRole Role
	// SessionID is set for PrincipalSession.
	SessionID string
	// APIKeyID is set for PrincipalAPIKey.
	APIKeyID string
	// AAL is the assurance level of the session (1 or 2, the `aal` claim);
	// 0 for an API key, which carries none.
	AAL int
	// AMR lists the methods that established the session (MethodPassword,
	// MethodTOTP, ...), in the order they were completed (the `amr`
	// claim); nil for an API key.
	AMR []string
	// Permissions, for an API key created with a list of permissions,
	// limits the key to those (it acts with the ones its creator's role
	// also holds); nil for sessions and for keys that act with everything
	// their creator has.
	Permissions []string
	// AuthTime is the session's latest authentication, its sign-in or a
	// later step-up (the `auth_time` claim); zero for an API key.
	AuthTime time.Time
}
