package fastauth_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/fastauth/fastauth"
)

func TestAccessClaimsCheck(t *testing.T) {
	t.Parallel()
	valid := func() fastauth.AccessClaims {
		return fastauth.AccessClaims{
			Subject: "u", SessionID: "s", OrganizationID: "o", OrganizationRole: fastauth.RoleMember,
			Role: fastauth.AccessTokenRole, AAL: 2, AMR: []string{"password", "totp"}, HasAuthTime: true,
		}
	}
	for _, tc := range []struct {
		name   string
		change func(*fastauth.AccessClaims)
		want   error // nil: accepted
	}{
		{"valid", func(*fastauth.AccessClaims) {}, nil},
		{"aal 1", func(c *fastauth.AccessClaims) { c.AAL = 1 }, nil},
		{"no sub", func(c *fastauth.AccessClaims) { c.Subject = "" }, fastauth.ErrMalformedClaims},
		{"no sid", func(c *fastauth.AccessClaims) { c.SessionID = "" }, fastauth.ErrMalformedClaims},
		{"no org", func(c *fastauth.AccessClaims) { c.OrganizationID = "" }, fastauth.ErrMalformedClaims},
		{"another role", func(c *fastauth.AccessClaims) { c.Role = "service_role" }, fastauth.ErrMalformedClaims},
		{"unknown org_role", func(c *fastauth.AccessClaims) { c.OrganizationRole = "root" }, fastauth.ErrMalformedClaims},
		{"custom org_role (section 16)", func(c *fastauth.AccessClaims) { c.OrganizationRole = "billing" }, nil},
		{"malformed org_role", func(c *fastauth.AccessClaims) { c.OrganizationRole = "Root!" }, fastauth.ErrMalformedClaims},
		{"aal 0", func(c *fastauth.AccessClaims) { c.AAL = 0 }, fastauth.ErrMalformedAssurance},
		{"aal 3", func(c *fastauth.AccessClaims) { c.AAL = 3 }, fastauth.ErrMalformedAssurance},
		{"no amr", func(c *fastauth.AccessClaims) { c.AMR = nil }, fastauth.ErrMalformedAssurance},
		{"empty amr", func(c *fastauth.AccessClaims) { c.AMR = []string{} }, fastauth.ErrMalformedAssurance},
		{"empty method", func(c *fastauth.AccessClaims) { c.AMR = []string{"password", ""} }, fastauth.ErrMalformedAssurance},
		{"no auth_time", func(c *fastauth.AccessClaims) { c.HasAuthTime = false }, fastauth.ErrMalformedAssurance},
	} {
		c := valid()
		tc.change(&c)
		if err := c.Check(); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}

	// No assurance claims: a token of before they existed reads as a
	// password session.
	c := valid()
	c.AAL, c.AMR, c.HasAuthTime = 0, nil, false
	if err := c.Check(); err != nil || c.AAL != 1 || !slices.Equal(c.AMR, []string{fastauth.MethodPassword}) {
		t.Fatalf("legacy claims: %v, aal %d amr %v; want aal 1 [password]", err, c.AAL, c.AMR)
	}
}
