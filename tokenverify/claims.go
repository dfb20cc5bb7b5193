package tokenverify

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// authenticatedRole is the role claim of every fastauth access token.
const authenticatedRole = "authenticated"

// roleName is the form of a role name: the built-in roles and custom
// ones. Tokens carry the name; the verifier checks its form, not a list,
// so that a service keeps accepting tokens when the fastauth server gains
// roles.
var roleName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// claims is the payload of a fastauth access token, as the fastauth
// server writes it: a single-string aud, the fastauth claims flat.
type claims struct {
	Issuer           string           `json:"iss"`
	Audience         string           `json:"aud"`
	ExpiresAt        *jwt.NumericDate `json:"exp,omitempty"`
	IssuedAt         *jwt.NumericDate `json:"iat,omitempty"`
	NotBefore        *jwt.NumericDate `json:"nbf,omitempty"`
	Subject          string           `json:"sub"`
	SessionID        string           `json:"sid"`
	Email            string           `json:"email"`
	OrganizationID   string           `json:"org"`
	OrganizationRole string           `json:"org_role"`
	Role             string           `json:"role"`
	AAL              *int             `json:"aal,omitempty"`
	AMR              []string         `json:"amr,omitempty"`
}

// The jwt.Claims methods; the parser runs without its own claim
// validation (check does it, as the fastauth server does).

// GetExpirationTime implements jwt.Claims.
func (c *claims) GetExpirationTime() (*jwt.NumericDate, error) { return c.ExpiresAt, nil }

// GetIssuedAt implements jwt.Claims.
func (c *claims) GetIssuedAt() (*jwt.NumericDate, error) { return c.IssuedAt, nil }

// GetNotBefore implements jwt.Claims.
func (c *claims) GetNotBefore() (*jwt.NumericDate, error) { return c.NotBefore, nil }

// GetIssuer implements jwt.Claims.
func (c *claims) GetIssuer() (string, error) { return c.Issuer, nil }

// GetSubject implements jwt.Claims.
func (c *claims) GetSubject() (string, error) { return c.Subject, nil }

// GetAudience implements jwt.Claims.
func (c *claims) GetAudience() (jwt.ClaimStrings, error) {
	if c.Audience == "" {
		return nil, nil
	}
	return jwt.ClaimStrings{c.Audience}, nil
}

// check applies the fastauth server's claim checks at now, in its order:
// the registered claims (exp required; iat and nbf, when present, at most
// skew after now; aud and iss equal to ours), ErrTokenExpired only when
// the expiry is the sole failure (exp gets no leeway), then the fastauth
// claims.
func (c *claims) check(now time.Time, skew time.Duration, issuer, audience string) error {
	var invalid []string
	expired := false
	if c.ExpiresAt == nil {
		invalid = append(invalid, "exp missing")
	} else if !now.Before(c.ExpiresAt.Time) {
		expired = true
	}
	if c.IssuedAt != nil && now.Before(c.IssuedAt.Add(-skew)) {
		invalid = append(invalid, "used before issued")
	}
	if c.NotBefore != nil && now.Before(c.NotBefore.Add(-skew)) {
		invalid = append(invalid, "not valid yet")
	}
	if c.Audience == "" || c.Audience != audience {
		invalid = append(invalid, "audience")
	}
	if c.Issuer != issuer {
		invalid = append(invalid, "issuer")
	}
	switch {
	case len(invalid) > 0:
		return fmt.Errorf("%w: claims refused: %s", ErrInvalidToken, strings.Join(invalid, ", "))
	case expired:
		return ErrTokenExpired
	}
	if c.Subject == "" || c.SessionID == "" || c.Role != authenticatedRole ||
		c.OrganizationID == "" || !roleName.MatchString(c.OrganizationRole) ||
		(c.AAL != nil && *c.AAL < 1) {
		return fmt.Errorf("%w: missing or malformed fastauth claims", ErrInvalidToken)
	}
	return nil
}

// notBefore is the first instant check accepts the claims at: the later
// of iat and nbf less the skew, zero when the token has neither.
func (c *claims) notBefore(skew time.Duration) time.Time {
	var t time.Time
	for _, d := range []*jwt.NumericDate{c.IssuedAt, c.NotBefore} {
		if d != nil && (t.IsZero() || d.Add(-skew).After(t)) {
			t = d.Add(-skew)
		}
	}
	return t
}

// principal is the Principal the (checked) claims describe.
func (c *claims) principal() Principal {
	aal := 1
	if c.AAL != nil {
		aal = *c.AAL
	}
	p := Principal{
		UserID:           c.Subject,
		Email:            c.Email,
		SessionID:        c.SessionID,
		OrganizationID:   c.OrganizationID,
		OrganizationRole: c.OrganizationRole,
		AAL:              aal,
		AMR:              c.AMR,
		ExpiresAt:        c.ExpiresAt.Time,
	}
	if c.IssuedAt != nil {
		p.IssuedAt = c.IssuedAt.Time
	}
	return p
}
