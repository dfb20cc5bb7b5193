package ginauth

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
)

// bindJSON decodes the request body strictly into dst: one JSON object, no
// unknown fields, no trailing data, at most MaxBodyBytes. On failure it
// aborts with 400 invalid_request (413 body_too_large) and returns false.
func (a *Auth) bindJSON(c *gin.Context, dst any) bool {
	body := http.MaxBytesReader(c.Writer, c.Request.Body, a.cfg.MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("trailing data after the JSON object")
		}
	}
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
		abort(c, http.StatusBadRequest, CodeInvalidRequest, "malformed JSON body: "+jsonErrorMessage(err))
	}
	return false
}

// jsonErrorMessage describes a decoding error without echoing input.
func jsonErrorMessage(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return "syntax error"
	case errors.As(err, &typ):
		if typ.Field != "" {
			return "field " + typ.Field + " has the wrong type"
		}
		return "body must be a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of input"
	}
	msg := err.Error()
	if len(msg) > 80 {
		msg = msg[:80]
	}
	return msg
}
