package ginauth_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
)

func TestNotFound(t *testing.T) {
	t.Parallel()
	st := testdb.Store(t, testdb.SQLite(t))
	r := gin.New()
	r.HandleMethodNotAllowed = true
	auth, err := ginauth.Register(r, ginauth.Config{Secret: []byte(strings.Repeat("k", 32))}, st)
	if err != nil {
		t.Fatal(err)
	}
	r.NoRoute(auth.NotFound)
	r.NoMethod(auth.NotFound)
	tests := []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/auth/nope", 404, `{"code":"route_not_found","message":"no such route"}`},
		{"GET", "/auth", 404, `{"code":"route_not_found","message":"no such route"}`},
		{"DELETE", "/auth/sign-in", 405, `{"code":"method_not_allowed","message":"method not allowed on this route"}`},
		{"GET", "/elsewhere", 404, "404 page not found"},
		{"GET", "/authority", 404, "404 page not found"},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
		if w.Code != tt.status || strings.TrimSpace(w.Body.String()) != tt.body {
			t.Errorf("%s %s = %d %q, want %d %q", tt.method, tt.path, w.Code, w.Body.String(), tt.status, tt.body)
		}
		if strings.HasPrefix(tt.body, "{") && w.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: Cache-Control %q, want no-store", tt.method, tt.path, w.Header().Get("Cache-Control"))
		}
	}
}
