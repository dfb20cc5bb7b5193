// Package ginauth is first-party authentication for Gin services.
//
// One call mounts the auth routes and the base middleware:
//
//	st, _ := store.New(db) // the GORM backend, or any ginauth.Backend
//	_ = st.AutoMigrate(ctx)
//	r := gin.New()
//	auth, err := ginauth.Register(r, ginauth.Config{Secret: secret}, st)
//	api := r.Group("/api", ginauth.RequireUser())
//	api.GET("/me", func(c *gin.Context) { p, _ := ginauth.PrincipalFrom(c); ... })
//	api.GET("/admin", ginauth.RequireRole(ginauth.RoleAdmin), adminHandler)
//
// What the routes do (sign-up, sign-in, refresh, sign-out, sessions,
// password change and reset, email confirmation, organizations, members,
// invites and API keys under Config.BasePath, default /auth) is the HTTP
// contract documented in docs/swagger.json and checked by package
// conformance.
//
// # Credentials
//
// Browsers hold two HttpOnly cookies: a short-lived HS256 access token,
// verified without any store access, and a refresh token (256 random bits,
// stored only as SHA-256) that rotates on every use; presenting a consumed
// refresh token revokes its session, except within a short grace window so
// concurrent tabs do not sign each other out. Machines send
// `Authorization: Bearer sk-...` API keys, looked up by their SHA-256 and
// acting as their creator with the creator's current role in the key's
// organization. A bearer header always wins over cookies and never falls
// back to them.
//
// # Guards
//
// The base middleware only reads credentials; RequireUser and RequireRole
// refuse requests (401 with code token_expired or invalid_token, 403
// forbidden). Roles are ordered owner > admin > member and apply to the
// principal's active organization; RequireRole takes a Role and panics on
// an unknown one when the route is declared, so a misspelt role stops the
// program at start instead of refusing every request. The middleware never refreshes silently:
// clients call {BasePath}/refresh on 401 token_expired and retry once (the
// TypeScript SDK in sdk/ does this).
//
// # Storage
//
// Backend is the storage interface, split by domain (UserStore,
// SessionStore, OrganizationStore, InviteStore, APIKeyStore,
// VerificationStore). Package store implements it with GORM for
// PostgreSQL, MySQL/MariaDB and SQLite (store/postgres, store/mysql and
// store/sqlite open the database, each linking only its driver);
// conformance.Run and
// conformance.RunBackend test any implementation.
//
// Errors are JSON bodies {"code","message"} with the stable codes listed as
// the Code constants of this package.
package ginauth
