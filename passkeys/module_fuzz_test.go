package passkeys_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/internal/webauthntest"
	"github.com/fastauth/fastauth/mfa"
	"github.com/fastauth/fastauth/passkeys"
)

// moduleFuzzRoutes are the module's routes that take a JSON body ({id} is
// the fuzz user's passkey).
var moduleFuzzRoutes = []struct{ method, path string }{
	{"POST", "/auth/passkeys/register"}, {"POST", "/auth/passkeys/sign-in"}, {"PATCH", "/auth/passkeys/{id}"},
	{"POST", "/auth/mfa/passkey/options"}, {"POST", "/auth/mfa/verify"},
}

// moduleFuzzServer is ginauth with the mfa and passkeys modules on SQLite:
// a user with a passkey, its cookies (aal 2, from a passkey sign-in), live
// ceremonies of every kind, a live mfa_token and a valid assertion.
type moduleFuzzServer struct {
	engine  *gin.Engine
	cookies []*http.Cookie
	vars    *strings.Replacer
}

func (s *moduleFuzzServer) do(method, path string, body []byte, cookies []*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://fastauth.test"+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = "198.51.100.7:1234"
	for _, c := range cookies {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	s.engine.ServeHTTP(w, req)
	return w
}

// options posts to an options route and returns the ceremony_id and options.
func (s *moduleFuzzServer) options(f testing.TB, path string, body []byte, cookies []*http.Cookie) (string, []byte) {
	f.Helper()
	w := s.do("POST", path, body, cookies)
	var o struct {
		CeremonyID string          `json:"ceremony_id"`
		Options    json.RawMessage `json:"options"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &o); err != nil || w.Code != http.StatusOK {
		f.Fatalf("%s: %d %s", path, w.Code, w.Body)
	}
	return o.CeremonyID, o.Options
}

func newModuleFuzzServer(f testing.TB) *moduleFuzzServer {
	f.Helper()
	st := testdb.Store(f, testdb.SQLite(f))
	if err := st.MFA().Migrate(f.Context()); err != nil {
		f.Fatal(err)
	}
	if err := st.Passkeys().Migrate(f.Context()); err != nil {
		f.Fatal(err)
	}
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	second := mfa.NewModule(mfa.Config{Issuer: "fuzz", Key: make([]byte, mfa.KeySize)}, st.MFA())
	cfg := passkeys.Config{RPID: "localhost", RPDisplayName: "fuzz", Origins: []string{"http://localhost:8080"}}
	auth, err := ginauth.Register(r, ginauth.Config{
		Secret:    []byte("fuzz-secret-fuzz-secret-fuzz-secret!"),
		Argon2:    ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		Cookie:    ginauth.CookieConfig{Insecure: true},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		RateLimit: ginauth.RateLimitConfig{Disabled: true},
		Now:       func() time.Time { return now },
		Modules:   []ginauth.Module{second, passkeys.NewModule(cfg, st.Passkeys(), second)},
	}, st)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = auth.Close() })
	s := &moduleFuzzServer{engine: r}
	a := webauthntest.New(webauthntest.Config{Origin: "http://localhost:8080"})
	creds := []byte(`{"email":"fuzz@example.com","password":"correct-horse-42"}`)
	w := s.do("POST", "/auth/sign-up", creds, nil)
	if w.Code != http.StatusOK {
		f.Fatalf("sign-up: %d %s", w.Code, w.Body)
	}
	up := w.Result().Cookies()
	id, opts := s.options(f, "/auth/passkeys/register/options", nil, up)
	cred, err := a.Create(opts)
	if err != nil {
		f.Fatal(err)
	}
	w = s.do("POST", "/auth/passkeys/register", []byte(`{"ceremony_id":"`+id+`","credential":`+string(cred)+`}`), up)
	var p struct{ ID string }
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || w.Code != http.StatusCreated {
		f.Fatalf("register: %d %s", w.Code, w.Body)
	}
	id, opts = s.options(f, "/auth/passkeys/sign-in/options", nil, nil)
	if cred, err = a.Get(opts); err != nil {
		f.Fatal(err)
	}
	if w = s.do("POST", "/auth/passkeys/sign-in", []byte(`{"ceremony_id":"`+id+`","credential":`+string(cred)+`}`), nil); w.Code != http.StatusOK {
		f.Fatalf("passkey sign-in: %d %s", w.Code, w.Body)
	}
	s.cookies = w.Result().Cookies()
	var challenge struct {
		MFAToken string `json:"mfa_token"`
	}
	w = s.do("POST", "/auth/sign-in", creds, nil)
	if err := json.Unmarshal(w.Body.Bytes(), &challenge); err != nil || w.Code != http.StatusForbidden {
		f.Fatalf("sign-in: %d %s", w.Code, w.Body)
	}
	reg, _ := s.options(f, "/auth/passkeys/register/options", nil, s.cookies)
	signIn, opts := s.options(f, "/auth/passkeys/sign-in/options", nil, nil)
	if cred, err = a.Get(opts); err != nil {
		f.Fatal(err)
	}
	sf, _ := s.options(f, "/auth/mfa/passkey/options", []byte(`{"mfa_token":"`+challenge.MFAToken+`"}`), nil)
	s.vars = strings.NewReplacer("$ID", p.ID, "$REG", reg, "$SIGNIN", signIn, "$SF", sf, "$TOKEN", challenge.MFAToken, "$CRED", string(cred))
	return s
}

// FuzzModuleBodies sends fuzzed JSON bodies to the module's routes, with
// and without the session's cookies; $REG, $SIGNIN and $SF in a body become
// live ceremony ids, $TOKEN the live mfa_token, $CRED a valid assertion,
// $ID the passkey's id. The invariant: never a 5xx (nor a panic), only
// the statuses the routes document, and every error is exactly
// {"code","message"}.
func FuzzModuleBodies(f *testing.F) {
	seeds := []struct {
		route  uint8
		body   string
		cookie bool
	}{
		{0, `{"ceremony_id":"$REG","credential":$CRED}`, true},
		{0, `{"ceremony_id":"$REG","name":"x","credential":{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"}}}`, true},
		{1, `{"ceremony_id":"$SIGNIN","credential":$CRED}`, false},
		{1, `{"ceremony_id":"$SIGNIN","credential":{"id":"!","response":{"authenticatorData":"AAAA"}}}`, false},
		{1, `{"ceremony_id":1,"credential":null}`, false},
		{2, `{"name":"Laptop"}`, true},
		{2, `{"name":"\u202e"}`, true},
		{3, `{"mfa_token":"$TOKEN"}`, false},
		{3, `{"mfa_token":"mfa_0"}`, false},
		{4, `{"mfa_token":"$TOKEN","ceremony_id":"$SF","credential":$CRED}`, false},
		{4, `{"mfa_token":"$TOKEN","ceremony_id":"$SF","credential":"AAAA"}`, false},
		{4, `{"mfa_token":"$TOKEN","code":"123456","ceremony_id":"$SF"}`, false},
		{0, `[]`, true},
	}
	for _, s := range seeds {
		f.Add(s.route, s.body, s.cookie)
	}
	s := newModuleFuzzServer(f)
	allowed := map[int]bool{200: true, 201: true, 400: true, 401: true, 403: true, 404: true, 409: true, 413: true, 415: true, 429: true}
	f.Fuzz(func(t *testing.T, route uint8, body string, cookie bool) {
		rt := moduleFuzzRoutes[int(route)%len(moduleFuzzRoutes)]
		var cookies []*http.Cookie
		if cookie {
			cookies = s.cookies
		}
		path := s.vars.Replace(rt.path)
		w := s.do(rt.method, path, []byte(s.vars.Replace(body)), cookies)
		if !allowed[w.Code] {
			t.Fatalf("%s %s %q: status %d %s", rt.method, path, body, w.Code, w.Body)
		}
		if w.Code >= 400 {
			var e map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || len(e) != 2 || e["code"] == "" || e["message"] == "" {
				t.Fatalf("%s %s %q: %d body %s, want exactly {code,message}", rt.method, path, body, w.Code, w.Body)
			}
		}
	})
}
