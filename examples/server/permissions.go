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

// permitted answers the principal RequirePermission admitted for perm,
// encoded like whoami's body (writeJSON): the load test's permission mode
// compares this route with whoami's.
func permitted(perm string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := ginauth.PrincipalFrom(c)
		if !ok {
			c.AbortWithStatusJSON(http.StatusUnauthorized, ginauth.ErrorBody{Code: ginauth.CodeInvalidToken, Message: "authentication required"})
			return
		}
		writeJSON(c, permissionBody{UserID: p.UserID, OrganizationID: p.OrganizationID, OrganizationRole: p.OrganizationRole, Permission: perm})
	}
}

// appendJSON appends to dst what json.Marshal returns for b.
func (b permissionBody) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"user_id":`...)
	dst = appendJSONString(dst, b.UserID)
	dst = append(dst, `,"organization_id":`...)
	dst = appendJSONString(dst, b.OrganizationID)
	dst = append(dst, `,"organization_role":`...)
	dst = appendJSONString(dst, string(b.OrganizationRole))
	dst = append(dst, `,"permission":`...)
	dst = appendJSONString(dst, b.Permission)
	return append(dst, '}')
}
