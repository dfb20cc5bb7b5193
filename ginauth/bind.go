package ginauth

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/internal/input"
)

// bindJSON decodes the request body strictly into dst: sent as
// Content-Type application/json (415 unsupported_media_type otherwise), one
// JSON object, no unknown fields, no trailing data, at most MaxBodyBytes. On
// failure it aborts with 400 invalid_request (413 body_too_large) and
// returns false.
//
// Requiring the JSON media type keeps every route that takes a body out of
// reach of an HTML form or a "simple" cross-origin fetch (text/plain,
// form-encoded, multipart), which browsers send without a CORS preflight.
func (a *Auth) bindJSON(c *gin.Context, dst any) bool {
	if !input.JSONContentType(c.Request.Header.Get("Content-Type")) {
		abort(c, http.StatusUnsupportedMediaType, CodeUnsupportedMediaType, "the request body must be sent with Content-Type: application/json")
		return false
	}
	err := input.DecodeJSON(http.MaxBytesReader(c.Writer, c.Request.Body, a.cfg.MaxBodyBytes), dst)
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		abort(c, http.StatusRequestEntityTooLarge, CodeBodyTooLarge, "request body too large")
	case errors.Is(err, io.EOF):
		abort(c, http.StatusBadRequest, CodeInvalidRequest, "request body must be a JSON object")
	default:
		abort(c, http.StatusBadRequest, CodeInvalidRequest, "malformed JSON body: "+input.JSONErrorMessage(err, dst))
	}
	return false
}
