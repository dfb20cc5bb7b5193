package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/examples/server/web"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/mfa"
	"github.com/fastauth/fastauth/passkeys"
	"github.com/fastauth/fastauth/roles"
	"github.com/fastauth/fastauth/social"
	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/dburl"
	"github.com/fastauth/fastauth/ui"
	"github.com/fastauth/fastauth/users"
)

// Server timeouts. ReadHeaderTimeout bounds slow-loris clients and
// IdleTimeout idle keep-alive connections, for every connection. The body
// and response deadlines are set per request where they can matter (see
// bodyDeadline and writeDeadline) rather than as http.Server's ReadTimeout
// and WriteTimeout, which re-arm two timers on every request of the hot
// path; the auth routes cap bodies at 64 KiB, so bodyTimeout is generous.
const (
	readHeaderTimeout = 10 * time.Second
	bodyTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	// shutdownTimeout is how long in-flight requests get to finish after
	// SIGINT/SIGTERM before their connections are closed.
	shutdownTimeout = 15 * time.Second
	// healthTimeout bounds the database ping of GET /healthz.
	healthTimeout = 2 * time.Second
)

// run starts the example server and serves until ctx is done, then shuts
// down gracefully: it stops accepting connections, lets in-flight requests
// finish (at most shutdownTimeout), stops fastauth's background work and
// closes the database. Configuration comes from getenv; logs go to stdout.
// The first log line with msg=listening carries the bound address, which
// matters when ADDR asks for port 0.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) (err error) {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := newLogger(stdout)

	secret := cfg.JWTSecret
	if secret == nil {
		secret = make([]byte, minSecretBytes)
		if _, err := rand.Read(secret); err != nil {
			return fmt.Errorf("generate a JWT secret: %w", err)
		}
		log.Warn("AUTH_JWT_SECRET is not set: using a random secret for this run; sessions end when the server restarts (set AUTH_JWT_SECRET to at least 32 bytes)")
	}

	signingKeys, err := loadSigningKeys(cfg, log)
	if err != nil {
		return err
	}

	mailer, err := newMailer(cfg, log)
	if err != nil {
		return err
	}

	st, sqlDB, err := openStore(ctx, cfg.DatabaseURL, cfg.MFA, cfg.Passkeys, len(cfg.OAuthProviders) > 0)
	if err != nil {
		return err
	}
	closeDB := sync.OnceValue(func() error {
		if err := sqlDB.Close(); err != nil {
			return fmt.Errorf("close database: %w", err)
		}
		return nil
	})
	defer func() { err = errors.Join(err, closeDB()) }()

	// Redis, when REDIS_URL is set, is closed after fastauth (run's
	// shutdown closes auth first) and before the database.
	sh, err := newShared(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, sh.Close()) }()

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on ADDR=%s: %w", cfg.Addr, err)
	}
	defer ln.Close() // Serve closes it too; this covers the early returns.
	if !cfg.CookieSecure && !isLoopback(ln.Addr()) {
		log.Warn("AUTH_COOKIE_SECURE is false on a non-loopback address: cookies travel without the Secure attribute; set AUTH_COOKIE_SECURE=true behind HTTPS")
	}
	baseURL := cfg.AppBaseURL
	if baseURL == "" {
		baseURL = "http://" + browsableAddr(ln.Addr())
	}

	authCfg := authConfig(cfg, secret, baseURL, mailer, log)
	authCfg.TokenAlgorithm, authCfg.SigningKeys = cfg.TokenAlg, signingKeys
	sh.configure(&authCfg, cfg, log)
	obs, err := newObservability(ctx, cfg, st)
	if err != nil {
		return err
	}
	obs.configure(&authCfg)
	var second *mfa.Module
	if cfg.MFA {
		if second, err = mfaModule(cfg, secret, st, log); err != nil {
			return err
		}
		authCfg.Modules = append(authCfg.Modules, second)
	}
	if cfg.Passkeys {
		pk, err := passkeysModule(cfg, baseURL, ln.Addr(), st, second)
		if err != nil {
			return err
		}
		authCfg.Modules = append(authCfg.Modules, pk)
	}
	if len(cfg.OAuthProviders) > 0 {
		var factor social.SecondFactor // nil without the second factor's module
		if second != nil {
			factor = second
		}
		authCfg.Modules = append(authCfg.Modules, socialModule(cfg, secret, st, factor))
	}
	um, err := users.New(st.Users(), users.Config{Admins: cfg.AdminEmails})
	if err != nil {
		return err
	}
	authCfg.Modules = append(authCfg.Modules, um, roles.New(st.Roles(), st, roles.Config{}))
	if cfg.UI {
		pages := ui.Config{ProductName: "fastauth example"}
		for _, p := range cfg.OAuthProviders {
			pages.Providers = append(pages.Providers, p.Name)
		}
		authCfg.Modules = append(authCfg.Modules, ui.New(pages))
	}
	router, auth, err := newRouter(cfg, authCfg, st, sqlDB, log)
	if err != nil {
		return err
	}
	obs.mount(router)
	srv := &http.Server{
		Handler:           router,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	attrs := []any{
		"addr", ln.Addr().String(),
		"url", "http://" + browsableAddr(ln.Addr()),
		"database", dburl.Redact(cfg.DatabaseURL),
		"app_base_url", baseURL,
		"cookie_secure", cfg.CookieSecure,
		"require_email_confirmation", cfg.RequireEmailConfirmation,
		"mfa", cfg.MFA,
	}
	attrs = append(attrs, sh.logAttrs(cfg)...)
	log.Info("listening", append(attrs, obs.logAttrs(cfg)...)...)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	select {
	case err := <-serveErr:
		// Serve only returns early on a listener failure.
		return errors.Join(fmt.Errorf("serve: %w", err), auth.Close())
	case <-ctx.Done():
	}

	log.Info("shutting down", "timeout", shutdownTimeout.String())
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	var errs []error
	if err := srv.Shutdown(shutCtx); err != nil {
		// Requests still running after the timeout lose their connections.
		errs = append(errs, fmt.Errorf("shutdown: %w", err), srv.Close())
	}
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, fmt.Errorf("serve: %w", err))
	}
	// Requests have stopped: let fastauth finish its background work
	// (mails under way, API-key last-use times) before the database closes.
	if err := auth.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close auth: %w", err))
	}
	errs = append(errs, closeDB())
	if err := errors.Join(errs...); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// mfaModule is the second factor's module (package mfa) on st, its key
// AUTH_MFA_KEY or, when unset, derived from the JWT secret with a warning.
func mfaModule(cfg config, secret []byte, st *store.Store, log *slog.Logger) (*mfa.Module, error) {
	key := cfg.MFAKey
	if key == nil {
		var err error
		if key, err = mfa.DeriveKey(secret); err != nil {
			return nil, fmt.Errorf("derive the MFA key: %w", err)
		}
		msg := "AUTH_MFA_KEY is not set: the key that seals TOTP secrets is derived from AUTH_JWT_SECRET, so rotating that secret makes enabled authenticator apps unreadable (set AUTH_MFA_KEY to 32 random bytes in base64: openssl rand -base64 32)"
		if cfg.JWTSecret == nil {
			msg = "AUTH_MFA_KEY is not set: the key that seals TOTP secrets is derived from this run's random JWT secret, so TOTP set up now stops working when the server restarts (set AUTH_MFA_KEY to 32 random bytes in base64: openssl rand -base64 32)"
		}
		log.Warn(msg)
	}
	return mfa.NewModule(mfa.Config{Issuer: "fastauth", Key: key}, st.MFA()), nil
}

// passkeysModule is the passkeys module on st for the relying party of
// AUTH_WEBAUTHN_RP_ID, joined to second (nil without the second factor).
// Without AUTH_WEBAUTHN_ORIGINS its origins are the app's base URL and
// http://localhost:<port>, those of them the RP ID admits.
func passkeysModule(cfg config, baseURL string, addr net.Addr, st *store.Store, second *mfa.Module) (ginauth.Module, error) {
	pc := passkeys.Config{RPID: cfg.WebAuthnRPID, RPDisplayName: cfg.WebAuthnRPName, Origins: cfg.WebAuthnOrigins}
	if len(pc.Origins) == 0 {
		candidates := []string{baseURL}
		if _, port, err := net.SplitHostPort(addr.String()); err == nil {
			candidates = append(candidates, "http://localhost:"+port)
		}
		for _, o := range candidates {
			one := pc
			one.Origins = []string{o}
			if one.Validate() == nil {
				pc.Origins = append(pc.Origins, o)
			}
		}
		if len(pc.Origins) == 0 {
			return nil, fmt.Errorf("passkeys: neither %s nor http://localhost is an origin of AUTH_WEBAUTHN_RP_ID=%s: set AUTH_WEBAUTHN_ORIGINS (or AUTH_PASSKEYS=false)", baseURL, cfg.WebAuthnRPID)
		}
	}
	if err := pc.Validate(); err != nil {
		return nil, fmt.Errorf("AUTH_WEBAUTHN_RP_ID, AUTH_WEBAUTHN_ORIGINS: %w", err)
	}
	return passkeys.NewModule(pc, st.Passkeys(), second), nil
}

// openStore opens the database named by databaseURL, wraps it in the GORM
// store and creates or upgrades the auth tables, and the second factor's
// when withMFA, the passkeys' when withPasskeys, the linked identities'
// when withSocial. The caller closes the returned *sql.DB.
func openStore(ctx context.Context, databaseURL string, withMFA, withPasskeys, withSocial bool) (*store.Store, *sql.DB, error) {
	db, err := dburl.Open(ctx, databaseURL)
	if err != nil {
		return nil, nil, fmt.Errorf("open DATABASE_URL (%s): %w", dburl.Redact(databaseURL), err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, nil, fmt.Errorf("open DATABASE_URL (%s): %w", dburl.Redact(databaseURL), err)
	}
	st, err := store.New(db)
	if err == nil {
		err = st.AutoMigrate(ctx)
	}
	if err == nil {
		err = st.Roles().Migrate(ctx)
	}
	if err == nil && withMFA {
		err = st.MFA().Migrate(ctx)
	}
	if err == nil && withPasskeys {
		err = st.Passkeys().Migrate(ctx)
	}
	if err == nil && withSocial {
		err = st.Identities().Migrate(ctx)
	}
	if err != nil {
		_ = sqlDB.Close()
		return nil, nil, fmt.Errorf("prepare the database (%s): %w", dburl.Redact(databaseURL), err)
	}
	return st, sqlDB, nil
}

// authConfig maps the server's configuration onto ginauth.Config. Where
// ginauth reads zero as "default" (an unset Go field), the variables use 0
// for "off" (an unset variable is their default), which ginauth spells Off.
func authConfig(cfg config, secret []byte, baseURL string, mailer ginauth.Mailer, log *slog.Logger) ginauth.Config {
	c := ginauth.Config{
		Secret:                   secret,
		AccessTokenTTL:           cfg.AccessTTL,
		RefreshTokenTTL:          cfg.RefreshTTL,
		RefreshReuseGrace:        cfg.RefreshReuseGrace,
		RequireEmailConfirmation: cfg.RequireEmailConfirmation,
		Cookie:                   ginauth.CookieConfig{Insecure: !cfg.CookieSecure},
		TrustedOrigins:           cfg.TrustedOrigins,
		RateLimit:                ginauth.RateLimitConfig{PerIP: cfg.RateLimitPerIP},
		AppBaseURL:               baseURL,
		Mailer:                   mailer,
		Logger:                   log,
		Permissions:              exampleCatalog,
	}
	if cfg.RefreshReuseGrace == 0 {
		c.RefreshReuseGrace = ginauth.Off
	}
	if cfg.RateLimitPerIP == 0 {
		c.RateLimit.PerIP = ginauth.Off
	}
	return c
}

// newLogger is the server's logger: slog's text format, one line per
// record, on w.
func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, nil))
}

// newRouter builds the Gin engine: access log and panic recovery, the
// health check, the OpenAPI document with Swagger UI and the SDK demo page
// (package web), the fastauth routes and middleware, and the demo API
// routes.
func newRouter(cfg config, authCfg ginauth.Config, backend ginauth.Backend, db *sql.DB, log *slog.Logger) (*gin.Engine, *ginauth.Auth, error) {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// Without trusted proxies gin takes the client IP from the connection,
	// never from X-Forwarded-For, so per-IP rate limits cannot be dodged.
	if err := r.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, nil, fmt.Errorf("invalid TRUSTED_PROXIES: %w", err)
	}
	if cfg.LogRequests {
		r.Use(accessLog(log))
	}
	r.Use(recovery(log), bodyDeadline(bodyTimeout))
	r.NoRoute(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusNotFound, ginauth.ErrorBody{Code: ginauth.CodeRouteNotFound, Message: "no such route"})
	})
	r.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, ginauth.ErrorBody{Code: ginauth.CodeMethodNotAllowed, Message: "method not allowed on this route"})
	})

	// The health check and the browser extras (OpenAPI document, Swagger
	// UI, SDK demo page) need no principal: mount them before the auth
	// middleware.
	r.GET("/healthz", healthz(db, log))
	if err := web.Mount(r.Group("", writeDeadline(writeTimeout))); err != nil {
		return nil, nil, fmt.Errorf("web: %w", err)
	}

	auth, err := ginauth.Register(r, authCfg, backend)
	if err != nil {
		return nil, nil, fmt.Errorf("fastauth: %w", err)
	}
	var socialMod *social.Module
	for _, m := range authCfg.Modules {
		if m, ok := m.(*social.Module); ok {
			socialMod = m
		}
	}
	mountProviders(r, socialMod)

	api := r.Group("/api", ginauth.RequireUser())
	api.GET("/whoami", whoami)
	api.GET("/admin", ginauth.RequireRole("admin"), whoami)
	api.GET("/owner", ginauth.RequireRole("owner"), whoami)
	api.GET("/secure", ginauth.RequireAAL(2), secure)
	mountPermissionRoutes(api)
	return r, auth, nil
}

// secureBody is the answer of GET /api/secure: the demo routes' body and
// the session's assurance level.
type secureBody struct {
	whoamiBody
	AAL int `json:"aal"`
}

// secure answers a principal whose session has a second factor (aal 2;
// RequireAAL(2) in front of it refuses others with 403
// mfa_step_up_required).
func secure(c *gin.Context) {
	p, ok := ginauth.PrincipalFrom(c)
	if !ok {
		c.AbortWithStatusJSON(http.StatusUnauthorized, ginauth.ErrorBody{Code: ginauth.CodeInvalidToken, Message: "authentication required"})
		return
	}
	c.JSON(http.StatusOK, secureBody{
		whoamiBody: whoamiBody{UserID: p.UserID, Email: p.Email, OrganizationID: p.OrganizationID, OrganizationRole: p.OrganizationRole},
		AAL:        p.AAL,
	})
}

// healthz answers 200 {"status":"ok"} when the database answers a ping
// within healthTimeout, else 503 {"status":"unavailable"}.
func healthz(db *sql.DB, log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		ctx, cancel := context.WithTimeout(c.Request.Context(), healthTimeout)
		defer cancel()
		if err := db.PingContext(ctx); err != nil {
			log.WarnContext(ctx, "health check: database ping failed", "err", err)
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	}
}

// browsableAddr is addr as a browser on this machine reaches it: a wildcard
// host (":8080", "0.0.0.0:8080", "[::]:8080") becomes localhost.
func browsableAddr(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// isLoopback reports whether addr only accepts connections from this
// machine.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
