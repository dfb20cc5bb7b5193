package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestFloorRouter: the floor answers examples/minimal's body when its
// credential header is present, whatever its value, and 401 without it,
// so that the shared harness accepts it as an authenticated mode.
func TestFloorRouter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode, header, value string
		want                int
	}{
		{"cookie", "Cookie", "access_token=anything", http.StatusOK},
		{"cookie", "Cookie", "other=1", http.StatusUnauthorized},
		{"cookie", "", "", http.StatusUnauthorized},
		{"key", "Authorization", "Bearer sk-0123", http.StatusOK},
		{"key", "Authorization", "Basic eDp5", http.StatusUnauthorized},
		{"key", "", "", http.StatusUnauthorized},
	} {
		r, err := floorRouter(tc.mode)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodGet, "/api/whoami", nil)
		if tc.header != "" {
			req.Header.Set(tc.header, tc.value)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != tc.want {
			t.Errorf("%s with %s: %q = %d, want %d", tc.mode, tc.header, tc.value, w.Code, tc.want)
		}
		if tc.want == http.StatusOK && !strings.Contains(w.Body.String(), `"organization_role":"owner"`) {
			t.Errorf("%s: body %s, want examples/minimal's", tc.mode, w.Body)
		}
	}
	if _, err := floorRouter("jwt"); err == nil {
		t.Error("floorRouter(jwt) accepted an unknown mode")
	}
}
