package ginauth

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Error codes of the `code` field of every error body. They are stable:
// clients may switch on them.
const (
	CodeInvalidRequest       = "invalid_request"
	CodeInvalidEmail         = "invalid_email"
	CodeWeakPassword         = "weak_password"
	CodeInvalidCredentials   = "invalid_credentials"
	CodeInvalidToken         = "invalid_token"
	CodeTokenExpired         = "token_expired"
	CodeRefreshTokenInvalid  = "refresh_token_invalid"
	CodeForbidden            = "forbidden"
	CodeEmailNotConfirmed    = "email_not_confirmed"
	CodeMFAStepUpRequired    = "mfa_step_up_required"
	CodeUserNotFound         = "user_not_found"
	CodeSessionNotFound      = "session_not_found"
	CodeOrganizationNotFound = "organization_not_found"
	CodeMemberNotFound       = "member_not_found"
	CodeInviteNotFound       = "invite_not_found"
	CodeAPIKeyNotFound       = "api_key_not_found"
	CodeRouteNotFound        = "route_not_found"
	CodeMethodNotAllowed     = "method_not_allowed"
	CodeUserAlreadyExists    = "user_already_exists"
	CodeConflict             = "conflict"
	CodeLastOwner            = "last_owner"
	CodeBodyTooLarge         = "body_too_large"
	CodeUnsupportedMediaType = "unsupported_media_type"
	CodeRateLimited          = "rate_limited"
	CodeInternal             = "internal_error"
	CodeStoreUnavailable     = "store_unavailable"
	CodeOverloaded           = "overloaded"
)

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Code    string `json:"code" example:"invalid_credentials"`
	Message string `json:"message" example:"email or password is wrong"`
}

// abort ends the request with an error body.
func abort(c *gin.Context, status int, code, message string) {
	c.AbortWithStatusJSON(status, ErrorBody{Code: code, Message: message})
}

// storeFailure ends the request after an unexpected store error: 503
// store_unavailable when the store could not be reached in time, 500
// otherwise. The error is logged, never sent to the client.
func (a *Auth) storeFailure(c *gin.Context, err error) {
	if errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil {
		// The client went away and its request's context took the store
		// call with it: nothing failed and nobody reads the answer.
		a.log.DebugContext(c.Request.Context(), "fastauth: request canceled by the client", "path", c.FullPath(), "err", err)
		c.Header("Retry-After", "1")
		abort(c, http.StatusServiceUnavailable, CodeStoreUnavailable, "the service is temporarily unavailable, retry shortly")
		return
	}
	if errors.Is(err, ErrStoreUnavailable) || errors.Is(err, context.DeadlineExceeded) {
		a.log.WarnContext(c.Request.Context(), "fastauth: store unavailable", "path", c.FullPath(), "err", err)
		c.Header("Retry-After", "1")
		abort(c, http.StatusServiceUnavailable, CodeStoreUnavailable, "the service is temporarily unavailable, retry shortly")
		return
	}
	a.log.ErrorContext(c.Request.Context(), "fastauth: store error", "path", c.FullPath(), "err", err)
	abort(c, http.StatusInternalServerError, CodeInternal, "internal error")
}
