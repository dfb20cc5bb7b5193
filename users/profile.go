package users

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fastauth/fastauth"
)

// Limits of the profile fields.
const (
	// MaxNameLength is the most characters (runes) of a name.
	MaxNameLength = 100
	// MaxImageURLLength is the most bytes of an image URL.
	MaxImageURLLength = 2048
	// MaxMetadataBytes is the most bytes of the metadata object (compacted).
	MaxMetadataBytes = 4 << 10
	// MaxReasonLength is the most characters of a reason to disable.
	MaxReasonLength = 500
)

// Error codes of the module.
const (
	CodeInvalidName     = "invalid_name"
	CodeInvalidImageURL = "invalid_image_url"
	CodeInvalidMetadata = "invalid_metadata"
)

// Optional is a JSON field of a PATCH body: Set when the field was
// present (null included), Null when it was null.
type Optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON implements json.Unmarshaler (called for null as well).
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// ProfileRequest is the body of PATCH /me: each field present is set (null
// or "" clears it), each field absent keeps its value.
type ProfileRequest struct {
	// Name is the display name, at most 100 characters.
	Name Optional[string] `json:"name,omitempty" swaggertype:"string" extensions:"x-nullable" example:"Ada Lovelace"`
	// ImageURL is an https URL of at most 2048 bytes.
	ImageURL Optional[string] `json:"image_url,omitempty" swaggertype:"string" extensions:"x-nullable" example:"https://example.com/ada.png"`
	// Metadata is a JSON object of at most 4 KiB.
	Metadata Optional[json.RawMessage] `json:"metadata,omitempty" swaggertype:"object" extensions:"x-nullable"`
} //	@name	ProfileRequest

func invalid(code, msg string) error { return fastauth.NewError(http.StatusBadRequest, code, msg) }

// Change checks the request and returns the change it asks for: a
// *fastauth.Error 400 invalid_name, invalid_image_url or invalid_metadata
// for a value out of bounds.
func (r ProfileRequest) Change() (ProfileChange, error) {
	var p ProfileChange
	if r.Name.Set {
		n, err := CheckName(r.Name.Value)
		if err != nil {
			return p, err
		}
		p.Name = &n
	}
	if r.ImageURL.Set {
		u, err := CheckImageURL(r.ImageURL.Value)
		if err != nil {
			return p, err
		}
		p.ImageURL = &u
	}
	if r.Metadata.Set {
		m, err := CheckMetadata(r.Metadata.Value)
		if err != nil {
			return p, err
		}
		p.Metadata = &m
	}
	return p, nil
}

// CheckName trims a name and checks it: at most MaxNameLength characters,
// valid UTF-8, no control characters ("" clears the name).
func CheckName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > MaxNameLength {
		return "", invalid(CodeInvalidName, fmt.Sprintf("the name must be valid text of at most %d characters", MaxNameLength))
	}
	if strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", invalid(CodeInvalidName, "the name must not hold control characters")
	}
	return name, nil
}

// CheckImageURL checks an image URL: absolute https with a host, no user
// information, at most MaxImageURLLength bytes ("" clears it).
func CheckImageURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	bad := invalid(CodeInvalidImageURL, fmt.Sprintf("the image URL must be an https URL of at most %d bytes", MaxImageURLLength))
	if len(raw) > MaxImageURLLength || strings.ContainsAny(raw, " \t\r\n\\") {
		return "", bad
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Hostname() == "" {
		return "", bad
	}
	return raw, nil
}

// CheckMetadata checks metadata: a JSON object of at most MaxMetadataBytes
// once compacted, returned compacted (empty or null clears it).
func CheckMetadata(raw json.RawMessage) (json.RawMessage, error) {
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return json.RawMessage{}, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil || buf.Len() == 0 || buf.Bytes()[0] != '{' {
		return nil, invalid(CodeInvalidMetadata, "metadata must be a JSON object")
	}
	if buf.Len() > MaxMetadataBytes {
		return nil, invalid(CodeInvalidMetadata, fmt.Sprintf("metadata must be at most %d bytes", MaxMetadataBytes))
	}
	if buf.String() == "{}" {
		return json.RawMessage{}, nil
	}
	return json.RawMessage(buf.Bytes()), nil
}
