package ginauth

import (
	"context"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/permissions"
)

// permissionCatalog is the example server's catalog.
var permissionCatalog = permissions.Config{
	Catalog: []permissions.Permission{
		{Name: "project:read"}, {Name: "project:write"}, {Name: "billing:manage", OwnerOnly: true},
	},
	Member: []string{"project:read"},
}

// permissionEngine is gin with the base middleware and a route behind
// RequirePermission(perm).
func permissionEngine(a *Auth, perm string) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(a.Middleware())
	r.GET("/api/projects", RequirePermission(perm), func(c *gin.Context) {
		p, _ := PrincipalFrom(c)
		c.JSON(http.StatusOK, benchWhoami{UserID: p.UserID, Email: p.Email, OrganizationID: p.OrganizationID, OrganizationRole: p.OrganizationRole})
	})
	return r
}

// customRoleToken signs a token of testUser whose role in testActive's
// organization is the custom role "billing", on an Auth whose resolver
// serves that role without a store (loads counts the source's calls).
func customRoleToken(tb testing.TB, a *Auth, loads *int) string {
	tb.Helper()
	a.perms.SetSource(func(context.Context, string) (map[string][]string, error) {
		*loads++
		return map[string][]string{"billing": {"billing:manage", "project:read"}}, nil
	}, 0)
	active := testActive
	active.Role = "billing"
	tok, err := a.tokens.sign(testUser, active, testSession(testSID))
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// BenchmarkRequirePermission is a whole request through a route behind
// RequirePermission with a warm access-token cookie, on an Auth without a
// store: a built-in role (a bit test on the role's precomputed set) and a
// custom role (one read-locked map lookup of the organization's cached
// definitions). Compare with BenchmarkMiddleware/cookie-warm, the same
// request behind RequireUser.
func BenchmarkRequirePermission(b *testing.B) {
	b.Run("builtin-warm", func(b *testing.B) {
		a := storelessAuth(b, newTestClock(), func(c *Config) { c.Permissions = permissionCatalog })
		serveLoop(b, permissionEngine(a, "project:write"), browserRequest("/api/projects", signFor(b, a.tokens, testSID)), http.StatusOK)
	})
	b.Run("builtin-refused", func(b *testing.B) {
		a := storelessAuth(b, newTestClock(), func(c *Config) { c.Permissions = permissionCatalog })
		serveLoop(b, permissionEngine(a, "billing:manage"), browserRequest("/api/projects", signFor(b, a.tokens, testSID)), http.StatusForbidden)
	})
	b.Run("custom-warm", func(b *testing.B) {
		a := storelessAuth(b, newTestClock(), func(c *Config) { c.Permissions = permissionCatalog })
		var loads int
		tok := customRoleToken(b, a, &loads)
		serveLoop(b, permissionEngine(a, "billing:manage"), browserRequest("/api/projects", tok), http.StatusOK)
		if loads != 1 {
			b.Fatalf("%d loads of the organization's roles, want 1", loads)
		}
	})
}

// TestRequirePermissionAllocations holds a warm request behind
// RequirePermission to the allocations of the same request behind
// RequireUser: the guard itself allocates nothing, for a built-in or a
// custom role, and reads no store (the Auth has none).
func TestRequirePermissionAllocations(t *testing.T) {
	if raceDetector {
		t.Skip("allocation counts through gin's context pool are not exact under -race; make alloc-test (in CI) runs this without it")
	}
	a := storelessAuth(t, newTestClock(), func(c *Config) { c.Permissions = permissionCatalog })
	base := requestAllocs(t, benchEngine(a), browserRequest("/api/whoami", signFor(t, a.tokens, testSID)))
	if got := requestAllocs(t, permissionEngine(a, "project:write"), browserRequest("/api/projects", signFor(t, a.tokens, testSID))); got > base {
		t.Errorf("built-in role: %v allocations per request behind RequirePermission, %v behind RequireUser", got, base)
	}
	var loads int
	tok := customRoleToken(t, a, &loads)
	if got := requestAllocs(t, permissionEngine(a, "billing:manage"), browserRequest("/api/projects", tok)); got > base {
		t.Errorf("custom role: %v allocations per request behind RequirePermission, %v behind RequireUser", got, base)
	}
	if loads != 1 {
		t.Errorf("%d loads of the organization's roles, want 1", loads)
	}
}

// requestAllocs is the allocations of one warm request of req on h.
func requestAllocs(t *testing.T, h http.Handler, req *http.Request) float64 {
	t.Helper()
	w := &discardWriter{h: make(http.Header)}
	h.ServeHTTP(w, req)
	if w.status != http.StatusOK {
		t.Fatalf("status %d", w.status)
	}
	return testing.AllocsPerRun(200, func() {
		clear(w.h)
		h.ServeHTTP(w, req)
	})
}
