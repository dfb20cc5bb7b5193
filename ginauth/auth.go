package ginauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/apikeys"
	"github.com/fastauth/fastauth/ginauth/module"
	"github.com/fastauth/fastauth/ginauth/revocation"
	"github.com/fastauth/fastauth/internal/passwordhash"
	"github.com/fastauth/fastauth/mail"
	"github.com/fastauth/fastauth/organizations"
)

// Auth is a mounted fastauth instance. It is safe for concurrent use.
type Auth struct {
	cfg      Config
	store    Backend
	log      *slog.Logger
	tokens   *tokenSigner                // token.go
	hasher   *passwordhash.Hasher        // internal/passwordhash
	mailer   Mailer                      // mail.go
	mails    *mail.Renderer              // mail.go: the templates of every mail kind
	links    *mail.Links                 // mail.go: the pages of mailed links
	cop      *http.CrossOriginProtection // middleware.go
	mailJobs mailJobs                    // mail_jobs.go: background mail work, awaited by Close
	bus      eventBus                    // events.go
	obs      *observer                   // observer.go: nil without Config.Observer
	rev      *revocation.Checker         // revocation.go: nil in RevocationExpiry mode
	// signInGates are the modules' checks after a correct password
	// (host.go); added while Register mounts the modules, read-only after.
	signInGates []func(c *gin.Context, u User) error
	// bearer authenticates `Authorization: Bearer` credentials
	// (middleware.go); set by a module (the API keys by default) while
	// Register mounts the modules, read-only after.
	bearer module.Authenticator
	// secondFactor is the second factor a module set (host.go), set while
	// Register mounts the modules, read-only after.
	secondFactor module.SecondFactor
	// closers are the modules' background work, stopped by Close.
	closers []func() error

	proxiesChecked atomic.Bool // middleware.go: the engine's proxy settings were checked
}

// Register validates cfg, mounts the auth routes under cfg.BasePath and
// installs the base middleware on router. The base middleware reads the
// request's credentials (a bearer API key, else the access-token cookie)
// and makes the principal available to RequireUser, RequireRole and
// PrincipalFrom. It never refreshes silently and never rejects a request by
// itself; the guards do. Call Register before mounting the application's own
// routes so that they get the middleware.
func Register(router gin.IRouter, cfg Config, backend Backend) (*Auth, error) {
	if backend == nil {
		return nil, fmt.Errorf("%w: backend is nil", ErrInvalidConfig)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a, err := newAuth(cfg.withDefaults(), backend)
	if err != nil {
		return nil, err
	}
	a.warnMailSetup(cfg)
	router.Use(a.Middleware())
	if err := a.mount(router); err != nil {
		return nil, err
	}
	if err := a.listenRevocations(); err != nil {
		return nil, err
	}
	return a, nil
}

// warnMailSetup logs, at Register, the mail configurations that work but
// are likely mistakes (cfg as the application gave it, before defaults):
// no Mailer at all, so mails are never delivered; or a Mailer that
// delivers (anything but the log mailer) with no AppBaseURL, so links in
// mails point at the default http://localhost:8080, dead for a service
// anywhere else.
func (a *Auth) warnMailSetup(cfg Config) {
	_, logMailer := cfg.Mailer.(*LogMailer)
	switch {
	case cfg.Mailer == nil:
		a.log.Warn("fastauth: no Config.Mailer: mails (email confirmation, password reset, invites) are not delivered; " +
			"the log mailer records them at Debug level with their tokens redacted. Configure an SMTPMailer, or for local " +
			"development a LogMailer with RevealTokens")
	case !logMailer && strings.TrimSpace(cfg.AppBaseURL) == "":
		a.log.Warn("fastauth: Config.AppBaseURL is not set: links in mails point at "+a.cfg.AppBaseURL+
			", which works only for a service there; set it to the URL your users open", "app_base_url", a.cfg.AppBaseURL)
	}
}

// NotFound is a handler for the engine's NoRoute and NoMethod that answers
// unmatched paths under the base path in the error shape of every auth
// response (404 route_not_found, or 405 method_not_allowed when the engine
// handles that) and other paths as gin does by default. Register leaves the
// engine's NoRoute alone, since it belongs to the application:
//
//	r.NoRoute(auth.NotFound)
//	r.NoMethod(auth.NotFound)
func (a *Auth) NotFound(c *gin.Context) {
	p := c.Request.URL.Path
	if p != a.cfg.BasePath && !strings.HasPrefix(p, a.cfg.BasePath+"/") {
		if c.Writer.Status() == http.StatusMethodNotAllowed {
			c.String(http.StatusMethodNotAllowed, "405 method not allowed")
			return
		}
		c.String(http.StatusNotFound, "404 page not found")
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
	if c.Writer.Status() == http.StatusMethodNotAllowed {
		abort(c, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "method not allowed on this route")
		return
	}
	abort(c, http.StatusNotFound, CodeRouteNotFound, "no such route")
}

func newAuth(cfg Config, backend Backend) (*Auth, error) {
	a := &Auth{cfg: cfg, store: backend, log: cfg.Logger}
	var err error
	if a.tokens, err = newTokenSigner(cfg); err != nil {
		return nil, err
	}
	a.obs = newObserver(cfg.Observer)
	a.hasher = newPasswordHasher(cfg, a.obs)
	a.tokens.lookups = a.obs.cacheLookups(cacheAccessToken)
	a.cop = newCrossOriginProtection(cfg)
	a.mailer = cfg.Mailer
	a.mails = mail.NewRenderer(a.now, cfg.MailTemplates)
	if a.links, err = mail.NewLinks(cfg.MailLinks); err != nil {
		return nil, fmt.Errorf("ginauth: Config.MailLinks: %w", err)
	}
	a.Subscribe(a.hooksHandler) // hooks.go
	a.newRevocations()          // revocation.go
	if a.mailer == nil {
		a.mailer = NewLogMailer(cfg.Logger)
	}
	return a, nil
}

// newPasswordHasher is the argon2id hasher of cfg (defaults applied,
// validated), reporting to obs (nil: nowhere).
func newPasswordHasher(cfg Config, obs *observer) *passwordhash.Hasher {
	var observe func(wait, took time.Duration)
	if obs != nil {
		observe = obs.passwordHash
	}
	p := cfg.Argon2
	return passwordhash.New(passwordhash.Params{Memory: p.Memory, Iterations: p.Iterations, Parallelism: p.Parallelism,
		SaltLength: p.SaltLength, KeyLength: p.KeyLength}, cfg.MaxConcurrentHashes, cfg.HashQueueTimeout, observe)
}

// Close stops the background work of a (mails being sent, then the
// modules' work registered with Host.OnClose, such as the API-key usage
// writer or an audit module's webhook worker, the last registered
// first) after flushing what it holds. Call it on shutdown; requests
// must have stopped. It is safe to call more than once.
func (a *Auth) Close() error {
	a.mailJobs.wait()
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i]())
	}
	return errors.Join(errs...)
}

// Config returns the effective configuration, defaults applied.
func (a *Auth) Config() Config { return a.cfg }

// mount registers every auth route under the base path, then mounts the
// default modules (defaultModules) and the modules of Config.Modules on
// the same route group.
func (a *Auth) mount(r gin.IRouter) error {
	// crossOriginGuard (crossorigin.go) runs before rateLimit (ratelimit.go).
	g := r.Group(a.cfg.BasePath, a.authResponseHeaders, a.crossOriginGuard, a.rateLimit)
	a.mountAccountRoutes(g)                                                // account.go
	a.mountSessionRoutes(g)                                                // session.go
	a.mountOrganizationSwitch(g)                                           // organization.go
	a.mountMailRoutes(g)                                                   // verification.go
	g.GET("/.well-known/jwks.json", a.jwks)                                // tokenjwks.go
	return a.mountModules(g, append(a.defaultModules(), a.cfg.Modules...)) // host.go
}

// defaultModules are the modules every Register mounts, before
// Config.Modules: organizations with members and invites, and API keys,
// on the backend (which embeds their stores).
func (a *Auth) defaultModules() []Module {
	return []Module{
		organizations.New(a.store, organizations.Config{InviteTTL: a.cfg.InviteTTL}),
		apikeys.New(a.store, apikeys.Config{CacheTTL: a.cfg.APIKeyCacheTTL, TouchInterval: a.cfg.APIKeyTouchInterval}),
	}
}

// authResponseHeaders marks every auth response uncacheable and caps the
// request body.
func (a *Auth) authResponseHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Pragma", "no-cache")
	c.Next()
}

// now is the injected clock, truncated to microseconds so every dialect
// stores and returns the same instant.
func (a *Auth) now() time.Time { return a.cfg.Now().UTC().Truncate(time.Microsecond) }

// storeCtx bounds a store call by StoreTimeout.
func (a *Auth) storeCtx(c *gin.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request.Context(), a.cfg.StoreTimeout)
}
