package users_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/sqlite"
	"github.com/fastauth/fastauth/users"
)

// exampleApp mounts the users module on a fresh SQLite database with
// cheap hashing (examples only) and returns it with the router; the func
// cleans up.
func exampleApp(hooks ginauth.Hooks) (*users.Module, *gin.Engine, func()) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "fastauth-users-example-")
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
	um, err := users.New(st.Users(), users.Config{Admins: []string{"ops@example.com"}})
	if err != nil {
		log.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	auth, err := ginauth.Register(r, ginauth.Config{
		Secret:  []byte("example-secret-example-secret-32+"),
		Cookie:  ginauth.CookieConfig{Insecure: true},
		Argon2:  ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Hooks:   hooks,
		Modules: []ginauth.Module{um},
	}, st)
	if err != nil {
		log.Fatal(err)
	}
	return um, r, func() {
		_ = auth.Close()
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
		_ = os.RemoveAll(dir)
	}
}

// Create a user from the application's own code, with a password, then
// sign them out everywhere, disable the account and list users.
func ExampleModule_CreateUser() {
	um, _, done := exampleApp(ginauth.Hooks{})
	defer done()
	ctx := context.Background()

	u, err := um.CreateUser(ctx, users.NewUser{Email: "Grace@Example.com", Password: "correct horse 1", Name: "Grace Hopper", EmailConfirmed: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Email, u.Name)

	// An account without password: it signs in another way, or sets one
	// through the password reset (or SetPassword).
	bot, err := um.CreateUser(ctx, users.NewUser{Email: "robot@example.com"})
	if err != nil {
		log.Fatal(err)
	}
	if err := um.SetPassword(ctx, bot.ID, "another horse 2"); err != nil {
		log.Fatal(err)
	}

	n, _ := um.RevokeSessions(ctx, u.ID)
	fmt.Println("sessions revoked:", n)
	d, _ := um.Disable(ctx, u.ID, "chargeback")
	fmt.Println("disabled:", d.DisabledAt != nil, d.DisabledReason)

	page, total, _ := um.List(ctx, users.ListQuery{Query: "example.com", Limit: 10})
	fmt.Println("users:", total, len(page))

	_, err = um.CreateUser(ctx, users.NewUser{Email: "grace@example.com"})
	fmt.Println(errors.Is(err, fastauth.ErrDuplicateEmail))
	// Output:
	// grace@example.com Grace Hopper
	// sessions revoked: 0
	// disabled: true chargeback
	// users: 2 2
	// true
}

// Refuse sign-ups from a blocked domain: BeforeSignUp's error becomes a
// 403 sign_up_refused with its text as the message.
func Example_blockDomain() {
	_, r, done := exampleApp(ginauth.Hooks{
		BeforeSignUp: func(_ context.Context, email, _ string) error {
			if strings.HasSuffix(email, "@spam.example") {
				return errors.New("sign-ups from spam.example are closed")
			}
			return nil
		},
	})
	defer done()

	for _, email := range []string{"eve@spam.example", "ada@example.com"} {
		body := `{"email":"` + email + `","password":"correct horse 1"}`
		req := httptest.NewRequest(http.MethodPost, "/auth/sign-up", bytes.NewBufferString(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		fmt.Println(email, w.Code, strings.Contains(w.Body.String(), "sign_up_refused"))
	}
	// Output:
	// eve@spam.example 403 true
	// ada@example.com 200 false
}
