package mfa

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
)

// Module is the second factor as a ginauth module: the routes under
// {base}/mfa, the sign-in gate that answers 403 mfa_required for an
// account with a second factor, and the security notices. Enable it with
// one line of ginauth.Config:
//
//	Modules: []ginauth.Module{mfa.NewModule(mfa.Config{Issuer: "Acme", Key: key}, st.MFA())}
//
// The application migrates the module's tables (st.MFA().Migrate(ctx))
// next to the kernel's.
type Module struct {
	cfg   Config
	store Store
	svc   *Service
	h     ginauth.Host
	// factors are the second factors of other modules (AddFactor).
	factors []Factor
	// notices are the security notices of other modules' events
	// (AddNotice).
	notices map[string]notice
}

var _ ginauth.Module = (*Module)(nil)

// NewModule returns the module of cfg on store. An invalid cfg or a nil
// store is reported by Mount, so ginauth.Register fails with it.
func NewModule(cfg Config, store Store) *Module {
	return &Module{cfg: cfg, store: store}
}

// Name implements ginauth.Module: "mfa".
func (m *Module) Name() string { return "mfa" }

// Service returns the Service behind the routes once the module is
// mounted (nil before), for another module's second factor or for tests.
func (m *Module) Service() *Service { return m.svc }

// The routes of the module relative to the base path, also the names of
// their rate limits.
const (
	routeStatus        = "/mfa"
	routeTOTPSetup     = "/mfa/totp/setup"
	routeTOTPEnable    = "/mfa/totp/enable"
	routeTOTPDisable   = "/mfa/totp/disable"
	routeRecoveryCodes = "/mfa/recovery-codes"
	routeStepUp        = "/mfa/step-up"
	routeVerify        = "/mfa/verify"
)

// Mount implements ginauth.Module: it mounts the seven routes, the
// sign-in gate, the security_notice mail kind and its subscriptions.
func (m *Module) Mount(h ginauth.Host) error {
	if m.svc != nil {
		return errors.New("mfa: the module is already mounted")
	}
	svc, err := NewService(m.cfg, m.store)
	if err != nil {
		return err
	}
	m.svc, m.h = svc, h
	if err := m.mountNotices(); err != nil {
		return err
	}
	h.AddSignInGate(m.signInGate)
	if err := h.SetSecondFactor(m); err != nil {
		return err
	}
	if every := m.cfg.SweepInterval; every >= 0 {
		if every == 0 {
			every = DefaultSweepInterval
		}
		h.OnClose(m.sweep(every))
	}

	r := h.Routes()
	r.POST(routeVerify, h.LimitIP(routeVerify), h.Handle(m.verify))
	g := r.Group("", h.RequireSession())
	g.GET(routeStatus, h.Handle(m.status))
	g.POST(routeTOTPSetup, h.LimitAccount(routeTOTPSetup), h.Handle(m.setupTOTP))
	g.POST(routeTOTPEnable, h.LimitAccount(routeTOTPEnable), h.Handle(m.enableTOTP))
	g.POST(routeTOTPDisable, h.LimitAccount(routeTOTPDisable), h.Handle(m.disableTOTP))
	g.POST(routeRecoveryCodes, h.LimitAccount(routeRecoveryCodes), h.Handle(m.regenerateRecoveryCodes))
	g.POST(routeStepUp, h.LimitAccount(routeStepUp), h.Handle(m.stepUp))
	return nil
}

// signInGate stops a password sign-in of an account with a second factor:
// 403 mfa_required with a new mfa_token and the account's methods, and no
// cookie.
func (m *Module) signInGate(c *gin.Context, u fastauth.User) error {
	ctx := c.Request.Context()
	external, _, err := m.factorCounts(ctx, u.ID, "")
	if err != nil {
		return err
	}
	token, methods, err := m.svc.StartChallenge(ctx, u.ID, fastauth.MethodPassword, external, m.h.Now())
	if err != nil || token == "" {
		return err
	}
	c.AbortWithStatusJSON(http.StatusForbidden, MFARequiredResponse{
		Code:     CodeMFARequired,
		Message:  "a second factor is required: send a code to /mfa/verify with the mfa_token",
		MFAToken: token,
		Methods:  methods,
	})
	return errMFARequired
}

// errMFARequired is the gate's error: the sign-in stopped for a second
// factor (the gate has answered).
var errMFARequired = errors.New("mfa: a second factor is required")

// httpError turns an error of this package into the *fastauth.Error the
// host answers with; other errors pass unchanged.
func httpError(err error) error {
	if status, code, msg, ok := HTTPError(err); ok {
		return fastauth.NewError(status, code, msg)
	}
	return err
}

// reserve counts a code's check towards u's sign-in lockout; when u is
// locked out it returns the 429 to answer (with Retry-After set).
func (m *Module) reserve(c *gin.Context, u fastauth.User) error {
	wait, locked := m.h.ReserveFactorAttempt(c.Request.Context(), u)
	if !locked {
		return nil
	}
	secs := int64((wait + time.Second - 1) / time.Second)
	c.Header("Retry-After", strconv.FormatInt(max(secs, 1), 10))
	return fastauth.NewError(http.StatusTooManyRequests, fastauth.CodeRateLimited, "too many failed attempts; retry in "+strconv.FormatInt(max(secs, 1), 10)+" seconds")
}

// checkShape refuses, before any lockout accounting, a code that has no
// code's shape: it cannot be a guess.
func checkShape(code string) error {
	_, err := codeKind(code)
	return err
}

// emit publishes an event of typ about the caller's (or u's) account;
// a failing handler is logged, the answer stands.
func (m *Module) emit(c *gin.Context, typ, userID string, data map[string]any) {
	organizationID := ""
	if p, ok := ginauth.PrincipalFrom(c); ok {
		organizationID = p.OrganizationID
	}
	e := m.h.NewEvent(c, typ, organizationID, fastauth.Target{Type: fastauth.TargetUser, ID: userID})
	if e.Actor.UserID == "" {
		e.Actor.UserID = userID
	}
	e.Data = data
	if err := m.h.Emit(c.Request.Context(), e); err != nil {
		m.h.Logger().ErrorContext(c.Request.Context(), "fastauth: mfa event", "type", typ, "err", err)
	}
}

// user returns the signed-in caller's account.
func (m *Module) user(ctx context.Context, c *gin.Context) (fastauth.User, error) {
	p, ok := ginauth.PrincipalFrom(c)
	if !ok {
		return fastauth.User{}, fastauth.NewError(http.StatusUnauthorized, fastauth.CodeInvalidToken, "authentication required")
	}
	return m.h.UserByID(ctx, p.UserID)
}
