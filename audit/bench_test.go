package audit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/conformance"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/webhook"
)

// BenchmarkAuditWrites is the latency of two changing requests, in
// process on SQLite, without the audit module, with it, and with it and
// one webhook endpoint (the worker not running: the request's cost
// only). Sign-up uses the conformance harness's cheap argon2id settings,
// so that the hash does not drown the writes.
//
//	go test ./audit -run '^$' -bench AuditWrites -benchmem
func BenchmarkAuditWrites(b *testing.B) {
	variants := []struct {
		name string
		cfg  *audit.ModuleConfig
	}{
		{"without", nil},
		{"module", &audit.ModuleConfig{NoBackground: true}},
		{"module-webhook", &audit.ModuleConfig{NoBackground: true, Endpoints: []audit.Endpoint{{
			ID: "bench", URL: "https://hooks.example.com/fastauth", Secrets: []webhook.Secret{webhook.GenerateSecret()},
		}}}},
	}
	for _, route := range []string{"sign-up", "member-change"} {
		for _, v := range variants {
			b.Run(route+"/"+v.name, func(b *testing.B) {
				s := newBenchServer(b, v.cfg)
				switch route {
				case "sign-up":
					n := 0
					s.loop(b, func() *http.Request {
						n++
						return s.request(http.MethodPost, "/sign-up", "", map[string]string{"email": fmt.Sprintf("bench-%d@example.com", n), "password": conformance.Password})
					}, http.StatusOK)
				case "member-change":
					owner, _ := s.signUp(b, "owner@example.com")
					var org conformance.MemberBody
					s.do(b, http.MethodPost, "/organizations", owner, map[string]string{"name": "Bench Ltd"}, http.StatusCreated, &org)
					var inv conformance.InviteBody
					orgPath := "/organizations/" + org.Organization.ID
					s.do(b, http.MethodPost, orgPath+"/invites", owner, map[string]string{"email": "member@example.com", "role": "member"}, http.StatusCreated, &inv)
					member, memberID := s.signUp(b, "member@example.com")
					s.do(b, http.MethodPost, "/organizations/invites/accept", member, map[string]string{"token": inv.Token}, http.StatusOK, nil)
					roles := [2]string{"admin", "member"}
					n := 0
					s.loop(b, func() *http.Request {
						n++
						return s.request(http.MethodPatch, orgPath+"/members/"+memberID, owner, map[string]string{"role": roles[n%2]})
					}, http.StatusOK)
				}
			})
		}
	}
}

// benchServer is the kernel (with the audit module when configured) on
// a fresh SQLite database, served in process.
type benchServer struct {
	engine *gin.Engine
	base   string
}

func newBenchServer(b *testing.B, cfg *audit.ModuleConfig) *benchServer {
	b.Helper()
	st := testdb.Store(b, testdb.SQLite(b))
	c := ginauth.Config{
		Secret:     bytes.Repeat([]byte("k"), 32),
		Argon2:     ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		Cookie:     ginauth.CookieConfig{Insecure: true},
		Mailer:     &conformance.Mailbox{},
		Logger:     slog.New(slog.DiscardHandler),
		RateLimit:  ginauth.RateLimitConfig{Disabled: true},
		AppBaseURL: "http://app.example",
	}
	if cfg != nil {
		if err := st.Audit().Migrate(b.Context()); err != nil {
			b.Fatal(err)
		}
		mod, err := audit.NewModule(st.Audit(), *cfg)
		if err != nil {
			b.Fatal(err)
		}
		c.Modules = []ginauth.Module{mod}
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	a, err := ginauth.Register(r, c, st)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = a.Close() })
	return &benchServer{engine: r, base: a.Config().BasePath}
}

// request is a JSON request to the auth route path, with the access
// token cookie when token is not empty.
func (s *benchServer) request(method, path, token string, body any) *http.Request {
	data, _ := json.Marshal(body)
	req := httptest.NewRequest(method, "http://app.example"+s.base+path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Cookie", "access_token="+token)
	}
	return req
}

// do serves one request, checks its status and decodes its body into out
// when not nil.
func (s *benchServer) do(b *testing.B, method, path, token string, body any, want int, out any) *httptest.ResponseRecorder {
	b.Helper()
	w := httptest.NewRecorder()
	s.engine.ServeHTTP(w, s.request(method, path, token, body))
	if w.Code != want {
		b.Fatalf("%s %s: %d %s, want %d", method, path, w.Code, w.Body, want)
	}
	if out != nil {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			b.Fatal(err)
		}
	}
	return w
}

// signUp signs email up and returns its access token and user id.
func (s *benchServer) signUp(b *testing.B, email string) (token, userID string) {
	b.Helper()
	var out conformance.AuthResponse
	w := s.do(b, http.MethodPost, "/sign-up", "", map[string]string{"email": email, "password": conformance.Password}, http.StatusOK, &out)
	for _, c := range w.Result().Cookies() {
		if c.Name == "access_token" {
			token = c.Value
		}
	}
	if token == "" {
		b.Fatal("sign-up set no access_token cookie")
	}
	return token, out.User.ID
}

// loop serves a fresh request from next once per iteration and checks
// every status.
func (s *benchServer) loop(b *testing.B, next func() *http.Request, want int) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		req, w := next(), httptest.NewRecorder()
		b.StartTimer()
		s.engine.ServeHTTP(w, req)
		if w.Code != want {
			b.Fatalf("%s %s: %d %s, want %d", req.Method, req.URL.Path, w.Code, w.Body, want)
		}
	}
}
