package fastauth

import (
	"errors"
	"slices"
)

// AccessTokenRole is the `role` claim of every access token.
const AccessTokenRole = "authenticated"

// AccessClaims are the fastauth claims of an access token as a verifier
// decoded them: the server's and tokenverify's alike, so that both accept
// exactly the same tokens. The registered claims (iss, aud, exp, iat,
// nbf) are checked by each verifier against its own configuration and
// clock; Check holds the rest to one set of rules.
type AccessClaims struct {
	// Subject is the sub claim (the user's id).
	Subject string
	// SessionID is the sid claim.
	SessionID string
	// OrganizationID is the org claim (the active organization).
	OrganizationID string
	// OrganizationRole is the org_role claim.
	OrganizationRole Role
	// Role is the role claim, always AccessTokenRole.
	Role string
	// AAL and AMR are the aal and amr claims (zero and nil when absent).
	AAL int
	AMR []string
	// HasAuthTime reports whether the token carries an auth_time claim.
	HasAuthTime bool
}

// The rules Check applies; its errors wrap one of them.
var (
	// ErrMalformedClaims: sub, sid or org missing, a role other than
	// AccessTokenRole, or an org_role that is not a well-formed Role.
	ErrMalformedClaims = errors.New("fastauth: missing or malformed fastauth claims")
	// ErrMalformedAssurance: aal, amr and auth_time neither all absent nor
	// aal 1 or 2 with at least one method, none empty, and an auth time.
	ErrMalformedAssurance = errors.New("fastauth: malformed aal, amr or auth_time claims")
)

// Check applies the rules every verifier holds an access token's fastauth
// claims to: sub, sid and org present, role AccessTokenRole, org_role a
// well-formed Role (built-in or custom); and aal, amr and auth_time either all absent or aal 1 or 2
// with at least one method, none empty, and an auth time. A token signed
// before assurance levels existed carries none of the three: Check fills
// in what its session reads as, aal 1 and amr [password] (with no auth
// time). It returns ErrMalformedClaims or ErrMalformedAssurance.
func (c *AccessClaims) Check() error {
	if c.Subject == "" || c.SessionID == "" || c.Role != AccessTokenRole ||
		c.OrganizationID == "" || !c.OrganizationRole.WellFormed() {
		return ErrMalformedClaims
	}
	if c.AAL == 0 && c.AMR == nil && !c.HasAuthTime {
		c.AAL, c.AMR = 1, []string{MethodPassword}
		return nil
	}
	if c.AAL < 1 || c.AAL > 2 || len(c.AMR) == 0 || !c.HasAuthTime || slices.Contains(c.AMR, "") {
		return ErrMalformedAssurance
	}
	return nil
}
