package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
)

// TestWhoamiJSON: the demo routes' encoders (whoamiBody and
// permissionBody) write the bytes json.Marshal (what c.JSON wrote before)
// writes, for plain values and for every kind of character encoding/json
// escapes.
func TestWhoamiJSON(t *testing.T) {
	t.Parallel()
	for _, s := range [][4]string{
		{},
		{"0193a1b2-0000-7000-8000-000000000001", "ada@example.com", "0193a1b2-0000-7000-8000-000000000002", "owner"},
		{`a"b\c`, "<script>&amp;</script>", "tab\there\nnl\x00\x1f\x7f", "r\u2028\u2029"},
		{"élan", "日本@example.com", "\xff\xfe invalid", "😀"},
	} {
		expectMarshalled(t, whoamiBody{s[0], s[1], s[2], ginauth.Role(s[3])})
		expectMarshalled(t, permissionBody{s[0], s[2], ginauth.Role(s[3]), s[1]})
	}
}

// expectMarshalled fails t unless b.appendJSON(nil) is json.Marshal(b).
func expectMarshalled[B jsonBody](t *testing.T, b B) {
	t.Helper()
	want, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.appendJSON(nil); !bytes.Equal(got, want) {
		t.Errorf("%T.appendJSON(%+v) = %s, want %s", b, b, got, want)
	}
}

// FuzzWhoamiJSON compares the demo routes' encoders with json.Marshal on
// any strings.
func FuzzWhoamiJSON(f *testing.F) {
	f.Add("u", "ada@example.com", "o", "owner")
	f.Add(`"\`, "<&>", "\u2028", "\xff")
	f.Fuzz(func(t *testing.T, user, email, org, role string) {
		expectMarshalled(t, whoamiBody{user, email, org, ginauth.Role(role)})
		expectMarshalled(t, permissionBody{user, org, ginauth.Role(role), email})
	})
}

// whoamiContext is a gin context whose principal is p (set under the
// key ginauth.PrincipalFrom reads), writing to a recorder.
func whoamiContext(p *fastauth.Principal) (*gin.Context, *httptest.ResponseRecorder) {
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodGet, "/api/whoami", nil)
	c.Set("fastauth.principal", p)
	return c, w
}

// whoamiJSON is the handler as it was: c.JSON, by reflection.
func whoamiJSON(c *gin.Context) {
	p, _ := ginauth.PrincipalFrom(c)
	c.JSON(http.StatusOK, whoamiBody{p.UserID, p.Email, p.OrganizationID, p.OrganizationRole})
}

var testPrincipal = &fastauth.Principal{UserID: "0193a1b2-0000-7000-8000-000000000001",
	Email: "ada@example.com", OrganizationID: "0193a1b2-0000-7000-8000-000000000002", OrganizationRole: ginauth.RoleOwner}

// TestWhoamiResponse: the handler answers what c.JSON answered: status,
// Content-Type and body.
func TestWhoamiResponse(t *testing.T) {
	t.Parallel()
	c, got := whoamiContext(testPrincipal)
	whoami(c)
	c, want := whoamiContext(testPrincipal)
	whoamiJSON(c)
	if got.Code != want.Code || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") || got.Body.String() != want.Body.String() {
		t.Fatalf("whoami = %d %q %s; c.JSON: %d %q %s", got.Code, got.Header().Get("Content-Type"), got.Body,
			want.Code, want.Header().Get("Content-Type"), want.Body)
	}
	c, w := whoamiContext(nil)
	whoami(c)
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("whoami without a principal = %d, want 401", w.Code)
	}
}

// TestPermittedResponse: the permission demo routes answer what c.JSON
// answered: status, Content-Type and body.
func TestPermittedResponse(t *testing.T) {
	t.Parallel()
	c, got := whoamiContext(testPrincipal)
	permitted("project:read")(c)
	c, want := whoamiContext(testPrincipal)
	p := testPrincipal
	c.JSON(http.StatusOK, permissionBody{p.UserID, p.OrganizationID, p.OrganizationRole, "project:read"})
	if got.Code != want.Code || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") || got.Body.String() != want.Body.String() {
		t.Fatalf("permitted = %d %q %s; c.JSON: %d %q %s", got.Code, got.Header().Get("Content-Type"), got.Body,
			want.Code, want.Header().Get("Content-Type"), want.Body)
	}
}

// BenchmarkWhoami is the demo handler's encoding: appendJSON against the
// c.JSON it replaced.
//
//	go test ./examples/server -run '^$' -bench Whoami -benchmem
func BenchmarkWhoami(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	for _, h := range []struct {
		name string
		f    gin.HandlerFunc
	}{{"append", whoami}, {"c.JSON", whoamiJSON}} {
		b.Run(h.name, func(b *testing.B) {
			r := gin.New()
			r.GET("/api/whoami", func(c *gin.Context) { c.Set("fastauth.principal", testPrincipal) }, h.f)
			req := httptest.NewRequest(http.MethodGet, "/api/whoami", nil)
			w := &discardWriter{h: make(http.Header)}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				r.ServeHTTP(w, req)
			}
		})
	}
}

// discardWriter is a reusable http.ResponseWriter that drops the body.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}
