package tokenverify

import (
	"fmt"
	"strings"
	"time"

	"github.com/fastauth/fastauth/internal/accesstoken"
)

// claims is the payload of a fastauth access token, as the fastauth
// server writes it (accesstoken.Claims, the server's own definition): a
// single-string aud, the fastauth claims flat. The parser runs without its
// own claim validation (check does it, as the fastauth server does).
type claims struct {
	accesstoken.Claims
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
	if err := c.CheckFastauth(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	return nil
}

// notBefore is the first instant check accepts the claims at: the later
// of iat and nbf less the skew, zero when the token has neither.
func (c *claims) notBefore(skew time.Duration) time.Time {
	var t time.Time
	for _, d := range []*accesstoken.NumericDate{c.IssuedAt, c.NotBefore} {
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
		OrganizationRole: string(c.OrganizationRole),
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
