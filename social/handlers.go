package social

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
)

// The handlers of the module's routes.

// start sends the browser to the provider.
//
//	@Summary		Start a sign-in (or a link) with a provider
//	@Description	Answers 302 to the provider's authorization URL with state, nonce and a PKCE S256 challenge, and sets a short-lived HttpOnly cookie (fastauth_oauth_flow) that binds the flow to this browser. Navigate the browser here; do not fetch it. With link=true the signed-in caller links the provider account to their account instead of signing in.
//	@Tags			social
//	@Param			provider	path	string	true	"provider name, e.g. google"
//	@Param			redirect_to	query	string	false	"where the callback returns: a relative path (/ then neither / nor \) or a URL on a trusted origin; default /"
//	@Param			link		query	string	false	"true: link to the signed-in account"	Enums(true, false)
//	@Success		302
//	@Failure		400	{object}	ginauth.ErrorBody	"invalid_redirect, invalid_request"
//	@Failure		401	{object}	ginauth.ErrorBody	"invalid_token (link=true without a session)"
//	@Failure		403	{object}	ginauth.ErrorBody	"forbidden (link=true with an API key)"
//	@Failure		404	{object}	ginauth.ErrorBody	"provider_not_found"
//	@Failure		429	{object}	ginauth.ErrorBody	"rate_limited"
//	@Failure		503	{object}	ginauth.ErrorBody	"provider_unavailable (discovery failed; retried on the next start)"
//	@Router			/oauth/{provider}/start [get]
func (m *Module) start(c *gin.Context) error {
	req := StartRequest{RedirectTo: c.Query("redirect_to")}
	switch c.Query("link") {
	case "", "false":
	case "true":
		// The guard of browser sessions, inline: only a link flow needs
		// one. It has answered when it aborts.
		m.h.RequireSession()(c)
		if c.IsAborted() {
			return nil
		}
		p, _ := m.h.Principal(c)
		req.LinkUserID = p.UserID
	default:
		return fastauth.NewError(http.StatusBadRequest, fastauth.CodeInvalidRequest, "link must be true or false")
	}
	st, err := m.strategy.Start(c.Request.Context(), c.Param("provider"), req)
	if err != nil {
		return httpError(err)
	}
	m.setFlowCookie(c, st.Cookie, st.Expires.Sub(m.h.Now()))
	c.Redirect(http.StatusFound, st.URL)
	return nil
}

// callback finishes a flow.
//
//	@Summary		Finish a sign-in (or a link) with a provider
//	@Description	The provider sends the browser here. The state must match the flow cookie; the code is exchanged with the PKCE verifier and the ID token verified. Then: a linked provider account signs in its user; else an address the provider verified that equals an account's confirmed address links to that account; else a new account without password is created (address confirmed when the provider verified it, with a personal workspace). Answers 302 to redirect_to with the session cookies; on failure 302 to redirect_to?auth_error=<code> (invalid_state, access_denied, provider_error, provider_unavailable, invalid_id_token, email_required, account_exists, identity_already_linked, email_not_confirmed, forbidden, account_disabled, sign_up_refused, sign_in_refused, server_error) without cookies; an account with a second factor gets no cookies but redirect_to#mfa_token=<token>&methods=<m1,m2> (finish with POST /mfa/verify).
//	@Tags			social
//	@Param			provider	path	string	true	"provider name"
//	@Param			code		query	string	false	"authorization code"
//	@Param			state		query	string	false	"state"
//	@Param			error		query	string	false	"the provider's error, e.g. access_denied"
//	@Success		302
//	@Failure		400	{object}	ginauth.ErrorBody	"invalid_request (malformed, oversized or repeated parameters)"
//	@Failure		404	{object}	ginauth.ErrorBody	"provider_not_found"
//	@Failure		429	{object}	ginauth.ErrorBody	"rate_limited"
//	@Router			/oauth/{provider}/callback [get]
func (m *Module) callback(c *gin.Context) error {
	cookie := ""
	if ck, err := c.Request.Cookie(FlowCookieName); err == nil {
		cookie = ck.Value
	}
	f, prof, err := m.strategy.Callback(c.Request.Context(), c.Param("provider"), c.Request.URL.RawQuery, cookie)
	if errors.Is(err, ErrUnknownProvider) || errors.Is(err, ErrInvalidCallback) {
		return httpError(err)
	}
	m.setFlowCookie(c, "", -1) // a flow finishes once, well or not
	if err == nil {
		err = m.finish(c, f, prof)
	}
	if err != nil && !errors.Is(err, errAnswered) {
		m.redirectError(c, f.RedirectTo, err)
	}
	return nil
}

// finish applies the linking rules to the verified profile and signs in,
// links or creates; it answers unless it returns an error. A lost race
// (another callback linked the identity or created the account first) is
// decided again once.
func (m *Module) finish(c *gin.Context, f Flow, prof Profile) error {
	ctx := c.Request.Context()
	if f.LinkUserID != "" {
		p, ok := m.h.Principal(c)
		if !ok || p.Kind != fastauth.PrincipalSession || p.UserID != f.LinkUserID {
			return ErrLinkMismatch
		}
	}
	for attempt := 0; ; attempt++ {
		d, err := Decide(ctx, m.lookup, prof, f.LinkUserID)
		if err != nil {
			return err
		}
		var u fastauth.User
		switch d.Action {
		case ActionAlreadyLinked:
		case ActionLink:
			err = m.link(c, prof, d.UserID)
		case ActionSignIn:
			u, err = m.h.UserByID(ctx, d.UserID)
		case ActionLinkAndSignIn:
			if err = m.link(c, prof, d.UserID); err == nil {
				u, err = m.h.UserByID(ctx, d.UserID)
			}
		case ActionCreate:
			u, err = m.h.SignUp(c, prof.Email, prof.EmailVerified, func(ctx context.Context, u fastauth.User) error {
				return m.createIdentity(ctx, c, prof, u.ID)
			})
		}
		if attempt == 0 && (errors.Is(err, ErrIdentityTaken) || errors.Is(err, fastauth.ErrDuplicateEmail)) {
			continue
		}
		if err != nil {
			return err
		}
		if d.Action == ActionLink || d.Action == ActionAlreadyLinked {
			c.Redirect(http.StatusFound, f.RedirectTo)
			return nil
		}
		return m.signIn(c, f, u)
	}
}

// signIn answers the callback of u's sign-in: the mfa_token in the
// fragment when u has a second factor, else the session cookies.
func (m *Module) signIn(c *gin.Context, f Flow, u fastauth.User) error {
	if u.DisabledAt != nil { // before the second factor: StartSession refuses it too
		return fastauth.NewError(http.StatusForbidden, fastauth.CodeAccountDisabled, "this account is disabled")
	}
	second := m.cfg.SecondFactor
	if second == nil {
		// The deployment's second factor (the mfa module), even when the
		// application did not hand it over: a sign-in never skips it.
		second = m.h.SecondFactor()
	}
	if second != nil {
		token, methods, err := second.StartSecondFactor(c.Request.Context(), u.ID, fastauth.MethodOAuth)
		if err != nil {
			return err
		}
		if token != "" {
			c.Redirect(http.StatusFound, MFARedirect(f.RedirectTo, token, methods))
			return nil
		}
	}
	if err := m.h.StartSession(c, u, fastauth.Authentication{Method: fastauth.MethodOAuth, AAL: 1}); err != nil {
		return err
	}
	c.Redirect(http.StatusFound, f.RedirectTo)
	return nil
}

// identities lists the caller's linked identities.
//
//	@Summary	The provider accounts linked to the account
//	@Tags		social
//	@Produce	json
//	@Success	200	{array}		IdentityResponse	"oldest first"
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	403	{object}	ginauth.ErrorBody	"forbidden (API key)"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable (Retry-After)"
//	@Security	CookieAuth
//	@Router		/identities [get]
func (m *Module) identities(c *gin.Context) error {
	p, _ := ginauth.PrincipalFrom(c)
	ids, err := m.store.Identities(c.Request.Context(), p.UserID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, IdentityResponses(ids))
	return nil
}

// unlink deletes one of the caller's identities.
//
//	@Summary		Unlink a provider account
//	@Description	Refused with 409 last_sign_in_method when the account has no password and this is its last linked provider account (set a password through the password reset first).
//	@Tags			social
//	@Produce		json
//	@Param			id	path		string	true	"identity id"
//	@Success		200	{object}	IdentityResponse	"the unlinked identity"
//	@Failure		401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure		403	{object}	ginauth.ErrorBody	"forbidden (API key)"
//	@Failure		404	{object}	ginauth.ErrorBody	"identity_not_found"
//	@Failure		409	{object}	ginauth.ErrorBody	"last_sign_in_method"
//	@Failure		429	{object}	ginauth.ErrorBody	"rate_limited"
//	@Failure		503	{object}	ginauth.ErrorBody	"store_unavailable (Retry-After)"
//	@Security		CookieAuth
//	@Router			/identities/{id} [delete]
func (m *Module) unlink(c *gin.Context) error {
	p, _ := ginauth.PrincipalFrom(c)
	id := c.Param("id")
	if _, err := uuid.Parse(id); err != nil {
		return httpError(ErrNotFound)
	}
	ctx := c.Request.Context()
	u, err := m.h.UserByID(ctx, p.UserID)
	if err != nil {
		return err
	}
	var gone Identity
	err = m.h.Change(ctx, func(ctx context.Context) error {
		var err error
		if gone, err = m.store.DeleteIdentity(ctx, p.UserID, id, u.PasswordHash == ""); err != nil {
			return err
		}
		return m.emit(ctx, c, EventIdentityUnlinked, gone)
	})
	if err != nil {
		return httpError(err)
	}
	c.JSON(http.StatusOK, NewIdentityResponse(gone))
	return nil
}
