package fastauth

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
}
