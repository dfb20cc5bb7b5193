package main

import (
	"net/http"
	"slices"
	"testing"
)

// TestPermissionRoutes drives section 16 through the example server: the
// catalog, the demo routes for an owner, a member and a custom role, and
// AuthResponse's permissions.
func TestPermissionRoutes(t *testing.T) {
	t.Parallel()
	srv := startServer(t, map[string]string{"AUTH_JWT_SECRET": testSecret})
	owner := newClient(t)
	var up struct {
		Organization struct {
			ID          string   `json:"id"`
			Permissions []string `json:"permissions"`
		} `json:"organization"`
	}
	if got := call(t, owner, "POST", srv.base+"/auth/sign-up", map[string]string{"email": "own@example.com", "password": "correct horse 1"}, &up); got != http.StatusOK {
		t.Fatalf("sign-up = %d\nlog:\n%s", got, srv.out)
	}
	if !slices.Contains(up.Organization.Permissions, "billing:manage") || !slices.Contains(up.Organization.Permissions, "roles:manage") {
		t.Fatalf("an owner holds %v", up.Organization.Permissions)
	}
	var catalog []struct{ Name string }
	if got := call(t, owner, "GET", srv.base+"/auth/permissions", nil, &catalog); got != http.StatusOK || len(catalog) != 10 {
		t.Fatalf("GET /auth/permissions = %d %+v", got, catalog)
	}
	var ans permissionBody
	for _, r := range []struct{ method, path, perm string }{
		{"GET", "/api/projects", "project:read"}, {"POST", "/api/projects", "project:write"}, {"GET", "/api/billing", "billing:manage"},
	} {
		if got := call(t, owner, r.method, srv.base+r.path, nil, &ans); got != http.StatusOK || ans.Permission != r.perm || ans.OrganizationRole != "owner" || ans.OrganizationID != up.Organization.ID {
			t.Fatalf("%s %s = %d %+v", r.method, r.path, got, ans)
		}
	}
	// A custom role in a shared organization.
	var org struct {
		Organization struct{ ID string } `json:"organization"`
	}
	if got := call(t, owner, "POST", srv.base+"/auth/organizations", map[string]string{"name": "Acme"}, &org); got != http.StatusCreated {
		t.Fatalf("create organization = %d", got)
	}
	roles := srv.base + "/auth/organizations/" + org.Organization.ID + "/roles"
	if got := call(t, owner, "POST", roles, map[string]any{"name": "billing", "permissions": []string{"billing:manage"}}, nil); got != http.StatusCreated {
		t.Fatalf("create role = %d", got)
	}
	var e errorBody
	if got := call(t, owner, "POST", roles, map[string]any{"name": "admin", "permissions": []string{}}, &e); got != http.StatusConflict || e.Code != "role_exists" {
		t.Fatalf("create role admin = %d %+v", got, e)
	}
	var list []struct {
		Name    string `json:"name"`
		Builtin bool   `json:"builtin"`
	}
	if got := call(t, owner, "GET", roles, nil, &list); got != http.StatusOK || len(list) != 4 || list[3].Name != "billing" || list[3].Builtin {
		t.Fatalf("GET roles = %d %+v", got, list)
	}
	if got := call(t, owner, "DELETE", roles+"/billing", nil, nil); got != http.StatusNoContent {
		t.Fatalf("delete role = %d", got)
	}
	anon := newClient(t)
	if got := call(t, anon, "GET", srv.base+"/api/projects", nil, &e); got != http.StatusUnauthorized {
		t.Fatalf("anonymous GET /api/projects = %d", got)
	}
}
