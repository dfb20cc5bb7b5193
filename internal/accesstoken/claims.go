// Package accesstoken holds the JSON payload of a fastauth access token, the
// one definition the server (ginauth) and the standalone verifier
// (tokenverify) both decode tokens into: the claim struct, its jwt.Claims
// getters and the date type of its time claims. Each verifier keeps its own
// checks against its configuration and clock.
package accesstoken

import (
	"math"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth"
)

// Claims is the payload of an access token. It is a flat struct with a
// single-string audience (not jwt.RegisteredClaims) to keep the token, which
// travels in a cookie, small and its decoding cheap.
type Claims struct {
	Issuer           string        `json:"iss"`
	Audience         string        `json:"aud"`
	ExpiresAt        *NumericDate  `json:"exp,omitempty"`
	IssuedAt         *NumericDate  `json:"iat,omitempty"`
	NotBefore        *NumericDate  `json:"nbf,omitempty"` // never written by the server; checked when present
	Subject          string        `json:"sub"`
	SessionID        string        `json:"sid"`
	Email            string        `json:"email"`
	OrganizationID   string        `json:"org"`
	OrganizationRole fastauth.Role `json:"org_role"`
	Role             string        `json:"role"`
	// AAL, AMR and AuthTime are the session's assurance. Tokens signed
	// before they existed carry none of them and read as aal 1, amr
	// [password] (what their sessions read as) with no auth time
	// (CheckFastauth).
	AAL      int          `json:"aal,omitempty"`
	AMR      []string     `json:"amr,omitempty"`
	AuthTime *NumericDate `json:"auth_time,omitempty"`
}

// GetExpirationTime implements jwt.Claims.
func (c *Claims) GetExpirationTime() (*jwt.NumericDate, error) { return c.ExpiresAt.date(), nil }

// GetIssuedAt implements jwt.Claims.
func (c *Claims) GetIssuedAt() (*jwt.NumericDate, error) { return c.IssuedAt.date(), nil }

// GetNotBefore implements jwt.Claims. The server writes no nbf, but a
// token that carries one is held to it.
func (c *Claims) GetNotBefore() (*jwt.NumericDate, error) { return c.NotBefore.date(), nil }

// GetIssuer implements jwt.Claims.
func (c *Claims) GetIssuer() (string, error) { return c.Issuer, nil }

// GetSubject implements jwt.Claims.
func (c *Claims) GetSubject() (string, error) { return c.Subject, nil }

// GetAudience implements jwt.Claims.
func (c *Claims) GetAudience() (jwt.ClaimStrings, error) {
	if c.Audience == "" {
		return nil, nil
	}
	return jwt.ClaimStrings{c.Audience}, nil
}

// CheckFastauth applies the fastauth claim rules every verifier shares
// (fastauth.AccessClaims.Check) and, for a token without the assurance
// claims, fills in aal 1 and amr [password]. Its error wraps
// fastauth.ErrMalformedClaims or fastauth.ErrMalformedAssurance.
func (c *Claims) CheckFastauth() error {
	fc := fastauth.AccessClaims{
		Subject: c.Subject, SessionID: c.SessionID, OrganizationID: c.OrganizationID,
		OrganizationRole: c.OrganizationRole, Role: c.Role,
		AAL: c.AAL, AMR: c.AMR, HasAuthTime: c.AuthTime != nil,
	}
	if err := fc.Check(); err != nil {
		return err
	}
	c.AAL, c.AMR = fc.AAL, fc.AMR
	return nil
}

// NumericDate is a NumericDate claim (exp, iat, nbf, auth_time): a
// jwt.NumericDate that decodes a JSON number without golang-jwt's nested
// json.Unmarshal, json.Number and new NumericDate (three allocations per
// date on every first sight of a token). A number decodes to exactly the
// instant golang-jwt's UnmarshalJSON gives (seconds parsed as a float64,
// split into whole seconds and nanoseconds, truncated to
// jwt.TimePrecision); anything else (a quoted number, an error) is left
// to golang-jwt itself. FuzzNumericDate compares the two. It encodes as
// jwt.NumericDate does.
type NumericDate struct {
	jwt.NumericDate
}

// NewNumericDate is jwt.NewNumericDate as a NumericDate.
func NewNumericDate(t time.Time) *NumericDate {
	return &NumericDate{*jwt.NewNumericDate(t)}
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *NumericDate) UnmarshalJSON(b []byte) error {
	if plainNumber(b) {
		if f, err := strconv.ParseFloat(string(b), 64); err == nil {
			round, frac := math.Modf(f)
			d.Time = time.Unix(int64(round), int64(frac*1e9)).Truncate(jwt.TimePrecision)
			return nil
		}
	}
	return d.NumericDate.UnmarshalJSON(b)
}

// plainNumber reports whether b is made of the characters of a JSON
// number only (the decoder has checked its grammar before calling
// UnmarshalJSON); it keeps strconv's other spellings (Inf, NaN, hex) off
// the fast path.
func plainNumber(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, ch := range b {
		if (ch < '0' || ch > '9') && ch != '-' && ch != '+' && ch != '.' && ch != 'e' && ch != 'E' {
			return false
		}
	}
	return true
}

// date is d as the *jwt.NumericDate golang-jwt's validator reads, nil for
// an absent claim.
func (d *NumericDate) date() *jwt.NumericDate {
	if d == nil {
		return nil
	}
	return &d.NumericDate
}
