package ginauth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

// The API key routes run against real backends in package conformance;
// this covers the query parsing of the list route exhaustively.

func TestParseAPIKeyListOptions(t *testing.T) {
	t.Parallel()
	def := APIKeyListOptions{Limit: 20, Offset: 0, SortBy: "created_at", SortOrder: Desc}
	for _, tc := range []struct {
		query string
		want  APIKeyListOptions
		ok    bool
	}{
		{"", def, true},
		{"limit=1", APIKeyListOptions{Limit: 1, SortBy: "created_at", SortOrder: Desc}, true},
		{"limit=100&offset=7&sort_by=name&sort_order=asc", APIKeyListOptions{Limit: 100, Offset: 7, SortBy: "name", SortOrder: Asc}, true},
		{"sort_by=last_used_at", APIKeyListOptions{Limit: 20, SortBy: "last_used_at", SortOrder: Desc}, true},
		{"unrelated=1", def, true},
		{"limit=0", APIKeyListOptions{}, false},
		{"limit=101", APIKeyListOptions{}, false},
		{"limit=-5", APIKeyListOptions{}, false},
		{"limit=ten", APIKeyListOptions{}, false},
		{"limit=", APIKeyListOptions{}, false},
		{"limit=1&limit=2", APIKeyListOptions{}, false},
		{"limit=%2B5", APIKeyListOptions{Limit: 5, SortBy: "created_at", SortOrder: Desc}, true},
		{"offset=-1", APIKeyListOptions{}, false},
		{"offset=99999999999999999999", APIKeyListOptions{}, false},
		{"offset=3000000000", APIKeyListOptions{}, false},
		{"sort_by=id", APIKeyListOptions{}, false},
		{"sort_by=Name", APIKeyListOptions{}, false},
		{"sort_by=", APIKeyListOptions{}, false},
		{"sort_order=DESC", APIKeyListOptions{}, false},
		{"sort_order=random", APIKeyListOptions{}, false},
	} {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodGet, "/auth/api-keys?"+tc.query, nil)
		got, ok := parseAPIKeyListOptions(c)
		if ok != tc.ok || got != tc.want {
			t.Errorf("%q: got %+v, %v; want %+v, %v", tc.query, got, ok, tc.want, tc.ok)
			continue
		}
		if !ok {
			var body ErrorBody
			if w.Code != http.StatusBadRequest || json.Unmarshal(w.Body.Bytes(), &body) != nil || body.Code != CodeInvalidRequest || body.Message == "" {
				t.Errorf("%q: response %d %s, want 400 invalid_request", tc.query, w.Code, w.Body)
			}
		}
	}
}
