package ginauth

import (
	"net/http"
	"strings"
	"testing"
)

// TestBindJSONContentType: a body is read only when sent as
// application/json (charset UTF-8 allowed); anything else, no Content-Type
// included, gets 415 unsupported_media_type and the body is not read.
func TestBindJSONContentType(t *testing.T) {
	t.Parallel()
	a := &Auth{cfg: Config{MaxBodyBytes: 1024}}
	for _, tc := range []struct {
		contentType string
		want        int
	}{
		{"application/json", http.StatusOK},
		{"application/json; charset=utf-8", http.StatusOK},
		{"application/json;charset=UTF-8", http.StatusOK},
		{`application/json; charset="utf-8"`, http.StatusOK},
		{"Application/JSON", http.StatusOK},
		{"", http.StatusUnsupportedMediaType},
		{"text/plain", http.StatusUnsupportedMediaType},
		{"text/plain; charset=utf-8", http.StatusUnsupportedMediaType},
		{"application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"multipart/form-data; boundary=x", http.StatusUnsupportedMediaType},
		{"application/json; charset=iso-8859-1", http.StatusUnsupportedMediaType},
		{"application/json; boundary=x", http.StatusUnsupportedMediaType},
		{"application/jsonx", http.StatusUnsupportedMediaType},
		{"application/merge-patch+json", http.StatusUnsupportedMediaType},
		{"application/json;", http.StatusOK},
		{"application/json; charset", http.StatusUnsupportedMediaType},
		{"application/json, text/plain", http.StatusUnsupportedMediaType},
	} {
		c, w, _ := fuzzContext(http.MethodPost, "", []byte(`{"email":"ada@example.com"}`))
		if tc.contentType != "" {
			c.Request.Header.Set("Content-Type", tc.contentType)
		}
		var dst struct {
			Email string `json:"email"`
		}
		ok := a.bindJSON(c, &dst)
		switch {
		case tc.want == http.StatusOK && (!ok || dst.Email != "ada@example.com"):
			t.Errorf("Content-Type %q: refused (%d %s)", tc.contentType, w.Code, w.Body)
		case tc.want != http.StatusOK && ok:
			t.Errorf("Content-Type %q: accepted", tc.contentType)
		case tc.want != http.StatusOK:
			e := expectErrorBody(t, w.Body.Bytes())
			if w.Code != tc.want || e.Code != CodeUnsupportedMediaType || dst.Email != "" {
				t.Errorf("Content-Type %q: %d %+v (dst %+v), want 415 unsupported_media_type and nothing read", tc.contentType, w.Code, e, dst)
			}
			if tc.contentType != "" && strings.Contains(e.Message, tc.contentType) {
				t.Errorf("Content-Type %q echoed in %q", tc.contentType, e.Message)
			}
		}
	}
}
