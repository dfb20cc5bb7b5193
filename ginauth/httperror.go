package ginauth

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
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

// storeErr marks an unexpected store error for fail: it answers as
// storeFailure does (503 or a logged 500) whatever sentinel the error wraps,
// where fail would map a bare ErrNotFound, ErrConflict, ErrForbidden or
// ErrDuplicateEmail to a 4xx.
type storeErr struct{ error }

// Unwrap returns the store error.
func (e storeErr) Unwrap() error { return e.error }

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
