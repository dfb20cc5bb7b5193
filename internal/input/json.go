package input

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"reflect"
	"strings"
	"time"
)

// ErrTrailingData: more than one JSON value in a body.
var ErrTrailingData = errors.New("trailing data after the JSON object")

// DecodeJSON decodes body strictly into dst: one JSON value, no unknown
// fields, no trailing data (ErrTrailingData). Errors are the decoder's;
// JSONErrorMessage describes them to the client.
func DecodeJSON(body io.Reader, dst any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = ErrTrailingData
		}
	}
	return err
}

// JSONContentType reports whether a Content-Type header value is
// application/json, with at most a charset parameter, which must be UTF-8
// (the only encoding of JSON, RFC 8259).
func JSONContentType(v string) bool {
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

// JSONErrorMessage describes a decoding error into dst without echoing any
// of the input: every message is fixed text or names a field of dst (its
// JSON name), never a key or value the client sent.
func JSONErrorMessage(err error, dst any) string {
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
	case errors.Is(err, ErrTrailingData):
		return ErrTrailingData.Error()
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
