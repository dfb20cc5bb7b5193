package mfa_test

import (
	"bytes"
	"context"
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
	"github.com/fastauth/fastauth/mfa"
	"github.com/fastauth/fastauth/store/sqlite"
)

// fuzzRoutes are the module's routes that take a JSON body.
var fuzzRoutes = []string{"/auth/mfa/verify", "/auth/mfa/step-up", "/auth/mfa/totp/enable", "/auth/mfa/totp/disable", "/auth/mfa/recovery-codes", "/auth/mfa/totp/setup"}

// fuzzServer is ginauth with the mfa module on SQLite, a user with TOTP
// on, its cookies and a live mfa_token, at a fixed time.
type fuzzServer struct {
	engine  *gin.Engine
	cookies []*http.Cookie
	token   string
}

func (s *fuzzServer) do(path string, body []byte, cookies []*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "http://fastauth.test"+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = "198.51.100.7:1234"
	for _, c := range cookies {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	s.engine.ServeHTTP(w, req)
	return w
}

func newFuzzServer(f *testing.F) *fuzzServer {
	db, err := sqlite.Open(context.Background(), f.TempDir()+"/f.db")
	if err != nil {
		f.Fatal(err)
	}
	st := testdb.Store(f, db)
	if err := st.MFA().Migrate(context.Background()); err != nil {
		f.Fatal(err)
	}
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	auth, err := ginauth.Register(r, ginauth.Config{
		Secret:    []byte("fuzz-secret-fuzz-secret-fuzz-secret!"),
		Argon2:    ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		Cookie:    ginauth.CookieConfig{Insecure: true},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		RateLimit: ginauth.RateLimitConfig{Disabled: true},
		Now:       func() time.Time { return now },
		Modules:   []ginauth.Module{mfa.NewModule(mfa.Config{Issuer: "fuzz", Key: make([]byte, mfa.KeySize)}, st.MFA())},
	}, st)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = auth.Close() })
	s := &fuzzServer{engine: r}
	creds := []byte(`{"email":"fuzz@example.com","password":"correct-horse-42"}`)
	w := s.do("/auth/sign-up", creds, nil)
	if w.Code != http.StatusOK {
		f.Fatalf("sign-up: %d %s", w.Code, w.Body)
	}
	s.cookies = w.Result().Cookies()
	var setup struct{ Secret string }
	w = s.do("/auth/mfa/totp/setup", nil, s.cookies)
	if err := json.Unmarshal(w.Body.Bytes(), &setup); err != nil || w.Code != http.StatusOK {
		f.Fatalf("setup: %d %s", w.Code, w.Body)
	}
	code, err := mfa.TOTPCode(setup.Secret, now)
	if err != nil {
		f.Fatal(err)
	}
	if w = s.do("/auth/mfa/totp/enable", []byte(`{"code":"`+code+`"}`), s.cookies); w.Code != http.StatusOK {
		f.Fatalf("enable: %d %s", w.Code, w.Body)
	}
	var challenge struct {
		MFAToken string `json:"mfa_token"`
	}
	w = s.do("/auth/sign-in", creds, nil)
	if err := json.Unmarshal(w.Body.Bytes(), &challenge); err != nil || w.Code != http.StatusForbidden {
		f.Fatalf("sign-in: %d %s", w.Code, w.Body)
	}
	s.token = challenge.MFAToken
	return s
}

// FuzzBodies sends fuzzed JSON bodies to the module's routes, with and
// without the session's cookies; "$TOKEN" in a body becomes the live
// mfa_token. The invariant: never a 5xx (nor a panic), only the statuses
// the routes document, and every error is exactly {"code","message"}.
func FuzzBodies(f *testing.F) {
	seeds := []struct {
		route  uint8
		body   string
		cookie bool
	}{
		{0, `{"mfa_token":"$TOKEN","code":"123456"}`, false},
		{0, `{"mfa_token":"$TOKEN","code":"abcde-fghij"}`, false},
		{0, `{"mfa_token":"$TOKEN","code":""}`, false},
		{0, `{"mfa_token":"mfa_00","code":"123 456"}`, false},
		{0, `{"mfa_token":null,"code":1}`, false},
		{1, `{"code":"123456"}`, true},
		{1, `{"code":"ABCDE FGHIJ"}`, true},
		{2, `{"code":"000000"}`, true},
		{3, `{"code":"` + strings.Repeat("9", 70) + `"}`, true},
		{4, `{"code":"aaaaa-bbbbb"}`, true},
		{5, ``, true},
		{1, `{"code":"123456","x":1}`, true},
		{0, `[]`, false},
		{2, `{"code":"１２３４５６"}`, true},
	}
	for _, s := range seeds {
		f.Add(s.route, s.body, s.cookie)
	}
	s := newFuzzServer(f)
	allowed := map[int]bool{200: true, 400: true, 401: true, 403: true, 409: true, 413: true, 415: true, 429: true}
	f.Fuzz(func(t *testing.T, route uint8, body string, cookie bool) {
		path := fuzzRoutes[int(route)%len(fuzzRoutes)]
		var cookies []*http.Cookie
		if cookie {
			cookies = s.cookies
		}
		w := s.do(path, []byte(strings.ReplaceAll(body, "$TOKEN", s.token)), cookies)
		if !allowed[w.Code] {
			t.Fatalf("POST %s %q: status %d %s", path, body, w.Code, w.Body)
		}
		if w.Code >= 400 {
			var e map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || len(e) != 2 || e["code"] == "" || e["message"] == "" {
				t.Fatalf("POST %s %q: %d body %s, want exactly {code,message}", path, body, w.Code, w.Body)
			}
		}
	})
}
