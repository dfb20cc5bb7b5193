package ginauth

import (
	"fmt"
	"strings"
	"time"

	"github.com/fastauth/fastauth/internal/accesstoken"
)

// accessClaims is the payload of an access token (accesstoken.Claims,
// shared with tokenverify) with the server's own readings of it.
type accessClaims struct {
	accesstoken.Claims
}

// principal is the session principal the claims describe. Its AMR is
// the claims' slice, not a copy.
func (c *accessClaims) principal() Principal {
	return Principal{
		Kind:             PrincipalSession,
		UserID:           c.Subject,
		Email:            c.Email,
		OrganizationID:   c.OrganizationID,
		OrganizationRole: c.OrganizationRole,
		SessionID:        c.SessionID,
		AAL:              c.AAL,
		AMR:              c.AMR,
		AuthTime:         c.authTime(),
	}
}

// authTime is the auth_time claim, zero when absent.
func (c *accessClaims) authTime() time.Time {
	if c.AuthTime == nil {
		return time.Time{}
	}
	return c.AuthTime.UTC()
}

// check applies the fastauth claim rules every verifier shares
// (fastauth.AccessClaims.Check): a token that breaks one is rejected; one
// without the assurance claims (signed before they existed) reads as aal
// 1 and amr [password] with no auth time.
func (c *accessClaims) check() error {
	if err := c.CheckFastauth(); err != nil {
		return fmt.Errorf("%w: %w", errTokenRejected, err)
	}
	return nil
}

// claimRules are the registered-claim rules every access token is held
// to, whatever its algorithm: issuer and audience ours, exp required and
// in the future, iat and nbf (when present) at most the clock skew ahead
// of the injected clock. It is immutable.
type claimRules struct {
	issuer, audience string
	skew             time.Duration // leeway on iat and nbf (Config.ClockSkew), never on exp
	now              func() time.Time
}

// validate applies the registered-claim checks of verifyJWT: those
// of the golang-jwt Validator as verifyJWT configures it
// (WithExpirationRequired, WithIssuedAt, WithIssuer, WithAudience,
// WithLeeway(skew), nbf checked when present) followed by its strict exp
// check, and maps the outcome as verifyJWT does: errTokenExpired when the
// expiry is the only failure, errTokenRejected when anything else fails.
//
// golang-jwt's leeway widens exp too, so for it a token in [exp, exp+skew)
// passes and is then found expired by the strict check, while one past
// exp+skew fails with ErrTokenExpired; either way the verdict is "expired"
// unless another check fails, which is what comparing now with exp gives.
func (r *claimRules) validate(c *accessClaims, now time.Time) error {
	var invalid []string
	expired := false
	if c.ExpiresAt == nil {
		invalid = append(invalid, "exp missing")
	} else if !now.Before(c.ExpiresAt.Time) {
		expired = true
	}
	if c.IssuedAt != nil && now.Before(c.IssuedAt.Add(-r.skew)) {
		invalid = append(invalid, "used before issued")
	}
	if c.NotBefore != nil && now.Before(c.NotBefore.Add(-r.skew)) {
		invalid = append(invalid, "not valid yet")
	}
	// WithAudience(a) requires a non-empty aud claim equal to a.
	if c.Audience == "" || c.Audience != r.audience {
		invalid = append(invalid, "audience")
	}
	// WithIssuer("") checks nothing; otherwise iss must equal it.
	if r.issuer != "" && c.Issuer != r.issuer {
		invalid = append(invalid, "issuer")
	}
	switch {
	case len(invalid) > 0:
		return fmt.Errorf("%w: %s", errTokenRejected, strings.Join(invalid, ", "))
	case expired:
		return errTokenExpired
	}
	return nil
}
