package ginauth_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/sqlite"
)

// newExampleStore opens a fresh SQLite database in a temporary directory
// and creates the auth tables. The returned func removes it.
func newExampleStore(ctx context.Context) (*store.Store, func()) {
	dir, err := os.MkdirTemp("", "fastauth-example-")
	if err != nil {
		log.Fatal(err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	st, err := store.New(db)
	if err != nil {
		log.Fatal(err)
	}
	if err := st.AutoMigrate(ctx); err != nil {
		log.Fatal(err)
	}
	return st, func() {
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
		_ = os.RemoveAll(dir)
	}
}

// exampleConfig is a Config for the examples: plain-HTTP cookies, cheap
// password hashing and no logs. Production code sets only what it needs,
// starting with a real secret of at least 32 bytes.
func exampleConfig() ginauth.Config {
	return ginauth.Config{
		Secret: []byte("example-secret-example-secret-32+"),
		Cookie: ginauth.CookieConfig{Insecure: true},
		// Never weaken argon2 in production; examples and tests only.
		Argon2: ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// browser is an HTTP client with a cookie jar, like a browser tab.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

func status(c *http.Client, method, url, body string) int {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode
}

// Register mounts the auth routes under /auth and the base middleware;
// RequireUser protects the application's own routes.
func Example() {
	ctx := context.Background()
	st, cleanup := newExampleStore(ctx)
	defer cleanup()

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	auth, err := ginauth.Register(r, exampleConfig(), st)
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()

	api := r.Group("/api", ginauth.RequireUser())
	api.GET("/whoami", func(c *gin.Context) {
		p, _ := ginauth.PrincipalFrom(c)
		c.String(http.StatusOK, "%s is %s of their active organization", p.Email, p.OrganizationRole)
	})

	srv := httptest.NewServer(r)
	defer srv.Close()
	tab := browser()

	fmt.Println("before sign-up:", status(tab, "GET", srv.URL+"/api/whoami", ""))
	fmt.Println("sign-up:", status(tab, "POST", srv.URL+"/auth/sign-up", `{"email":" Ada@Example.com ","password":"correct-horse-42"}`))

	res, err := tab.Get(srv.URL + "/api/whoami")
	if err != nil {
		log.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Println(res.StatusCode, string(body))

	fmt.Println("sign-out:", status(tab, "POST", srv.URL+"/auth/sign-out", ""))
	fmt.Println("after sign-out:", status(tab, "GET", srv.URL+"/api/whoami", ""))
	// Output:
	// before sign-up: 401
	// sign-up: 200
	// 200 ada@example.com is owner of their active organization
	// sign-out: 200
	// after sign-out: 401
}

// RequireRole admits principals whose role in their active organization is
// at least the given one (owner > admin > member). Every user owns their
// personal workspace, which is active after sign-up.
func ExampleRequireRole() {
	ctx := context.Background()
	st, cleanup := newExampleStore(ctx)
	defer cleanup()

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	auth, err := ginauth.Register(r, exampleConfig(), st)
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()

	ok := func(c *gin.Context) { c.Status(http.StatusNoContent) }
	api := r.Group("/api", ginauth.RequireUser())
	api.GET("/reports", ginauth.RequireRole("member"), ok)
	api.GET("/admin", ginauth.RequireRole("admin"), ok)
	api.GET("/billing", ginauth.RequireRole("owner"), ok)

	srv := httptest.NewServer(r)
	defer srv.Close()

	anonymous := browser()
	fmt.Println("anonymous /api/admin:", status(anonymous, "GET", srv.URL+"/api/admin", ""))

	owner := browser()
	status(owner, "POST", srv.URL+"/auth/sign-up", `{"email":"grace@example.com","password":"correct-horse-42"}`)
	for _, path := range []string{"/api/reports", "/api/admin", "/api/billing"} {
		fmt.Printf("owner %s: %d\n", path, status(owner, "GET", srv.URL+path, ""))
	}
	// Output:
	// anonymous /api/admin: 401
	// owner /api/reports: 204
	// owner /api/admin: 204
	// owner /api/billing: 204
}

// RequireUser answers 401 with a stable code: invalid_token when the
// request presented no valid credentials, token_expired when the access
// token has expired (the client calls POST /auth/refresh and retries once).
func ExampleRequireUser() {
	ctx := context.Background()
	st, cleanup := newExampleStore(ctx)
	defer cleanup()

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	auth, err := ginauth.Register(r, exampleConfig(), st)
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	r.GET("/api/profile", ginauth.RequireUser(), func(c *gin.Context) {
		p, _ := ginauth.PrincipalFrom(c)
		c.String(http.StatusOK, p.Email)
	})

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/profile", nil))
	fmt.Println(w.Code, w.Body.String())
	// Output:
	// 401 {"code":"invalid_token","message":"authentication required"}
}
