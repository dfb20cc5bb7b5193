package ginauth

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth"
)

// accessClaims is the payload of an access token. It is a flat struct with a
// single-string audience (not jwt.RegisteredClaims) to keep the token, which
// travels in a cookie, small and its decoding cheap.
type accessClaims struct {
	Issuer           string       `json:"iss"`
	Audience         string       `json:"aud"`
	ExpiresAt        *numericDate `json:"exp,omitempty"`
	IssuedAt         *numericDate `json:"iat,omitempty"`
	NotBefore        *numericDate `json:"nbf,omitempty"` // never written by sign; checked when present
	Subject          string       `json:"sub"`
	SessionID        string       `json:"sid"`
	Email            string       `json:"email"`
	OrganizationID   string       `json:"org"`
	OrganizationRole Role         `json:"org_role"`
	Role             string       `json:"role"`
	// AAL, AMR and AuthTime are the session's assurance (Session). Tokens
	// signed before they existed carry none of them and read as aal 1,
	// amr [password] (what their sessions read as) with no auth time.
	AAL      int          `json:"aal,omitempty"`
	AMR      []string     `json:"amr,omitempty"`
	AuthTime *numericDate `json:"auth_time,omitempty"`
}

// numericDate is a NumericDate claim (exp, iat, nbf, auth_time): a
// jwt.NumericDate that decodes a JSON number without golang-jwt's nested
// json.Unmarshal, json.Number and new NumericDate (three allocations per
// date on every first sight of a token). A number decodes to exactly the
// instant golang-jwt's UnmarshalJSON gives (seconds parsed as a float64,
// split into whole seconds and nanoseconds, truncated to
// jwt.TimePrecision); anything else (a quoted number, an error) is left
// to golang-jwt itself. FuzzNumericDate compares the two. It encodes as
// jwt.NumericDate does.
type numericDate struct {
	jwt.NumericDate
}

// newNumericDate is jwt.NewNumericDate as a numericDate.
func newNumericDate(t time.Time) *numericDate {
	return &numericDate{*jwt.NewNumericDate(t)}
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *numericDate) UnmarshalJSON(b []byte) error {
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
func (d *numericDate) date() *jwt.NumericDate {
	if d == nil {
		return nil
	}
	return &d.NumericDate
}

// GetExpirationTime implements jwt.Claims.
func (c *accessClaims) GetExpirationTime() (*jwt.NumericDate, error) { return c.ExpiresAt.date(), nil }

// GetIssuedAt implements jwt.Claims.
func (c *accessClaims) GetIssuedAt() (*jwt.NumericDate, error) { return c.IssuedAt.date(), nil }

// GetNotBefore implements jwt.Claims. sign writes no nbf, but a token
// that carries one is held to it.
func (c *accessClaims) GetNotBefore() (*jwt.NumericDate, error) { return c.NotBefore.date(), nil }

// GetIssuer implements jwt.Claims.
func (c *accessClaims) GetIssuer() (string, error) { return c.Issuer, nil }

// GetSubject implements jwt.Claims.
func (c *accessClaims) GetSubject() (string, error) { return c.Subject, nil }

// GetAudience implements jwt.Claims.
func (c *accessClaims) GetAudience() (jwt.ClaimStrings, error) {
	if c.Audience == "" {
		return nil, nil
	}
	return jwt.ClaimStrings{c.Audience}, nil
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
	fc := fastauth.AccessClaims{
		Subject: c.Subject, SessionID: c.SessionID, OrganizationID: c.OrganizationID,
		OrganizationRole: c.OrganizationRole, Role: c.Role,
		AAL: c.AAL, AMR: c.AMR, HasAuthTime: c.AuthTime != nil,
	}
	if err := fc.Check(); err != nil {
		return fmt.Errorf("%w: %w", errTokenRejected, err)
	}
	c.AAL, c.AMR = fc.AAL, fc.AMR
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
