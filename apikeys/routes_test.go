package apikeys

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/fastauth/fastauth"
	"github.com/gin-gonic/gin"
)

// The API key routes run against real backends in package conformance;
// this covers the query parsing of the list route exhaustively, and
// FuzzListQuery and FuzzKeyShape its grammar.

func TestParseListOptions(t *testing.T) {
	t.Parallel()
	def := fastauth.APIKeyListOptions{Limit: 20, Offset: 0, SortBy: "created_at", SortOrder: fastauth.Desc}
	for _, tc := range []struct {
		query string
		want  fastauth.APIKeyListOptions
		ok    bool
	}{
		{"", def, true},
		{"limit=1", fastauth.APIKeyListOptions{Limit: 1, SortBy: "created_at", SortOrder: fastauth.Desc}, true},
		{"limit=100&offset=7&sort_by=name&sort_order=asc", fastauth.APIKeyListOptions{Limit: 100, Offset: 7, SortBy: "name", SortOrder: fastauth.Asc}, true},
		{"sort_by=last_used_at", fastauth.APIKeyListOptions{Limit: 20, SortBy: "last_used_at", SortOrder: fastauth.Desc}, true},
		{"unrelated=1", def, true},
		{"limit=0", fastauth.APIKeyListOptions{}, false},
		{"limit=101", fastauth.APIKeyListOptions{}, false},
		{"limit=-5", fastauth.APIKeyListOptions{}, false},
		{"limit=ten", fastauth.APIKeyListOptions{}, false},
		{"limit=", fastauth.APIKeyListOptions{}, false},
		{"limit=1&limit=2", fastauth.APIKeyListOptions{}, false},
		{"limit=%2B5", fastauth.APIKeyListOptions{Limit: 5, SortBy: "created_at", SortOrder: fastauth.Desc}, true},
		{"offset=-1", fastauth.APIKeyListOptions{}, false},
		{"offset=99999999999999999999", fastauth.APIKeyListOptions{}, false},
		{"offset=3000000000", fastauth.APIKeyListOptions{}, false},
		{"sort_by=id", fastauth.APIKeyListOptions{}, false},
		{"sort_by=Name", fastauth.APIKeyListOptions{}, false},
		{"sort_by=", fastauth.APIKeyListOptions{}, false},
		{"sort_order=DESC", fastauth.APIKeyListOptions{}, false},
		{"sort_order=random", fastauth.APIKeyListOptions{}, false},
	} {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodGet, "/auth/api-keys?"+tc.query, nil)
		got, err := parseListOptions(c)
		if ok := err == nil; ok != tc.ok || got != tc.want {
			t.Errorf("%q: got %+v, %v; want %+v, %v", tc.query, got, err, tc.want, tc.ok)
			continue
		}
		var e *fastauth.Error
		if err != nil && (!errors.As(err, &e) || e.Status != http.StatusBadRequest || e.Code != fastauth.CodeInvalidRequest || e.Message == "") {
			t.Errorf("%q: error %v, want 400 invalid_request", tc.query, err)
		}
	}
}

func FuzzListQuery(f *testing.F) {
	for _, s := range []string{
		"", "limit=20&offset=0&sort_by=created_at&sort_order=desc", "limit=0", "limit=101", "limit=1&limit=2", "offset=-1",
		"offset=99999999999999999999", "sort_by=name;drop", "sort_order=ASC", "limit=%zz", "limit=+5", "limit=0x10",
		"sort_by=last_used_at&sort_order=asc", "offset=2147483648", "limit= 5", "%", "&&&=&", "limit=1%00",
	} {
		f.Add(s)
	}
	gin.SetMode(gin.ReleaseMode)
	f.Fuzz(func(t *testing.T, query string) {
		req, err := http.NewRequest(http.MethodGet, "http://fastauth.test/", nil)
		if err != nil {
			return
		}
		req.URL.RawQuery = query
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = req
		opt, err := parseListOptions(c)
		if err != nil {
			var e *fastauth.Error
			if !errors.As(err, &e) || e.Status != http.StatusBadRequest || e.Code != fastauth.CodeInvalidRequest {
				t.Fatalf("query %q: %v", query, err)
			}
			return
		}
		if opt.Limit < 1 || opt.Limit > maxPageSize || opt.Offset < 0 ||
			(opt.SortBy != "created_at" && opt.SortBy != "name" && opt.SortBy != "last_used_at") ||
			(opt.SortOrder != fastauth.Asc && opt.SortOrder != fastauth.Desc) {
			t.Fatalf("query %q accepted as %+v", query, opt)
		}
	})
}

var keyShape = regexp.MustCompile(`^sk-[0-9a-f]{64}$`)

// FuzzKeyShape checks the shape test of API keys (bearer) against their
// grammar.
func FuzzKeyShape(f *testing.F) {
	key, _, _, _ := newKey()
	hex := key[len(keyPrefix):]
	for _, s := range []string{key, hex, "sk-", "sk-" + strings.ToUpper(hex), "SK-" + hex, key + "0", key[:len(key)-1], "sk-" + hex[:63] + "g", "", "sk-\x00" + hex[1:]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validKey(s), keyShape.MatchString(s); got != want {
			t.Fatalf("validKey(%q) = %v, want %v", s, got, want)
		}
	})
}
