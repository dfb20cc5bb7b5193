package ginauth_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/sqlite"
)

// exampleBackend opens a migrated SQLite store in dir.
func exampleBackend(dir string) *store.Store {
	ctx := context.Background()
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
	return st
}

// examplePost posts a JSON body and returns the status.
func examplePost(url, body string) int {
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Hooks let the application provision its own rows for a new account and
// react to sign-ins. A hook's error is logged and never undoes the account.
func ExampleHooks() {
	dir, err := os.MkdirTemp("", "fastauth-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	cfg := ginauth.Config{
		Secret: []byte("example-secret-example-secret-32b"),
		Cookie: ginauth.CookieConfig{Insecure: true},
		Logger: slog.New(slog.DiscardHandler),
		Hooks: ginauth.Hooks{
			AfterSignUp: func(ctx context.Context, u ginauth.User) error {
				fmt.Println("create a profile for", u.Email)
				return nil
			},
			AfterSignIn: func(ctx context.Context, u ginauth.User) error {
				fmt.Println(u.Email, "signed in")
				return fmt.Errorf("analytics down") // logged; the sign-in still succeeds
			},
		},
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	auth, err := ginauth.Register(r, cfg, exampleBackend(dir))
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	srv := httptest.NewServer(r)
	defer srv.Close()

	creds := `{"email":"ada@example.com","password":"correct-horse-42"}`
	fmt.Println("sign-up:", examplePost(srv.URL+"/auth/sign-up", creds))
	fmt.Println("sign-in:", examplePost(srv.URL+"/auth/sign-in", creds))
	// Output:
	// create a profile for ada@example.com
	// sign-up: 200
	// ada@example.com signed in
	// sign-in: 200
}

// An OutboxMailer appends every mail as a JSON line, so that development
// tools and end-to-end tests can follow the links.
func ExampleNewOutboxMailer() {
	dir, err := os.MkdirTemp("", "fastauth-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	outbox, err := ginauth.NewOutboxMailer(filepath.Join(dir, "outbox.jsonl"))
	if err != nil {
		log.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	srv := httptest.NewServer(r)
	defer srv.Close()
	auth, err := ginauth.Register(r, ginauth.Config{
		Secret:                   []byte("example-secret-example-secret-32b"),
		Cookie:                   ginauth.CookieConfig{Insecure: true},
		Logger:                   slog.New(slog.DiscardHandler),
		RequireEmailConfirmation: true,
		AppBaseURL:               srv.URL,
		Mailer:                   outbox,
	}, exampleBackend(dir))
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()

	examplePost(srv.URL+"/auth/sign-up", `{"email":"ada@example.com","password":"correct-horse-42"}`)

	f, err := os.Open(outbox.Path())
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m struct{ To, Subject, Kind, Link, Token, Text string }
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.Kind, "to", m.To, "-", m.Subject)
		page, token, _ := strings.Cut(m.Link, "?token=")
		fmt.Println("link:", strings.Replace(page, srv.URL, "{APP}", 1), "token:", len(token) == 64 && token == m.Token)

		resp, err := http.Get(m.Link) // what the recipient's browser does
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println("confirm:", resp.StatusCode)
	}
	fmt.Println("sign-in:", examplePost(srv.URL+"/auth/sign-in", `{"email":"ada@example.com","password":"correct-horse-42"}`))
	// Output:
	// email_confirm to ada@example.com - Confirm your email address
	// link: {APP}/auth/email/confirm token: true
	// confirm: 200
	// sign-in: 200
}
