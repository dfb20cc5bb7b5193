package ginauth

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// errTrailingData: more than one JSON value in a body.
var errTrailingData = errors.New("trailing data after the JSON object")

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
	if !jsonContentType(c.Request.Header.Get("Content-Type")) {
		abort(c, http.StatusUnsupportedMediaType, CodeUnsupportedMediaType, "the request body must be sent with Content-Type: application/json")
		return false
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, a.cfg.MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errTrailingData
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
		abort(c, http.StatusBadRequest, CodeInvalidRequest, "malformed JSON body: "+jsonErrorMessage(err, dst))
	}
	return false
}

// jsonContentType reports whether a Content-Type header value is
// application/json, with at most a charset parameter, which must be UTF-8
// (the only encoding of JSON, RFC 8259).
func jsonContentType(v string) bool {
	if v == "application/json" {
		return true
	}
	mt, params, err := mime.ParseMediaType(v)
	if err != nil || mt != "application/json" {
		return false
	}
	for name, value := range params {
		if name != "charset" || !strings.EqualFold(value, "utf-8") {
			return false
		}
	}
	return true
}

// jsonErrorMessage describes a decoding error into dst without echoing any
// of the input: every message is fixed text or names a field of dst (its
// JSON name), never a key or value the client sent.
func jsonErrorMessage(err error, dst any) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tim *time.ParseError
	switch {
	case errors.As(err, &syn):
		return "syntax error"
	case errors.As(err, &typ):
		if typ.Field == "" {
			return "body must be a JSON object"
		}
		if fields := jsonFields(dst); fields[typ.Field] {
			return "field " + typ.Field + " has the wrong type"
		}
		return "a field has the wrong type"
	case errors.As(err, &tim):
		return "a time is not in RFC 3339 format"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of input"
	case errors.Is(err, errTrailingData):
		return errTrailingData.Error()
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json names the field; the client chose that name.
		return "unknown field; accepted fields: " + strings.Join(jsonFieldNames(dst), ", ")
	}
	return "the body could not be decoded"
}

// jsonFieldNames lists the JSON names of the fields of the struct dst
// points to, in declaration order.
func jsonFieldNames(dst any) []string {
	t := reflect.TypeOf(dst)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

// jsonFields is jsonFieldNames as a set.
func jsonFields(dst any) map[string]bool {
	set := map[string]bool{}
	for _, n := range jsonFieldNames(dst) {
		set[n] = true
	}
	return set
}
