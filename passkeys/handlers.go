package passkeys

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/mfa"
)

// The handlers of the module's routes. Each binds its body, calls one
// RelyingParty method with the clock's now and answers; errors go through
// httpError to the host's Fail.

// registerOptions begins a registration.
//
//	@Summary		Options to register a passkey for the signed-in account
//	@Description	The options ask for a discoverable credential with user verification and exclude the account's passkeys. Pass options to PublicKeyCredential.parseCreationOptionsFromJSON() (or decode its base64url members) and navigator.credentials.create(); send the answer with the ceremony_id to POST /passkeys/register within 5 minutes. An account that has a second factor needs an aal 2 session.
//	@Tags			passkeys
//	@Produce		json
//	@Success		200	{object}	Options
//	@Failure		401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure		403	{object}	ginauth.ErrorBody	"forbidden (API key), mfa_step_up_required"
//	@Failure		409	{object}	ginauth.ErrorBody	"too_many_passkeys"
//	@Failure		429	{object}	ginauth.ErrorBody	"rate_limited"
//	@Failure		503	{object}	ginauth.ErrorBody	"store_unavailable (Retry-After)"
//	@Security		CookieAuth
//	@Router			/passkeys/register/options [post]
func (m *Module) registerOptions(c *gin.Context) error {
	p, _ := ginauth.PrincipalFrom(c)
	if err := m.requireAAL2(c, p.UserID); err != nil {
		return err
	}
	opts, err := m.rp.BeginRegistration(c.Request.Context(), Account{ID: p.UserID, Email: p.Email}, m.h.Now())
	if err != nil {
		return httpError(err)
	}
	c.JSON(http.StatusOK, opts)
	return nil
}

// register finishes a registration.
//
//	@Summary		Register a passkey with the browser's answer
//	@Description	The ceremony is used up by this call, whatever its outcome. A security_notice mail is sent (with the mfa module).
//	@Tags			passkeys
//	@Accept			json
//	@Produce		json
//	@Param			body	body		RegisterRequest	true	"the ceremony_id, a name and the RegistrationResponseJSON"
//	@Success		201		{object}	Passkey
//	@Failure		400		{object}	ginauth.ErrorBody	"invalid_request (malformed credential or name), invalid_ceremony, passkey_rejected"
//	@Failure		401		{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure		403		{object}	ginauth.ErrorBody	"forbidden (API key), mfa_step_up_required"
//	@Failure		409		{object}	ginauth.ErrorBody	"conflict (already registered), too_many_passkeys"
//	@Failure		413		{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure		415		{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Failure		429		{object}	ginauth.ErrorBody	"rate_limited"
//	@Failure		503		{object}	ginauth.ErrorBody	"store_unavailable (Retry-After)"
//	@Security		CookieAuth
//	@Router			/passkeys/register [post]
func (m *Module) register(c *gin.Context) error {
	var req RegisterRequest
	if !m.h.BindJSON(c, &req) {
		return nil
	}
	p, _ := ginauth.PrincipalFrom(c)
	if err := m.requireAAL2(c, p.UserID); err != nil {
		return err
	}
	cred, err := m.rp.FinishRegistration(c.Request.Context(), Account{ID: p.UserID, Email: p.Email}, req.CeremonyID, req.Name, req.Credential, m.h.Now())
	if err != nil {
		return httpError(err)
	}
	m.emit(c, EventAdded, cred)
	c.JSON(http.StatusCreated, cred.View())
	return nil
}

// list answers the account's passkeys.
//
//	@Summary	The signed-in account's passkeys, oldest first
//	@Tags		passkeys
//	@Produce	json
//	@Success	200	{array}		Passkey
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	403	{object}	ginauth.ErrorBody	"forbidden (API key)"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable (Retry-After)"
//	@Security	CookieAuth
//	@Router		/passkeys [get]
func (m *Module) list(c *gin.Context) error {
	p, _ := ginauth.PrincipalFrom(c)
	cs, err := m.rp.List(c.Request.Context(), p.UserID)
	if err != nil {
		return err
	}
	out := make([]Passkey, len(cs))
	for i, cred := range cs {
		out[i] = cred.View()
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// rename renames a passkey.
//
//	@Summary	Rename a passkey of the signed-in account
//	@Tags		passkeys
//	@Accept		json
//	@Produce	json
//	@Param		id		path		string			true	"the passkey's id"
//	@Param		body	body		RenameRequest	true	"the new name"
//	@Success	200		{object}	Passkey
//	@Failure	400		{object}	ginauth.ErrorBody	"invalid_request (name)"
//	@Failure	401		{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	403		{object}	ginauth.ErrorBody	"forbidden (API key)"
//	@Failure	404		{object}	ginauth.ErrorBody	"passkey_not_found"
//	@Failure	413		{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure	415		{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Failure	429		{object}	ginauth.ErrorBody	"rate_limited"
//	@Failure	503		{object}	ginauth.ErrorBody	"store_unavailable (Retry-After)"
//	@Security	CookieAuth
//	@Router		/passkeys/{id} [patch]
func (m *Module) rename(c *gin.Context) error {
	var req RenameRequest
	if !m.h.BindJSON(c, &req) {
		return nil
	}
	p, _ := ginauth.PrincipalFrom(c)
	cred, err := m.rp.Rename(c.Request.Context(), p.UserID, c.Param("id"), req.Name)
	if err != nil {
		return httpError(err)
	}
	c.JSON(http.StatusOK, cred.View())
	return nil
}

// delete removes a passkey.
//
//	@Summary		Delete a passkey of the signed-in account
//	@Description	An account that has a second factor (a passkey, TOTP, recovery codes) needs an aal 2 session. Answers the passkey as it was. A security_notice mail is sent (with the mfa module).
//	@Tags			passkeys
//	@Produce		json
//	@Param			id	path		string	true	"the passkey's id"
//	@Success		200	{object}	Passkey
//	@Failure		401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure		403	{object}	ginauth.ErrorBody	"forbidden (API key), mfa_step_up_required"
//	@Failure		404	{object}	ginauth.ErrorBody	"passkey_not_found"
//	@Failure		429	{object}	ginauth.ErrorBody	"rate_limited"
//	@Failure		503	{object}	ginauth.ErrorBody	"store_unavailable (Retry-After)"
//	@Security		CookieAuth
//	@Router			/passkeys/{id} [delete]
func (m *Module) delete(c *gin.Context) error {
	p, _ := ginauth.PrincipalFrom(c)
	if err := m.requireAAL2(c, p.UserID); err != nil {
		return err
	}
	cred, err := m.rp.Delete(c.Request.Context(), p.UserID, c.Param("id"))
	if err != nil {
		return httpError(err)
	}
	m.emit(c, EventRemoved, cred)
	c.JSON(http.StatusOK, cred.View())
	return nil
}

// signInOptions begins a discoverable sign-in.
//
//	@Summary		Options to sign in with a passkey
//	@Description	Request options without allowCredentials: the browser offers the passkeys it holds for the site (also in the autofill of a username field, conditional mediation). Send the answer with the ceremony_id to POST /passkeys/sign-in within 5 minutes.
//	@Tags			passkeys
//	@Produce		json
//	@Success		200	{object}	Options
//	@Failure		429	{object}	ginauth.ErrorBody	"rate_limited (per client IP)"
//	@Failure		503	{object}	ginauth.ErrorBody	"store_unavailable (Retry-After)"
//	@Router			/passkeys/sign-in/options [post]
func (m *Module) signInOptions(c *gin.Context) error {
	opts, err := m.rp.BeginSignIn(c.Request.Context(), m.h.Now())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, opts)
	return nil
}

// signIn finishes a discoverable sign-in.
//
//	@Summary		Sign in with a passkey
//	@Description	A new session at aal 2 (amr [passkey]) and its cookies: a passkey verifies its user, so no second factor is asked. The ceremony is used up by this call, whatever its outcome. A passkey whose signature counter went backwards is refused.
//	@Tags			passkeys
//	@Accept			json
//	@Produce		json
//	@Param			body	body		SignInRequest			true	"the ceremony_id and the AuthenticationResponseJSON"
//	@Success		200		{object}	ginauth.AuthResponse	"cookies set"
//	@Failure		400		{object}	ginauth.ErrorBody		"invalid_request (malformed credential), invalid_ceremony"
//	@Failure		401		{object}	ginauth.ErrorBody		"invalid_credentials (unknown or deleted passkey, signature, counter)"
//	@Failure		403		{object}	ginauth.ErrorBody		"email_not_confirmed"
//	@Failure		413		{object}	ginauth.ErrorBody		"body_too_large"
//	@Failure		415		{object}	ginauth.ErrorBody		"unsupported_media_type"
//	@Failure		429		{object}	ginauth.ErrorBody		"rate_limited (per client IP)"
//	@Failure		503		{object}	ginauth.ErrorBody		"store_unavailable (Retry-After)"
//	@Router			/passkeys/sign-in [post]
func (m *Module) signIn(c *gin.Context) error {
	var req SignInRequest
	if !m.h.BindJSON(c, &req) {
		return nil
	}
	ctx := c.Request.Context()
	cred, err := m.rp.FinishSignIn(ctx, req.CeremonyID, req.Credential, m.h.Now())
	if err != nil {
		return httpError(err)
	}
	u, err := m.h.UserByID(ctx, cred.UserID)
	if errors.Is(err, fastauth.ErrNotFound) { // the account was deleted meanwhile
		return httpError(fmt.Errorf("%w: %w", ErrUserNotFound, err))
	} else if err != nil {
		return err
	}
	return m.h.IssueSession(c, u, fastauth.Authentication{Method: fastauth.MethodPasskey, AAL: 2})
}

// secondFactorOptions begins a passkey second factor for an mfa_token.
//
//	@Summary		Options to finish a sign-in with a passkey as the second factor
//	@Description	For the mfa_token of a 403 mfa_required sign-in whose methods include "passkey": request options listing the account's passkeys. Send the answer to POST /mfa/verify as {"mfa_token","ceremony_id","credential"} within 5 minutes.
//	@Tags			mfa
//	@Accept			json
//	@Produce		json
//	@Param			body	body		SecondFactorOptionsRequest	true	"the mfa_token"
//	@Success		200		{object}	Options
//	@Failure		400		{object}	ginauth.ErrorBody	"mfa_method_unavailable (no passkey)"
//	@Failure		401		{object}	ginauth.ErrorBody	"mfa_token_invalid"
//	@Failure		413		{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure		415		{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Failure		429		{object}	ginauth.ErrorBody	"rate_limited (per client IP)"
//	@Failure		503		{object}	ginauth.ErrorBody	"store_unavailable (Retry-After)"
//	@Router			/mfa/passkey/options [post]
func (m *Module) secondFactorOptions(c *gin.Context) error {
	var req SecondFactorOptionsRequest
	if !m.h.BindJSON(c, &req) {
		return nil
	}
	ctx, now := c.Request.Context(), m.h.Now()
	ch, err := m.mfa.Service().ChallengeUser(ctx, req.MFAToken, now)
	if err != nil {
		if status, code, msg, ok := mfa.HTTPError(err); ok {
			return fastauth.NewError(status, code, msg)
		}
		return err
	}
	opts, err := m.rp.BeginSecondFactor(ctx, ch.UserID, now)
	if err != nil {
		return httpError(err)
	}
	c.JSON(http.StatusOK, opts)
	return nil
}
