package faulttest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/store/dburl"
)

const (
	// storeTimeout is the Config.StoreTimeout of the fault tests.
	storeTimeout = time.Second
	// answerBound is how long any request may take while the database is
	// down: the store timeout plus slack for a loaded machine.
	answerBound = storeTimeout + 2*time.Second
	// recoverBound is how long the server may take to serve again once
	// the database is back.
	recoverBound = 10 * time.Second
	password     = "correct-horse-42"
)

// TestMain silences the MySQL driver's own logger, which prints every
// broken connection of the MariaDB crash to stderr.
func TestMain(m *testing.M) {
	_ = mysql.SetLogger(log.New(io.Discard, "", 0))
	os.Exit(m.Run())
}

// TestPostgresOutage runs the outage scenario on a PostgreSQL cluster the
// test starts, crashes (pg_ctl stop -m immediate) and restarts.
func TestPostgresOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test skipped in -short mode")
	}
	outage(t, newPostgres(t))
}

// TestMariaDBOutage runs the outage scenario on a MariaDB server the test
// starts, kills (SIGKILL) and restarts.
func TestMariaDBOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test skipped in -short mode")
	}
	outage(t, newMariaDB(t))
}

// outage: while the database is down, every request that needs the store
// answers 503 store_unavailable (fixed body, Retry-After) within
// answerBound, and cookie-authenticated routes that need no store still
// answer 200; sign-ups cut by a crash leave nothing half-written; once the
// database is back the same server serves again without a restart.
func outage(t *testing.T, srv dbServer) {
	ctx := context.Background()
	db, err := dburl.Open(ctx, srv.url())
	if err != nil {
		t.Fatal(err)
	}
	st := testdb.Store(t, db)
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sqlDB.Close() })

	base := serve(t, st)
	alice := newClient(base)
	expect(t, alice.post("/auth/sign-up", creds("alice@example.com")), http.StatusOK, "")
	expect(t, alice.get("/api/app"), http.StatusOK, "")

	t.Log("crash 1: requests while the database is down")
	srv.crash(t)
	stranger := newClient(base)
	for _, tc := range []struct {
		name string
		do   func() answer
	}{
		{"sign-up", func() answer { return stranger.post("/auth/sign-up", creds("bob@example.com")) }},
		{"sign-in", func() answer { return stranger.post("/auth/sign-in", creds("alice@example.com")) }},
		{"refresh", func() answer { return alice.post("/auth/refresh", "") }},
		{"me", func() answer { return alice.get("/auth/me") }},
		{"sessions", func() answer { return alice.get("/auth/sessions") }},
		{"organizations", func() answer { return alice.get("/auth/organizations") }},
	} {
		a := tc.do()
		t.Logf("%s while down: %d %s in %v", tc.name, a.status, a.body, a.elapsed)
		expectUnavailable(t, tc.name, a, srv.url())
	}
	// The access token is verified without the store: the app keeps
	// serving signed-in users.
	expect(t, alice.get("/api/app"), http.StatusOK, "")

	t.Log("restart 1: the same server recovers")
	srv.start(t)
	// Refresh first: the 503s of the outage must have left the cookies
	// and the session alone.
	recovered(t, "refresh", func() answer { return alice.post("/auth/refresh", "") })
	recovered(t, "me", func() answer { return alice.get("/auth/me") })
	recovered(t, "sign-in", func() answer { return alice.post("/auth/sign-in", creds("alice@example.com")) })
	recovered(t, "sign-up", func() answer { return stranger.post("/auth/sign-up", creds("bob@example.com")) })

	t.Log("freeze: the database hangs (SIGSTOP); answers still come within the store timeout")
	srv.freeze(t)
	hung := []struct {
		name string
		do   func() answer
	}{
		{"sign-up", func() answer { return newClient(base).post("/auth/sign-up", creds("dave@example.com")) }},
		{"sign-in", func() answer { return newClient(base).post("/auth/sign-in", creds("alice@example.com")) }},
		{"refresh", func() answer { return alice.post("/auth/refresh", "") }},
		{"me", func() answer { return alice.get("/auth/me") }},
	}
	answers := make([]answer, len(hung))
	var wg sync.WaitGroup
	for i, tc := range hung {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = tc.do()
		}()
	}
	wg.Wait()
	for i, tc := range hung {
		t.Logf("%s while hung: %d %s in %v", tc.name, answers[i].status, answers[i].body, answers[i].elapsed)
		expectUnavailable(t, tc.name, answers[i], srv.url())
	}
	expect(t, alice.get("/api/app"), http.StatusOK, "")
	srv.thaw(t)
	recovered(t, "refresh after the freeze", func() answer { return alice.post("/auth/refresh", "") })
	recovered(t, "sign-up after the freeze", func() answer { return newClient(base).post("/auth/sign-up", creds("dave@example.com")) })

	t.Log("crash 2: a burst of sign-ups cut by a crash")
	created := signUpBurst(t, base, srv)
	srv.start(t)
	recovered(t, "sign-in after the burst", func() answer { return alice.post("/auth/sign-in", creds("alice@example.com")) })
	nothingHalfWritten(t, db)
	for _, email := range created {
		expect(t, newClient(base).post("/auth/sign-in", creds(email)), http.StatusOK, "")
	}
	recovered(t, "sign-up after the burst", func() answer { return newClient(base).post("/auth/sign-up", creds("carol@example.com")) })
}

// signUpBurst runs sign-ups from several goroutines, crashes the database
// while they run, keeps them going into the outage, and returns the emails
// whose sign-up answered 200. Every answer must be 200 or 503 within
// answerBound.
func signUpBurst(t *testing.T, base string, srv dbServer) []string {
	const workers = 8
	var (
		stop    atomic.Bool
		n       atomic.Int64
		mu      sync.Mutex
		created []string
		counts  = map[string]int{}
		wg      sync.WaitGroup
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				email := fmt.Sprintf("burst-%d-%d@example.com", w, i)
				a := newClient(base).post("/auth/sign-up", creds(email))
				n.Add(1)
				mu.Lock()
				switch a.status {
				case http.StatusOK:
					created = append(created, email)
					counts["200"]++
				case http.StatusServiceUnavailable:
					counts["503 "+a.code()]++
				default:
					counts[strconv.Itoa(a.status)+" "+a.code()]++
				}
				mu.Unlock()
				if a.status != http.StatusOK && a.status != http.StatusServiceUnavailable {
					t.Errorf("burst sign-up %s: %d %s, want 200 or 503", email, a.status, a.body)
				}
				if a.elapsed > answerBound {
					t.Errorf("burst sign-up %s took %v (> %v)", email, a.elapsed, answerBound)
				}
			}
		}()
	}
	// Let the burst write for a while, crash mid-flight, and keep it
	// going against the dead database.
	deadline := time.Now().Add(5 * time.Second)
	for n.Load() < 3*workers && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	srv.crash(t)
	time.Sleep(700 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	t.Logf("burst: %d sign-ups, answers %v", n.Load(), counts)
	if counts["200"] == 0 {
		t.Error("burst: no sign-up succeeded before the crash")
	}
	if counts["503 "+ginauth.CodeStoreUnavailable] == 0 {
		t.Error("burst: no sign-up answered 503 store_unavailable after the crash")
	}
	return created
}

// nothingHalfWritten checks the tables directly: every user has its
// personal workspace with an owner membership and its first session (the
// server requires no email confirmation), and nothing is orphaned.
func nothingHalfWritten(t *testing.T, db *gorm.DB) {
	t.Helper()
	for _, q := range []struct{ what, sql string }{
		{"users without a personal workspace they own", `SELECT COUNT(*) FROM auth_users u WHERE NOT EXISTS (
			SELECT 1 FROM auth_memberships m JOIN auth_organizations o ON o.id = m.organization_id
			WHERE m.user_id = u.id AND m.role = 'owner' AND o.kind = 'personal')`},
		{"users with more than one personal workspace", `SELECT COUNT(*) FROM (SELECT m.user_id FROM auth_memberships m
			JOIN auth_organizations o ON o.id = m.organization_id WHERE o.kind = 'personal'
			GROUP BY m.user_id HAVING COUNT(*) > 1) x`},
		{"organizations without a member", `SELECT COUNT(*) FROM auth_organizations o WHERE NOT EXISTS (
			SELECT 1 FROM auth_memberships m WHERE m.organization_id = o.id)`},
		{"personal workspaces without exactly one owner", `SELECT COUNT(*) FROM auth_organizations o WHERE o.kind = 'personal'
			AND (SELECT COUNT(*) FROM auth_memberships m WHERE m.organization_id = o.id AND m.role = 'owner') <> 1`},
		{"memberships of a missing user or organization", `SELECT COUNT(*) FROM auth_memberships m
			LEFT JOIN auth_users u ON u.id = m.user_id LEFT JOIN auth_organizations o ON o.id = m.organization_id
			WHERE u.id IS NULL OR o.id IS NULL`},
		{"sessions of a missing user", `SELECT COUNT(*) FROM auth_sessions s LEFT JOIN auth_users u ON u.id = s.user_id
			WHERE u.id IS NULL`},
		{"users without a session", `SELECT COUNT(*) FROM auth_users u WHERE NOT EXISTS (
			SELECT 1 FROM auth_sessions s WHERE s.user_id = u.id)`},
		{"sessions without a refresh token", `SELECT COUNT(*) FROM auth_sessions s WHERE NOT EXISTS (
			SELECT 1 FROM auth_refresh_tokens r WHERE r.session_id = s.id)`},
	} {
		var n int64
		if err := db.Raw(q.sql).Scan(&n).Error; err != nil {
			t.Fatalf("%s: %v", q.what, err)
		}
		if n != 0 {
			t.Errorf("%d %s", n, q.what)
		}
	}
	var users, personal int64
	if err := db.Raw(`SELECT COUNT(*) FROM auth_users`).Scan(&users).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Raw(`SELECT COUNT(*) FROM auth_organizations WHERE kind = 'personal'`).Scan(&personal).Error; err != nil {
		t.Fatal(err)
	}
	t.Logf("after the crash: %d users, %d personal workspaces", users, personal)
	if users != personal {
		t.Errorf("%d users but %d personal workspaces", users, personal)
	}
}

// serve mounts ginauth on st with a short StoreTimeout and an application
// route behind RequireUser, and returns the server's URL.
func serve(t *testing.T, st ginauth.Backend) string {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(nil); err != nil {
		t.Fatal(err)
	}
	auth, err := ginauth.Register(r, ginauth.Config{
		Secret:       []byte("fault-test-secret-fault-test-32++"),
		Cookie:       ginauth.CookieConfig{Insecure: true},
		Argon2:       ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		StoreTimeout: storeTimeout,
		RateLimit:    ginauth.RateLimitConfig{Disabled: true},
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, st)
	if err != nil {
		t.Fatal(err)
	}
	r.GET("/api/app", ginauth.RequireUser(), func(c *gin.Context) {
		p, _ := ginauth.PrincipalFrom(c)
		c.JSON(http.StatusOK, gin.H{"user_id": p.UserID})
	})
	srv := httptest.NewServer(r)
	t.Cleanup(func() {
		srv.Close()
		_ = auth.Close()
	})
	return srv.URL
}

func creds(email string) string {
	return fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
}

// client is a browser tab: an HTTP client with a cookie jar.
type client struct {
	base string
	http *http.Client
}

func newClient(base string) *client {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &client{base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// answer is one response.
type answer struct {
	status     int
	body       string
	retryAfter string
	elapsed    time.Duration
	err        error
}

func (a answer) code() string {
	var b struct{ Code string }
	_ = json.Unmarshal([]byte(a.body), &b)
	return b.Code
}

func (c *client) get(path string) answer        { return c.do(http.MethodGet, path, "") }
func (c *client) post(path, body string) answer { return c.do(http.MethodPost, path, body) }

func (c *client) do(method, path, body string) answer {
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		return answer{err: err, elapsed: time.Since(start)}
	}
	b, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	return answer{status: res.StatusCode, body: string(b), retryAfter: res.Header.Get("Retry-After"),
		elapsed: time.Since(start), err: err}
}

func expect(t *testing.T, a answer, status int, code string) {
	t.Helper()
	if a.err != nil {
		t.Fatalf("request failed: %v", a.err)
	}
	if a.status != status || (code != "" && a.code() != code) {
		t.Fatalf("got %d %s, want %d %s", a.status, a.body, status, code)
	}
}

// expectUnavailable checks a 503 store_unavailable answer: in bounded
// time, with Retry-After, and a body of exactly code and a fixed message.
func expectUnavailable(t *testing.T, name string, a answer, dbURL string) {
	t.Helper()
	if a.err != nil {
		t.Fatalf("%s: request failed: %v", name, a.err)
	}
	if a.status != http.StatusServiceUnavailable || a.code() != ginauth.CodeStoreUnavailable {
		t.Errorf("%s: %d %s, want 503 %s", name, a.status, a.body, ginauth.CodeStoreUnavailable)
	}
	if a.elapsed > answerBound {
		t.Errorf("%s: answered after %v (> %v)", name, a.elapsed, answerBound)
	}
	if a.retryAfter == "" {
		t.Errorf("%s: 503 without Retry-After", name)
	}
	var fields map[string]any
	if err := json.Unmarshal([]byte(a.body), &fields); err != nil || len(fields) != 2 || fields["code"] == nil || fields["message"] == nil {
		t.Errorf("%s: body %s, want exactly {code, message}", name, a.body)
	}
	port := dbURL[strings.LastIndex(dbURL, ":")+1:]
	port, _, _ = strings.Cut(port, "/")
	for _, leak := range []string{"127.0.0.1", port, "dial", "connect", "refused", "sql", "postgres", "mysql", "tcp", "EOF"} {
		if strings.Contains(strings.ToLower(a.body), strings.ToLower(leak)) {
			t.Errorf("%s: body %s leaks %q", name, a.body, leak)
		}
	}
}

// recovered retries do until it answers 200, for at most recoverBound.
func recovered(t *testing.T, name string, do func() answer) {
	t.Helper()
	start := time.Now()
	var last answer
	for time.Since(start) < recoverBound {
		last = do()
		if last.err == nil && last.status == http.StatusOK {
			t.Logf("%s: 200 again after %v", name, time.Since(start).Round(time.Millisecond))
			return
		}
		if last.err == nil && last.status != http.StatusServiceUnavailable {
			t.Fatalf("%s after the restart: %d %s (want 200, or 503 while reconnecting)", name, last.status, last.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: no 200 within %v of the restart; last answer %d %s %v", name, recoverBound, last.status, last.body, last.err)
}
