// Package module is the extension point of the fastauth kernel: the
// Module interface a capability implements and the Host the kernel gives
// it when it mounts. It imports neither the kernel (package ginauth) nor
// any module, so that modules (apikeys, organizations, mfa, your own) and
// the kernel that mounts them all depend on it and on package fastauth
// only. Package ginauth re-exports the two interfaces as ginauth.Module and
// ginauth.Host.
package module

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/mail"
)

// Module is a capability mounted on the kernel: a sign-in method, a second
// factor, an audit log. Register mounts the modules of Config.Modules
// after the kernel's routes, in order, each on a Host of its own; a
// module's settings go to its constructor, not to Config. A module that
// is not in Config.Modules mounts no route and migrates no table.
//
// A module that stores data declares its storage interface in its own
// package (with Migrate(ctx) error), implemented for GORM in store/ in a
// file of its own, and proves implementations with a conformance package
// of its own (see docs/architecture.md).
type Module interface {
	// Name is the module's short name (lowercase, e.g. "mfa"), used in
	// logs and errors.
	Name() string
	// Mount adds the module's routes and subscriptions to h. An error
	// makes Register fail.
	Mount(h Host) error
}

// Host is what the kernel gives a module: its routes, the guards, the
// standard error handling, users, sessions, events, transactions, mail,
// rate limits, the clock and the logger. It is implemented by the kernel;
// a module uses nothing else of it.
type Host interface {
	// Routes is the route group under Config.BasePath with the kernel's
	// middleware: no-store and no-referrer headers, the cross-origin
	// guard for cookie-authenticated unsafe requests. Handlers read bodies
	// with BindJSON (JSON content type, body cap, no unknown fields).
	Routes() *gin.RouterGroup
	// Handle adapts a handler that returns an error: a non-nil error is
	// answered with Fail unless the handler already answered.
	Handle(h func(c *gin.Context) error) gin.HandlerFunc
	// Fail answers err with the standard error body: a *fastauth.Error
	// with its status and code; the sentinel errors with their usual
	// answers (ErrNotFound 404 not_found, ErrConflict 409, ErrForbidden
	// 403, ErrDuplicateEmail 409 user_already_exists); an unreachable
	// store 503 store_unavailable; anything else a logged 500
	// internal_error that reveals nothing.
	Fail(c *gin.Context, err error)
	// BindJSON decodes the request body into dst strictly; on failure it
	// has answered 400, 413 or 415 and returns false.
	BindJSON(c *gin.Context, dst any) bool
	// RequireSession is the guard of routes for browser sessions: a
	// cookie principal whose session is still active (API keys get 403).
	RequireSession() gin.HandlerFunc
	// CurrentSession returns the session RequireSession loaded.
	CurrentSession(c *gin.Context) (fastauth.Session, bool)
	// LimitIP limits the requests of one client network to the route
	// named route to Config.RateLimit.PerIP a minute (429 rate_limited).
	LimitIP(route string) gin.HandlerFunc
	// LimitAccount limits the requests of one signed-in user to the route
	// named route by Config.RateLimit.PerAccount.
	LimitAccount(route string) gin.HandlerFunc
	// UserByID returns the user with that id (fastauth.ErrNotFound if none).
	UserByID(ctx context.Context, id string) (fastauth.User, error)
	// UserByEmail returns the user with that email, normalized by the
	// kernel's rules (fastauth.ErrNotFound if none).
	UserByEmail(ctx context.Context, email string) (fastauth.User, error)
	// IssueSession signs u in: a new session established by auth (its
	// method is recorded on the user.signed_in event), the cookies and a
	// 200 AuthResponse. With RequireEmailConfirmation an unconfirmed u
	// gets 403 email_not_confirmed. It has answered when it returns; an
	// error is for the module's logs only.
	IssueSession(c *gin.Context, u fastauth.User, auth fastauth.Authentication) error
	// StartSession signs u in as IssueSession does (a new session
	// established by auth, the user.signed_in event with auth's method,
	// both cookies) but answers nothing, for a route whose answer is its
	// own, such as a redirect back to the application. With
	// RequireEmailConfirmation an unconfirmed u gets a *fastauth.Error
	// (403 email_not_confirmed); any other error is a store failure. On
	// failure it has set no cookie and not answered.
	StartSession(c *gin.Context, u fastauth.User, auth fastauth.Authentication) error
	// SignUp creates an account without password for email (normalized by
	// the kernel's rules; a refused one gives a *fastauth.Error 400
	// invalid_email), its email confirmed when confirmed, with its
	// personal workspace, and emits user.signed_up (the AfterSignUp hook
	// runs): the sign-up of a module whose sign-in method is not a
	// password. also, when not nil, runs in the same change after the
	// account is written (the module stores what links the account to
	// its method and emits its events there); its error undoes the
	// account. An address that has an account gives
	// fastauth.ErrDuplicateEmail. No session starts (see StartSession);
	// an unconfirmed account gets the confirmation mail when
	// RequireEmailConfirmation is on. Such an account signs in with a
	// password only after setting one through the password reset.
	SignUp(c *gin.Context, email string, confirmed bool, also func(ctx context.Context, u fastauth.User) error) (fastauth.User, error)
	// SetCookie sets (ttl > 0) or deletes (ttl < 0) a module's cookie
	// name on path: HttpOnly, Secure unless Config.Cookie.Insecure, in
	// the kernel's cookie domain, SameSite Lax whatever the kernel's
	// cookies use, so that it comes back on a top-level navigation from
	// another site (the return from an identity provider).
	SetCookie(c *gin.Context, name, value, path string, ttl time.Duration)
	// StepUp raises the request's session by auth (a second factor the
	// module verified): its assurance level becomes the higher of the
	// session's and auth's, auth's method is appended to its methods, its
	// authentication time becomes now; the access cookie is re-issued
	// with the new aal and amr (the refresh cookie stays) and the answer
	// is a 200 AuthResponse. An API key gets 403 forbidden, a request
	// without a session 401, a session that has ended 401 invalid_token.
	// It emits no event: the module emits its own. It has answered when
	// it returns; an error is for the module's logs only.
	StepUp(c *gin.Context, auth fastauth.Authentication) error
	// ReserveFactorAttempt counts an attempt at a second factor of u (a
	// code that may be a guess) towards u's lockout of second-factor
	// attempts, and reports whether u is locked out instead and for how
	// long (answer 429 rate_limited with Retry-After; a locked account
	// counts nothing). It is the per-account sign-in lockout of
	// Config.RateLimit.Lockout (same policy, same limiter) on a record of
	// its own, so that a correct password, which resets the password's
	// record, does not clear the failures of the second factor. Reserve
	// before checking the code: the attempt counts as a failure until
	// ResetFactorLockout, so of concurrent guesses at most the threshold
	// are checked. With the lockout off it never locks.
	ReserveFactorAttempt(ctx context.Context, u fastauth.User) (retryAfter time.Duration, locked bool)
	// ResetFactorLockout forgets u's failed second-factor attempts: call
	// it when the code was right.
	ResetFactorLockout(ctx context.Context, u fastauth.User)
	// RaiseSession is StepUp without the answer, for a route whose
	// success body is its own (enabling a second factor raises the
	// session and shows recovery codes): it raises the session and sets
	// the access cookie, and on success leaves the answer to the module.
	// On failure it has answered, as StepUp does.
	RaiseSession(c *gin.Context, auth fastauth.Authentication) error
	// AddSignInGate adds a check that runs after a correct password at
	// sign-in, before the session is created: a gate that returns an error
	// stops the sign-in (answered with Fail unless the gate answered
	// itself, e.g. 403 mfa_required with a body of its own).
	AddSignInGate(gate func(c *gin.Context, u fastauth.User) error)
	// Transaction runs fn in one store transaction, carried by fn's
	// context (see fastauth.Transactor).
	Transaction(ctx context.Context, fn func(ctx context.Context) error) error
	// Change runs fn as one change: its events (Emit with fn's context)
	// reach the Subscribe handlers after it commits, and the SubscribeTx
	// handlers inside its transaction.
	Change(ctx context.Context, fn func(ctx context.Context) error) error
	// NewEvent returns an event of type typ by the request's caller, from
	// its address and user agent.
	NewEvent(c *gin.Context, typ, organizationID string, target fastauth.Target) fastauth.Event
	// Emit publishes e (its id and time are filled in).
	Emit(ctx context.Context, e fastauth.Event) error
	// Subscribe and SubscribeTx add event handlers (see Auth.Subscribe).
	Subscribe(h fastauth.EventHandler)
	SubscribeTx(h fastauth.EventHandler)
	// SubscribeRevocations adds h to the handlers of the revocations other
	// instances publish in revocation mode immediate (deleted API keys,
	// membership changes, ...), given as events with their type, time,
	// organization and target only; h is called from the broadcast's
	// goroutine and must not block. Nothing is delivered in mode expiry.
	SubscribeRevocations(h fastauth.EventHandler)
	// AddMailKind registers a kind of mail with its templates.
	AddMailKind(kind mail.Kind, t mail.Template) error
	// SendMail renders and delivers a mail of a registered kind; failures
	// are logged, never returned.
	SendMail(ctx context.Context, kind mail.Kind, m mail.Message)
	// Now is the kernel's clock (Config.Now), UTC, microsecond precision.
	Now() time.Time
	// Logger is the kernel's logger with the module's name attached.
	Logger() *slog.Logger
	// AppBaseURL is the base of links to the application's pages.
	AppBaseURL() string
	// MailLinks are the pages mailed links point to (Config.MailLinks,
	// and those a module that serves pages sets when it mounts).
	MailLinks() *mail.Links

	// Principal returns the request's authenticated principal (set by the
	// kernel's base middleware; always present behind RequireUser).
	Principal(c *gin.Context) (*fastauth.Principal, bool)
	// RequireUser is the guard of routes for any authenticated principal
	// (a session cookie or a bearer credential): others get 401 with the
	// failure the base middleware recorded (token_expired, invalid_token,
	// or 503 store_unavailable when a bearer could not be checked).
	RequireUser() gin.HandlerFunc
	// Membership returns the user's membership in the organization, read
	// from the store (fastauth.ErrNotFound if none).
	Membership(ctx context.Context, organizationID, userID string) (fastauth.Membership, error)
	// StoreContext bounds a store call by Config.StoreTimeout.
	StoreContext(ctx context.Context) (context.Context, context.CancelFunc)
	// SetBearerAuthenticator makes a the authenticator of requests with an
	// `Authorization: Bearer` header. There is at most one: a second call
	// is an error. Without one, every bearer credential gets 401
	// invalid_token.
	SetBearerAuthenticator(a Authenticator) error
	// SetSecondFactor makes f the second factor of the deployment (the mfa
	// module sets itself), which other modules' sign-in methods must pass
	// through SecondFactor. There is at most one: a second call is an
	// error.
	SetSecondFactor(f SecondFactor) error
	// SecondFactor returns the second factor a module set, or nil when no
	// mounted module set one. Ask it at request time: the module that sets
	// it may be mounted after the one that asks.
	SecondFactor() SecondFactor
	// CacheLookups returns the counter of the lookups in the module's
	// cache of verified credentials named cache ("api_key" for API keys),
	// reported to Config.Observer; nil (which counts nothing) without an
	// observer. Call its Count on every lookup of the request path.
	CacheLookups(cache string) *LookupCounter
	// OnClose adds fn to what the kernel's Close runs (after the kernel's
	// own background work has stopped), for a module's background work.
	OnClose(fn func() error)
	// NormalizeEmail normalizes an address by the kernel's rules (those of
	// sign-up); a refused one gives a *fastauth.Error 400 invalid_email.
	NormalizeEmail(email string) (string, error)
	// ClearSessionCookies clears the kernel's access and refresh cookies
	// (after the module ended the caller's session, e.g. deleted the
	// account).
	ClearSessionCookies(c *gin.Context)
	// HashPassword checks password against the kernel's password policy
	// (a *fastauth.Error 400 weak_password) and hashes it as sign-up does,
	// under the hashing concurrency bound (a *fastauth.Error 503
	// overloaded when no slot frees up in time).
	HashPassword(ctx context.Context, password string) (string, error)
	// VerifyPassword reports whether password is u's, spending the work of
	// a real verify also for an account without password (false).
	VerifyPassword(ctx context.Context, u fastauth.User, password string) (bool, error)
	// AllowMail reports whether one more mail from the route named route
	// may go to the normalized address email under the per-address limit
	// of the kernel's mails (Config.RateLimit.PerEmail), and counts it.
	AllowMail(ctx context.Context, route, email string) bool
	// AnswerActiveOrganization answers the request of a browser session
	// whose user's active organization the module just set (persisted) to
	// organizationID: a fresh access cookie for it (the session's
	// assurance kept) and a 200 AuthResponse. It has answered when it
	// returns; an error is for the module's logs only.
	AnswerActiveOrganization(c *gin.Context, organizationID string) error
	// LeaveActiveOrganization is for a request whose caller just lost
	// access to organizationID (deleted it, left it): when it was their
	// session's active organization, it sets a fresh access cookie for the
	// organization they now resolve to, their personal workspace, provided
	// the session is still active (its cookies are cleared otherwise). A
	// non-nil error means it has answered with that error.
	LeaveActiveOrganization(c *gin.Context, organizationID string) error
}

// Authenticator authenticates the credential of an `Authorization:
// Bearer <credential>` header. The kernel's base middleware calls it on
// every such request, before the cookies are looked at (a bearer never
// falls back to the cookie), so it sits on the hot path.
type Authenticator interface {
	// AuthenticateBearer returns the principal credential stands for.
	// ErrInvalidCredential (wrapped or not) means the credential is
	// refused (401 invalid_token); any other error that it could not be
	// checked (503 store_unavailable, logged). ctx is the request's.
	AuthenticateBearer(ctx context.Context, credential string) (*fastauth.Principal, error)
	// WellFormed reports, without a store access, whether credential has
	// the shape of the authenticator's credentials. The kernel's
	// cross-origin guard exempts unsafe requests with a well-formed bearer
	// (a browser never attaches one across origins by itself) and no
	// other Authorization header.
	WellFormed(credential string) bool
}

// ErrInvalidCredential is the error an Authenticator returns for a
// credential it refuses: malformed, unknown, expired or revoked.
var ErrInvalidCredential = errors.New("module: invalid credential")

// SecondFactor is a second factor that a sign-in method of another module
// must pass (the mfa module is one; see Host.SetSecondFactor).
type SecondFactor interface {
	// StartSecondFactor is called after the first factor firstMethod
	// (e.g. "oauth") vouched for the user: it returns the account's
	// second-factor methods and a token that finishes the sign-in, or an
	// empty token when the account has no second factor.
	StartSecondFactor(ctx context.Context, userID, firstMethod string) (token string, methods []string, err error)
}
