package ginauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth/module"
	"github.com/fastauth/fastauth/internal/input"
	"github.com/fastauth/fastauth/internal/passwordhash"
	"github.com/fastauth/fastauth/internal/secret"
	"github.com/fastauth/fastauth/mail"
)

// host is the Host of one module.
type host struct {
	a      *Auth
	name   string
	routes *gin.RouterGroup
	log    *slog.Logger
}

var _ Host = (*host)(nil)

// mountModules mounts modules, in order, on hosts sharing the route group g.
func (a *Auth) mountModules(g *gin.RouterGroup, modules []Module) error {
	seen := make(map[string]bool, len(modules))
	for _, m := range modules {
		if m == nil {
			return fmt.Errorf("%w: nil module", ErrInvalidConfig)
		}
		name := m.Name()
		if name == "" || seen[name] {
			return fmt.Errorf("%w: module name %q is empty or used twice", ErrInvalidConfig, name)
		}
		seen[name] = true
		h := &host{a: a, name: name, routes: g, log: a.log.With("module", name)}
		if err := m.Mount(h); err != nil {
			return fmt.Errorf("ginauth: mount module %s: %w", name, err)
		}
	}
	return nil
}

func (h *host) Routes() *gin.RouterGroup { return h.routes }

func (h *host) Handle(fn func(c *gin.Context) error) gin.HandlerFunc { return h.a.handle(fn) }

// handle adapts a handler that returns an error (see Host.Handle): the
// kernel's handlers and the modules' share it and fail.
func (a *Auth) handle(fn func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil && !c.IsAborted() && !c.Writer.Written() {
			a.fail(c, err)
		}
	}
}

func (h *host) Fail(c *gin.Context, err error) { h.a.fail(c, err) }

// fail answers err with the standard error body (see Host.Fail).
func (a *Auth) fail(c *gin.Context, err error) {
	var e *fastauth.Error
	var se storeErr
	switch {
	case errors.As(err, &se):
		a.storeFailure(c, se.error)
	case errors.As(err, &e):
		abort(c, e.Status, e.Code, e.Message)
	case errors.Is(err, ErrNotFound):
		abort(c, http.StatusNotFound, "not_found", "not found")
	case errors.Is(err, ErrDuplicateEmail):
		abort(c, http.StatusConflict, CodeUserAlreadyExists, "an account with this email already exists")
	case errors.Is(err, ErrConflict):
		abort(c, http.StatusConflict, CodeConflict, "a concurrent change won; retry")
	case errors.Is(err, ErrForbidden):
		abort(c, http.StatusForbidden, CodeForbidden, "forbidden")
	default:
		a.storeFailure(c, err) // 503 for an unreachable store, else a logged 500
	}
}

func (h *host) BindJSON(c *gin.Context, dst any) bool { return h.a.bindJSON(c, dst) }

func (h *host) RequireSession() gin.HandlerFunc { return h.a.requireSession }

func (h *host) CurrentSession(c *gin.Context) (fastauth.Session, bool) { return currentSession(c) }

func (h *host) LimitIP(route string) gin.HandlerFunc {
	return func(c *gin.Context) {
		rl := h.a.cfg.RateLimit
		if !rl.Disabled && rl.PerIP > 0 {
			key := "ip|" + h.name + ":" + route + "|" + clientNetwork(c.ClientIP())
			if wait, ok := h.a.allow(c.Request.Context(), key, RateRule{Limit: rl.PerIP, Per: time.Minute}); !ok {
				h.a.obs.rateLimited(c)
				abortRateLimited(c, wait)
				return
			}
		}
		c.Next()
	}
}

func (h *host) LimitAccount(route string) gin.HandlerFunc {
	return func(c *gin.Context) {
		rl := h.a.cfg.RateLimit
		if p, ok := PrincipalFrom(c); ok && !rl.Disabled && rl.PerAccount.Limit > 0 {
			if wait, ok := h.a.allow(c.Request.Context(), "acct|"+h.name+":"+route+"|"+p.UserID, rl.PerAccount); !ok {
				h.a.obs.rateLimited(c)
				abortRateLimited(c, wait)
				return
			}
		}
		c.Next()
	}
}

func (h *host) UserByID(ctx context.Context, id string) (fastauth.User, error) {
	return h.a.store.UserByID(ctx, id)
}

func (h *host) UserByEmail(ctx context.Context, email string) (fastauth.User, error) {
	e, err := input.Email(email)
	if err != nil {
		return fastauth.User{}, fmt.Errorf("ginauth: %w: %w", ErrNotFound, err)
	}
	return h.a.userByEmail(ctx, e)
}

// checkAuthentication refuses an Authentication a module must not hand
// over (a programming error of the module): a method name that is empty
// or holds white space, an assurance level other than 1 or 2 (zero reads
// as 1). It returns auth with its level filled in.
func (h *host) checkAuthentication(op string, auth fastauth.Authentication) (fastauth.Authentication, error) {
	if auth.Method == "" || strings.ContainsAny(auth.Method, " \t\r\n") {
		return auth, fmt.Errorf("ginauth: module %s: %s needs a method name", h.name, op)
	}
	if strings.ContainsAny(auth.FirstMethod, " \t\r\n") {
		return auth, fmt.Errorf("ginauth: module %s: %s with a first method holding white space", h.name, op)
	}
	if auth.AAL == 0 {
		auth.AAL = aalSingle
	}
	if auth.AAL < aalSingle || auth.AAL > aalMulti {
		return auth, fmt.Errorf("ginauth: module %s: %s with assurance level %d, want 1 or 2", h.name, op, auth.AAL)
	}
	return auth, nil
}

func (h *host) IssueSession(c *gin.Context, u fastauth.User, auth fastauth.Authentication) error {
	resp, err := h.startSession(c, "IssueSession", u, auth)
	if err != nil {
		h.a.fail(c, err)
		return err
	}
	c.JSON(http.StatusOK, resp)
	return nil
}

func (h *host) StartSession(c *gin.Context, u fastauth.User, auth fastauth.Authentication) error {
	_, err := h.startSession(c, "StartSession", u, auth)
	return err
}

// startSession signs u in by auth and sets the cookies without answering
// (see Host.StartSession); it returns the AuthResponse to answer.
func (h *host) startSession(c *gin.Context, op string, u fastauth.User, auth fastauth.Authentication) (AuthResponse, error) {
	a := h.a
	auth, err := h.checkAuthentication(op, auth)
	if err != nil {
		return AuthResponse{}, err
	}
	if a.cfg.RequireEmailConfirmation && u.EmailConfirmedAt == nil {
		return AuthResponse{}, fastauth.NewError(http.StatusForbidden, CodeEmailNotConfirmed, "confirm your email address before signing in")
	}
	first := auth.FirstMethod
	if first == "" {
		first = auth.Method
	}
	// A second factor finishing a password sign-in: the hook ran at the password.
	if err := a.admit(c.Request.Context(), u, first, auth.FirstMethod != fastauth.MethodPassword); err != nil {
		return AuthResponse{}, err
	}
	ctx, cancel := a.storeCtx(c)
	active, err := a.activeMembership(ctx, u)
	cancel()
	if err != nil {
		return AuthResponse{}, err
	}
	sess, err := a.startSession(c.Request.Context(), c, u, active, a.cfg.SingleSession, auth)
	if err != nil {
		return AuthResponse{}, err
	}
	return authResponse(u, active, sess), nil
}

func (h *host) SignUp(c *gin.Context, email string, confirmed bool, also func(ctx context.Context, u fastauth.User) error) (fastauth.User, error) {
	a := h.a
	email, err := h.NormalizeEmail(email)
	if err != nil {
		return fastauth.User{}, err
	}
	if err := a.beforeSignUp(c.Request.Context(), email, h.name); err != nil {
		return fastauth.User{}, err
	}
	userID, err1 := secret.NewID()
	orgID, err2 := secret.NewID()
	if err := errors.Join(err1, err2); err != nil {
		return fastauth.User{}, err
	}
	now := a.now()
	u := User{ID: userID, Email: email, CreatedAt: now, UpdatedAt: now}
	if confirmed {
		u.EmailConfirmedAt = &now
	}
	ws := Organization{ID: orgID, Kind: KindPersonal, Name: personalWorkspaceName, CreatedAt: now, UpdatedAt: now}
	owner := Membership{OrganizationID: orgID, UserID: userID, Role: RoleOwner, CreatedAt: now}
	err = a.change(c.Request.Context(), func(ctx context.Context) error {
		if err := a.store.CreateUser(ctx, u, ws, owner, nil); err != nil {
			return err
		}
		e := a.event(c, fastauth.EventUserSignedUp, ws.ID, fastauth.Target{Type: fastauth.TargetUser, ID: u.ID})
		e.Actor.UserID = u.ID
		e.Payload = hookUser(u)
		if err := a.emit(ctx, e); err != nil {
			return err
		}
		if also != nil {
			return also(ctx, u)
		}
		return nil
	})
	if err != nil {
		return fastauth.User{}, err
	}
	if !confirmed && a.cfg.RequireEmailConfirmation {
		a.sendConfirmationMail(c.Request.Context(), u)
	}
	return u, nil
}

func (h *host) SetCookie(c *gin.Context, name, value, path string, ttl time.Duration) {
	h.a.writeCookie(c, name, value, path, ttl, http.SameSiteLaxMode)
}

func (h *host) StepUp(c *gin.Context, auth fastauth.Authentication) error {
	resp, err := h.stepUp(c, "StepUp", auth)
	if err == nil {
		c.JSON(http.StatusOK, resp)
	}
	return err
}

func (h *host) RaiseSession(c *gin.Context, auth fastauth.Authentication) error {
	_, err := h.stepUp(c, "RaiseSession", auth)
	return err
}

// stepUp raises the request's session by auth and sets its access cookie
// (see Host.StepUp); on failure it has answered.
func (h *host) stepUp(c *gin.Context, op string, auth fastauth.Authentication) (AuthResponse, error) {
	a := h.a
	auth, err := h.checkAuthentication(op, auth)
	if err != nil {
		a.internalError(c, err)
		return AuthResponse{}, err
	}
	p, ok := PrincipalFrom(c)
	switch {
	case !ok:
		abortUnauthenticated(c)
		return AuthResponse{}, fastauth.NewError(http.StatusUnauthorized, CodeInvalidToken, "no session to step up")
	case p.Kind != PrincipalSession:
		abort(c, http.StatusForbidden, CodeForbidden, "this route is for browser sessions, not API keys")
		return AuthResponse{}, fastauth.NewError(http.StatusForbidden, CodeForbidden, "an API key has no session to step up")
	}
	resp, err := a.raiseSession(c, p, auth)
	switch {
	case err == nil:
		return resp, nil
	case errors.Is(err, ErrNotFound): // the account or the session is gone
		a.clearAuthCookies(c)
		abort(c, http.StatusUnauthorized, CodeInvalidToken, "the session has ended; sign in again")
		return AuthResponse{}, fastauth.NewError(http.StatusUnauthorized, CodeInvalidToken, "the session has ended")
	default:
		a.fail(c, err)
		return AuthResponse{}, err
	}
}

// raiseSession steps the session of p up by auth and sets the access
// cookie of the raised session; it returns the AuthResponse to answer,
// or ErrNotFound (wrapped) when p's account or active session is gone.
func (a *Auth) raiseSession(c *gin.Context, p *Principal, auth fastauth.Authentication) (AuthResponse, error) {
	ctx, cancel := a.storeCtx(c)
	defer cancel()
	u, err := a.store.UserByID(ctx, p.UserID)
	if err != nil {
		return AuthResponse{}, err
	}
	sess, err := a.store.RaiseSession(ctx, p.UserID, p.SessionID, auth.AAL, auth.Method, a.now())
	if err != nil {
		return AuthResponse{}, fmt.Errorf("ginauth: raise session: %w", err)
	}
	active, err := a.activeMembership(ctx, u)
	if err != nil {
		return AuthResponse{}, err
	}
	if err := a.setAccessCookie(c, u, active, sess); err != nil {
		return AuthResponse{}, err
	}
	return authResponse(u, active, sess), nil
}

func (h *host) ReserveFactorAttempt(ctx context.Context, u fastauth.User) (time.Duration, bool) {
	return h.a.reserveAttempt(ctx, h.a.factorLockoutKey(u.Email))
}

func (h *host) ResetFactorLockout(ctx context.Context, u fastauth.User) {
	h.a.resetAttempts(ctx, h.a.factorLockoutKey(u.Email))
}

func (h *host) AddSignInGate(gate func(c *gin.Context, u fastauth.User) error) {
	h.a.signInGates = append(h.a.signInGates, gate)
}

func (h *host) Transaction(ctx context.Context, fn func(ctx context.Context) error) error {
	return h.a.store.Transaction(ctx, fn)
}

func (h *host) Change(ctx context.Context, fn func(ctx context.Context) error) error {
	return h.a.change(ctx, fn)
}

func (h *host) NewEvent(c *gin.Context, typ, organizationID string, target fastauth.Target) fastauth.Event {
	return h.a.event(c, typ, organizationID, target)
}

func (h *host) Emit(ctx context.Context, e fastauth.Event) error { return h.a.emit(ctx, e) }

func (h *host) Subscribe(fn fastauth.EventHandler) { h.a.Subscribe(fn) }

func (h *host) SubscribeTx(fn fastauth.EventHandler) { h.a.SubscribeTx(fn) }

func (h *host) SubscribeRevocations(fn fastauth.EventHandler) {
	if h.a.rev != nil {
		h.a.rev.Subscribe(fn)
	}
}

func (h *host) AddMailKind(kind mail.Kind, t mail.Template) error { return h.a.mails.Add(kind, t) }

func (h *host) SendMail(ctx context.Context, kind mail.Kind, m mail.Message) {
	out, err := h.a.mails.Render(kind, m)
	if err != nil {
		h.log.ErrorContext(ctx, "fastauth: mail template failed, mail not sent", "kind", kind, "err", err)
		return
	}
	h.a.deliver(ctx, out)
}

func (h *host) Now() time.Time { return h.a.now() }

func (h *host) Logger() *slog.Logger { return h.log }

func (h *host) AppBaseURL() string { return h.a.cfg.AppBaseURL }

func (h *host) MailLinks() *mail.Links { return h.a.links }

// runSignInGates runs the gates modules added, after a correct password;
// it reports whether the sign-in may go on (otherwise it has answered).
func (a *Auth) runSignInGates(c *gin.Context, u User) bool {
	for _, gate := range a.signInGates {
		if err := gate(c, u); err != nil {
			a.obs.gateRefused(c)
			if !c.IsAborted() && !c.Writer.Written() {
				a.fail(c, err)
			}
			return false
		}
	}
	return true
}

func (h *host) Principal(c *gin.Context) (*fastauth.Principal, bool) { return PrincipalFrom(c) }

func (h *host) RequireUser() gin.HandlerFunc { return RequireUser() }

func (h *host) Membership(ctx context.Context, organizationID, userID string) (fastauth.Membership, error) {
	return h.a.store.Membership(ctx, organizationID, userID)
}

func (h *host) StoreContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, h.a.cfg.StoreTimeout)
}

func (h *host) SetBearerAuthenticator(x module.Authenticator) error {
	if x == nil || h.a.bearer != nil {
		return fmt.Errorf("%w: module %s: a second or nil bearer authenticator", ErrInvalidConfig, h.name)
	}
	h.a.bearer = x
	return nil
}

func (h *host) SetSecondFactor(f module.SecondFactor) error {
	if f == nil || h.a.secondFactor != nil {
		return fmt.Errorf("%w: module %s: a second or nil second factor", ErrInvalidConfig, h.name)
	}
	h.a.secondFactor = f
	return nil
}

func (h *host) SecondFactor() module.SecondFactor { return h.a.secondFactor }

func (h *host) OnClose(fn func() error) { h.a.closers = append(h.a.closers, fn) }

func (h *host) CacheLookups(cache string) *module.LookupCounter { return h.a.obs.cacheLookups(cache) }

func (h *host) NormalizeEmail(email string) (string, error) {
	e, err := input.Email(email)
	if err != nil {
		return "", fastauth.NewError(http.StatusBadRequest, CodeInvalidEmail, errorMessage(err, input.ErrInvalidEmail))
	}
	return e, nil
}

func (h *host) AllowMail(ctx context.Context, route, email string) bool {
	_, ok := h.a.allowEmail(ctx, route, email)
	return ok
}

func (h *host) AnswerActiveOrganization(c *gin.Context, organizationID string) error {
	p, ok := PrincipalFrom(c)
	if !ok {
		abortUnauthenticated(c)
		return fastauth.NewError(http.StatusUnauthorized, CodeInvalidToken, "no principal")
	}
	ctx, cancel := h.a.storeCtx(c)
	defer cancel()
	active, err := h.a.membershipDetail(ctx, organizationID, p.UserID)
	if err == nil {
		err = h.a.answerActive(ctx, c, p.UserID, active)
	}
	if err != nil {
		h.a.storeFailure(c, err)
	}
	return err
}

func (h *host) LeaveActiveOrganization(c *gin.Context, organizationID string) error {
	p, ok := PrincipalFrom(c)
	if !ok || h.a.fallBackToPersonal(c, p, organizationID) {
		return nil
	}
	return fastauth.NewError(http.StatusServiceUnavailable, CodeStoreUnavailable, "answered")
}

func (h *host) HashPassword(ctx context.Context, password string) (string, error) {
	if err := checkPassword(h.a.cfg.Password, password); err != nil {
		return "", fastauth.NewError(http.StatusBadRequest, CodeWeakPassword, errorMessage(err, errWeakPassword))
	}
	hash, err := h.a.hasher.Hash(ctx, password)
	if errors.Is(err, passwordhash.ErrOverloaded) {
		return "", fastauth.NewError(http.StatusServiceUnavailable, CodeOverloaded, "too many password operations at once, retry shortly")
	}
	return hash, err
}

func (h *host) VerifyPassword(ctx context.Context, u fastauth.User, password string) (bool, error) {
	if u.PasswordHash == "" {
		return false, h.a.hasher.VerifyDummy(ctx, password)
	}
	ok, _, err := h.a.hasher.Verify(ctx, password, u.PasswordHash)
	if errors.Is(err, passwordhash.ErrOverloaded) {
		return false, fastauth.NewError(http.StatusServiceUnavailable, CodeOverloaded, "too many password operations at once, retry shortly")
	}
	return ok, err
}

func (h *host) ClearSessionCookies(c *gin.Context) { h.a.clearAuthCookies(c) }
