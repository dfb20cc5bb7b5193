package permissions_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/fastauth/fastauth/permissions"
)

// exampleConfig is the example server's catalog.
var exampleConfig = permissions.Config{
	Catalog: []permissions.Permission{
		{Name: "project:read", Description: "Read projects."},
		{Name: "project:write", Description: "Change projects."},
		{Name: "billing:manage", Description: "Manage billing.", OwnerOnly: true},
	},
	Member: []string{"project:read"},
}

func mustCatalog(t testing.TB, cfg permissions.Config) *permissions.Catalog {
	t.Helper()
	c, err := permissions.NewCatalog(cfg)
	if err != nil {
		t.Fatalf("NewCatalog: %v", err)
	}
	return c
}

func TestWellFormed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"project:read", true},
		{"api_keys:manage", true},
		{"a-b:c_d", true},
		{"a:b", true},
		{"", false},
		{"project", false},
		{":read", false},
		{"project:", false},
		{"project:read:all", false},
		{"Project:read", false},
		{"project: read", false},
		{"pröject:read", false},
		{"p:" + string(make([]byte, 70)), false},
	} {
		if got := permissions.WellFormed(tc.name); got != tc.ok {
			t.Errorf("WellFormed(%q) = %v, want %v", tc.name, got, tc.ok)
		}
	}
}

func TestNewCatalogRefuses(t *testing.T) {
	t.Parallel()
	many := make([]permissions.Permission, permissions.MaxPermissions)
	for i := range many {
		many[i].Name = fmt.Sprintf("r%d:a", i)
	}
	for _, tc := range []struct {
		name string
		cfg  permissions.Config
	}{
		{"malformed", permissions.Config{Catalog: []permissions.Permission{{Name: "read"}}}},
		{"duplicate", permissions.Config{Catalog: []permissions.Permission{{Name: "a:b"}, {Name: "a:b"}}}},
		{"redeclares a route permission", permissions.Config{Catalog: []permissions.Permission{{Name: permissions.MembersManage}}}},
		{"member holds an unknown one", permissions.Config{Member: []string{"x:y"}}},
		{"member holds a route permission", permissions.Config{Member: []string{permissions.InvitesManage}}},
		{"too many", permissions.Config{Catalog: many}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := permissions.NewCatalog(tc.cfg); !errors.Is(err, permissions.ErrConfig) {
				t.Fatalf("NewCatalog = %v, want ErrConfig", err)
			}
		})
	}
}

// TestBuiltinRoles holds the built-in roles to sections 6 and 7: owners
// hold everything, admins all but the owner-only permissions, members the
// configured set and none of the auth routes' own.
func TestBuiltinRoles(t *testing.T) {
	t.Parallel()
	c := mustCatalog(t, exampleConfig)
	want := map[string][]string{
		"owner": {"organization:update", "organization:delete", "members:manage", "invites:manage", "api_keys:manage",
			"roles:manage", "audit_log:read", "project:read", "project:write", "billing:manage"},
		"admin": {"organization:update", "members:manage", "invites:manage", "api_keys:manage", "audit_log:read",
			"project:read", "project:write"},
		"member": {"project:read"},
	}
	for role, perms := range want {
		s, ok := c.Builtin(role)
		if !ok {
			t.Fatalf("Builtin(%q) not found", role)
		}
		if got := c.Names(s); !slices.Equal(got, perms) {
			t.Errorf("%s holds %v, want %v", role, got, perms)
		}
	}
	if _, ok := c.Builtin("billing"); ok {
		t.Error("Builtin(billing) found")
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	c := mustCatalog(t, exampleConfig)
	for _, tc := range []struct {
		name string
		in   []string
		want []string
		err  error
	}{
		{"empty", nil, []string{}, nil},
		{"sorted and deduplicated", []string{"project:write", "project:read", "project:write"}, []string{"project:read", "project:write"}, nil},
		{"route permissions", []string{permissions.RolesManage, "billing:manage"}, []string{"billing:manage", "roles:manage"}, nil},
		{"unknown", []string{"project:read", "project:delete"}, nil, permissions.ErrUnknown},
		{"malformed", []string{"PROJECT"}, nil, permissions.ErrUnknown},
		{"too long", slices.Repeat([]string{"project:read"}, permissions.MaxListLength+1), nil, permissions.ErrTooMany},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, set, err := c.Normalize(tc.in)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Normalize = %v, want %v", err, tc.err)
			}
			if err != nil {
				return
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Normalize = %v, want %v", got, tc.want)
			}
			if names := c.Names(set); len(names) != len(tc.want) {
				t.Errorf("set holds %v, want %v", names, tc.want)
			}
		})
	}
}

func TestSetContains(t *testing.T) {
	t.Parallel()
	c := mustCatalog(t, exampleConfig)
	owner, _ := c.Builtin("owner")
	admin, _ := c.Builtin("admin")
	member, _ := c.Builtin("member")
	if !owner.Contains(admin) || !admin.Contains(member) || admin.Contains(owner) || member.Contains(admin) {
		t.Fatal("owner ⊇ admin ⊇ member does not hold")
	}
	if got := c.Names(admin.Intersect(member)); !slices.Equal(got, []string{"project:read"}) {
		t.Fatalf("admin ∩ member = %v", got)
	}
}

func TestOwnerReserved(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		want bool
	}{
		{permissions.OrganizationDelete, true},
		{permissions.RolesManage, true},
		{permissions.OrganizationUpdate, false},
		{permissions.MembersManage, false},
		{permissions.InvitesManage, false},
		{permissions.APIKeysManage, false},
		{permissions.AuditLogRead, false},
		{"billing:manage", false}, // an application's OwnerOnly permission is the application's to grant
		{"project:read", false},
		{"", false},
	} {
		if got := permissions.OwnerReserved(tc.name); got != tc.want {
			t.Errorf("OwnerReserved(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
