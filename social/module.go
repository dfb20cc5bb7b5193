package social

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
)

// SecondFactor is a second factor that a social sign-in must pass, such as
// the mfa module (*mfa.Module implements it). Without one, a social
// sign-in signs in at once; with one, an account that has a second factor
// gets no cookie but an mfa_token to redeem with that factor.
type SecondFactor interface {
	// StartSecondFactor is called after the provider vouched for the
	// user (firstMethod "oauth"): it returns the account's second-factor
	// methods and a new mfa_token when it has any, or an empty token when
	// the sign-in needs no second factor.
	StartSecondFactor(ctx context.Context, userID, firstMethod string) (token string, methods []string, err error)
}

// ModuleConfig configures the [Module].
type ModuleConfig struct {
	// Config is the strategy's configuration. CallbackBaseURL defaults to
	// the host's AppBaseURL followed by the kernel's base path and
	// "/oauth" (the callback of provider "google" is then
	// https://app.example/auth/oauth/google/callback); Now defaults to
	// the host's clock.
	Config
	// SecondFactor is asked after every social sign-in whether the
	// account needs a second factor. When nil, the second factor a
	// mounted module set on the Host (the mfa module sets itself) is
	// asked, so a social sign-in never skips the account's second factor;
	// set it only to use another one.
	SecondFactor SecondFactor
}

// Module is social and OIDC sign-in as a ginauth module: the routes
// {base}/oauth/{provider}/start, {base}/oauth/{provider}/callback,
// {base}/identities and {base}/identities/{id}. Enable it with one line of
// ginauth.Config:
//
//	Modules: []ginauth.Module{mfaModule, social.NewModule(social.ModuleConfig{Config: cfg, SecondFactor: mfaModule}, st.Identities())}
//
// The application migrates the module's table (st.Identities().Migrate(ctx))
// next to the kernel's.
type Module struct {
	cfg        ModuleConfig
	store      Store
	strategy   *Strategy
	lookup     Lookup
	h          ginauth.Host
	cookiePath string
}

var _ ginauth.Module = (*Module)(nil)

// NewModule returns the module of cfg on store. An invalid cfg or a nil
// store is reported by Mount, so ginauth.Register fails with it.
func NewModule(cfg ModuleConfig, store Store) *Module {
	return &Module{cfg: cfg, store: store}
}

// Name implements ginauth.Module: "social".
func (m *Module) Name() string { return "social" }

// Strategy returns the Strategy behind the routes once the module is
// mounted (nil before): its Providers list the configured providers, e.g.
// for a sign-in page's buttons.
func (m *Module) Strategy() *Strategy { return m.strategy }

// The routes of the module relative to the base path, also the names of
// their rate limits.
const (
	routeStart      = "/oauth/:provider/start"
	routeCallback   = "/oauth/:provider/callback"
	routeIdentities = "/identities"
	routeIdentity   = "/identities/:id"
)

// Mount implements ginauth.Module: it mounts the four routes.
func (m *Module) Mount(h ginauth.Host) error {
	if m.strategy != nil {
		return errors.New("social: the module is already mounted")
	}
	if m.store == nil {
		return errors.New("social: the module needs a Store")
	}
	base := h.Routes().BasePath()
	if base == "/" {
		base = ""
	}
	cfg := m.cfg.Config
	if cfg.CallbackBaseURL == "" {
		cfg.CallbackBaseURL = h.AppBaseURL() + base + "/oauth"
	}
	if cfg.Now == nil {
		cfg.Now = h.Now
	}
	s, err := New(cfg)
	if err != nil {
		return err
	}
	m.strategy, m.h, m.cookiePath = s, h, base+"/oauth"
	m.lookup = NewLookup(m.store, m.accountByEmail)

	r := h.Routes()
	r.GET(routeStart, h.LimitIP(routeStart), h.Handle(m.start))
	r.GET(routeCallback, h.LimitIP(routeCallback), h.Handle(m.callback))
	g := r.Group("", h.RequireSession())
	g.GET(routeIdentities, h.Handle(m.identities))
	g.DELETE(routeIdentity, h.LimitAccount(routeIdentity), h.Handle(m.unlink))
	return nil
}

// accountByEmail is the Lookup's view of the kernel's users.
func (m *Module) accountByEmail(ctx context.Context, email string) (Account, bool, error) {
	u, err := m.h.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, fastauth.ErrNotFound):
		return Account{}, false, nil
	case err != nil:
		return Account{}, false, err
	}
	return Account{UserID: u.ID, EmailConfirmed: u.EmailConfirmedAt != nil}, true, nil
}

// httpError turns an *Error of this package into the *fastauth.Error the
// host answers with; other errors pass unchanged.
func httpError(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return fastauth.NewError(e.Status, e.Code, e.Message)
	}
	return err
}

// setFlowCookie sets (ttl > 0) or deletes (ttl < 0) the flow cookie.
func (m *Module) setFlowCookie(c *gin.Context, value string, ttl time.Duration) {
	m.h.SetCookie(c, FlowCookieName, value, m.cookiePath, ttl)
}

// emit publishes an event of typ about identity id of its user with ctx
// (inside a change: the event commits with it).
func (m *Module) emit(ctx context.Context, c *gin.Context, typ string, id Identity) error {
	organizationID := ""
	if p, ok := m.h.Principal(c); ok && p.UserID == id.UserID {
		organizationID = p.OrganizationID
	}
	e := m.h.NewEvent(c, typ, organizationID, fastauth.Target{Type: fastauth.TargetUser, ID: id.UserID})
	if e.Actor.UserID == "" {
		e.Actor.UserID = id.UserID
	}
	e.Data = map[string]any{"provider": id.Provider, "identity_id": id.ID}
	return m.h.Emit(ctx, e)
}

// createIdentity links profile p to userID with its event, within ctx's
// change.
func (m *Module) createIdentity(ctx context.Context, c *gin.Context, p Profile, userID string) error {
	id, err := NewIdentity(p, userID, m.h.Now())
	if err != nil {
		return err
	}
	if err := m.store.CreateIdentity(ctx, id); err != nil {
		return err
	}
	return m.emit(ctx, c, EventIdentityLinked, id)
}

// link links profile p to userID in a change of its own.
func (m *Module) link(c *gin.Context, p Profile, userID string) error {
	return m.h.Change(c.Request.Context(), func(ctx context.Context) error {
		return m.createIdentity(ctx, c, p, userID)
	})
}

// errAnswered is returned by a step that has answered already.
var errAnswered = errors.New("social: answered")

// redirectError answers a failed callback: 302 to redirectTo with
// auth_error=<code> and no session cookie. A failure without a code of
// its own (a store failure, a bug) is logged and becomes server_error.
func (m *Module) redirectError(c *gin.Context, redirectTo string, err error) {
	code := ""
	var se *Error
	var fe *fastauth.Error
	switch {
	case errors.As(err, &se):
		code = se.Code
	case errors.As(err, &fe):
		code = fe.Code
	default:
		code = "server_error"
		m.h.Logger().ErrorContext(c.Request.Context(), "fastauth: social sign-in failed", "err", err)
	}
	c.Redirect(http.StatusFound, ErrorRedirect(redirectTo, code))
}
