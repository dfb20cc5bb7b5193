package tokenverify

import (
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth"
)

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
	AAL              int              `json:"aal,omitempty"`
	AMR              []string         `json:"amr,omitempty"`
	AuthTime         *jwt.NumericDate `json:"auth_time,omitempty"`
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
	// The fastauth claims: the server's own rules, from one place. A
	// token without the assurance claims reads as aal 1, amr [password].
	fc := fastauth.AccessClaims{
		Subject: c.Subject, SessionID: c.SessionID, OrganizationID: c.OrganizationID,
		OrganizationRole: fastauth.Role(c.OrganizationRole), Role: c.Role,
		AAL: c.AAL, AMR: c.AMR, HasAuthTime: c.AuthTime != nil,
	}
	if err := fc.Check(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	c.AAL, c.AMR = fc.AAL, fc.AMR
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
	p := Principal{
		UserID:           c.Subject,
		Email:            c.Email,
		SessionID:        c.SessionID,
		OrganizationID:   c.OrganizationID,
		OrganizationRole: c.OrganizationRole,
		AAL:              c.AAL,
		AMR:              c.AMR,
		ExpiresAt:        c.ExpiresAt.Time,
	}
	if c.IssuedAt != nil {
		p.IssuedAt = c.IssuedAt.Time
	}
	if c.AuthTime != nil {
		p.AuthTime = c.AuthTime.Time
	}
	return p
}
