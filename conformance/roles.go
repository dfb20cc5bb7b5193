package conformance

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/permissions"
	"github.com/fastauth/fastauth/roles"
)

// RolesBackend is a backend that also stores custom roles (package roles);
// the roles scenarios run on such backends only.
type RolesBackend interface {
	Roles() roles.Store
}

// PermissionAnswer is the body of the harness application's permission
// routes (section 16's demo routes).
type PermissionAnswer struct {
	UserID           string `json:"user_id"`
	OrganizationID   string `json:"organization_id"`
	OrganizationRole string `json:"organization_role"`
	Permission       string `json:"permission"`
}

// PermissionsResponse is the part of an AuthResponse section 16 adds.
type PermissionsResponse struct {
	Organization struct {
		ID          string   `json:"id"`
		Role        string   `json:"role"`
		Permissions []string `json:"permissions"`
	} `json:"organization"`
}

// RoleBody is an entry of GET /organizations/{id}/roles.
type RoleBody struct {
	Name        string   `json:"name"`
	Permissions []string `json:"permissions"`
	Builtin     bool     `json:"builtin"`
}

// examplePermissions is the example server's catalog (section 16).
var examplePermissions = permissions.Config{
	Catalog: []permissions.Permission{
		{Name: "project:read", Description: "Read projects."},
		{Name: "project:write", Description: "Create and change projects."},
		{Name: "billing:manage", Description: "Manage billing.", OwnerOnly: true},
	},
	Member: []string{"project:read"},
}

// allPermissions is what owners hold under examplePermissions.
var allPermissions = []string{"organization:update", "organization:delete", "members:manage", "invites:manage",
	"api_keys:manage", "roles:manage", "audit_log:read", "project:read", "project:write", "billing:manage"}

// rolesScenarios are the rules of section 16.
func rolesScenarios() []scenario {
	catalog := func(c *ginauth.Config) { c.Permissions = examplePermissions }
	return []scenario{
		{name: "Catalog", config: catalog, setup: withRoles, run: rolesCatalog},
		{name: "BuiltinPermissions", config: catalog, run: rolesBuiltin},
		{name: "CustomRoleLifecycle", config: catalog, setup: withRoles, run: rolesLifecycle},
		{name: "BadInput", config: catalog, setup: withRoles, run: rolesBadInput},
		{name: "Authorization", config: catalog, setup: withRoles, run: rolesAuthorization},
		{name: "NoEscalation", config: catalog, setup: withRoles, run: rolesNoEscalation},
		{name: "WithoutModule", config: catalog, run: rolesWithoutModule},
		{name: "ScopedAPIKeys", config: catalog, run: rolesScopedKeys},
		{name: "AuditorRole", config: catalog, setup: withRolesAndAudit, run: rolesAuditor},
		{name: "MembersManageRole", config: catalog, setup: withRoles, run: rolesMembersManage},
		{name: "InvitesManageRole", config: catalog, setup: withRoles, run: rolesInvitesManage},
		{name: "APIKeysManageRole", config: catalog, setup: withRoles, run: rolesAPIKeysManage},
		{name: "BuiltinRolesAnswerAsBefore", run: rolesMatrix},
	}
}

// withRoles mounts the roles module.
func withRoles(t *testing.T, b ginauth.Backend, c *ginauth.Config) {
	t.Helper()
	rb, ok := b.(RolesBackend)
	if !ok {
		t.Skipf("backend %T has no roles storage (Roles() roles.Store)", b)
	}
	if err := rb.Roles().Migrate(t.Context()); err != nil {
		t.Fatalf("Roles().Migrate: %v", err)
	}
	c.Modules = append(c.Modules, roles.New(rb.Roles(), b, roles.Config{}))
}

// rolesPath is the roles collection of an organization.
func (h *Harness) rolesPath(orgID string, name ...string) string {
	return h.Path("/organizations/" + orgID + "/roles" + strings.Join(append([]string{""}, name...), "/"))
}

// permissionsOf reads c's AuthResponse from /me.
func permissionsOf(t *testing.T, c *Client) PermissionsResponse {
	t.Helper()
	var out PermissionsResponse
	c.Get(c.h.Path("/me")).Expect(t, http.StatusOK).Decode(t, &out)
	return out
}

// expectPermission checks a permission route's answer for c.
func expectPermission(t *testing.T, c *Client, method, path string, status int) {
	t.Helper()
	r := c.Do(method, path, nil, nil).Expect(t, status)
	if status == http.StatusForbidden && r.Code() != "forbidden" {
		t.Fatalf("%s %s: code %q, want forbidden", method, path, r.Code())
	}
}

func rolesCatalog(t *testing.T, h *Harness) {
	h.NewClient().Get(h.Path("/permissions")).Expect(t, http.StatusUnauthorized)
	c, _ := h.SignUp(t)
	var got []struct{ Name, Description string }
	c.Get(h.Path("/permissions")).Expect(t, http.StatusOK).Decode(t, &got)
	var names []string
	for _, p := range got {
		if p.Description == "" {
			t.Errorf("permission %s has no description", p.Name)
		}
		names = append(names, p.Name)
	}
	if !slices.Equal(names, allPermissions) {
		t.Fatalf("catalog %v, want %v", names, allPermissions)
	}
}

// rolesBuiltin: the built-in roles hold what sections 6, 7 and 16 say, in
// AuthResponse and at RequirePermission, without the roles module.
func rolesBuiltin(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	me := permissionsOf(t, owner)
	if !slices.Equal(me.Organization.Permissions, allPermissions) {
		t.Fatalf("owner of the personal workspace holds %v, want %v", me.Organization.Permissions, allPermissions)
	}
	org := owner.createOrganization(t, "Acme")
	admin, _ := h.join(t, owner, org, "admin")
	member, _ := h.join(t, owner, org, "member")
	a, m := permissionsOf(t, admin), permissionsOf(t, member)
	if want := []string{"organization:update", "members:manage", "invites:manage", "api_keys:manage", "audit_log:read", "project:read", "project:write"}; !slices.Equal(a.Organization.Permissions, want) {
		t.Fatalf("admin holds %v, want %v", a.Organization.Permissions, want)
	}
	if !slices.Equal(m.Organization.Permissions, []string{"project:read"}) {
		t.Fatalf("member holds %v, want [project:read]", m.Organization.Permissions)
	}
	owner.switchOrganization(t, org)
	for _, tc := range []struct {
		c                    *Client
		read, write, billing int
	}{
		{owner, 200, 200, 200},
		{admin, 200, 200, 403},
		{member, 200, 403, 403},
	} {
		expectPermission(t, tc.c, http.MethodGet, "/api/projects", tc.read)
		expectPermission(t, tc.c, http.MethodPost, "/api/projects", tc.write)
		expectPermission(t, tc.c, http.MethodGet, "/api/billing", tc.billing)
	}
	var ans PermissionAnswer
	member.Get("/api/projects").Expect(t, http.StatusOK).Decode(t, &ans)
	if ans.OrganizationID != org || ans.OrganizationRole != "member" || ans.Permission != "project:read" || ans.UserID == "" {
		t.Fatalf("answer %+v", ans)
	}
	h.NewClient().Get("/api/projects").Expect(t, http.StatusUnauthorized)
	// An API key acts with its creator's role.
	key := member.createAPIKey(t, "ci")
	kc := h.NewClient()
	kc.Bearer(key.Key)
	expectPermission(t, kc, http.MethodGet, "/api/projects", 200)
	expectPermission(t, kc, http.MethodPost, "/api/projects", 403)
}

func rolesLifecycle(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Acme")
	member, _ := h.join(t, owner, org, "member")
	var r RoleBody
	owner.Post(h.rolesPath(org), map[string]any{"name": "billing", "permissions": []string{"project:read", "billing:manage", "project:read"}}).
		Expect(t, http.StatusCreated).Decode(t, &r)
	if r.Name != "billing" || r.Builtin || !slices.Equal(r.Permissions, []string{"billing:manage", "project:read"}) {
		t.Fatalf("created %+v", r)
	}
	var list []RoleBody
	member.Get(h.rolesPath(org)).Expect(t, http.StatusOK).Decode(t, &list)
	if len(list) != 4 || list[0].Name != "owner" || !list[0].Builtin || list[2].Name != "member" || list[3].Name != "billing" || list[3].Builtin {
		t.Fatalf("roles %+v", list)
	}
	// Assign it: the member's next token carries the role, AuthResponse
	// its permissions.
	owner.Patch(h.Path("/organizations/"+org+"/members/"+member.whoami(t).UserID), map[string]string{"role": "billing"}).Expect(t, http.StatusOK)
	var me PermissionsResponse
	member.Refresh().Expect(t, http.StatusOK).Decode(t, &me)
	if me.Organization.Role != "billing" || !slices.Equal(me.Organization.Permissions, []string{"project:read", "billing:manage"}) {
		t.Fatalf("after the change: %+v", me.Organization)
	}
	expectPermission(t, member, http.MethodGet, "/api/billing", 200)
	expectPermission(t, member, http.MethodPost, "/api/projects", 403)
	// A change of the role's permissions holds at once, with the same token.
	owner.Patch(h.rolesPath(org, "billing"), map[string]any{"permissions": []string{"project:write"}}).Expect(t, http.StatusOK).Decode(t, &r)
	if !slices.Equal(r.Permissions, []string{"project:write"}) {
		t.Fatalf("updated %+v", r)
	}
	expectPermission(t, member, http.MethodGet, "/api/billing", 403)
	expectPermission(t, member, http.MethodPost, "/api/projects", 200)
	member.Get(h.Path("/me")).Expect(t, http.StatusOK).Decode(t, &me)
	if !slices.Equal(me.Organization.Permissions, []string{"project:write"}) {
		t.Fatalf("/me after the edit: %v", me.Organization.Permissions)
	}
	// In use: refused; free again: deleted.
	owner.Delete(h.rolesPath(org, "billing")).Expect(t, http.StatusConflict, "role_in_use")
	owner.Patch(h.Path("/organizations/"+org+"/members/"+member.whoami(t).UserID), map[string]string{"role": "member"}).Expect(t, http.StatusOK)
	owner.Delete(h.rolesPath(org, "billing")).Expect(t, http.StatusNoContent)
	owner.Delete(h.rolesPath(org, "billing")).Expect(t, http.StatusNotFound, "role_not_found")
	member.Get(h.rolesPath(org)).Expect(t, http.StatusOK).Decode(t, &list)
	if len(list) != 3 {
		t.Fatalf("roles after delete %+v", list)
	}
	// A token minted while the role existed grants nothing once it is gone.
	owner.Post(h.rolesPath(org), map[string]any{"name": "ops", "permissions": []string{"project:write"}}).Expect(t, http.StatusCreated)
	owner.Patch(h.Path("/organizations/"+org+"/members/"+member.whoami(t).UserID), map[string]string{"role": "ops"}).Expect(t, http.StatusOK)
	member.Refresh().Expect(t, http.StatusOK)
	expectPermission(t, member, http.MethodPost, "/api/projects", 200)
}

func rolesBadInput(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Acme")
	owner.Post(h.rolesPath(org), map[string]any{"name": "billing", "permissions": []string{}}).Expect(t, http.StatusCreated)
	many := make([]string, permissions.MaxListLength+1)
	for i := range many {
		many[i] = "project:read"
	}
	for _, tc := range []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"upper case", map[string]any{"name": "Ops", "permissions": []string{}}, 400, "invalid_request"},
		{"leading digit", map[string]any{"name": "1ops", "permissions": []string{}}, 400, "invalid_request"},
		{"space", map[string]any{"name": "ops team", "permissions": []string{}}, 400, "invalid_request"},
		{"empty", map[string]any{"name": "", "permissions": []string{}}, 400, "invalid_request"},
		{"33 characters", map[string]any{"name": "a" + strings.Repeat("b", 32), "permissions": []string{}}, 400, "invalid_request"},
		{"built-in", map[string]any{"name": "admin", "permissions": []string{}}, 409, "role_exists"},
		{"built-in in another case", map[string]any{"name": "Owner", "permissions": []string{}}, 409, "role_exists"},
		{"reserved", map[string]any{"name": "root", "permissions": []string{}}, 409, "role_exists"},
		{"taken", map[string]any{"name": "billing", "permissions": []string{}}, 409, "role_exists"},
		{"taken in another case", map[string]any{"name": "BILLING", "permissions": []string{}}, 409, "role_exists"},
		{"unknown permission", map[string]any{"name": "ops", "permissions": []string{"project:delete"}}, 400, "unknown_permission"},
		{"malformed permission", map[string]any{"name": "ops", "permissions": []string{"everything"}}, 400, "unknown_permission"},
		{"owner-only roles:manage", map[string]any{"name": "ops", "permissions": []string{"roles:manage"}}, 400, "invalid_request"},
		{"owner-only organization:delete", map[string]any{"name": "ops", "permissions": []string{"members:manage", "organization:delete"}}, 400, "invalid_request"},
		{"oversized list", map[string]any{"name": "ops", "permissions": many}, 400, "invalid_request"},
		{"no permissions", map[string]any{"name": "ops"}, 400, "invalid_request"},
		{"permissions not a list", map[string]any{"name": "ops", "permissions": "project:read"}, 400, "invalid_request"},
		{"unknown field", map[string]any{"name": "ops", "permissions": []string{}, "builtin": true}, 400, "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			owner.Post(h.rolesPath(org), tc.body).Expect(t, tc.status, tc.code)
		})
	}
	owner.Patch(h.rolesPath(org, "nobody"), map[string]any{"permissions": []string{}}).Expect(t, http.StatusNotFound, "role_not_found")
	owner.Patch(h.rolesPath(org, "Bad%20Name"), map[string]any{"permissions": []string{}}).Expect(t, http.StatusNotFound, "role_not_found")
	owner.Patch(h.rolesPath(org, "admin"), map[string]any{"permissions": []string{}}).Expect(t, http.StatusForbidden, "forbidden")
	owner.Delete(h.rolesPath(org, "member")).Expect(t, http.StatusForbidden, "forbidden")
	owner.Patch(h.rolesPath(org, "billing"), map[string]any{"permissions": []string{"x:y"}}).Expect(t, http.StatusBadRequest, "unknown_permission")
	owner.Get(h.rolesPath("not-an-id")).Expect(t, http.StatusNotFound, "organization_not_found")
	// Many roles: the cap answers 409, never a 500.
	for i := 0; i < 49; i++ {
		owner.Post(h.rolesPath(org), map[string]any{"name": fmt.Sprintf("r%d", i), "permissions": []string{}}).Expect(t, http.StatusCreated)
	}
	owner.Post(h.rolesPath(org), map[string]any{"name": "one-more", "permissions": []string{}}).Expect(t, http.StatusConflict, "conflict")
}

func rolesAuthorization(t *testing.T, h *Harness) {
	owner, me := h.SignUp(t)
	org := owner.createOrganization(t, "Acme")
	admin, _ := h.join(t, owner, org, "admin")
	member, _ := h.join(t, owner, org, "member")
	stranger, _ := h.SignUp(t)
	body := map[string]any{"name": "ops", "permissions": []string{"project:read"}}
	admin.Post(h.rolesPath(org), body).Expect(t, http.StatusForbidden, "forbidden")
	member.Post(h.rolesPath(org), body).Expect(t, http.StatusForbidden, "forbidden")
	stranger.Post(h.rolesPath(org), body).Expect(t, http.StatusNotFound, "organization_not_found")
	stranger.Get(h.rolesPath(org)).Expect(t, http.StatusNotFound, "organization_not_found")
	// Personal workspaces have no custom roles.
	owner.Post(h.rolesPath(me.Organization.ID), body).Expect(t, http.StatusForbidden, "forbidden")
	var list []RoleBody
	owner.Get(h.rolesPath(me.Organization.ID)).Expect(t, http.StatusOK).Decode(t, &list)
	if len(list) != 3 {
		t.Fatalf("a personal workspace lists %+v", list)
	}
	owner.Post(h.rolesPath(org), body).Expect(t, http.StatusCreated)
	admin.Patch(h.rolesPath(org, "ops"), map[string]any{"permissions": []string{}}).Expect(t, http.StatusForbidden, "forbidden")
	admin.Delete(h.rolesPath(org, "ops")).Expect(t, http.StatusForbidden, "forbidden")
	// An API key of the organization is its creator: the owner's key
	// manages roles, a key of another organization sees nothing.
	owner.switchOrganization(t, org)
	key := owner.createAPIKey(t, "ci")
	kc := h.NewClient()
	kc.Bearer(key.Key)
	kc.Patch(h.rolesPath(org, "ops"), map[string]any{"permissions": []string{"project:write"}}).Expect(t, http.StatusOK)
	kc.Get(h.rolesPath(me.Organization.ID)).Expect(t, http.StatusNotFound, "organization_not_found")
}

// rolesNoEscalation: nobody grants, assigns or invites to a role holding a
// permission they do not hold.
func rolesNoEscalation(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Acme")
	admin, _ := h.join(t, owner, org, "admin")
	owner.Post(h.rolesPath(org), map[string]any{"name": "billing", "permissions": []string{"billing:manage"}}).Expect(t, http.StatusCreated)
	owner.Post(h.rolesPath(org), map[string]any{"name": "viewer", "permissions": []string{"project:read"}}).Expect(t, http.StatusCreated)
	invite := func(c *Client, role string) *Response {
		return c.Post(h.Path("/organizations/"+org+"/invites"), map[string]string{"email": h.Email(), "role": role})
	}
	invite(admin, "billing").Expect(t, http.StatusForbidden, "forbidden") // admins lack billing:manage
	invite(admin, "viewer").Expect(t, http.StatusCreated)
	invite(owner, "billing").Expect(t, http.StatusCreated)
	invite(owner, "undefined").Expect(t, http.StatusNotFound, "role_not_found")
	invite(owner, "Not A Role").Expect(t, http.StatusBadRequest, "invalid_request")
	// The pending invites hold their roles.
	owner.Delete(h.rolesPath(org, "viewer")).Expect(t, http.StatusConflict, "role_in_use")
	// Assigning an undefined role to a member.
	member, _ := h.join(t, owner, org, "member")
	owner.Patch(h.Path("/organizations/"+org+"/members/"+member.whoami(t).UserID), map[string]string{"role": "ghost"}).
		Expect(t, http.StatusNotFound, "role_not_found")
	// Accepting an invite to a custom role gives that role.
	viewer, _ := h.join(t, owner, org, "viewer")
	if out := permissionsOf(t, viewer); !slices.Equal(out.Organization.Permissions, []string{"project:read"}) {
		t.Fatalf("viewer holds %v", out.Organization.Permissions)
	}
	expectPermission(t, viewer, http.MethodGet, "/api/projects", 200)
	expectPermission(t, viewer, http.MethodPost, "/api/projects", 403)
}

// rolesWithoutModule: without the roles module custom names are refused
// as before, and no roles route is mounted.
func rolesWithoutModule(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Acme")
	owner.Post(h.Path("/organizations/"+org+"/invites"), map[string]string{"email": h.Email(), "role": "billing"}).
		Expect(t, http.StatusBadRequest, "invalid_request")
	owner.Get(h.rolesPath(org)).Expect(t, http.StatusNotFound)
	owner.Get(h.Path("/permissions")).Expect(t, http.StatusNotFound)
}

// ScopedKeyBody is the part of an API key's body section 16 adds.
type ScopedKeyBody struct {
	ID          string   `json:"id"`
	Key         string   `json:"key"`
	Permissions []string `json:"permissions"`
}

// rolesScopedKeys: a key created with permissions acts with those its
// creator's current role also holds, and manages nothing.
func rolesScopedKeys(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Acme")
	owner.switchOrganization(t, org)
	admin, _ := h.join(t, owner, org, "admin")
	member, _ := h.join(t, owner, org, "member")
	create := func(c *Client, perms any) *Response {
		return c.Post(h.Path("/api-keys"), map[string]any{"name": "scoped", "permissions": perms})
	}
	bearer := func(k ScopedKeyBody) *Client {
		kc := h.NewClient()
		kc.Bearer(k.Key)
		return kc
	}
	member.Post(h.Path("/api-keys"), map[string]any{"name": "x", "permissions": []string{"project:write"}}).Expect(t, http.StatusForbidden, "forbidden")
	create(owner, []string{"project:nope"}).Expect(t, http.StatusBadRequest, "unknown_permission")
	create(owner, "project:read").Expect(t, http.StatusBadRequest, "invalid_request")
	var k ScopedKeyBody
	create(owner, []string{"project:read", "project:read"}).Expect(t, http.StatusCreated).Decode(t, &k)
	if !slices.Equal(k.Permissions, []string{"project:read"}) {
		t.Fatalf("scoped key permissions %v", k.Permissions)
	}
	var plain ScopedKeyBody
	owner.Post(h.Path("/api-keys"), map[string]any{"name": "plain"}).Expect(t, http.StatusCreated).Decode(t, &plain)
	if plain.Permissions != nil {
		t.Fatalf("an unscoped key shows permissions %v, want null", plain.Permissions)
	}
	kc := bearer(k)
	expectPermission(t, kc, http.MethodGet, "/api/projects", 200)
	expectPermission(t, kc, http.MethodPost, "/api/projects", 403)
	expectPermission(t, kc, http.MethodGet, "/api/billing", 403)
	expectPermission(t, bearer(plain), http.MethodGet, "/api/billing", 200)
	// A scoped key manages nothing, whatever its creator's role.
	kc.Get(h.Path("/organizations/"+org+"/members")).Expect(t, http.StatusForbidden, "forbidden")
	kc.Delete(h.Path("/organizations/"+org)).Expect(t, http.StatusForbidden, "forbidden")
	kc.Post(h.rolesPath(org), map[string]any{"name": "x", "permissions": []string{}}).Expect(t, http.StatusNotFound) // no roles module here
	// An empty list holds nothing.
	var none ScopedKeyBody
	create(owner, []string{}).Expect(t, http.StatusCreated).Decode(t, &none)
	expectPermission(t, bearer(none), http.MethodGet, "/api/projects", 403)
	// The intersection follows the creator's current role.
	admin.switchOrganization(t, org)
	var ak ScopedKeyBody
	create(admin, []string{"project:write"}).Expect(t, http.StatusCreated).Decode(t, &ak)
	expectPermission(t, bearer(ak), http.MethodPost, "/api/projects", 200)
	kc.Delete(h.Path("/api-keys/"+ak.ID)).Expect(t, http.StatusForbidden, "forbidden") // another member's key: as a member would
	owner.Patch(h.Path("/organizations/"+org+"/members/"+admin.whoami(t).UserID), map[string]string{"role": "member"}).Expect(t, http.StatusOK)
	expectPermission(t, bearer(ak), http.MethodPost, "/api/projects", 403)
	_ = member
}
