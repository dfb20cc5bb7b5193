package main

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/permissions"
)

// exampleCatalog is the example server's permission catalog (SPEC section
// 16): members read projects, admins also write them, billing is for
// owners (and for the custom roles an owner gives it).
var exampleCatalog = permissions.Config{
	Catalog: []permissions.Permission{
		{Name: "project:read", Description: "Read projects."},
		{Name: "project:write", Description: "Create and change projects."},
		{Name: "billing:manage", Description: "See and change billing.", OwnerOnly: true},
	},
	Member: []string{"project:read"},
}

// permissionBody is the answer of the permission demo routes.
type permissionBody struct {
	UserID           string       `json:"user_id"`
	OrganizationID   string       `json:"organization_id"`
	OrganizationRole ginauth.Role `json:"organization_role"`
	Permission       string       `json:"permission"`
}

// mountPermissionRoutes adds the demo routes of section 16, each behind
// RequirePermission.
func mountPermissionRoutes(api *gin.RouterGroup) {
	for _, route := range []struct{ method, path, perm string }{
		{http.MethodGet, "/projects", "project:read"},
		{http.MethodPost, "/projects", "project:write"},
		{http.MethodGet, "/billing", "billing:manage"},
	} {
		api.Handle(route.method, route.path, ginauth.RequirePermission(route.perm), permitted(route.perm))
	}
}

// permitted answers the principal RequirePermission admitted for perm.
func permitted(perm string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := ginauth.PrincipalFrom(c)
		if !ok {
			c.AbortWithStatusJSON(http.StatusUnauthorized, ginauth.ErrorBody{Code: ginauth.CodeInvalidToken, Message: "authentication required"})
			return
		}
		c.JSON(http.StatusOK, permissionBody{UserID: p.UserID, OrganizationID: p.OrganizationID, OrganizationRole: p.OrganizationRole, Permission: perm})
	}
}
