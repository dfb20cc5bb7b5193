package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
)

// newServer is a fresh engine with the routes of Mount, so gin-swagger has
// seen no request yet.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := Mount(r); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirect.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// expectUI checks that the Swagger UI page and the files it loads answer
// 200 with their content types, the page pointing at /openapi.json.
func expectUI(t *testing.T, base string) {
	t.Helper()
	for _, f := range []struct{ path, contentType, contains string }{
		{"/swagger/", "text/html", "swagger-ui-bundle.js"},
		{"/swagger/index.html", "text/html", "swagger-ui-bundle.js"},
		{"/swagger/swagger-initializer.js", "application/javascript", `"/openapi.json"`},
		{"/swagger/index.css", "text/css", "box-sizing"},
		{"/swagger/swagger-ui.css", "text/css", ".swagger-ui"},
		{"/swagger/swagger-ui-bundle.js", "application/javascript", "SwaggerUIBundle"},
		{"/swagger/swagger-ui-standalone-preset.js", "application/javascript", "SwaggerUIStandalonePreset"},
		{"/swagger/favicon-32x32.png", "image/png", "PNG"},
	} {
		resp, body := get(t, base+f.path)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), f.contentType) || !strings.Contains(body, f.contains) {
			t.Errorf("GET %s = %d %q (%d bytes), want 200 %s containing %q", f.path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body), f.contentType, f.contains)
		}
	}
}

// TestSwaggerUI: the UI is at /swagger/ and /swagger redirects there,
// keeping the query.
func TestSwaggerUI(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	expectUI(t, srv.URL)
	for path, want := range map[string]string{"/swagger": "/swagger/", "/swagger?x=1": "/swagger/?x=1"} {
		resp, _ := get(t, srv.URL+path)
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
			t.Errorf("GET %s = %d Location %q, want 301 to %s", path, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}

// TestSwaggerJunkPath: unknown paths under /swagger/ answer the JSON 404
// of unknown routes, and even as the very first requests they do not
// break the UI's files (gin-swagger keeps the prefix of the first request
// it sees).
func TestSwaggerJunkPath(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, path := range []string{"/swagger/x/index.html", "/swagger/junk", "/swagger/x/swagger-ui.css", "/swagger/doc.json", "/swagger/index.html/..%2f..%2fx"} {
		resp, body := get(t, srv.URL+path)
		var e ginauth.ErrorBody
		if resp.StatusCode != http.StatusNotFound || json.Unmarshal([]byte(body), &e) != nil || e.Code != ginauth.CodeRouteNotFound {
			t.Errorf("GET %s = %d %.80q, want 404 route_not_found", path, resp.StatusCode, body)
		}
	}
	expectUI(t, srv.URL)
}

// TestSwaggerFilesStayOnDisk: the example server takes the Swagger UI
// files from github.com/swaggo/files/v2 (an embed.FS, paged in when
// served), never from version 1, whose package init copies 8.5 MB of files
// into the heap and keeps about 17 MiB resident for the server's life.
// (Test binaries carry no module list, so it asks go list.)
func TestSwaggerFilesStayOnDisk(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", "..").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps examples/server: %v\n%s", err, out)
	}
	mods := map[string]bool{}
	for _, m := range strings.Fields(string(out)) {
		mods[m] = true
	}
	if mods["github.com/swaggo/files"] {
		t.Error("examples/server links github.com/swaggo/files: its init copies the Swagger UI into memory; use github.com/swaggo/files/v2")
	}
	if !mods["github.com/swaggo/files/v2"] || !mods["github.com/gin-gonic/gin"] {
		t.Errorf("go list -deps examples/server lacks github.com/swaggo/files/v2 or gin:\n%s", out)
	}
}
