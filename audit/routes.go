package audit

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/permissions"
)

// mountRoutes adds the log routes to h's route group.
func (m *Module) mountRoutes(h ginauth.Host) {
	g := h.Routes()
	g.GET("/organizations/:organization_id/audit-log", ginauth.RequireUser(), h.Handle(m.organizationLog))
	g.GET("/me/security-log", ginauth.RequireUser(), h.Handle(m.securityLog))
}

var (
	errOrganizationNotFound = fastauth.NewError(http.StatusNotFound, fastauth.CodeOrganizationNotFound, "organization not found")
	errNotAdmin             = fastauth.NewError(http.StatusForbidden, fastauth.CodeForbidden, "reading the audit log takes the audit_log:read permission (admins and owners hold it)")
)

// invalidQuery is the 400 answer of a query ParseQuery refused.
func invalidQuery(err error) error {
	msg := strings.TrimPrefix(err.Error(), ErrInvalidQuery.Error()+": ")
	return fastauth.NewError(http.StatusBadRequest, fastauth.CodeInvalidRequest, msg)
}

// organizationLog lists an organization's events.
//
//	@Summary		An organization's audit log (audit_log:read: admin or owner)
//	@Description	The organization's events, newest first, by keyset pagination: pass the next_before of a page as before to get the next one (null on the last page). It takes the audit_log:read permission: admins and owners hold it, a custom role when the organization grants it; other members get 403, non-members 404 organization_not_found.
//	@Tags			audit
//	@Produce		json
//	@Param			organization_id	path		string	true	"organization id"
//	@Param			limit			query		int		false	"page size, 1 to 100 (default 20)"
//	@Param			before			query		string	false	"the next_before of the previous page"
//	@Param			type			query		string	false	"only events of this type, such as member.added"
//	@Success		200				{object}	LogPage
//	@Failure		400				{object}	ginauth.ErrorBody	"invalid_request (limit, before or type)"
//	@Failure		401				{object}	ginauth.ErrorBody
//	@Failure		403				{object}	ginauth.ErrorBody	"forbidden (a member without audit_log:read)"
//	@Failure		404				{object}	ginauth.ErrorBody	"organization_not_found (also when not a member)"
//	@Failure		503				{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security		CookieAuth
//	@Security		BearerAuth
//	@Router			/organizations/{organization_id}/audit-log [get]
func (m *Module) organizationLog(c *gin.Context) error {
	p, ok := ginauth.PrincipalFrom(c)
	if !ok {
		return fastauth.NewError(http.StatusUnauthorized, fastauth.CodeInvalidToken, "sign in first")
	}
	id := c.Param("organization_id")
	if !canonicalUUID(id) || (p.Kind == fastauth.PrincipalAPIKey && id != p.OrganizationID) {
		return errOrganizationNotFound
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), m.cfg.ReadTimeout)
	defer cancel()
	member, err := m.host.Membership(ctx, id, p.UserID)
	switch {
	case errors.Is(err, fastauth.ErrNotFound):
		return errOrganizationNotFound
	case err != nil:
		return err
	case permissions.Scoped(p):
		return errNotAdmin
	}
	allowed, err := m.host.Permissions().Allows(ctx, id, member.Role, permissions.AuditLogRead)
	if err != nil {
		return err
	}
	if !allowed {
		return errNotAdmin
	}
	q, err := ParseQuery(c.Request.URL.Query())
	if err != nil {
		return invalidQuery(err)
	}
	page, err := m.store.OrganizationEvents(ctx, id, q)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, page.Body())
	return nil
}

// securityLog lists the caller's account events.
//
//	@Summary		My account's security log
//	@Description	The events of the caller's account, newest first: what the caller did and what was done to the account (sign-ins, failed sign-ins, password changes and resets, sessions revoked, ...). Keyset pagination as for the audit log.
//	@Tags			audit
//	@Produce		json
//	@Param			limit	query		int		false	"page size, 1 to 100 (default 20)"
//	@Param			before	query		string	false	"the next_before of the previous page"
//	@Param			type	query		string	false	"only events of this type, such as user.sign_in_failed"
//	@Success		200		{object}	LogPage
//	@Failure		400		{object}	ginauth.ErrorBody	"invalid_request (limit, before or type)"
//	@Failure		401		{object}	ginauth.ErrorBody
//	@Failure		503		{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security		CookieAuth
//	@Security		BearerAuth
//	@Router			/me/security-log [get]
func (m *Module) securityLog(c *gin.Context) error {
	p, ok := ginauth.PrincipalFrom(c)
	if !ok {
		return fastauth.NewError(http.StatusUnauthorized, fastauth.CodeInvalidToken, "sign in first")
	}
	q, err := ParseQuery(c.Request.URL.Query())
	if err != nil {
		return invalidQuery(err)
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), m.cfg.ReadTimeout)
	defer cancel()
	page, err := m.store.UserEvents(ctx, p.UserID, q)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, page.Body())
	return nil
}

// canonicalUUID reports whether s is a UUID in its canonical lowercase
// form, as ids are issued: anything else is answered 404 without a store
// access.
func canonicalUUID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36 && s == strings.ToLower(s)
}
