// Command postgres is the smallest fastauth service on PostgreSQL: the
// "Use it in your service" snippet of the README, runnable. It imports
// store/postgres and no other dialect, so it links pgx alone (no SQLite,
// MySQL or Redis package) and builds with CGO_ENABLED=0; `make deps-check`
// (part of make lint) proves both.
//
//	DATABASE_URL='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' \
//	AUTH_JWT_SECRET="$(openssl rand -base64 48)" go run ./examples/postgres
package main

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/postgres"
)

func main() {
	ctx := context.Background()

	// store/sqlite.Open("app.db") and store/mysql.Open(dsn) work the same way.
	db, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	st, err := store.New(db) // the GORM backend: implements ginauth.Backend
	if err != nil {
		log.Fatal(err)
	}
	if err := st.AutoMigrate(ctx); err != nil { // creates/upgrades the auth_* tables
		log.Fatal(err)
	}

	r := gin.New()
	r.Use(gin.Recovery())
	_ = r.SetTrustedProxies(nil) // client IPs (rate limits) from the connection

	// Mounts /auth/* and the base middleware; call it before your routes.
	// Call auth.Close() on shutdown (see examples/server).
	auth, err := ginauth.Register(r, ginauth.Config{
		Secret: []byte(os.Getenv("AUTH_JWT_SECRET")), // at least 32 bytes
	}, st)
	if err != nil {
		log.Fatal(err)
	}
	_ = auth

	api := r.Group("/api", ginauth.RequireUser()) // 401 without a valid cookie or API key
	api.GET("/me", func(c *gin.Context) {
		p, _ := ginauth.PrincipalFrom(c) // always set behind RequireUser
		c.JSON(http.StatusOK, gin.H{"user_id": p.UserID, "org": p.OrganizationID, "role": p.OrganizationRole})
	})
	// Roles are ordered owner > admin > member and apply to the active organization.
	admin := api.Group("/admin", ginauth.RequireRole(ginauth.RoleAdmin)) // admins and owners
	admin.GET("/stats", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) })

	log.Fatal(http.ListenAndServe("127.0.0.1:8080", r))
}
