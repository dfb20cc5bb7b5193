package apikeys

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth/module"
	"github.com/fastauth/fastauth/internal/input"
	"github.com/fastauth/fastauth/internal/secret"
	"github.com/fastauth/fastauth/permissions"
)

// List paging bounds.
const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// APIKeyBody (ApiKey) is an API key's metadata, as lists and deletions
// show it. The plaintext key is only in CreatedAPIKeyBody.
type APIKeyBody struct {
	ID              string     `json:"id"`
	OrganizationID  string     `json:"organization_id"`
	Name            string     `json:"name" example:"ci"`
	CreatedByUserID string     `json:"created_by_user_id"`
	KeyPrefix       string     `json:"key_prefix" example:"3f9a0c2b7d41"`
	CreatedAt       time.Time  `json:"created_at"`
	LastUsedAt      *time.Time `json:"last_used_at" extensions:"x-nullable"`
	ExpiresAt       *time.Time `json:"expires_at" extensions:"x-nullable"`
	// Permissions the key is limited to (intersected with its creator's
	// current ones); null: everything its creator has.
	Permissions []string `json:"permissions" extensions:"x-nullable" example:"project:read"`
}

// CreatedAPIKeyBody is the answer of POST /api-keys: the key's metadata and
// its plaintext Key, shown this once.
type CreatedAPIKeyBody struct {
	APIKeyBody
	Key string `json:"key" example:"sk-3f9a0c2b7d41..."`
}

// APIKeyPage is one page of an organization's API keys.
type APIKeyPage struct {
	Items  []APIKeyBody `json:"items"`
	Total  int64        `json:"total"`
	Limit  int          `json:"limit"`
	Offset int          `json:"offset"`
}

// CreateAPIKeyRequest is the body of POST /api-keys.
type CreateAPIKeyRequest struct {
	Name string `json:"name" example:"ci"`
	// ExpiresAt is optional; it must be in the future.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// Permissions, optional, limits the key to these permissions: a subset
	// of the creator's (403 otherwise), from the catalog (400
	// unknown_permission). The key then acts with those its creator's
	// current role also holds. Absent: everything its creator has.
	Permissions []string `json:"permissions,omitempty" example:"project:read"`
}

func apiKeyBody(k fastauth.APIKey) APIKeyBody {
	return APIKeyBody{
		ID: k.ID, OrganizationID: k.OrganizationID, Name: k.Name, CreatedByUserID: k.CreatedByUserID,
		KeyPrefix: k.KeyPrefix, CreatedAt: k.CreatedAt.UTC(), LastUsedAt: utcPtr(k.LastUsedAt), ExpiresAt: utcPtr(k.ExpiresAt),
		Permissions: k.Permissions,
	}
}

// utcPtr returns a copy of *t in UTC, nil for nil.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// mountRoutes registers the API key routes. They act on the caller's
// active organization (an API key's own organization for a key).
func (m *Module) mountRoutes(h module.Host) {
	k := h.Routes().Group("/api-keys", h.RequireUser())
	k.POST("", h.RequireSession(), h.Handle(m.createAPIKey))
	k.GET("", h.Handle(m.listAPIKeys))
	k.DELETE("/:id", h.Handle(m.deleteAPIKey))
}

// activeScope is the caller's membership in their active organization, read
// from the store: a session's token may name an organization the user has
// since left (403 forbidden then, until the next refresh).
func (m *Module) activeScope(c *gin.Context) (*fastauth.Principal, fastauth.Membership, error) {
	p, ok := m.host.Principal(c)
	if !ok { // behind RequireUser: not reached
		return nil, fastauth.Membership{}, fastauth.NewError(http.StatusUnauthorized, fastauth.CodeInvalidToken, "authentication required")
	}
	ctx, cancel := m.host.StoreContext(c.Request.Context())
	defer cancel()
	mb, err := m.host.Membership(ctx, p.OrganizationID, p.UserID)
	if errors.Is(err, fastauth.ErrNotFound) {
		return nil, fastauth.Membership{}, fastauth.NewError(http.StatusForbidden, fastauth.CodeForbidden,
			"you are no longer a member of the active organization; refresh and retry")
	}
	if err != nil {
		return nil, fastauth.Membership{}, fmt.Errorf("apikeys: active membership: %w", err)
	}
	return p, mb, nil
}

// invalidRequest is a 400 invalid_request with msg.
func invalidRequest(msg string) error {
	return fastauth.NewError(http.StatusBadRequest, fastauth.CodeInvalidRequest, msg)
}

// createAPIKey creates an API key in the active organization. Only a
// browser session that is still active in the store may (RequireSession):
// an access token outliving its session, or an API key, must not mint a
// lasting credential.
//
//	@Summary	Create an API key in the active organization
//	@Description	The key ("sk-" and 64 hex characters) is returned once, here; only its SHA-256 is stored. It acts as its creator with the creator's current role in this organization. Browser sessions only, and only while the session is active: API keys get 403, an access token of a signed-out or revoked session 401. A password reset deletes the user's keys unless the server keeps them (Config.KeepAPIKeysOnPasswordReset).
//	@Tags		api-keys
//	@Accept		json
//	@Produce	json
//	@Param		body	body		CreateAPIKeyRequest	true	"name (1 to 100 characters) and optional future expires_at"
//	@Success	201		{object}	CreatedAPIKeyBody
//	@Failure	400		{object}	ginauth.ErrorBody
//	@Failure	401		{object}	ginauth.ErrorBody	"invalid_token (also when the session has ended), token_expired"
//	@Failure	403		{object}	ginauth.ErrorBody	"forbidden (API keys; no longer a member of the active organization)"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Failure	413	{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure	415	{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Security	CookieAuth
//	@Router		/api-keys [post]
func (m *Module) createAPIKey(c *gin.Context) error {
	p, mb, err := m.activeScope(c)
	if err != nil {
		return err
	}
	var req CreateAPIKeyRequest
	if !m.host.BindJSON(c, &req) {
		return nil
	}
	name, ok := input.Name(req.Name)
	if !ok {
		return invalidRequest("name" + input.NameRule)
	}
	now := m.host.Now()
	var expires *time.Time
	if req.ExpiresAt != nil {
		t := req.ExpiresAt.UTC().Truncate(time.Microsecond)
		if !t.After(now) {
			return invalidRequest("expires_at must be in the future")
		}
		expires = &t
	}
	perms, err := m.scope(c, mb, req.Permissions)
	if err != nil {
		return err
	}
	id, err := secret.NewID()
	if err != nil {
		return err
	}
	plain, shown, hash, err := newKey()
	if err != nil {
		return err
	}
	k := fastauth.APIKey{
		ID: id, OrganizationID: mb.OrganizationID, Name: name, CreatedByUserID: p.UserID,
		KeyPrefix: shown, KeyHash: hash, CreatedAt: now, ExpiresAt: expires, Permissions: perms,
	}
	err = m.host.Change(c.Request.Context(), func(ctx context.Context) error {
		if err := m.store.CreateAPIKey(ctx, k); err != nil {
			return err
		}
		return m.host.Emit(ctx, m.event(c, fastauth.EventAPIKeyCreated, k))
	})
	if err != nil {
		return fmt.Errorf("apikeys: create: %w", err)
	}
	c.JSON(http.StatusCreated, CreatedAPIKeyBody{APIKeyBody: apiKeyBody(k), Key: plain})
	return nil
}

// event is an api_key.* event of type typ about k.
func (m *Module) event(c *gin.Context, typ string, k fastauth.APIKey) fastauth.Event {
	e := m.host.NewEvent(c, typ, k.OrganizationID, fastauth.Target{Type: fastauth.TargetAPIKey, ID: k.ID})
	e.Data = map[string]any{"name": k.Name, "key_prefix": k.KeyPrefix}
	return e
}

// parseListOptions reads limit, offset, sort_by and sort_order; anything
// out of range is a 400 invalid_request.
func parseListOptions(c *gin.Context) (fastauth.APIKeyListOptions, error) {
	opt := fastauth.APIKeyListOptions{Limit: defaultPageSize, SortBy: "created_at", SortOrder: fastauth.Desc}
	bad := func(msg string) (fastauth.APIKeyListOptions, error) {
		return fastauth.APIKeyListOptions{}, invalidRequest(msg)
	}
	q := c.Request.URL.Query()
	if v, ok := q["limit"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || len(v) > 1 || n < 1 || n > maxPageSize {
			return bad("limit must be an integer from 1 to 100")
		}
		opt.Limit = n
	}
	if v, ok := q["offset"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || len(v) > 1 || n < 0 || n > 1<<31-1 {
			return bad("offset must be a non-negative integer")
		}
		opt.Offset = n
	}
	if v, ok := q["sort_by"]; ok {
		if len(v) > 1 || (v[0] != "created_at" && v[0] != "name" && v[0] != "last_used_at") {
			return bad("sort_by must be created_at, name or last_used_at")
		}
		opt.SortBy = v[0]
	}
	if v, ok := q["sort_order"]; ok {
		if len(v) > 1 || (v[0] != string(fastauth.Asc) && v[0] != string(fastauth.Desc)) {
			return bad("sort_order must be asc or desc")
		}
		opt.SortOrder = fastauth.SortOrder(v[0])
	}
	return opt, nil
}

// listAPIKeys lists one page of the active organization's API keys.
//
//	@Summary	List the active organization's API keys
//	@Description	Metadata only; the key itself is never shown again.
//	@Tags		api-keys
//	@Produce	json
//	@Param		limit		query		int		false	"1 to 100"	default(20)
//	@Param		offset		query		int		false	">= 0"		default(0)
//	@Param		sort_by		query		string	false	"created_at, name or last_used_at"	default(created_at)
//	@Param		sort_order	query		string	false	"asc or desc"	default(desc)
//	@Success	200			{object}	APIKeyPage
//	@Failure	400			{object}	ginauth.ErrorBody
//	@Failure	401			{object}	ginauth.ErrorBody
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/api-keys [get]
func (m *Module) listAPIKeys(c *gin.Context) error {
	opt, err := parseListOptions(c)
	if err != nil {
		return err
	}
	_, mb, err := m.activeScope(c)
	if err != nil {
		return err
	}
	ctx, cancel := m.host.StoreContext(c.Request.Context())
	defer cancel()
	keys, total, err := m.store.APIKeys(ctx, mb.OrganizationID, opt)
	if err != nil {
		return fmt.Errorf("apikeys: list: %w", err)
	}
	page := APIKeyPage{Items: make([]APIKeyBody, 0, len(keys)), Total: total, Limit: opt.Limit, Offset: opt.Offset}
	for _, k := range keys {
		page.Items = append(page.Items, apiKeyBody(k))
	}
	c.JSON(http.StatusOK, page)
	return nil
}

// deleteAPIKey deletes an API key of the active organization.
//
//	@Summary	Delete an API key of the active organization
//	@Description	Its creator, or a member whose role holds api_keys:manage (admins and owners; a custom role granted it), may delete it. It stops working at once in this process and within Config.APIKeyCacheTTL elsewhere. Returns the key as it was.
//	@Tags		api-keys
//	@Produce	json
//	@Param		id	path		string	true	"API key id"
//	@Success	200	{object}	APIKeyBody
//	@Failure	403	{object}	ginauth.ErrorBody
//	@Failure	404	{object}	ginauth.ErrorBody	"api_key_not_found"
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/api-keys/{id} [delete]
func (m *Module) deleteAPIKey(c *gin.Context) error {
	p, mb, err := m.activeScope(c)
	if err != nil {
		return err
	}
	id := c.Param("id")
	if !input.ID(id) {
		return errAPIKeyNotFound
	}
	ctx, cancel := m.host.StoreContext(c.Request.Context())
	defer cancel()
	manage := !permissions.Scoped(p)
	if manage {
		if manage, err = m.host.Permissions().Allows(ctx, mb.OrganizationID, mb.Role, permissions.APIKeysManage); err != nil {
			return fmt.Errorf("apikeys: role permissions: %w", err)
		}
	}
	if !manage {
		// Without api_keys:manage (or as a scoped key) one deletes only
		// the keys one created.
		k, err := m.store.APIKey(ctx, mb.OrganizationID, id)
		switch {
		case errors.Is(err, fastauth.ErrNotFound):
			return errAPIKeyNotFound
		case err != nil:
			return fmt.Errorf("apikeys: read: %w", err)
		case k.CreatedByUserID != p.UserID:
			return fastauth.NewError(http.StatusForbidden, fastauth.CodeForbidden, "only the key's creator or a member holding api_keys:manage can delete it")
		}
	}
	var k fastauth.APIKey
	err = m.host.Change(ctx, func(ctx context.Context) error {
		var err error
		if k, err = m.store.DeleteAPIKey(ctx, mb.OrganizationID, id); err != nil {
			return err
		}
		return m.host.Emit(ctx, m.event(c, fastauth.EventAPIKeyDeleted, k))
	})
	switch {
	case errors.Is(err, fastauth.ErrNotFound):
		return errAPIKeyNotFound
	case err != nil:
		return fmt.Errorf("apikeys: delete: %w", err)
	}
	c.JSON(http.StatusOK, apiKeyBody(k))
	return nil
}
