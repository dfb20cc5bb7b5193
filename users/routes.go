package users

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
)

// List bounds of GET /admin/users.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// DeleteAccountRequest is the body of DELETE /me.
type DeleteAccountRequest struct {
	// Password is the account's password; an account without password
	// sends none and needs an aal 2 session.
	Password string `json:"password,omitempty" example:"correct horse 1"`
} //	@name	DeleteAccountRequest

// DisableRequest is the body of POST /admin/users/{id}/disable.
type DisableRequest struct {
	// Reason is the administrator's reason, at most 500 characters.
	Reason string `json:"reason,omitempty" example:"abuse report 4711"`
} //	@name	DisableUserRequest

// AdminUser is a user as administrators see it.
type AdminUser struct {
	ID               string          `json:"id"`
	Email            string          `json:"email"`
	EmailConfirmedAt *time.Time      `json:"email_confirmed_at" extensions:"x-nullable"`
	Name             *string         `json:"name" extensions:"x-nullable"`
	ImageURL         *string         `json:"image_url" extensions:"x-nullable"`
	Metadata         json.RawMessage `json:"metadata" swaggertype:"object"`
	HasPassword      bool            `json:"has_password"`
	DisabledAt       *time.Time      `json:"disabled_at" extensions:"x-nullable"`
	DisabledReason   *string         `json:"disabled_reason" extensions:"x-nullable"`
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`
} //	@name	AdminUser

// AdminUserList is a page of users.
type AdminUserList struct {
	Items  []AdminUser `json:"items"`
	Total  int64       `json:"total"`
	Limit  int         `json:"limit"`
	Offset int         `json:"offset"`
} //	@name	AdminUserList

// RevokedSessions is the answer of POST /admin/users/{id}/revoke-sessions.
type RevokedSessions struct {
	Revoked int `json:"revoked"`
} //	@name	RevokedSessions

// DeletedAccount is the answer of DELETE /me.
type DeletedAccount struct {
	Status string `json:"status" example:"deleted"`
} //	@name	DeletedAccount

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}

// AdminUserOf is the AdminUser of u.
func AdminUserOf(u fastauth.User) AdminUser {
	md := u.Metadata
	if len(md) == 0 {
		md = json.RawMessage("{}")
	}
	return AdminUser{
		ID: u.ID, Email: u.Email, EmailConfirmedAt: utc(u.EmailConfirmedAt),
		Name: nilIfEmpty(u.Name), ImageURL: nilIfEmpty(u.ImageURL), Metadata: md,
		HasPassword: u.PasswordHash != "", DisabledAt: utc(u.DisabledAt), DisabledReason: nilIfEmpty(u.DisabledReason),
		CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC(),
	}
}

var (
	errUserNotFound = fastauth.NewError(http.StatusNotFound, fastauth.CodeUserNotFound, "no such user")
	errNotAdmin     = fastauth.NewError(http.StatusForbidden, fastauth.CodeForbidden, "platform administrators only")
	errLastOwner    = fastauth.NewError(http.StatusConflict, fastauth.CodeLastOwner, "you are the last owner of a shared organization: transfer ownership or delete it first")
)

// storeError maps the store's sentinels of the module's routes.
func storeError(err error) error {
	switch {
	case errors.Is(err, fastauth.ErrNotFound):
		return errUserNotFound
	case errors.Is(err, fastauth.ErrLastOwner):
		return errLastOwner
	}
	return err
}

func (m *Module) mountRoutes(h ginauth.Host) {
	g := h.Routes()
	me := g.Group("/me", h.RequireSession())
	me.PATCH("", h.Handle(m.patchMe))
	me.DELETE("", h.LimitAccount("delete-account"), h.Handle(m.deleteMe))
	me.GET("/export", h.Handle(m.exportMe))
	admin := g.Group("/admin/users", h.RequireSession(), h.Handle(m.requireAdmin))
	admin.GET("", h.Handle(m.listUsers))
	admin.POST("/:user_id/disable", h.Handle(m.disableUser))
	admin.POST("/:user_id/enable", h.Handle(m.enableUser))
	admin.POST("/:user_id/revoke-sessions", h.Handle(m.revokeUserSessions))
}

// requestEvent is the emitter of a request: by its caller, from its
// address.
func (m *Module) requestEvent(c *gin.Context, h ginauth.Host) emitter {
	return func(typ, org string, target fastauth.Target) fastauth.Event { return h.NewEvent(c, typ, org, target) }
}

// caller is the signed-in user of a session route.
func (m *Module) caller(c *gin.Context, h ginauth.Host) (fastauth.User, error) {
	p, ok := h.Principal(c)
	if !ok {
		return fastauth.User{}, fastauth.NewError(http.StatusUnauthorized, fastauth.CodeInvalidToken, "sign in first")
	}
	ctx, cancel := h.StoreContext(c.Request.Context())
	defer cancel()
	u, err := h.UserByID(ctx, p.UserID)
	if errors.Is(err, fastauth.ErrNotFound) {
		return u, fastauth.NewError(http.StatusUnauthorized, fastauth.CodeInvalidToken, "the account no longer exists")
	}
	return u, err
}

// patchMe changes the caller's profile.
//
//	@Summary	Change my profile: name, image URL, metadata
//	@Tags		users
//	@Accept		json
//	@Produce	json
//	@Param		body	body		ProfileRequest		true	"fields to set; null or empty clears; absent keeps"
//	@Success	200		{object}	ginauth.AuthResponse
//	@Failure	400		{object}	ginauth.ErrorBody	"invalid_name, invalid_image_url, invalid_metadata, invalid_request"
//	@Failure	401		{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	403		{object}	ginauth.ErrorBody	"forbidden (API keys)"
//	@Failure	413		{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure	415		{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Security	CookieAuth
//	@Router		/me [patch]
func (m *Module) patchMe(c *gin.Context) error {
	h, _ := m.mounted()
	var req ProfileRequest
	if !h.BindJSON(c, &req) {
		return nil
	}
	change, err := req.Change()
	if err != nil {
		return err
	}
	p, _ := h.Principal(c)
	if _, err := m.updateProfile(c.Request.Context(), h, m.requestEvent(c, h), p.UserID, change); err != nil {
		if errors.Is(err, fastauth.ErrNotFound) {
			return fastauth.NewError(http.StatusUnauthorized, fastauth.CodeInvalidToken, "the account no longer exists")
		}
		return err
	}
	// The kernel's answer of GET /me, with the fresh profile.
	return h.AnswerActiveOrganization(c, p.OrganizationID)
}

// deleteMe deletes the caller's account.
//
//	@Summary		Delete my account and everything stored about me
//	@Description	Deletes the account, its personal workspace, memberships, sessions, API keys, second factors, passkeys, linked identities and security log, in one transaction. Needs the password, or an aal 2 session for an account without password. The shared organizations' audit logs keep that the member left.
//	@Tags			users
//	@Accept			json
//	@Produce		json
//	@Param			body	body		DeleteAccountRequest	true	"the password"
//	@Success		200		{object}	DeletedAccount			"cookies cleared"
//	@Failure		400		{object}	ginauth.ErrorBody		"invalid_request"
//	@Failure		401		{object}	ginauth.ErrorBody		"invalid_credentials (wrong password), invalid_token"
//	@Failure		403		{object}	ginauth.ErrorBody		"forbidden (API keys), mfa_step_up_required (no password and an aal 1 session)"
//	@Failure		409		{object}	ginauth.ErrorBody		"last_owner"
//	@Failure		429		{object}	ginauth.ErrorBody		"rate_limited"
//	@Failure		413		{object}	ginauth.ErrorBody		"body_too_large"
//	@Failure		415		{object}	ginauth.ErrorBody		"unsupported_media_type"
//	@Security		CookieAuth
//	@Router			/me [delete]
func (m *Module) deleteMe(c *gin.Context) error {
	h, _ := m.mounted()
	var req DeleteAccountRequest
	if !h.BindJSON(c, &req) {
		return nil
	}
	u, err := m.caller(c, h)
	if err != nil {
		return err
	}
	if u.PasswordHash == "" && req.Password == "" {
		if s, ok := h.CurrentSession(c); !ok || s.AAL < 2 {
			return fastauth.NewError(http.StatusForbidden, fastauth.CodeMFAStepUpRequired, "an account without password is deleted from a session with a second factor")
		}
	} else {
		ok, err := h.VerifyPassword(c.Request.Context(), u, req.Password)
		if err != nil {
			return err
		}
		if !ok {
			return fastauth.NewError(http.StatusUnauthorized, fastauth.CodeInvalidCredentials, "the password is wrong")
		}
	}
	if err := m.deleteUser(c.Request.Context(), h, m.requestEvent(c, h), u.ID); err != nil {
		return storeError(err)
	}
	m.clearCookies(c, h)
	c.JSON(http.StatusOK, DeletedAccount{Status: "deleted"})
	return nil
}

// clearCookies clears the kernel's cookies after a deletion.
func (m *Module) clearCookies(c *gin.Context, h ginauth.Host) {
	h.ClearSessionCookies(c)
}

// exportMe answers everything stored about the caller.
//
//	@Summary		Export everything stored about me
//	@Description	A JSON document of the account and, table by table, its rows, without hashes, secrets or tokens.
//	@Tags			users
//	@Produce		json
//	@Success		200	{object}	Export
//	@Failure		401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure		403	{object}	ginauth.ErrorBody	"forbidden (API keys)"
//	@Security		CookieAuth
//	@Router			/me/export [get]
func (m *Module) exportMe(c *gin.Context) error {
	h, _ := m.mounted()
	p, _ := h.Principal(c)
	var doc Export
	err := h.Change(c.Request.Context(), func(ctx context.Context) error {
		var err error
		if doc, err = m.store.ExportUser(ctx, p.UserID); err != nil {
			return err
		}
		return h.Emit(ctx, h.NewEvent(c, fastauth.EventUserExported, "", userTarget(p.UserID)))
	})
	if err != nil {
		if errors.Is(err, fastauth.ErrNotFound) {
			return fastauth.NewError(http.StatusUnauthorized, fastauth.CodeInvalidToken, "the account no longer exists")
		}
		return err
	}
	doc.ExportedAt = h.Now()
	c.Header("Content-Disposition", `attachment; filename="account-export.json"`)
	c.JSON(http.StatusOK, doc)
	return nil
}

// requireAdmin refuses callers who are not platform administrators.
func (m *Module) requireAdmin(c *gin.Context) error {
	h, _ := m.mounted()
	u, err := m.caller(c, h)
	if err != nil {
		return err
	}
	if !m.IsAdmin(u) {
		return errNotAdmin
	}
	c.Next()
	return nil
}

// listUsers lists users for administrators.
//
//	@Summary	List users (platform administrators)
//	@Tags		admin
//	@Produce	json
//	@Param		query	query		string	false	"substring of the email or name"
//	@Param		limit	query		int		false	"1..100, default 20"
//	@Param		offset	query		int		false	">= 0"
//	@Success	200		{object}	AdminUserList
//	@Failure	400		{object}	ginauth.ErrorBody	"invalid_request"
//	@Failure	403		{object}	ginauth.ErrorBody	"forbidden"
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Security	CookieAuth
//	@Router		/admin/users [get]
func (m *Module) listUsers(c *gin.Context) error {
	h, _ := m.mounted()
	q, err := parseListQuery(c.Query("query"), c.Query("limit"), c.Query("offset"))
	if err != nil {
		return err
	}
	ctx, cancel := h.StoreContext(c.Request.Context())
	defer cancel()
	us, total, err := m.store.ListUsers(ctx, q)
	if err != nil {
		return err
	}
	out := AdminUserList{Items: make([]AdminUser, len(us)), Total: total, Limit: q.Limit, Offset: q.Offset}
	for i, u := range us {
		out.Items[i] = AdminUserOf(u)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// parseListQuery checks the query of GET /admin/users.
func parseListQuery(query, limit, offset string) (ListQuery, error) {
	q := ListQuery{Query: strings.TrimSpace(query), Limit: DefaultLimit}
	bad := func(msg string) error {
		return fastauth.NewError(http.StatusBadRequest, fastauth.CodeInvalidRequest, msg)
	}
	if len(q.Query) > 320 {
		return q, bad("query is at most 320 bytes")
	}
	if limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 || n > MaxLimit {
			return q, bad("limit must be 1..100")
		}
		q.Limit = n
	}
	if offset != "" {
		n, err := strconv.Atoi(offset)
		if err != nil || n < 0 || n > 1<<30 {
			return q, bad("offset must be >= 0")
		}
		q.Offset = n
	}
	return q, nil
}

// disableUser disables an account.
//
//	@Summary		Disable an account (platform administrators)
//	@Description	Revokes every session; sign-in then answers 403 account_disabled, refresh is refused and the account's API keys stop working.
//	@Tags			admin
//	@Accept			json
//	@Produce		json
//	@Param			user_id	path		string			true	"user id"
//	@Param			body	body		DisableRequest	false	"reason"
//	@Success		200		{object}	AdminUser
//	@Failure		400		{object}	ginauth.ErrorBody	"invalid_request (reason too long, or disabling oneself)"
//	@Failure		403		{object}	ginauth.ErrorBody	"forbidden"
//	@Failure		404		{object}	ginauth.ErrorBody	"user_not_found"
//	@Failure		401		{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure		413		{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure		415		{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Security		CookieAuth
//	@Router			/admin/users/{user_id}/disable [post]
func (m *Module) disableUser(c *gin.Context) error {
	h, _ := m.mounted()
	var req DisableRequest
	if c.Request.ContentLength != 0 && !h.BindJSON(c, &req) {
		return nil
	}
	reason, err := checkReason(req.Reason)
	if err != nil {
		return err
	}
	p, _ := h.Principal(c)
	if c.Param("user_id") == p.UserID {
		return fastauth.NewError(http.StatusBadRequest, fastauth.CodeInvalidRequest, "administrators cannot disable themselves")
	}
	u, err := m.setDisabled(c.Request.Context(), h, m.requestEvent(c, h), c.Param("user_id"), true, reason)
	if err != nil {
		return storeError(err)
	}
	c.JSON(http.StatusOK, AdminUserOf(u))
	return nil
}

// checkReason trims a reason to disable and bounds it.
func checkReason(r string) (string, error) {
	r = strings.TrimSpace(r)
	if !utf8.ValidString(r) || utf8.RuneCountInString(r) > MaxReasonLength {
		return "", fastauth.NewError(http.StatusBadRequest, fastauth.CodeInvalidRequest, "reason is text of at most 500 characters")
	}
	return r, nil
}

// enableUser enables a disabled account.
//
//	@Summary	Enable a disabled account (platform administrators)
//	@Tags		admin
//	@Produce	json
//	@Param		user_id	path		string	true	"user id"
//	@Success	200		{object}	AdminUser
//	@Failure	403		{object}	ginauth.ErrorBody	"forbidden"
//	@Failure	404		{object}	ginauth.ErrorBody	"user_not_found"
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Security	CookieAuth
//	@Router		/admin/users/{user_id}/enable [post]
func (m *Module) enableUser(c *gin.Context) error {
	h, _ := m.mounted()
	u, err := m.setDisabled(c.Request.Context(), h, m.requestEvent(c, h), c.Param("user_id"), false, "")
	if err != nil {
		return storeError(err)
	}
	c.JSON(http.StatusOK, AdminUserOf(u))
	return nil
}

// revokeUserSessions signs a user out everywhere.
//
//	@Summary	Revoke every session of a user (platform administrators)
//	@Tags		admin
//	@Produce	json
//	@Param		user_id	path		string	true	"user id"
//	@Success	200		{object}	RevokedSessions
//	@Failure	403		{object}	ginauth.ErrorBody	"forbidden"
//	@Failure	404		{object}	ginauth.ErrorBody	"user_not_found"
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Security	CookieAuth
//	@Router		/admin/users/{user_id}/revoke-sessions [post]
func (m *Module) revokeUserSessions(c *gin.Context) error {
	h, _ := m.mounted()
	n, err := m.revokeSessions(c.Request.Context(), h, m.requestEvent(c, h), c.Param("user_id"), "admin")
	if err != nil {
		return storeError(err)
	}
	c.JSON(http.StatusOK, RevokedSessions{Revoked: n})
	return nil
}
