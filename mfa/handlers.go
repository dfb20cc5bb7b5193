package mfa

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
)

// The handlers of the module's routes. Each binds its body, calls one
// Service method and answers; errors go through httpError to the host's
// Fail.

// status answers the account's second factors.
//
//	@Summary	Second-factor status of the account
//	@Tags		mfa
//	@Produce	json
//	@Success	200	{object}	StatusResponse
//	@Failure	401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure	403	{object}	ginauth.ErrorBody	"forbidden (API key)"
//	@Failure	503	{object}	ginauth.ErrorBody	"store_unavailable (Retry-After)"
//	@Security	CookieAuth
//	@Router		/mfa [get]
func (m *Module) status(c *gin.Context) error {
	p, _ := ginauth.PrincipalFrom(c)
	st, err := m.svc.Status(c.Request.Context(), p.UserID)
	if err != nil {
		return err
	}
	_, passkeys, err := m.factorCounts(c.Request.Context(), p.UserID, fastauth.MethodPasskey)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, NewStatusResponse(st, passkeys))
	return nil
}

// setupTOTP makes a new pending TOTP secret.
//
//	@Summary		Start the TOTP setup: a new pending secret with its QR code
//	@Description	Replaces a pending secret of an earlier setup. The secret becomes active with POST /mfa/totp/enable.
//	@Tags			mfa
//	@Produce		json
//	@Success		200	{object}	TOTPSetupResponse
//	@Failure		401	{object}	ginauth.ErrorBody	"invalid_token, token_expired"
//	@Failure		403	{object}	ginauth.ErrorBody	"forbidden (API key)"
//	@Failure		409	{object}	ginauth.ErrorBody	"mfa_already_enabled"
//	@Failure		429	{object}	ginauth.ErrorBody	"rate_limited"
//	@Failure		503	{object}	ginauth.ErrorBody	"store_unavailable (Retry-After)"
//	@Security		CookieAuth
//	@Router			/mfa/totp/setup [post]
func (m *Module) setupTOTP(c *gin.Context) error {
	p, _ := ginauth.PrincipalFrom(c)
	setup, err := m.svc.SetupTOTP(c.Request.Context(), p.UserID, p.Email, m.h.Now())
	if err != nil {
		return httpError(err)
	}
	c.JSON(http.StatusOK, NewTOTPSetupResponse(setup))
	return nil
}

// enableTOTP activates the pending secret.
//
//	@Summary		Enable TOTP with a code of the pending secret
//	@Description	Returns the ten recovery codes, shown this once, raises this session to aal 2 (amr gains totp) and sets a fresh access cookie. A security_notice mail is sent.
//	@Tags			mfa
//	@Accept			json
//	@Produce		json
//	@Param			body	body		CodeRequest	true	"a TOTP code of the pending secret"
//	@Success		200		{object}	RecoveryCodesResponse
//	@Failure		400		{object}	ginauth.ErrorBody	"mfa_setup_required, invalid_request (malformed code)"
//	@Failure		401		{object}	ginauth.ErrorBody	"invalid_mfa_code, invalid_token, token_expired"
//	@Failure		403		{object}	ginauth.ErrorBody	"forbidden (API key)"
//	@Failure		413		{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure		415		{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Failure		429		{object}	ginauth.ErrorBody	"rate_limited"
//	@Failure		503		{object}	ginauth.ErrorBody	"store_unavailable (Retry-After)"
//	@Security		CookieAuth
//	@Router			/mfa/totp/enable [post]
func (m *Module) enableTOTP(c *gin.Context) error {
	var req CodeRequest
	if !m.h.BindJSON(c, &req) {
		return nil
	}
	p, _ := ginauth.PrincipalFrom(c)
	rc, err := m.svc.EnableTOTP(c.Request.Context(), p.UserID, req.Code, m.h.Now())
	if err != nil {
		return httpError(err)
	}
	m.emit(c, EventTOTPEnabled, p.UserID, nil)
	if err := m.h.RaiseSession(c, fastauth.Authentication{Method: MethodTOTP, AAL: 2}); err != nil {
		return err // answered
	}
	c.JSON(http.StatusOK, NewRecoveryCodesResponse(rc))
	return nil
}

// disableTOTP turns TOTP off.
//
//	@Summary		Disable TOTP with a TOTP or recovery code
//	@Description	Deletes the secret and the recovery codes. A security_notice mail is sent.
//	@Tags			mfa
//	@Accept			json
//	@Produce		json
//	@Param			body	body		CodeRequest	true	"a TOTP code or a recovery code"
//	@Success		200		{object}	TOTPDisableResponse
//	@Failure		400		{object}	ginauth.ErrorBody	"mfa_not_enabled, invalid_request (malformed code)"
//	@Failure		401		{object}	ginauth.ErrorBody	"invalid_mfa_code, invalid_token, token_expired"
//	@Failure		403		{object}	ginauth.ErrorBody	"forbidden (API key)"
//	@Failure		413		{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure		415		{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Failure		429		{object}	ginauth.ErrorBody	"rate_limited (also the account's sign-in lockout: wrong codes count towards it)"
//	@Failure		503		{object}	ginauth.ErrorBody	"store_unavailable (Retry-After)"
//	@Security		CookieAuth
//	@Router			/mfa/totp/disable [post]
func (m *Module) disableTOTP(c *gin.Context) error {
	var req CodeRequest
	if !m.h.BindJSON(c, &req) {
		return nil
	}
	ctx := c.Request.Context()
	u, err := m.checkedUser(c, req.Code)
	if err != nil {
		return err
	}
	external, _, err := m.factorCounts(ctx, u.ID, "")
	if err != nil {
		return err
	}
	method, err := m.svc.DisableTOTP(ctx, u.ID, req.Code, len(external) > 0, m.h.Now())
	if err != nil {
		return httpError(err)
	}
	m.h.ResetFactorLockout(ctx, u)
	if method == MethodRecoveryCode {
		m.emit(c, EventRecoveryCodeUsed, u.ID, map[string]any{"route": "disable"})
	}
	m.emit(c, EventTOTPDisabled, u.ID, map[string]any{"method": method})
	c.JSON(http.StatusOK, TOTPDisableResponse{TOTPEnabled: false})
	return nil
}

// regenerateRecoveryCodes replaces the recovery codes.
//
//	@Summary		New recovery codes; the old ones stop working
//	@Description	Takes a TOTP code (not a recovery code). The ten new codes are shown this once. A security_notice mail is sent.
//	@Tags			mfa
//	@Accept			json
//	@Produce		json
//	@Param			body	body		CodeRequest	true	"a TOTP code"
//	@Success		200		{object}	RecoveryCodesResponse
//	@Failure		400		{object}	ginauth.ErrorBody	"mfa_not_enabled, invalid_request (malformed code, or a recovery code)"
//	@Failure		401		{object}	ginauth.ErrorBody	"invalid_mfa_code, invalid_token, token_expired"
//	@Failure		403		{object}	ginauth.ErrorBody	"forbidden (API key)"
//	@Failure		413		{object}	ginauth.ErrorBody	"body_too_large"
//	@Failure		415		{object}	ginauth.ErrorBody	"unsupported_media_type"
//	@Failure		429		{object}	ginauth.ErrorBody	"rate_limited (also the account's sign-in lockout: wrong codes count towards it)"
//	@Failure		503		{object}	ginauth.ErrorBody	"store_unavailable (Retry-After)"
//	@Security		CookieAuth
//	@Router			/mfa/recovery-codes [post]
func (m *Module) regenerateRecoveryCodes(c *gin.Context) error {
	var req CodeRequest
	if !m.h.BindJSON(c, &req) {
		return nil
	}
	ctx := c.Request.Context()
	u, err := m.checkedUser(c, req.Code)
	if err != nil {
		return err
	}
	rc, err := m.svc.RegenerateRecoveryCodes(ctx, u.ID, req.Code, m.h.Now())
	if err != nil {
		return httpError(err)
	}
	m.h.ResetFactorLockout(ctx, u)
	m.emit(c, EventRecoveryCodesRegenerated, u.ID, nil)
	c.JSON(http.StatusOK, NewRecoveryCodesResponse(rc))
	return nil
}

// stepUp raises the session with a second factor.
//
//	@Summary		Step the session up to aal 2 with a TOTP or recovery code
//	@Description	The session's amr gains the code's method; the access cookie is re-issued (the refresh cookie stays). Routes behind RequireAAL(2) then admit it.
//	@Tags			mfa
//	@Accept			json
//	@Produce		json
//	@Param			body	body		CodeRequest	true	"a TOTP code or a recovery code"
//	@Success		200		{object}	ginauth.AuthResponse	"access cookie set"
//	@Failure		400		{object}	ginauth.ErrorBody		"invalid_request (malformed code)"
//	@Failure		401		{object}	ginauth.ErrorBody		"invalid_mfa_code, invalid_token, token_expired"
//	@Failure		403		{object}	ginauth.ErrorBody		"forbidden (API key)"
//	@Failure		413		{object}	ginauth.ErrorBody		"body_too_large"
//	@Failure		415		{object}	ginauth.ErrorBody		"unsupported_media_type"
//	@Failure		429		{object}	ginauth.ErrorBody		"rate_limited (also the account's sign-in lockout: wrong codes count towards it)"
//	@Failure		503		{object}	ginauth.ErrorBody		"store_unavailable (Retry-After)"
//	@Security		CookieAuth
//	@Router			/mfa/step-up [post]
func (m *Module) stepUp(c *gin.Context) error {
	var req CodeRequest
	if !m.h.BindJSON(c, &req) {
		return nil
	}
	ctx := c.Request.Context()
	u, err := m.checkedUser(c, req.Code)
	if err != nil {
		return err
	}
	method, err := m.svc.StepUp(ctx, u.ID, req.Code, m.h.Now())
	if err != nil {
		return httpError(err)
	}
	m.h.ResetFactorLockout(ctx, u)
	if method == MethodRecoveryCode {
		m.emit(c, EventRecoveryCodeUsed, u.ID, map[string]any{"route": "step_up"})
	}
	return m.h.StepUp(c, fastauth.Authentication{Method: method, AAL: 2})
}

// checkedUser returns the caller's account for a route that checks code,
// after refusing a malformed code and reserving an attempt on the
// account's sign-in lockout.
func (m *Module) checkedUser(c *gin.Context, code string) (fastauth.User, error) {
	if err := checkShape(code); err != nil {
		return fastauth.User{}, httpError(err)
	}
	u, err := m.user(c.Request.Context(), c)
	if err != nil {
		return fastauth.User{}, err
	}
	return u, m.reserve(c, u)
}

// verify finishes a sign-in with the second factor.
//
//	@Summary		Finish a sign-in with a second factor
//	@Description	Redeems the mfa_token of a 403 mfa_required sign-in with a TOTP or recovery code: a new session at aal 2 (amr [password, totp|recovery_code]) and its cookies. The mfa_token lives 5 minutes, is single use and dies after 5 wrong codes; wrong codes also count towards the account's sign-in lockout. With the passkeys module, a passkey is sent instead of code as ceremony_id (of POST /mfa/passkey/options) and credential (the AuthenticationResponseJSON): amr [password, passkey]; a refused passkey counts against the mfa_token (not the lockout).
//	@Tags			mfa
//	@Accept			json
//	@Produce		json
//	@Param			body	body		VerifyRequest	true	"the mfa_token and a code"
//	@Success		200		{object}	ginauth.AuthResponse	"cookies set"
//	@Failure		400		{object}	ginauth.ErrorBody		"invalid_request (malformed code or credential, code and ceremony_id together), invalid_ceremony"
//	@Failure		401		{object}	ginauth.ErrorBody		"invalid_mfa_code, mfa_token_invalid, invalid_credentials (passkey refused)"
//	@Failure		403		{object}	ginauth.ErrorBody		"email_not_confirmed"
//	@Failure		413		{object}	ginauth.ErrorBody		"body_too_large"
//	@Failure		415		{object}	ginauth.ErrorBody		"unsupported_media_type"
//	@Failure		429		{object}	ginauth.ErrorBody		"rate_limited (per client IP, or the account is locked after repeated failures)"
//	@Failure		503		{object}	ginauth.ErrorBody		"store_unavailable (Retry-After)"
//	@Router			/mfa/verify [post]
func (m *Module) verify(c *gin.Context) error {
	var req VerifyRequest
	if !m.h.BindJSON(c, &req) {
		return nil
	}
	ctx, now := c.Request.Context(), m.h.Now()
	ch, err := m.svc.ChallengeUser(ctx, req.MFAToken, now)
	if err != nil {
		return httpError(err)
	}
	if req.CeremonyID != "" || len(req.Credential) > 0 {
		return m.verifyFactor(c, req, ch)
	}
	if err := checkShape(req.Code); err != nil {
		return httpError(err)
	}
	u, err := m.h.UserByID(ctx, ch.UserID)
	if errors.Is(err, fastauth.ErrNotFound) { // the account was deleted meanwhile
		return httpError(fmt.Errorf("%w: %w", ErrChallengeInvalid, err))
	} else if err != nil {
		return err
	}
	if err := m.reserve(c, u); err != nil {
		return err
	}
	ch, method, err := m.svc.VerifyChallenge(ctx, req.MFAToken, req.Code, now)
	if err != nil {
		return httpError(err)
	}
	m.h.ResetFactorLockout(ctx, u)
	if method == MethodRecoveryCode {
		m.emit(c, EventRecoveryCodeUsed, u.ID, map[string]any{"route": "verify"})
	}
	return m.h.IssueSession(c, u, fastauth.Authentication{Method: method, AAL: 2, FirstMethod: ch.FirstMethod})
}

// verifyFactor finishes a sign-in with an external factor's proof (a
// passkey): the factor checks it for the challenge's account, the
// mfa_token is redeemed (one of concurrent redemptions wins) and a session
// starts at aal 2. A refused proof counts against the mfa_token.
func (m *Module) verifyFactor(c *gin.Context, req VerifyRequest, ch Challenge) error {
	ctx, now := c.Request.Context(), m.h.Now()
	f, ok := m.ceremonyFactor()
	if !ok || req.Code != "" {
		return fastauth.NewError(http.StatusBadRequest, codeInvalidRequest, "send either code, or ceremony_id and credential of a passkey")
	}
	u, err := m.h.UserByID(ctx, ch.UserID)
	if errors.Is(err, fastauth.ErrNotFound) {
		return httpError(fmt.Errorf("%w: %w", ErrChallengeInvalid, err))
	} else if err != nil {
		return err
	}
	if err := f.Verify(c, u.ID, FactorProof{CeremonyID: req.CeremonyID, Credential: req.Credential}); err != nil {
		// A refused proof (401) counts as a wrong code; malformed input
		// and store failures do not.
		var fe *fastauth.Error
		if errors.As(err, &fe) && fe.Status == http.StatusUnauthorized {
			if ferr := m.svc.FailExternal(ctx, req.MFAToken, now); ferr != nil && !errors.Is(ferr, ErrChallengeInvalid) {
				m.h.Logger().ErrorContext(ctx, "fastauth: mfa count a failed factor", "err", ferr)
			}
		}
		return err
	}
	if _, err := m.svc.RedeemExternal(ctx, req.MFAToken, f.Method(), now); err != nil {
		return httpError(err)
	}
	m.h.ResetFactorLockout(ctx, u)
	return m.h.IssueSession(c, u, fastauth.Authentication{Method: f.Method(), AAL: 2, FirstMethod: ch.FirstMethod})
}
