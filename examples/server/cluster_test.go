package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the reachability check
	"github.com/redis/go-redis/v9"

	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/internal/testdb"
)

// The servers of the Makefile's test defaults, used when the variables
// are unset (make test sets them; a bare go test does not).
const (
	defaultTestPostgresDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	defaultTestRedisAddr   = "127.0.0.1:6379"
	// revocationBound is how soon the other instance must refuse what one
	// instance revoked (SPEC section 15).
	revocationBound = time.Second
)

// clusterServices returns the PostgreSQL DSN and the Redis address of the
// two-instance test: the FASTAUTH_TEST_* variables, or the Makefile's
// defaults when unset. It skips the test, naming why, when a variable is
// set empty (DB=sqlite) or when a default server does not answer; a server
// named by its variable that does not answer fails the test.
func clusterServices(t *testing.T) (pgDSN, redisAddr string) {
	t.Helper()
	pgDSN, pgSet := os.LookupEnv(testdb.PostgresEnv)
	redisAddr, redisSet := os.LookupEnv("FASTAUTH_TEST_REDIS_ADDR")
	switch {
	case pgSet && pgDSN == "":
		t.Skipf("%s is empty: the two-instance test needs PostgreSQL", testdb.PostgresEnv)
	case redisSet && redisAddr == "":
		t.Skip("FASTAUTH_TEST_REDIS_ADDR is empty: the two-instance test needs Redis")
	}
	if !pgSet {
		pgDSN = defaultTestPostgresDSN
	}
	if !redisSet {
		redisAddr = defaultTestRedisAddr
	}
	unreachable := func(set bool, format string, args ...any) {
		t.Helper()
		if set {
			t.Fatalf(format, args...)
		}
		t.Skipf(format+" (the variable is unset; set it to run this test)", args...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", pgDSN)
	if err == nil {
		err = db.PingContext(ctx)
		_ = db.Close()
	}
	if err != nil {
		unreachable(pgSet, "PostgreSQL at %s does not answer: %v", testdb.PostgresEnv, err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr})
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		unreachable(redisSet, "Redis at %s does not answer: %v", redisAddr, err)
	}
	return pgDSN, redisAddr
}

// uniqueEmail is an address no earlier run used: sign-in lockouts and
// rate limits live in the shared Redis beyond the test.
func uniqueEmail(t *testing.T, name string) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return name + "-" + hex.EncodeToString(b[:]) + "@example.com"
}

// bearerStatus is the status of GET base+path with only the given header
// (no cookie jar): a credential replayed against another instance.
func bearerStatus(t *testing.T, base, path, header, value string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(header, value)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s%s: %v", base, path, err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// refusedWithin polls check until it answers 401 and returns how long that
// took; it fails t past revocationBound.
func refusedWithin(t *testing.T, what string, check func() int) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		got := check()
		if got == http.StatusUnauthorized {
			d := time.Since(start)
			t.Logf("%s: refused after %s", what, d.Round(100*time.Microsecond))
			return d
		}
		if got != http.StatusOK {
			t.Fatalf("%s: status %d, want 200 until refused, then 401", what, got)
		}
		if time.Since(start) > revocationBound {
			t.Fatalf("%s: still accepted after %s (bound %s)", what, time.Since(start), revocationBound)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// accessCookie is the access_token cookie the jar of c holds for base.
func accessCookie(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range c.Jar.Cookies(u) {
		if k.Name == "access_token" {
			return "access_token=" + k.Value
		}
	}
	t.Fatalf("no access_token cookie for %s", base)
	return ""
}

// TestTwoInstances runs two example servers (in process, each its own run
// with its own listener, pools and Redis client) on one PostgreSQL schema
// and one Redis, with AUTH_REVOCATION=immediate and EdDSA tokens from one
// key file, and checks over real HTTP that what one instance revokes the
// other refuses within 1 s: a signed-out session's access token, a
// disabled user's token and API key, a deleted API key.
func TestTwoInstances(t *testing.T) {
	t.Parallel()
	pgDSN, redisAddr := clusterServices(t)

	dir := t.TempDir()
	key, err := signingkey.Generate(signingkey.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	pem, err := key.MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "signing.pem")
	if err := os.WriteFile(keyFile, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	outbox := filepath.Join(dir, "outbox.jsonl")
	admin := uniqueEmail(t, "admin")
	env := map[string]string{
		"DATABASE_URL":           testdb.PostgresURL(t, pgDSN),
		"REDIS_URL":              "redis://" + redisAddr + "/0",
		"AUTH_REVOCATION":        "immediate",
		"AUTH_TOKEN_ALG":         "EdDSA",
		"AUTH_SIGNING_KEY_FILE":  keyFile,
		"AUTH_JWT_SECRET":        testSecret,
		"AUTH_ADMIN_EMAILS":      admin,
		"AUTH_RATE_LIMIT_PER_IP": "0", // the shared Redis serves other tests from 127.0.0.1 too
		"MAIL_OUTBOX":            outbox,
		"LOG_REQUESTS":           "false",
	}
	// One after the other: the second finds the tables migrated.
	a := startServer(t, env)
	b := startServer(t, env)
	for _, s := range []*testServer{a, b} {
		if log := s.out.String(); !strings.Contains(log, "revocation=immediate") || !strings.Contains(log, "redis="+redisAddr+"/0") {
			t.Fatalf("startup line lacks revocation=immediate redis=%s/0:\n%s", redisAddr, log)
		}
	}
	whoami := func(base, header, value string) func() int {
		return func() int { return bearerStatus(t, base, "/api/whoami", header, value) }
	}

	// Sign in on A, use the cookie on B, sign out on A: B refuses.
	ada := map[string]string{"email": uniqueEmail(t, "ada"), "password": "correct horse 1"}
	if got := call(t, newClient(t), "POST", a.base+"/auth/sign-up", ada, nil); got != http.StatusOK {
		t.Fatalf("sign-up on A = %d\nlog:\n%s", got, a.out)
	}
	adaClient := newClient(t)
	if got := call(t, adaClient, "POST", a.base+"/auth/sign-in", ada, nil); got != http.StatusOK {
		t.Fatalf("sign-in on A = %d", got)
	}
	adaCookie := accessCookie(t, adaClient, a.base)
	if got := whoami(b.base, "Cookie", adaCookie)(); got != http.StatusOK {
		t.Fatalf("B with A's cookie = %d, want 200\nlog B:\n%s", got, b.out)
	}
	if got := call(t, adaClient, "POST", a.base+"/auth/sign-out", nil, nil); got != http.StatusOK {
		t.Fatalf("sign-out on A = %d", got)
	}
	refusedWithin(t, "signed-out session's token on B", whoami(b.base, "Cookie", adaCookie))

	// An administrator (confirmed AUTH_ADMIN_EMAILS address) disables a
	// user on A: B refuses the user's token and API key.
	adminClient := newClient(t)
	adminCreds := map[string]string{"email": admin, "password": "correct horse 2"}
	if got := call(t, adminClient, "POST", a.base+"/auth/sign-up", adminCreds, nil); got != http.StatusOK {
		t.Fatalf("admin sign-up on A = %d", got)
	}
	confirmThroughOutbox(t, adminClient, a.base, outbox, admin)

	bob := map[string]string{"email": uniqueEmail(t, "bob"), "password": "correct horse 3"}
	bobClient := newClient(t)
	var bobAuth authResponse
	if got := call(t, bobClient, "POST", a.base+"/auth/sign-up", bob, &bobAuth); got != http.StatusOK {
		t.Fatalf("bob sign-up on A = %d", got)
	}
	bobKey := createKey(t, bobClient, a.base)
	bobCookie := accessCookie(t, bobClient, a.base)
	if got := whoami(b.base, "Cookie", bobCookie)(); got != http.StatusOK {
		t.Fatalf("B with bob's cookie = %d, want 200", got)
	}
	if got := whoami(b.base, "Authorization", "Bearer "+bobKey.Key)(); got != http.StatusOK {
		t.Fatalf("B with bob's API key = %d, want 200", got)
	}
	var e errorBody
	if got := call(t, adminClient, "POST", a.base+"/auth/admin/users/"+bobAuth.User.ID+"/disable", map[string]string{"reason": "test"}, &e); got != http.StatusOK {
		t.Fatalf("admin disable on A = %d %+v\nlog A:\n%s", got, e, a.out)
	}
	refusedWithin(t, "disabled user's token on B", whoami(b.base, "Cookie", bobCookie))
	refusedWithin(t, "disabled user's API key on B", whoami(b.base, "Authorization", "Bearer "+bobKey.Key))

	// Deleting an API key on A: B, which verified it a moment ago, refuses it.
	adminKey := createKey(t, adminClient, a.base)
	if got := whoami(b.base, "Authorization", "Bearer "+adminKey.Key)(); got != http.StatusOK {
		t.Fatalf("B with the admin's API key = %d, want 200", got)
	}
	if got := call(t, adminClient, "DELETE", a.base+"/auth/api-keys/"+adminKey.ID, nil, nil); got != http.StatusNoContent && got != http.StatusOK {
		t.Fatalf("DELETE api key on A = %d", got)
	}
	refusedWithin(t, "deleted API key on B", whoami(b.base, "Authorization", "Bearer "+adminKey.Key))

	for _, s := range []*testServer{a, b} {
		if log := s.out.String(); strings.Contains(log, "revocation broadcast is down") {
			t.Errorf("the broadcast went down during the test:\n%s", log)
		}
	}
}

// createdKey is the part of POST /auth/api-keys's answer the test reads.
type createdKey struct {
	ID  string `json:"id"`
	Key string `json:"key"`
}

// createKey creates an API key with c's session on base.
func createKey(t *testing.T, c *http.Client, base string) createdKey {
	t.Helper()
	var k createdKey
	if got := call(t, c, "POST", base+"/auth/api-keys", map[string]string{"name": "cluster"}, &k); got != http.StatusCreated || k.Key == "" {
		t.Fatalf("POST /auth/api-keys = %d %+v, want 201 with a key", got, k)
	}
	return k
}

// confirmThroughOutbox asks base to mail email's confirmation and follows
// the token from the outbox file.
func confirmThroughOutbox(t *testing.T, c *http.Client, base, outbox, email string) {
	t.Helper()
	if got := call(t, c, "POST", base+"/auth/email/confirm/send", map[string]string{"email": email}, nil); got >= 300 {
		t.Fatalf("POST /auth/email/confirm/send = %d", got)
	}
	var token string
	waitUntil(t, 30*time.Second, func() bool {
		raw, err := os.ReadFile(outbox)
		if err != nil {
			return false
		}
		for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			var m struct{ To, Kind, Token string }
			if json.Unmarshal([]byte(line), &m) == nil && m.Kind == "email_confirm" && m.To == email {
				token = m.Token
			}
		}
		return token != ""
	})
	if got := call(t, c, "POST", base+"/auth/email/confirm", map[string]string{"token": token}, nil); got != http.StatusOK {
		t.Fatalf("POST /auth/email/confirm = %d", got)
	}
}
