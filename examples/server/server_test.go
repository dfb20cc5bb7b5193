package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/store/sqlite"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// testSecret is a valid AUTH_JWT_SECRET for the tests.
var testSecret = strings.Repeat("example-server-test-secret-", 2)

// syncBuffer is an io.Writer that run's logger and the test can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServer is one run of the example server on a free loopback port.
type testServer struct {
	base string      // http://127.0.0.1:PORT
	addr string      // 127.0.0.1:PORT
	out  *syncBuffer // run's log output
	stop func() error
}

var listeningRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServer runs the example server with env (plus a fresh SQLite
// database and ADDR=127.0.0.1:0 unless env sets them) until the test ends
// or stop is called. It waits until the server listens.
func startServer(t *testing.T, env map[string]string) *testServer {
	t.Helper()
	full := map[string]string{
		"ADDR":         "127.0.0.1:0",
		"DATABASE_URL": "sqlite://" + filepath.Join(t.TempDir(), "fastauth.db"),
	}
	for k, v := range env {
		full[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, envMap(full), out) }()

	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(shutdownTimeout + 10*time.Second):
				stopErr = errors.New("run did not return after its context was cancelled")
			}
		})
		return stopErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("stop server: %v\nlog:\n%s", err, out)
		}
	})

	deadline := time.After(60 * time.Second)
	for {
		if m := listeningRE.FindStringSubmatch(out.String()); m != nil {
			return &testServer{base: "http://" + m[1], addr: m[1], out: out, stop: stop}
		}
		select {
		case err := <-done:
			done <- err // let stop see it too
			t.Fatalf("run returned before listening: %v\nlog:\n%s", err, out)
		case <-deadline:
			t.Fatalf("server did not log msg=listening within 60s\nlog:\n%s", out)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// newClient is an HTTP client with its own cookie jar, like one browser.
func newClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

// call sends a JSON request (body may be nil) and decodes a JSON answer
// into out (when non-nil). It returns the status.
func call(t *testing.T, c *http.Client, method, url string, body, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: status %d, body %q is not the expected JSON: %v", method, url, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode
}

// authResponse is the part of ginauth.AuthResponse the tests read.
type authResponse struct {
	User struct {
		ID    string `json:"id"`
		Email string `json:"email"`
	} `json:"user"`
	Organization struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
		Role string `json:"role"`
	} `json:"organization"`
}

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// TestEndToEnd drives the example server like a browser: sign-up, the demo
// routes, refresh, sign-out, then a graceful shutdown.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	srv := startServer(t, map[string]string{"AUTH_JWT_SECRET": testSecret})
	c := newClient(t)

	var health map[string]string
	if got := call(t, c, "GET", srv.base+"/healthz", nil, &health); got != http.StatusOK || health["status"] != "ok" {
		t.Fatalf("GET /healthz = %d %v, want 200 {status: ok}", got, health)
	}

	var e errorBody
	if got := call(t, c, "GET", srv.base+"/api/whoami", nil, &e); got != http.StatusUnauthorized || e.Code == "" {
		t.Fatalf("GET /api/whoami before sign-up = %d %+v, want 401 with a code", got, e)
	}

	var signedUp authResponse
	if got := call(t, c, "POST", srv.base+"/auth/sign-up", map[string]string{"email": "  Ada@Example.com ", "password": "correct horse 1"}, &signedUp); got != http.StatusOK {
		t.Fatalf("POST /auth/sign-up = %d, want 200\nlog:\n%s", got, srv.out)
	}
	if signedUp.User.Email != "ada@example.com" || signedUp.Organization.Kind != "personal" || signedUp.Organization.Role != "owner" {
		t.Fatalf("sign-up answered %+v, want ada@example.com, owner of a personal workspace", signedUp)
	}

	want := whoamiBody{UserID: signedUp.User.ID, Email: "ada@example.com", OrganizationID: signedUp.Organization.ID, OrganizationRole: "owner"}
	for _, path := range []string{"/api/whoami", "/api/admin", "/api/owner"} {
		var got whoamiBody
		if status := call(t, c, "GET", srv.base+path, nil, &got); status != http.StatusOK || got != want {
			t.Errorf("GET %s = %d %+v, want 200 %+v", path, status, got, want)
		}
	}

	var refreshed authResponse
	if got := call(t, c, "POST", srv.base+"/auth/refresh", nil, &refreshed); got != http.StatusOK || refreshed.User.ID != signedUp.User.ID {
		t.Fatalf("POST /auth/refresh = %d %+v, want 200 for the same user", got, refreshed)
	}
	var again whoamiBody
	if got := call(t, c, "GET", srv.base+"/api/whoami", nil, &again); got != http.StatusOK || again != want {
		t.Fatalf("GET /api/whoami after refresh = %d %+v, want 200 %+v", got, again, want)
	}

	if got := call(t, c, "POST", srv.base+"/auth/sign-out", nil, nil); got != http.StatusOK {
		t.Fatalf("POST /auth/sign-out = %d, want 200", got)
	}
	e = errorBody{}
	if got := call(t, c, "GET", srv.base+"/api/whoami", nil, &e); got != http.StatusUnauthorized || e.Code == "" {
		t.Fatalf("GET /api/whoami after sign-out = %d %+v, want 401 with a code", got, e)
	}
	e = errorBody{}
	if got := call(t, c, "POST", srv.base+"/auth/refresh", nil, &e); got != http.StatusUnauthorized {
		t.Fatalf("POST /auth/refresh after sign-out = %d %+v, want 401", got, e)
	}

	// The browser extras: OpenAPI document, Swagger UI, SDK demo page.
	for _, r := range []struct{ path, contains string }{
		{"/openapi.json", `"swagger"`},
		{"/swagger/index.html", "swagger"},
		{"/demo/", "<html"},
	} {
		resp, err := c.Get(srv.base + r.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(strings.ToLower(string(body)), r.contains) {
			t.Errorf("GET %s = %d (%d bytes), want 200 containing %q", r.path, resp.StatusCode, len(body), r.contains)
		}
	}

	// Unknown routes answer the JSON error shape.
	e = errorBody{}
	if got := call(t, c, "GET", srv.base+"/nope", nil, &e); got != http.StatusNotFound || e.Code != "route_not_found" {
		t.Errorf("GET /nope = %d %+v, want 404 route_not_found", got, e)
	}

	// The access log has a line per request, without query strings.
	call(t, c, "GET", srv.base+"/auth/email/confirm?token=do-not-log-this-token", nil, nil)
	log := srv.out.String()
	for _, line := range []string{
		`msg=request method=POST path=/auth/sign-up status=200`,
		`msg=request method=GET path=/api/owner status=200`,
		`msg=request method=GET path=/auth/email/confirm status=`,
	} {
		if !strings.Contains(log, line) {
			t.Errorf("access log lacks %q\nlog:\n%s", line, log)
		}
	}
	for _, secret := range []string{"do-not-log-this-token", testSecret, "correct horse 1"} {
		if strings.Contains(log, secret) {
			t.Errorf("log leaks %q", secret)
		}
	}
	if strings.Contains(log, "AUTH_JWT_SECRET is not set") {
		t.Errorf("warned about a missing secret although AUTH_JWT_SECRET was set")
	}

	// Graceful shutdown: run returns nil, the port closes.
	if err := srv.stop(); err != nil {
		t.Fatalf("shutdown: %v\nlog:\n%s", err, srv.out)
	}
	if !strings.Contains(srv.out.String(), "msg=stopped") {
		t.Errorf("no msg=stopped line after shutdown\nlog:\n%s", srv.out)
	}
	if conn, err := net.DialTimeout("tcp", srv.addr, time.Second); err == nil {
		conn.Close()
		t.Errorf("%s still accepts connections after shutdown", srv.addr)
	}
}

// TestEmailConfirmationThroughOutbox runs the confirmation flow with
// AUTH_REQUIRE_EMAIL_CONFIRMATION and MAIL_OUTBOX: the link in the outbox
// is built on the default APP_BASE_URL (http://ADDR), opens the pages'
// confirmation page, and the account is confirmed by its button's POST.
func TestEmailConfirmationThroughOutbox(t *testing.T) {
	t.Parallel()
	outbox := filepath.Join(t.TempDir(), "outbox.jsonl")
	srv := startServer(t, map[string]string{
		"AUTH_JWT_SECRET":                 testSecret,
		"AUTH_REQUIRE_EMAIL_CONFIRMATION": "true",
		"MAIL_OUTBOX":                     outbox,
	})
	c := newClient(t)
	creds := map[string]string{"email": "lin@example.com", "password": "confirm me 42"}

	if got := call(t, c, "POST", srv.base+"/auth/sign-up", creds, nil); got != http.StatusOK {
		t.Fatalf("POST /auth/sign-up = %d, want 200\nlog:\n%s", got, srv.out)
	}
	if got := call(t, c, "GET", srv.base+"/api/whoami", nil, nil); got != http.StatusUnauthorized {
		t.Fatalf("GET /api/whoami after an unconfirmed sign-up = %d, want 401 (no cookies yet)", got)
	}
	var e errorBody
	if got := call(t, c, "POST", srv.base+"/auth/sign-in", creds, &e); got != http.StatusForbidden || e.Code != "email_not_confirmed" {
		t.Fatalf("POST /auth/sign-in before confirming = %d %+v, want 403 email_not_confirmed", got, e)
	}

	type outboxLine struct {
		To, Subject, Kind, Link, Token, Text string
	}
	var mail outboxLine
	waitUntil(t, 30*time.Second, func() bool {
		raw, err := os.ReadFile(outbox)
		if err != nil {
			return false
		}
		for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			var m outboxLine
			if json.Unmarshal([]byte(line), &m) == nil && m.Kind == "email_confirm" && m.To == "lin@example.com" {
				mail = m
				return true
			}
		}
		return false
	})
	// AUTH_UI (default on): the link opens the confirmation page, which
	// confirms on a button press (a POST), never on GET.
	if wantPrefix := srv.base + "/auth/ui/confirm-email?token="; !strings.HasPrefix(mail.Link, wantPrefix) || mail.Token == "" {
		t.Fatalf("confirmation mail link %q (token %q), want it to start with %q", mail.Link, mail.Token, wantPrefix)
	}
	res, err := c.Get(mail.Link)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET confirmation link = %d %s, want a 200 page", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if got := call(t, c, "POST", srv.base+"/auth/sign-in", creds, nil); got != http.StatusForbidden {
		t.Fatalf("POST /auth/sign-in after only opening the link = %d, want 403", got)
	}
	if got := call(t, c, "POST", srv.base+"/auth/email/confirm", map[string]string{"token": mail.Token}, nil); got != http.StatusOK {
		t.Fatalf("POST /auth/email/confirm = %d, want 200", got)
	}
	if got := call(t, c, "POST", srv.base+"/auth/sign-in", creds, nil); got != http.StatusOK {
		t.Fatalf("POST /auth/sign-in after confirming = %d, want 200", got)
	}
	var who whoamiBody
	if got := call(t, c, "GET", srv.base+"/api/whoami", nil, &who); got != http.StatusOK || who.Email != "lin@example.com" {
		t.Fatalf("GET /api/whoami = %d %+v, want 200 for lin@example.com", got, who)
	}
	if strings.Contains(srv.out.String(), mail.Token) {
		t.Errorf("the log leaks the confirmation token")
	}
}

// TestRateLimitAndClientIP checks AUTH_RATE_LIMIT_PER_IP (a limit, and 0
// for none) and TRUSTED_PROXIES: without trusted proxies X-Forwarded-For
// is ignored, so a client cannot pick a fresh rate-limit bucket by
// forging it. The requests carry malformed bodies, so no password hashing
// slows the test down; the limit applies before the body is read.
func TestRateLimitAndClientIP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		// requests is how many sign-in posts are sent, each with a
		// different forged X-Forwarded-For. The first limitedFrom must
		// pass; at least one after them must get 429 (-1: none may). The
		// bucket refills while the requests run, so later ones may pass
		// again.
		requests, limitedFrom int
		// loggedIP is the client_ip the access log must show.
		loggedIP string
	}{
		{"limit 2", map[string]string{"AUTH_RATE_LIMIT_PER_IP": "2"}, 4, 2, "127.0.0.1"},
		{"default 60", nil, 90, 60, "127.0.0.1"},
		{"0 turns it off", map[string]string{"AUTH_RATE_LIMIT_PER_IP": "0"}, 70, -1, "127.0.0.1"},
		{"trusted proxy", map[string]string{"AUTH_RATE_LIMIT_PER_IP": "2", "TRUSTED_PROXIES": "127.0.0.1"}, 4, -1, "203.0.113.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"AUTH_JWT_SECRET": testSecret}
			for k, v := range tt.env {
				env[k] = v
			}
			srv := startServer(t, env)
			limited := 0
			for i := range tt.requests {
				req, err := http.NewRequest("POST", srv.base+"/auth/sign-in", strings.NewReader("not json"))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var e errorBody
				json.NewDecoder(resp.Body).Decode(&e)
				resp.Body.Close()
				mayBeLimited := tt.limitedFrom >= 0 && i >= tt.limitedFrom
				switch {
				case resp.StatusCode == http.StatusBadRequest:
				case mayBeLimited && resp.StatusCode == http.StatusTooManyRequests:
					if e.Code != "rate_limited" || resp.Header.Get("Retry-After") == "" {
						t.Fatalf("request %d = 429 %+v (Retry-After %q), want code rate_limited with Retry-After", i, e, resp.Header.Get("Retry-After"))
					}
					limited++
				default:
					t.Fatalf("request %d = %d %+v, want 400 (malformed body, not rate limited)", i, resp.StatusCode, e)
				}
			}
			if tt.limitedFrom >= 0 && limited == 0 {
				t.Errorf("none of %d requests was rate limited", tt.requests)
			}
			if want := "client_ip=" + tt.loggedIP; !strings.Contains(srv.out.String(), want) {
				t.Errorf("access log lacks %s\nlog:\n%s", want, srv.out)
			}
		})
	}
}

// TestTrustedOrigins checks AUTH_TRUSTED_ORIGINS: a cookie-authenticated
// cross-site write is refused unless its origin is listed.
func TestTrustedOrigins(t *testing.T) {
	t.Parallel()
	srv := startServer(t, map[string]string{"AUTH_JWT_SECRET": testSecret, "AUTH_TRUSTED_ORIGINS": "https://app.example.com"})
	c := newClient(t)
	if got := call(t, c, "POST", srv.base+"/auth/sign-up", map[string]string{"email": "cors@example.com", "password": "origin test 7"}, nil); got != http.StatusOK {
		t.Fatalf("POST /auth/sign-up = %d, want 200", got)
	}
	signOutFrom := func(origin string) (int, errorBody) {
		req, err := http.NewRequest("POST", srv.base+"/auth/sign-out", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e errorBody
		json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e
	}
	if got, e := signOutFrom("https://evil.example.com"); got != http.StatusForbidden || e.Code != "forbidden" {
		t.Errorf("sign-out from an untrusted origin = %d %+v, want 403 forbidden", got, e)
	}
	if got, e := signOutFrom("https://app.example.com"); got != http.StatusOK {
		t.Errorf("sign-out from the trusted origin = %d %+v, want 200", got, e)
	}
}

// TestSecureCookies checks AUTH_COOKIE_SECURE=true: both auth cookies carry
// the Secure attribute. (Without it, TestEndToEnd's cookie jar could not
// send them over plain HTTP.)
func TestSecureCookies(t *testing.T) {
	t.Parallel()
	srv := startServer(t, map[string]string{"AUTH_JWT_SECRET": testSecret, "AUTH_COOKIE_SECURE": "true", "LOG_REQUESTS": "false"})
	body := strings.NewReader(`{"email":"secure@example.com","password":"secure cookie 9"}`)
	resp, err := http.Post(srv.base+"/auth/sign-up", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /auth/sign-up = %d, want 200", resp.StatusCode)
	}
	cookies := resp.Cookies()
	if len(cookies) != 2 {
		t.Fatalf("sign-up set %d cookies, want 2 (access and refresh)", len(cookies))
	}
	for _, c := range cookies {
		if !c.Secure || !c.HttpOnly {
			t.Errorf("cookie %s: Secure=%v HttpOnly=%v, want both", c.Name, c.Secure, c.HttpOnly)
		}
	}
}

// TestMailsInTheLog: without MAIL_OUTBOX the server says at startup that
// mails go to its log with their live links, and a password-reset mail
// then appears there with a link to the reset page (AUTH_UI) whose token
// works (the zero-setup flow).
func TestMailsInTheLog(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	if log := srv.out.String(); !strings.Contains(log, "level=WARN") || !strings.Contains(log, "MAIL_OUTBOX is not set") || !strings.Contains(log, "live links") {
		t.Fatalf("no startup warning about mails in the log\nlog:\n%s", log)
	}
	c := newClient(t)
	if got := call(t, c, "POST", srv.base+"/auth/sign-up", map[string]string{"email": "ada@example.com", "password": "lovelace1815"}, nil); got != http.StatusOK {
		t.Fatalf("sign-up = %d\nlog:\n%s", got, srv.out)
	}
	if got := call(t, c, "POST", srv.base+"/auth/password/forgot", map[string]string{"email": "ada@example.com"}, nil); got != http.StatusOK {
		t.Fatalf("forgot = %d", got)
	}
	linkRE := regexp.MustCompile(`level=INFO msg="fastauth: mail \(log mailer, not delivered\)".*link="?` + regexp.QuoteMeta(srv.base) + `/auth/ui/reset-password\?token=([0-9a-f]{64})`)
	deadline := time.Now().Add(10 * time.Second)
	var m []string
	for m == nil {
		if time.Now().After(deadline) {
			t.Fatalf("no reset link in the log\nlog:\n%s", srv.out)
		}
		time.Sleep(10 * time.Millisecond)
		m = linkRE.FindStringSubmatch(srv.out.String())
	}
	if got := call(t, newClient(t), "POST", srv.base+"/auth/password/reset", map[string]string{"token": m[1], "password": "babbage1791"}, nil); got != http.StatusOK {
		t.Fatalf("reset with the logged token = %d", got)
	}
}

// TestRandomSecretAndQuietLog starts without AUTH_JWT_SECRET (a warning, a
// working server) and with LOG_REQUESTS=false (no access-log lines).
func TestRandomSecretAndQuietLog(t *testing.T) {
	t.Parallel()
	srv := startServer(t, map[string]string{"LOG_REQUESTS": "false"})
	c := newClient(t)
	if got := call(t, c, "POST", srv.base+"/auth/sign-up", map[string]string{"email": "grace@example.com", "password": "hopper1906"}, nil); got != http.StatusOK {
		t.Fatalf("POST /auth/sign-up = %d, want 200\nlog:\n%s", got, srv.out)
	}
	var who whoamiBody
	if got := call(t, c, "GET", srv.base+"/api/whoami", nil, &who); got != http.StatusOK || who.Email != "grace@example.com" {
		t.Fatalf("GET /api/whoami = %d %+v, want 200 for grace@example.com", got, who)
	}
	log := srv.out.String()
	if !strings.Contains(log, "level=WARN") || !strings.Contains(log, "AUTH_JWT_SECRET is not set") {
		t.Errorf("no warning about the random secret\nlog:\n%s", log)
	}
	if strings.Contains(log, "msg=request ") {
		t.Errorf("LOG_REQUESTS=false still logs requests\nlog:\n%s", log)
	}
}

// TestRunRejectsInvalidEnv checks that run fails fast, naming the variable,
// before it opens a database or listens.
func TestRunRejectsInvalidEnv(t *testing.T) {
	t.Parallel()
	dbPath := filepath.Join(t.TempDir(), "never.db")
	tests := []struct {
		name, key, value string
	}{
		{"short secret", "AUTH_JWT_SECRET", "too-short"},
		{"bad duration", "AUTH_ACCESS_TTL", "fifteen minutes"},
		{"bad bool", "AUTH_COOKIE_SECURE", "sometimes"},
		{"bad rate", "AUTH_RATE_LIMIT_PER_IP", "-5"},
		{"outbox in a missing directory", "MAIL_OUTBOX", filepath.Join(dbPath, "no", "such", "outbox.jsonl")},
		{"bad token alg", "AUTH_TOKEN_ALG", "HS512"},
		{"short MFA key", "AUTH_MFA_KEY", "c2hvcnQ="},
		{"MFA key not base64", "AUTH_MFA_KEY", "not base64!"},
		{"bad MFA switch", "AUTH_MFA", "maybe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": "sqlite://" + dbPath, tt.key: tt.value}
			var out syncBuffer
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := run(ctx, envMap(env), &out)
			if err == nil || !strings.Contains(err.Error(), tt.key) {
				t.Fatalf("run with %s=%q = %v, want an error naming %s", tt.key, tt.value, err, tt.key)
			}
			if strings.Contains(out.String(), "msg=listening") {
				t.Errorf("run listened despite the invalid env")
			}
		})
	}
	if _, err := os.Stat(dbPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("run created the database despite invalid env (stat: %v)", err)
	}
}

// TestRunReportsUnusableDatabase checks that an unreachable or unknown
// database makes run return an error, with the password redacted.
func TestRunReportsUnusableDatabase(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	env := map[string]string{
		"ADDR":            "127.0.0.1:0",
		"AUTH_JWT_SECRET": testSecret,
		"DATABASE_URL":    "nosuchdb://user:hunter2@127.0.0.1:1/app",
	}
	var out syncBuffer
	err := run(ctx, envMap(env), &out)
	if err == nil {
		t.Fatal("run with an unknown database scheme succeeded")
	}
	if !strings.Contains(err.Error(), "DATABASE_URL") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %q should name DATABASE_URL and hide the password", err)
	}
}

// TestHealthzUnavailable checks that /healthz answers 503 once the database
// stops answering.
func TestHealthzUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "health.db"))
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	r := gin.New()
	r.GET("/healthz", healthz(sqlDB, newLogger(&out)))

	get := func() (int, string) {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
		return w.Code, w.Body.String()
	}
	if code, body := get(); code != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
		t.Fatalf("healthy: %d %s, want 200 ok", code, body)
	}
	if err := sqlDB.Close(); err != nil {
		t.Fatal(err)
	}
	if code, body := get(); code != http.StatusServiceUnavailable || !strings.Contains(body, `"status":"unavailable"`) {
		t.Fatalf("database closed: %d %s, want 503 unavailable", code, body)
	}
}

// TestRecoveryHidesPanics checks that a panicking handler gives a 500 JSON
// error without detail, and that the log has the panic but no cookies.
func TestRecoveryHidesPanics(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	log := newLogger(&out)
	r := gin.New()
	r.Use(accessLog(log), recovery(log))
	r.GET("/boom", func(*gin.Context) { panic("kaboom detail") })

	w := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/boom", nil)
	req.Header.Set("Cookie", "access_token=secret-cookie-value")
	r.ServeHTTP(w, req)

	var e errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || w.Code != http.StatusInternalServerError || e.Code != "internal_error" {
		t.Fatalf("panic answered %d %q, want 500 internal_error", w.Code, w.Body)
	}
	if strings.Contains(w.Body.String(), "kaboom") {
		t.Errorf("response leaks the panic value: %s", w.Body)
	}
	logged := out.String()
	if !strings.Contains(logged, "kaboom detail") || !strings.Contains(logged, "status=500") {
		t.Errorf("log lacks the panic or the 500 access line:\n%s", logged)
	}
	if strings.Contains(logged, "secret-cookie-value") {
		t.Errorf("log leaks the cookie:\n%s", logged)
	}
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{"127.0.0.1:8080": true, "[::1]:8080": true, "0.0.0.0:8080": false, "[::]:8080": false, "192.0.2.1:80": false} {
		addr, err := net.ResolveTCPAddr("tcp", in)
		if err != nil {
			t.Fatal(err)
		}
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%s) = %v, want %v", in, got, want)
		}
	}
}

func TestBrowsableAddr(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"127.0.0.1:8080", "127.0.0.1:8080"},
		{"0.0.0.0:8080", "localhost:8080"},
		{"[::]:8080", "localhost:8080"},
		{"[::1]:8080", "[::1]:8080"},
	}
	for _, tt := range tests {
		addr, err := net.ResolveTCPAddr("tcp", tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := browsableAddr(addr); got != tt.want {
			t.Errorf("browsableAddr(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// waitUntil polls cond until it holds or timeout passes.
func waitUntil(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSigningKeyFile: AUTH_TOKEN_ALG with AUTH_SIGNING_KEY_FILE signs with
// the file's first key and publishes the file's keys; without a file a
// key is generated with a warning; a missing, malformed or mismatched file
// stops run with an error naming AUTH_SIGNING_KEY_FILE and no key material.
func TestSigningKeyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, algs ...signingkey.Algorithm) (string, []*signingkey.Key) {
		var pem []byte
		var keys []*signingkey.Key
		for _, alg := range algs {
			k, err := signingkey.Generate(alg)
			if err != nil {
				t.Fatal(err)
			}
			p, err := k.MarshalPEM()
			if err != nil {
				t.Fatal(err)
			}
			pem, keys = append(pem, p...), append(keys, k)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pem, 0o600); err != nil {
			t.Fatal(err)
		}
		return path, keys
	}
	path, keys := write("keys.pem", signingkey.EdDSA, signingkey.ES256)
	srv := startServer(t, map[string]string{"AUTH_TOKEN_ALG": "EdDSA", "AUTH_SIGNING_KEY_FILE": path, "AUTH_RATE_LIMIT_PER_IP": "0"})
	c := newClient(t)
	var set signingkey.JWKSet
	if st := call(t, c, http.MethodGet, srv.base+"/auth/.well-known/jwks.json", nil, &set); st != http.StatusOK {
		t.Fatalf("jwks: %d", st)
	}
	if len(set.Keys) != 2 || set.Keys[0] != keys[0].JWK() || set.Keys[1] != keys[1].JWK() {
		t.Fatalf("JWK Set %+v, want the file's two keys in order", set)
	}
	body := map[string]string{"email": "keys@example.com", "password": "correct-horse-42"}
	if st := call(t, c, http.MethodPost, srv.base+"/auth/sign-up", body, nil); st != http.StatusOK {
		t.Fatalf("sign-up: %d", st)
	}
	if st := call(t, c, http.MethodGet, srv.base+"/api/whoami", nil, nil); st != http.StatusOK {
		t.Fatalf("whoami with an EdDSA token: %d", st)
	}

	gen := startServer(t, map[string]string{"AUTH_TOKEN_ALG": "ES256"})
	if !strings.Contains(gen.out.String(), "AUTH_SIGNING_KEY_FILE is not set") {
		t.Errorf("no warning about the generated key:\n%s", gen.out)
	}
	if st := call(t, newClient(t), http.MethodGet, gen.base+"/auth/.well-known/jwks.json", nil, &set); st != http.StatusOK || len(set.Keys) != 1 || set.Keys[0].Algorithm != signingkey.ES256 {
		t.Errorf("generated key: %d %+v", st, set)
	}

	mismatched, _ := write("es.pem", signingkey.ES256)
	junk := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(junk, []byte("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LW1hdGVyaWFs\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, file := range map[string]string{"missing": filepath.Join(dir, "none.pem"), "junk": junk, "ES256 key for EdDSA": mismatched} {
		env := map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": "sqlite://" + filepath.Join(t.TempDir(), "x.db"), "AUTH_TOKEN_ALG": "EdDSA", "AUTH_SIGNING_KEY_FILE": file}
		var out syncBuffer
		err := run(t.Context(), envMap(env), &out)
		if err == nil || !strings.Contains(err.Error(), "AUTH_SIGNING_KEY_FILE") || strings.Contains(err.Error(), "c2VjcmV0") {
			t.Errorf("%s: run = %v, want an error naming AUTH_SIGNING_KEY_FILE without key material", name, err)
		}
	}
}
