package fastauth_test

import (
	"strings"
	"testing"

	"github.com/fastauth/fastauth"
)

func TestRoleKinds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		role                      fastauth.Role
		valid, custom, wellFormed bool
		atLeastMember             bool
	}{
		{"owner", true, false, true, true},
		{"member", true, false, true, true},
		{"billing", false, true, true, true},
		{"a", false, true, true, true},
		{"deploy-bot_2", false, true, true, true},
		{fastauth.Role("a" + strings.Repeat("b", 31)), false, true, true, true},
		{fastauth.Role("a" + strings.Repeat("b", 32)), false, false, false, false},
		{"", false, false, false, false},
		{"Billing", false, false, false, false},
		{"1st", false, false, false, false},
		{"_x", false, false, false, false},
		{"bill ing", false, false, false, false},
		{"billing\x00", false, false, false, false},
		{"root", false, false, false, false},
		{"service_role", false, false, false, false},
	} {
		if got := tc.role.Valid(); got != tc.valid {
			t.Errorf("%q.Valid() = %v", tc.role, got)
		}
		if got := tc.role.Custom(); got != tc.custom {
			t.Errorf("%q.Custom() = %v", tc.role, got)
		}
		if got := tc.role.WellFormed(); got != tc.wellFormed {
			t.Errorf("%q.WellFormed() = %v", tc.role, got)
		}
		if got := tc.role.AtLeast(fastauth.RoleMember); got != tc.atLeastMember {
			t.Errorf("%q.AtLeast(member) = %v", tc.role, got)
		}
		if tc.custom && tc.role.AtLeast(fastauth.RoleAdmin) {
			t.Errorf("custom %q ranks as an admin", tc.role)
		}
	}
}
