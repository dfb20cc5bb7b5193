package ginauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/internal/input"
	"github.com/fastauth/fastauth/internal/secret"
)

// EmailRequest is the body of POST {BasePath}/email/confirm/send and
// POST {BasePath}/password/forgot.
type EmailRequest struct {
	Email string `json:"email" example:"ada@example.com"`
}

// TokenRequest is the body of POST {BasePath}/email/confirm.
type TokenRequest struct {
	Token string `json:"token" example:"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`
}

// ResetPasswordRequest is the body of POST {BasePath}/password/reset.
type ResetPasswordRequest struct {
	Token    string `json:"token" example:"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`
	Password string `json:"password" example:"correct-horse-43"`
}

// ResetPasswordResponse is the body of a successful password reset.
type ResetPasswordResponse struct {
	Status string `json:"status" example:"password_reset"`
	// APIKeysRevoked is how many API keys of the account the reset
	// deleted (0 when the server keeps them).
	APIKeysRevoked int `json:"api_keys_revoked" example:"2"`
}

// ConfirmEmailResponse is the body of a successful email confirmation.
type ConfirmEmailResponse struct {
	Status string   `json:"status" example:"confirmed"`
	User   UserBody `json:"user"`
}

// The status of the mail routes' success bodies.
const (
	statusSent          = "sent"
	statusConfirmed     = "confirmed"
	statusPasswordReset = "password_reset"
)

// errVerificationToken: a verification token is malformed, unknown, expired,
// used, replaced or of the other kind (401 invalid_token).
var errVerificationToken = errors.New("ginauth: invalid verification token")

// mountMailRoutes registers email confirmation and password reset.
func (a *Auth) mountMailRoutes(g *gin.RouterGroup) {
	g.POST("/email/confirm/send", a.handle(a.resendConfirmation))
	g.GET("/email/confirm", a.handle(a.confirmEmailByLink))
	g.POST("/email/confirm", a.handle(a.confirmEmail))
	g.POST("/password/forgot", a.handle(a.forgotPassword))
	g.POST("/password/reset", a.handle(a.resetPassword))
}

// resendConfirmation mails a new confirmation link to an unconfirmed
// account.
//
// The answer is the same 200 whether or not the address has an account,
// whether or not it is confirmed and whether or not the per-address limit
// (Config.RateLimit.PerEmail) let a mail go out; the lookup and the mail
// happen off the response path, so the response time does not tell either.
//
//	@Summary	(Re)send the email-confirmation link
//	@Tags		email
//	@Accept		json
//	@Produce	json
//	@Param		body	body		EmailRequest	true	"the account's email"
//	@Success	200		{object}	StatusResponse	"always, status sent"
//	@Failure	400		{object}	ErrorBody		"invalid_request: the body is not a JSON object"
//	@Failure	413		{object}	ErrorBody		"body_too_large"
//	@Failure	415		{object}	ErrorBody		"unsupported_media_type"
//	@Failure	429		{object}	ErrorBody		"rate_limited (per client IP; the per-address limit answers 200)"
//	@Router		/email/confirm/send [post]
func (a *Auth) resendConfirmation(c *gin.Context) error {
	var req EmailRequest
	if !a.bindJSON(c, &req) {
		return nil
	}
	if email, ok := a.mailAllowed(c, routeConfirmSend, req.Email); ok {
		a.startMailJob(c, "email_confirm", func(ctx context.Context) {
			u, found := a.mailRecipient(ctx, email)
			if found && u.EmailConfirmedAt == nil {
				a.sendConfirmationMail(ctx, u)
			}
		})
	}
	c.JSON(http.StatusOK, StatusResponse{Status: statusSent})
	return nil
}

// confirmEmailByLink confirms an email with the token of a mailed link.
//
// With Config.EmailConfirmedRedirect set, success answers 303 to it; with
// Config.EmailConfirmFailedRedirect set, failure answers 303 to it with the
// error code in the `error` query parameter.
//
//	@Summary	Confirm an email address (the mailed link)
//	@Tags		email
//	@Produce	json
//	@Param		token	query		string					true	"the token from the mail"
//	@Success	200		{object}	ConfirmEmailResponse
//	@Success	303		"redirect to EmailConfirmedRedirect / EmailConfirmFailedRedirect when configured"
//	@Failure	401		{object}	ErrorBody	"invalid_token"
//	@Failure	503		{object}	ErrorBody	"store_unavailable"
//	@Router		/email/confirm [get]
func (a *Auth) confirmEmailByLink(c *gin.Context) error {
	u, err := a.consumeConfirmToken(c, c.Query("token"))
	if err == nil {
		if to := a.cfg.EmailConfirmedRedirect; to != "" {
			c.Redirect(http.StatusSeeOther, to)
			return nil
		}
		c.JSON(http.StatusOK, ConfirmEmailResponse{Status: statusConfirmed, User: userBody(u)})
		return nil
	}
	if to := a.cfg.EmailConfirmFailedRedirect; to != "" {
		code := CodeInvalidToken
		if !errors.Is(err, errVerificationToken) {
			a.log.ErrorContext(c.Request.Context(), "fastauth: email confirmation failed", "err", err)
			code = CodeStoreUnavailable
		}
		c.Redirect(http.StatusSeeOther, withQuery(to, "error", code))
		return nil
	}
	return verificationFailure(err)
}

// confirmEmail confirms an email with a token sent in the body.
//
//	@Summary	Confirm an email address with a token
//	@Tags		email
//	@Accept		json
//	@Produce	json
//	@Param		body	body		TokenRequest	true	"the token from the mail"
//	@Success	200		{object}	ConfirmEmailResponse
//	@Failure	400		{object}	ErrorBody	"invalid_request"
//	@Failure	401		{object}	ErrorBody	"invalid_token"
//	@Failure	503		{object}	ErrorBody	"store_unavailable"
//	@Failure	413	{object}	ErrorBody	"body_too_large"
//	@Failure	415	{object}	ErrorBody	"unsupported_media_type"
//	@Router		/email/confirm [post]
func (a *Auth) confirmEmail(c *gin.Context) error {
	var req TokenRequest
	if !a.bindJSON(c, &req) {
		return nil
	}
	u, err := a.consumeConfirmToken(c, req.Token)
	if err != nil {
		return verificationFailure(err)
	}
	c.JSON(http.StatusOK, ConfirmEmailResponse{Status: statusConfirmed, User: userBody(u)})
	return nil
}

// forgotPassword mails a password-reset link.
//
// The answer is the same 200 whether or not the address has an account and
// whether or not the per-address limit (Config.RateLimit.PerEmail) let a
// mail go out; the lookup, the token and the mail happen off the response
// path, so the response time does not tell either.
//
//	@Summary	Send a password-reset link
//	@Tags		password
//	@Accept		json
//	@Produce	json
//	@Param		body	body		EmailRequest	true	"the account's email"
//	@Success	200		{object}	StatusResponse	"always, status sent"
//	@Failure	400		{object}	ErrorBody		"invalid_request: the body is not a JSON object"
//	@Failure	413		{object}	ErrorBody		"body_too_large"
//	@Failure	415		{object}	ErrorBody		"unsupported_media_type"
//	@Failure	429		{object}	ErrorBody		"rate_limited (per client IP; the per-address limit answers 200)"
//	@Router		/password/forgot [post]
func (a *Auth) forgotPassword(c *gin.Context) error {
	var req EmailRequest
	if !a.bindJSON(c, &req) {
		return nil
	}
	if email, ok := a.mailAllowed(c, routePasswordForgot, req.Email); ok {
		a.startMailJob(c, "password_reset", func(ctx context.Context) {
			if u, found := a.mailRecipient(ctx, email); found {
				a.sendPasswordResetMail(ctx, u)
			}
		})
	}
	c.JSON(http.StatusOK, StatusResponse{Status: statusSent})
	return nil
}

// resetPassword sets a new password with a password-reset token, revokes
// every session of the account and, unless
// Config.KeepAPIKeysOnPasswordReset, deletes its API keys. The caller's own
// auth cookies, when they belong to that account, are cleared.
//
//	@Summary	Reset the password with a mailed token
//	@Description	Revokes every session of the account, ends a sign-in lockout of it and deletes the API keys it created (api_keys_revoked says how many; 0 when the server keeps them).
//	@Tags		password
//	@Accept		json
//	@Produce	json
//	@Param		body	body		ResetPasswordRequest	true	"token and new password"
//	@Success	200		{object}	ResetPasswordResponse	"status password_reset; every session revoked"
//	@Failure	400		{object}	ErrorBody				"weak_password, invalid_request"
//	@Failure	401		{object}	ErrorBody				"invalid_token"
//	@Failure	429		{object}	ErrorBody				"rate_limited (per client IP)"
//	@Failure	503		{object}	ErrorBody				"overloaded, store_unavailable"
//	@Failure	413	{object}	ErrorBody	"body_too_large"
//	@Failure	415	{object}	ErrorBody	"unsupported_media_type"
//	@Router		/password/reset [post]
func (a *Auth) resetPassword(c *gin.Context) error {
	var req ResetPasswordRequest
	if !a.bindJSON(c, &req) {
		return nil
	}
	if !wellFormedToken(req.Token) {
		return errInvalidVerificationToken
	}
	if err := checkPassword(a.cfg.Password, req.Password); err != nil {
		return fastauth.NewError(http.StatusBadRequest, CodeWeakPassword, errorMessage(err, errWeakPassword))
	}
	hash, err := a.hasher.Hash(c.Request.Context(), req.Password)
	if err != nil {
		a.hashFailure(c, err)
		return nil
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	var revoked int
	u, err := changed(ctx, a, func(ctx context.Context) (User, error) {
		u, n, err := a.store.ResetPassword(ctx, secret.Hash(req.Token), hash, !a.cfg.KeepAPIKeysOnPasswordReset, a.now())
		revoked = n
		return u, err
	}, func(u User) []Event {
		e := a.event(c, fastauth.EventPasswordReset, "", target(fastauth.TargetUser, u.ID))
		e.Data = map[string]any{"api_keys_deleted": revoked}
		return []Event{e}
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			err = errVerificationToken
		}
		return verificationFailure(err)
	}
	// The owner of the mailbox proved themself: a lockout of the account
	// (perhaps an attacker's guessing) must not keep them out.
	a.resetLockout(c.Request.Context(), u.Email)
	if p, ok := PrincipalFrom(c); ok && p.Kind == PrincipalSession && p.UserID == u.ID {
		a.clearAuthCookies(c)
	}
	c.JSON(http.StatusOK, ResetPasswordResponse{Status: statusPasswordReset, APIKeysRevoked: revoked})
	return nil
}

// consumeConfirmToken consumes an email_confirm token and returns the
// confirmed user; errVerificationToken for any token that cannot confirm.
func (a *Auth) consumeConfirmToken(c *gin.Context, token string) (User, error) {
	if !wellFormedToken(token) {
		return User{}, errVerificationToken
	}
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	u, err := changed(ctx, a, func(ctx context.Context) (User, error) {
		return a.store.ConfirmEmail(ctx, secret.Hash(token), a.now())
	}, func(u User) []Event {
		return []Event{a.event(c, fastauth.EventEmailConfirmed, "", target(fastauth.TargetUser, u.ID))}
	})
	if errors.Is(err, ErrNotFound) {
		return User{}, errVerificationToken
	}
	return u, err
}

// errInvalidVerificationToken answers errVerificationToken.
var errInvalidVerificationToken = fastauth.NewError(http.StatusUnauthorized, CodeInvalidToken, "the token is invalid, expired or already used")

// verificationFailure is the answer to a failed token consumption: 401
// invalid_token for errVerificationToken, a store failure otherwise.
func verificationFailure(err error) error {
	if errors.Is(err, errVerificationToken) {
		return errInvalidVerificationToken
	}
	return storeErr{err}
}

// wellFormedToken reports whether s has the shape secret.New("") makes: 64
// lowercase hex characters. Anything else is refused without a store call.
func wellFormedToken(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if ch := s[i]; (ch < '0' || ch > '9') && (ch < 'a' || ch > 'f') {
			return false
		}
	}
	return true
}

// withQuery returns raw with the query parameter key set to value (raw
// unchanged if it does not parse).
func withQuery(raw, key, value string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// mailAllowed normalizes the address of a mail-sending route and takes a
// token from its per-address bucket. A malformed address or an empty bucket
// gives ok == false: the route then answers as usual and sends nothing.
// Neither depends on whether the address has an account.
func (a *Auth) mailAllowed(c *gin.Context, route, raw string) (email string, ok bool) {
	email, err := input.Email(raw)
	if err != nil {
		return "", false
	}
	if _, ok := a.allowEmail(c.Request.Context(), route, email); !ok {
		a.log.InfoContext(c.Request.Context(), "fastauth: per-address mail limit reached, mail not sent", "route", route)
		return "", false
	}
	return email, true
}

// startMailJob runs fn off the response path (see mailJobs); an overload
// is logged and the mail dropped.
func (a *Auth) startMailJob(c *gin.Context, kind string, fn func(ctx context.Context)) {
	if !a.mailJobs.start(c.Request.Context(), fn) {
		a.log.ErrorContext(c.Request.Context(), "fastauth: too many mails in flight, mail dropped", "kind", kind)
	}
}

// mailRecipient looks the account of email up for a mail job; a missing
// account or a store error (logged) gives found == false.
func (a *Auth) mailRecipient(ctx context.Context, email string) (u User, found bool) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.StoreTimeout)
	defer cancel()
	u, err := a.userByEmail(ctx, email)
	switch {
	case errors.Is(err, ErrNotFound):
		return User{}, false
	case err != nil:
		a.log.ErrorContext(ctx, "fastauth: looking up a mail recipient failed", "err", err)
		return User{}, false
	}
	return u, true
}

// issueVerificationToken stores a new token of kind for the user (voiding
// the previous one of that kind) and returns its plaintext and expiry.
func (a *Auth) issueVerificationToken(ctx context.Context, userID string, kind VerificationKind) (token string, t VerificationToken, err error) {
	plain, hash, err := secret.New("")
	if err != nil {
		return "", t, err
	}
	id, err := secret.NewID()
	if err != nil {
		return "", t, err
	}
	now := a.now()
	t = VerificationToken{ID: id, UserID: userID, Kind: kind, TokenHash: hash, CreatedAt: now, ExpiresAt: now.Add(a.cfg.VerificationTokenTTL)}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.StoreTimeout)
	defer cancel()
	if err := a.store.CreateVerificationToken(ctx, t); err != nil {
		return "", t, fmt.Errorf("ginauth: store %s token: %w", kind, err)
	}
	return plain, t, nil
}

// sendConfirmationMail issues an email_confirm token for u and mails the
// link AppBaseURL + BasePath + "/email/confirm?token=...". Failures are
// logged, never returned.
func (a *Auth) sendConfirmationMail(ctx context.Context, u User) {
	token, t, err := a.issueVerificationToken(ctx, u.ID, VerifyEmail)
	if err != nil {
		a.log.ErrorContext(ctx, "fastauth: issuing an email-confirmation token failed", "user_id", u.ID, "err", err)
		return
	}
	a.sendMail(ctx, MailEmailConfirm, MailData{Email: u.Email, Link: a.confirmEmailLink(token), Token: token, ExpiresAt: t.ExpiresAt})
}

// sendPasswordResetMail issues a password_reset token for u and mails the
// link AppBaseURL + "/reset-password?token=...". Failures are logged.
func (a *Auth) sendPasswordResetMail(ctx context.Context, u User) {
	token, t, err := a.issueVerificationToken(ctx, u.ID, ResetPassword)
	if err != nil {
		a.log.ErrorContext(ctx, "fastauth: issuing a password-reset token failed", "user_id", u.ID, "err", err)
		return
	}
	a.sendMail(ctx, MailPasswordReset, MailData{Email: u.Email, Link: a.resetPasswordLink(token), Token: token, ExpiresAt: t.ExpiresAt})
}
