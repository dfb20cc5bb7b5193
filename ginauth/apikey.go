package ginauth

import (
	"context"

	"github.com/fastauth/fastauth"

	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// API key list paging bounds.
const (
	defaultAPIKeyPageSize = 20
	maxAPIKeyPageSize     = 100
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
}

func apiKeyBody(k APIKey) APIKeyBody {
	return APIKeyBody{
		ID: k.ID, OrganizationID: k.OrganizationID, Name: k.Name, CreatedByUserID: k.CreatedByUserID,
		KeyPrefix: k.KeyPrefix, CreatedAt: k.CreatedAt.UTC(), LastUsedAt: utcPtr(k.LastUsedAt), ExpiresAt: utcPtr(k.ExpiresAt),
	}
}

// mountAPIKeyRoutes registers the API key routes. They act on the caller's
// active organization (an API key's own organization for a key).
func (a *Auth) mountAPIKeyRoutes(g *gin.RouterGroup) {
	k := g.Group("/api-keys", RequireUser())
	k.POST("", a.requireSession, a.createAPIKey)
	k.GET("", a.listAPIKeys)
	k.DELETE("/:id", a.deleteAPIKey)
}

// activeScope is the caller's membership in their active organization, read
// from the store: a session's token may name an organization the user has
// since left (403 forbidden then, until the next refresh).
func (a *Auth) activeScope(c *gin.Context) (*Principal, Membership, bool) {
	p, ok := requirePrincipal(c)
	if !ok {
		return nil, Membership{}, false
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	m, err := a.store.Membership(ctx, p.OrganizationID, p.UserID)
	if errors.Is(err, ErrNotFound) {
		abort(c, http.StatusForbidden, CodeForbidden, "you are no longer a member of the active organization; refresh and retry")
		return nil, Membership{}, false
	}
	if err != nil {
		a.storeFailure(c, err)
		return nil, Membership{}, false
	}
	return p, m, true
}

// createAPIKey creates an API key in the active organization. Only a
// browser session that is still active in the store may (requireSession):
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
//	@Failure	400		{object}	ErrorBody
//	@Failure	401		{object}	ErrorBody	"invalid_token (also when the session has ended), token_expired"
//	@Failure	403		{object}	ErrorBody	"forbidden (API keys; no longer a member of the active organization)"
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Failure	413	{object}	ErrorBody	"body_too_large"
//	@Failure	415	{object}	ErrorBody	"unsupported_media_type"
//	@Security	CookieAuth
//	@Router		/api-keys [post]
func (a *Auth) createAPIKey(c *gin.Context) {
	p, m, ok := a.activeScope(c)
	if !ok {
		return
	}
	var req CreateAPIKeyRequest
	if !a.bindJSON(c, &req) {
		return
	}
	name, ok := checkName(c, req.Name, "name")
	if !ok {
		return
	}
	now := a.now()
	var expires *time.Time
	if req.ExpiresAt != nil {
		t := req.ExpiresAt.UTC().Truncate(time.Microsecond)
		if !t.After(now) {
			abort(c, http.StatusBadRequest, CodeInvalidRequest, "expires_at must be in the future")
			return
		}
		expires = &t
	}
	id, err := newID()
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	plain, hash, err := newSecret(apiKeyPrefix)
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	k := APIKey{
		ID: id, OrganizationID: m.OrganizationID, Name: name, CreatedByUserID: p.UserID,
		KeyPrefix: plain[len(apiKeyPrefix) : len(apiKeyPrefix)+apiKeyShownHex], KeyHash: hash,
		CreatedAt: now, ExpiresAt: expires,
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	_, err = changed(ctx, a, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, a.store.CreateAPIKey(ctx, k)
	}, func(struct{}) []Event {
		e := a.event(c, fastauth.EventAPIKeyCreated, k.OrganizationID, target(fastauth.TargetAPIKey, k.ID))
		e.Data = map[string]any{"name": k.Name, "key_prefix": k.KeyPrefix}
		return []Event{e}
	})
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	c.JSON(http.StatusCreated, CreatedAPIKeyBody{APIKeyBody: apiKeyBody(k), Key: plain})
}

// parseAPIKeyListOptions reads limit, offset, sort_by and sort_order,
// answering 400 invalid_request for anything out of range.
func parseAPIKeyListOptions(c *gin.Context) (APIKeyListOptions, bool) {
	opt := APIKeyListOptions{Limit: defaultAPIKeyPageSize, SortBy: "created_at", SortOrder: Desc}
	bad := func(msg string) (APIKeyListOptions, bool) {
		abort(c, http.StatusBadRequest, CodeInvalidRequest, msg)
		return APIKeyListOptions{}, false
	}
	q := c.Request.URL.Query()
	if v, ok := q["limit"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || len(v) > 1 || n < 1 || n > maxAPIKeyPageSize {
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
		if len(v) > 1 || (v[0] != string(Asc) && v[0] != string(Desc)) {
			return bad("sort_order must be asc or desc")
		}
		opt.SortOrder = SortOrder(v[0])
	}
	return opt, true
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
//	@Failure	400			{object}	ErrorBody
//	@Failure	401			{object}	ErrorBody
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/api-keys [get]
func (a *Auth) listAPIKeys(c *gin.Context) {
	opt, ok := parseAPIKeyListOptions(c)
	if !ok {
		return
	}
	_, m, ok := a.activeScope(c)
	if !ok {
		return
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	keys, total, err := a.store.APIKeys(ctx, m.OrganizationID, opt)
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	page := APIKeyPage{Items: make([]APIKeyBody, 0, len(keys)), Total: total, Limit: opt.Limit, Offset: opt.Offset}
	for _, k := range keys {
		page.Items = append(page.Items, apiKeyBody(k))
	}
	c.JSON(http.StatusOK, page)
}

// deleteAPIKey deletes an API key of the active organization.
//
//	@Summary	Delete an API key of the active organization
//	@Description	Its creator, or an admin or owner of the organization, may delete it. It stops working at once in this process and within Config.APIKeyCacheTTL elsewhere. Returns the key as it was.
//	@Tags		api-keys
//	@Produce	json
//	@Param		id	path		string	true	"API key id"
//	@Success	200	{object}	APIKeyBody
//	@Failure	403	{object}	ErrorBody
//	@Failure	404	{object}	ErrorBody	"api_key_not_found"
//	@Failure	401	{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	503	{object}	ErrorBody	"store_unavailable"
//	@Security	CookieAuth
//	@Security	BearerAuth
//	@Router		/api-keys/{id} [delete]
func (a *Auth) deleteAPIKey(c *gin.Context) {
	p, m, ok := a.activeScope(c)
	if !ok {
		return
	}
	id := c.Param("id")
	notFound := func() { abort(c, http.StatusNotFound, CodeAPIKeyNotFound, "API key not found") }
	if !validID(id) {
		notFound()
		return
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	if !m.Role.AtLeast(RoleAdmin) {
		// A member may delete only the keys they created.
		k, err := a.store.APIKey(ctx, m.OrganizationID, id)
		if errors.Is(err, ErrNotFound) {
			notFound()
			return
		}
		if err != nil {
			a.storeFailure(c, err)
			return
		}
		if k.CreatedByUserID != p.UserID {
			abort(c, http.StatusForbidden, CodeForbidden, "only the key's creator or an admin can delete it")
			return
		}
	}
	k, err := changed(ctx, a, func(ctx context.Context) (APIKey, error) {
		return a.store.DeleteAPIKey(ctx, m.OrganizationID, id)
	}, func(k APIKey) []Event {
		e := a.event(c, fastauth.EventAPIKeyDeleted, k.OrganizationID, target(fastauth.TargetAPIKey, k.ID))
		e.Data = map[string]any{"name": k.Name, "key_prefix": k.KeyPrefix}
		return []Event{e}
	})
	if errors.Is(err, ErrNotFound) {
		notFound()
		return
	}
	if err != nil {
		a.storeFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, apiKeyBody(k))
}
