package ginauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
)

// serveAuth mounts ginauth with cfg on st and returns the server's URL.
func serveAuth(t *testing.T, st ginauth.Backend, cfg ginauth.Config) string {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(nil); err != nil {
		t.Fatal(err)
	}
	auth, err := ginauth.Register(r, cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(func() {
		srv.Close()
		_ = auth.Close()
	})
	return srv.URL
}

func post(t *testing.T, url, body string) *http.Response {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	return res
}

// A sign-in upgrades a hash whose argon2 parameters are outdated, and the
// upgraded hash still verifies the same password.
func TestSignInUpgradesOutdatedHash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, cleanup := newExampleStore(ctx)
	t.Cleanup(cleanup)
	const creds = `{"email":"ada@example.com","password":"correct-horse-42"}`

	oldCfg := exampleConfig()
	oldURL := serveAuth(t, st, oldCfg)
	if res := post(t, oldURL+"/auth/sign-up", creds); res.StatusCode != http.StatusOK {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}
	before, err := st.UserByEmail(ctx, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(before.PasswordHash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q", before.PasswordHash)
	}

	// Same password, same outdated hash: no upgrade when nothing changed.
	if res := post(t, oldURL+"/auth/sign-in", creds); res.StatusCode != http.StatusOK {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	same, err := st.UserByEmail(ctx, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if same.PasswordHash != before.PasswordHash {
		t.Fatal("a hash with the configured parameters must not be rewritten")
	}

	newCfg := exampleConfig()
	newCfg.Argon2.Memory, newCfg.Argon2.Iterations = 128, 2
	newURL := serveAuth(t, st, newCfg)
	// A wrong password never upgrades.
	if res := post(t, newURL+"/auth/sign-in", `{"email":"ada@example.com","password":"wrong-horse-42"}`); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", res.StatusCode)
	}
	if u, _ := st.UserByEmail(ctx, "ada@example.com"); u.PasswordHash != before.PasswordHash {
		t.Fatal("a failed sign-in rewrote the hash")
	}
	if res := post(t, newURL+"/auth/sign-in", creds); res.StatusCode != http.StatusOK {
		t.Fatalf("sign-in with new parameters: %d", res.StatusCode)
	}
	after, err := st.UserByEmail(ctx, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(after.PasswordHash, "$argon2id$v=19$m=128,t=2,p=1$") {
		t.Fatalf("hash not upgraded: %q", after.PasswordHash)
	}
	if after.CredentialVersion != before.CredentialVersion {
		t.Fatal("an upgrade must not change the credential version (it would void sign-ins in flight)")
	}
	for _, url := range []string{oldURL, newURL} {
		if res := post(t, url+"/auth/sign-in", creds); res.StatusCode != http.StatusOK {
			t.Fatalf("sign-in after the upgrade: %d", res.StatusCode)
		}
	}
}

// Sessions record the User-Agent, truncated to 512 bytes.
func TestSessionUserAgentTruncated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, cleanup := newExampleStore(ctx)
	t.Cleanup(cleanup)
	url := serveAuth(t, st, exampleConfig())
	req, _ := http.NewRequest(http.MethodPost, url+"/auth/sign-up", strings.NewReader(`{"email":"ua@example.com","password":"correct-horse-42"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", strings.Repeat("é", 400)) // 800 bytes
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	u, err := st.UserByEmail(ctx, "ua@example.com")
	if err != nil {
		t.Fatal(err)
	}
	list, err := st.ListSessions(ctx, u.ID, time.Now())
	if err != nil || len(list) != 1 {
		t.Fatalf("sessions %v, %v", list, err)
	}
	if ua := list[0].UserAgent; ua != strings.Repeat("é", 256) {
		t.Fatalf("user agent of %d bytes recorded, want 512 bytes of whole characters", len(ua))
	}
	if list[0].IP != "127.0.0.1" {
		t.Fatalf("ip %q", list[0].IP)
	}
}

// After 10 consecutive failed sign-ins for one email, further attempts get
// 429 with Retry-After, even with the right password and for unknown
// emails alike; other accounts are unaffected.
func TestSignInLockout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, cleanup := newExampleStore(ctx)
	t.Cleanup(cleanup)
	cfg := exampleConfig()
	cfg.RateLimit.PerIP = -1 // only the per-account lockout
	url := serveAuth(t, st, cfg)
	for _, email := range []string{"locked@example.com", "other@example.com"} {
		if res := post(t, url+"/auth/sign-up", `{"email":"`+email+`","password":"correct-horse-42"}`); res.StatusCode != http.StatusOK {
			t.Fatalf("sign-up: %d", res.StatusCode)
		}
	}
	for _, email := range []string{"locked@example.com", "nobody@example.com"} {
		for i := range 10 {
			if res := post(t, url+"/auth/sign-in", `{"email":"`+email+`","password":"wrong-horse-42"}`); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("%s failure %d: %d, want 401", email, i+1, res.StatusCode)
			}
		}
		res := post(t, url+"/auth/sign-in", `{"email":"`+strings.ToUpper(email)+`","password":"correct-horse-42"}`)
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("%s after 10 failures: %d (Retry-After %q), want 429 with Retry-After", email, res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
	if res := post(t, url+"/auth/sign-in", `{"email":"other@example.com","password":"correct-horse-42"}`); res.StatusCode != http.StatusOK {
		t.Fatalf("another account: %d, want 200", res.StatusCode)
	}
}

// A successful sign-in resets the failure count.
func TestSignInSuccessResetsLockout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, cleanup := newExampleStore(ctx)
	t.Cleanup(cleanup)
	cfg := exampleConfig()
	cfg.RateLimit.PerIP = -1
	url := serveAuth(t, st, cfg)
	const good = `{"email":"reset@example.com","password":"correct-horse-42"}`
	const bad = `{"email":"reset@example.com","password":"wrong-horse-42"}`
	if res := post(t, url+"/auth/sign-up", good); res.StatusCode != http.StatusOK {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}
	for round := range 2 {
		for i := range 9 {
			if res := post(t, url+"/auth/sign-in", bad); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("round %d failure %d: %d, want 401", round, i+1, res.StatusCode)
			}
		}
		if res := post(t, url+"/auth/sign-in", good); res.StatusCode != http.StatusOK {
			t.Fatalf("round %d success: %d, want 200", round, res.StatusCode)
		}
	}
}

// A stored hash that is not a usable argon2id string refuses sign-in with
// 401 invalid_credentials, never a 500.
func TestMalformedStoredHashRefusesSignIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, cleanup := newExampleStore(ctx)
	t.Cleanup(cleanup)
	const creds = `{"email":"eve@example.com","password":"correct-horse-42"}`
	url := serveAuth(t, st, exampleConfig())
	if res := post(t, url+"/auth/sign-up", creds); res.StatusCode != http.StatusOK {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}
	u, err := st.UserByEmail(ctx, "eve@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.UpgradePasswordHash(ctx, u.ID, u.PasswordHash, "$argon2id$v=19$garbage"); err != nil {
		t.Fatal(err)
	}
	if res := post(t, url+"/auth/sign-in", creds); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("sign-in with a malformed stored hash: %d, want 401", res.StatusCode)
	}
}
