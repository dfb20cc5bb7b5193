package ginauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/fastauth/fastauth"
)

// The authentication methods a session can be established or stepped up
// with: the values of Session.AMR, Principal.AMR and the `amr` claim.
// Modules may add methods of their own names (one lowercase word each).
// They are the constants of package fastauth.
const (
	MethodPassword     = fastauth.MethodPassword
	MethodTOTP         = fastauth.MethodTOTP
	MethodRecoveryCode = fastauth.MethodRecoveryCode
	MethodPasskey      = fastauth.MethodPasskey
	MethodOAuth        = fastauth.MethodOAuth
)

// The assurance levels of a session (Session.AAL, Principal.AAL, the
// `aal` claim).
const (
	// aalSingle: one factor (a password, a social sign-in).
	aalSingle = 1
	// aalMulti: two factors, or a phishing-resistant one (a passkey).
	aalMulti = 2
)

// passwordSession is the assurance of a session started with a password.
func passwordSession(s Session, now time.Time) Session {
	s.AAL, s.AMR, s.AuthTime = aalSingle, []string{MethodPassword}, now
	return s
}

// RequireAAL admits session principals whose session's assurance level
// (the `aal` claim of the access token) is at least aal. A lower session
// gets 403 mfa_step_up_required: the client steps the session up (a second
// factor) and retries. API keys carry no assurance level and get 403
// forbidden; unauthenticated requests get 401 like RequireUser.
//
// RequireAAL panics if aal is not 1 or 2, when the route is declared, as
// RequireRole does for an unknown role: a guard for a level no session
// reaches could only refuse everyone.
func RequireAAL(aal int) gin.HandlerFunc {
	if aal < aalSingle || aal > aalMulti {
		panic(fmt.Sprintf("ginauth: RequireAAL(%d): want 1 or 2", aal))
	}
	msg := fmt.Sprintf("this route requires assurance level %d; step up the session", aal)
	return func(c *gin.Context) {
		p, ok := PrincipalFrom(c)
		if !ok {
			abortUnauthenticated(c)
			return
		}
		if p.Kind != PrincipalSession {
			abort(c, http.StatusForbidden, CodeForbidden, "this route is for browser sessions, not API keys")
			return
		}
		if p.AAL < aal {
			abort(c, http.StatusForbidden, CodeMFAStepUpRequired, msg)
			return
		}
		c.Next()
	}
}

// SessionBody is a session as the API shows it. Its id is the `sid` claim
// of the session's access tokens.
type SessionBody struct {
	ID         string     `json:"id"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt time.Time  `json:"last_used_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	UserAgent  string     `json:"user_agent"`
	IP         string     `json:"ip"`
	// Current marks the session of the request.
	Current bool `json:"current"`
}

// RevokedSessionsResponse is the body of POST {BasePath}/sessions/revoke-others.
type RevokedSessionsResponse struct {
	Revoked int `json:"revoked" example:"2"`
}

// mountSessionRoutes registers the session management routes (cookie
// sessions only).
func (a *Auth) mountSessionRoutes(g *gin.RouterGroup) {
	s := g.Group("/sessions", a.requireSession)
	s.GET("", a.handle(a.listSessions))
	s.POST("/revoke-others", a.handle(a.revokeOtherSessions))
	s.DELETE("/:session_id", a.handle(a.revokeSession))
}

func sessionBody(s Session, currentID string) SessionBody {
	return SessionBody{
		ID: s.ID, CreatedAt: s.CreatedAt.UTC(), LastUsedAt: s.LastUsedAt.UTC(), ExpiresAt: s.ExpiresAt.UTC(),
		RevokedAt: utcPtr(s.RevokedAt), UserAgent: s.UserAgent, IP: s.IP, Current: s.ID == currentID,
	}
}

// listSessions lists the caller's active sessions.
//
//	@Summary	My active sessions, the current one marked
//	@Tags		sessions
//	@Produce	json
//	@Success	200	{array}		SessionBody
//	@Failure	401	{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	403	{object}	ErrorBody	"forbidden (API key)"
//	@Failure	503	{object}	ErrorBody	"store_unavailable (Retry-After)"
//	@Security	CookieAuth
//	@Router		/sessions [get]
func (a *Auth) listSessions(c *gin.Context) error {
	cur, _ := currentSession(c)
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	list, err := a.store.ListSessions(ctx, cur.UserID, a.now())
	if err != nil {
		return err
	}
	out := make([]SessionBody, 0, len(list))
	for _, s := range list {
		out = append(out, sessionBody(s, cur.ID))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// revokeSession revokes one of the caller's sessions. Revoking the current
// one also clears the cookies.
//
//	@Summary	Revoke one of my sessions
//	@Tags		sessions
//	@Produce	json
//	@Param		session_id	path		string	true	"session id"
//	@Success	200			{object}	SessionBody	"the session as it now is"
//	@Failure	401			{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	403			{object}	ErrorBody	"forbidden (API key)"
//	@Failure	404			{object}	ErrorBody	"session_not_found"
//	@Failure	503	{object}	ErrorBody	"store_unavailable (Retry-After)"
//	@Security	CookieAuth
//	@Router		/sessions/{session_id} [delete]
func (a *Auth) revokeSession(c *gin.Context) error {
	cur, _ := currentSession(c)
	id := c.Param("session_id")
	if _, err := uuid.Parse(id); err != nil {
		return errSessionNotFound
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	now := a.now()
	_, err := changed(ctx, a, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, a.store.RevokeSession(ctx, cur.UserID, id, now)
	}, func(struct{}) []Event {
		return []Event{a.event(c, fastauth.EventSessionRevoked, "", target(fastauth.TargetSession, id))}
	})
	switch {
	case errors.Is(err, ErrNotFound):
		return errSessionNotFound
	case err != nil:
		return err
	}
	s, err := a.store.SessionByID(ctx, id)
	if err != nil {
		return err
	}
	if id == cur.ID {
		a.clearAuthCookies(c)
	}
	c.JSON(http.StatusOK, sessionBody(s, cur.ID))
	return nil
}

// revokeOtherSessions revokes every session of the caller but the current.
//
//	@Summary	Revoke all my sessions but this one
//	@Tags		sessions
//	@Produce	json
//	@Success	200	{object}	RevokedSessionsResponse
//	@Failure	401	{object}	ErrorBody	"invalid_token, token_expired"
//	@Failure	403	{object}	ErrorBody	"forbidden (API key)"
//	@Failure	503	{object}	ErrorBody	"store_unavailable (Retry-After)"
//	@Security	CookieAuth
//	@Router		/sessions/revoke-others [post]
func (a *Auth) revokeOtherSessions(c *gin.Context) error {
	cur, _ := currentSession(c)
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	n, err := changed(ctx, a, func(ctx context.Context) (int, error) {
		return a.store.RevokeOtherSessions(ctx, cur.UserID, cur.ID, a.now())
	}, func(n int) []Event {
		if n == 0 {
			return nil
		}
		e := a.event(c, fastauth.EventSessionRevoked, "", target(fastauth.TargetUser, cur.UserID))
		e.Data = map[string]any{"reason": "revoke_others", "count": n, "kept_session_id": cur.ID}
		return []Event{e}
	})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, RevokedSessionsResponse{Revoked: n})
	return nil
}

// errSessionNotFound answers a session id the caller has no active session
// of.
var errSessionNotFound = fastauth.NewError(http.StatusNotFound, CodeSessionNotFound, "no such session")
