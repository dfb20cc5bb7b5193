package apikeys

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/permissions"
)

// scope checks the permissions a new key is limited to: nil (absent) is
// everything its creator has; otherwise catalog permissions (400
// unknown_permission, 400 for an oversized list), deduplicated and
// sorted, all held by the creator's current role (403: nobody grants what
// they do not hold).
func (m *Module) scope(c *gin.Context, mb fastauth.Membership, requested []string) ([]string, error) {
	if requested == nil {
		return nil, nil
	}
	r := m.host.Permissions()
	perms, want, err := r.Catalog().Normalize(requested)
	switch {
	case errors.Is(err, permissions.ErrTooMany):
		return nil, invalidRequest(fmt.Sprintf("at most %d permissions", permissions.MaxListLength))
	case errors.Is(err, permissions.ErrUnknown):
		return nil, fastauth.NewError(http.StatusBadRequest, fastauth.CodeUnknownPermission, "permissions must be in the catalog")
	case err != nil:
		return nil, err
	}
	ctx, cancel := m.host.StoreContext(c.Request.Context())
	defer cancel()
	have, err := r.RoleSet(ctx, mb.OrganizationID, mb.Role)
	if err != nil && !errors.Is(err, permissions.ErrUnknownRole) {
		return nil, fmt.Errorf("apikeys: role permissions: %w", err)
	}
	if !have.Contains(want) {
		return nil, fastauth.NewError(http.StatusForbidden, fastauth.CodeForbidden, "a key's permissions must be a subset of yours")
	}
	return perms, nil
}
