package ginauth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fastauth/fastauth"
)

// RevocationMode says when a revoked session or a changed role stops
// being accepted in access tokens.
type RevocationMode string

// The revocation modes.
const (
	// RevocationExpiry (the default): an access token is accepted until it
	// expires (Config.AccessTokenTTL), whatever happened to its session.
	RevocationExpiry RevocationMode = "expiry"
	// RevocationImmediate: every instance refuses the access tokens of a
	// revoked session (401 invalid_token) and those issued before a change
	// of the user's or the organization's membership (401 token_expired)
	// as soon as the broadcast reaches it. Needs RevocationConfig.Broadcaster.
	RevocationImmediate RevocationMode = "immediate"
)

// RevocationConfig configures revocation (Config.Revocation).
type RevocationConfig struct {
	// Mode is RevocationExpiry (default) or RevocationImmediate.
	Mode RevocationMode
	// Broadcaster carries revocations between the instances of the
	// service (package redisrevoke implements it with Redis pub/sub).
	// Required with RevocationImmediate.
	Broadcaster Broadcaster
}

// Revocation is what one instance tells the others after a change that
// ends access tokens: the event that made it, stripped of everything but
// what identifies the tokens (no IP, user agent or secret).
type Revocation struct {
	// Event is the event type (fastauth.EventSessionRevoked, ...).
	Event string `json:"event"`
	// At is when the change happened: tokens issued up to then are ended.
	At time.Time `json:"at"`
	// OrganizationID is the event's organization, if any.
	OrganizationID string `json:"organization_id,omitempty"`
	// Target is the event's target (a session, a user, an organization,
	// an API key).
	Target fastauth.Target `json:"target"`
	// KeepSessionID is the session a revoke-others kept.
	KeepSessionID string `json:"keep_session_id,omitempty"`
	// APIKeysDeleted is the number of API keys a password reset deleted.
	APIKeysDeleted int `json:"api_keys_deleted,omitempty"`
}

// Broadcaster publishes revocations to every instance of the service and
// delivers theirs. Implementations must be safe for concurrent use.
type Broadcaster interface {
	// Publish sends r to every instance (this one may get it back).
	Publish(ctx context.Context, r Revocation) error
	// Listen starts delivering every published revocation to deliver, in
	// the order received, and reporting with health whether revocations
	// are being received (true once subscribed, false as soon as the
	// connection is lost, true again once it is back). Deliveries and
	// health reports come from one goroutine. It returns at once.
	Listen(deliver func(Revocation), health func(up bool)) error
	// Close stops listening and releases the connection.
	Close() error
}

// RevocationObserver is an Observer that also counts the store checks an
// instance makes per request while the broadcast is down, by result
// (accepted, revoked, stale, error).
type RevocationObserver interface {
	RevocationStoreCheck(result string)
}

// revocations is the in-process set of ended sessions and staleness marks
// of an Auth in RevocationImmediate mode; nil in RevocationExpiry mode.
type revocations struct {
	ttl time.Duration // Config.AccessTokenTTL: past it an entry ends nothing
	now func() time.Time
	up  atomic.Bool // the broadcast delivers; else check the store per request

	mu       sync.RWMutex
	sessions map[string]time.Time    // revoked session id → when
	users    map[string]userRevoked  // user id → its latest revoke-others
	stale    map[string]time.Time    // user id → tokens issued up to then are stale
	orgs     map[string]time.Time    // organization id → tokens for it issued up to then are stale
	remote   []fastauth.EventHandler // Host.SubscribeRevocations handlers
	// since is when the set started to be complete: the instance's start,
	// or the broadcast's latest recovery. A token issued up to then may
	// have been ended by a change the set missed: its session is checked
	// in the store once (checked), then the set decides.
	since   time.Time
	checked map[string]struct{}
}

// userRevoked is a revoke-others: every session of the user but keep,
// revoked at at.
type userRevoked struct {
	at   time.Time
	keep string
}

// errBroadcastMissing refuses RevocationImmediate without a Broadcaster.
var errBroadcastMissing = errors.New("Revocation.Broadcaster is required with RevocationImmediate")

// validate checks the revocation settings.
func (rc RevocationConfig) validate() error {
	switch rc.Mode {
	case "", RevocationExpiry:
		return nil
	case RevocationImmediate:
		if rc.Broadcaster == nil {
			return fmt.Errorf("%w: %w", ErrInvalidConfig, errBroadcastMissing)
		}
		return nil
	}
	return fmt.Errorf("%w: Revocation.Mode %q is neither %q nor %q", ErrInvalidConfig, rc.Mode, RevocationExpiry, RevocationImmediate)
}

// newRevocations sets up RevocationImmediate on a: the set and the event
// subscriber that applies and publishes this instance's revocations.
// Nothing in RevocationExpiry mode.
func (a *Auth) newRevocations() {
	if a.cfg.Revocation.Mode != RevocationImmediate {
		return
	}
	a.rev = newRevocationSet(a.cfg.AccessTokenTTL, a.now)
	a.Subscribe(a.publishRevocation)
}

// listenRevocations starts receiving the other instances' revocations
// (RevocationImmediate), once the modules are mounted.
func (a *Auth) listenRevocations() error {
	if a.rev == nil {
		return nil
	}
	rc := a.cfg.Revocation
	err := rc.Broadcaster.Listen(a.rev.apply, func(up bool) {
		was := a.rev.up.Swap(up)
		switch {
		case was && !up:
			a.log.Warn("fastauth: the revocation broadcast is down: checking sessions in the store on every request")
		case !was && up:
			a.log.Info("fastauth: the revocation broadcast is up: sessions of earlier tokens are checked in the store once")
			a.rev.recovered()
		}
	})
	if err != nil {
		return fmt.Errorf("ginauth: listen for revocations: %w", err)
	}
	a.closers = append(a.closers, rc.Broadcaster.Close)
	return nil
}

// newRevocationSet is an empty set whose entries last ttl (the access
// tokens' lifetime) by the clock now.
func newRevocationSet(ttl time.Duration, now func() time.Time) *revocations {
	return &revocations{
		ttl:      ttl,
		now:      now,
		sessions: make(map[string]time.Time),
		users:    make(map[string]userRevoked),
		stale:    make(map[string]time.Time),
		orgs:     make(map[string]time.Time),
		since:    now(),
		checked:  make(map[string]struct{}),
	}
}

// revocationOf is the revocation an event makes, if any.
func revocationOf(e Event) (Revocation, bool) {
	r := Revocation{Event: e.Type, At: e.OccurredAt, OrganizationID: e.OrganizationID, Target: e.Target}
	switch e.Type {
	case fastauth.EventSessionRevoked:
		if e.Target.Type == fastauth.TargetUser { // revoke-others
			r.KeepSessionID, _ = e.Data["kept_session_id"].(string)
		}
	case fastauth.EventPasswordReset:
		r.APIKeysDeleted, _ = e.Data["api_keys_deleted"].(int)
	case fastauth.EventSessionReplayDetected, fastauth.EventPasswordChanged,
		fastauth.EventMemberRoleChanged, fastauth.EventMemberRemoved, fastauth.EventMemberAdded,
		fastauth.EventOrganizationDeleted, fastauth.EventAPIKeyDeleted,
		fastauth.EventUserDisabled, fastauth.EventUserDeleted: // evict the user's API keys everywhere
	default:
		return Revocation{}, false
	}
	return r, true
}

// publishRevocation is the event subscriber of RevocationImmediate: it
// applies the revocation an event of this instance makes, then publishes
// it to the others. A failed publish is logged; the others then see the
// change when their access tokens expire, as in RevocationExpiry.
func (a *Auth) publishRevocation(ctx context.Context, e Event) error {
	r, ok := revocationOf(e)
	if !ok {
		return nil
	}
	a.rev.record(r)
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.StoreTimeout)
	defer cancel()
	if err := a.cfg.Revocation.Broadcaster.Publish(pctx, r); err != nil {
		return fmt.Errorf("publish revocation: %w", err)
	}
	return nil
}

// apply records a revocation another instance (or this one) published
// and hands it, as an event, to the SubscribeRevocations handlers.
func (rv *revocations) apply(r Revocation) {
	rv.record(r)
	rv.mu.RLock()
	handlers := rv.remote
	rv.mu.RUnlock()
	if len(handlers) == 0 {
		return
	}
	e := Event{Type: r.Event, OccurredAt: r.At, OrganizationID: r.OrganizationID, Target: r.Target}
	if r.APIKeysDeleted > 0 {
		e.Data = map[string]any{"api_keys_deleted": r.APIKeysDeleted}
	}
	for _, h := range handlers {
		_ = h(context.Background(), e) // the handlers are caches' evictions, which do not fail
	}
}

// record adds r to the set, and drops the entries that no unexpired
// token can be affected by any more.
func (rv *revocations) record(r Revocation) {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	later := func(m map[string]time.Time, k string) {
		if t, ok := m[k]; !ok || r.At.After(t) {
			m[k] = r.At
		}
	}
	switch r.Event {
	case fastauth.EventSessionRevoked, fastauth.EventSessionReplayDetected,
		fastauth.EventUserDisabled, fastauth.EventUserDeleted: // these two end every session of the user
		if r.Target.Type == fastauth.TargetSession {
			later(rv.sessions, r.Target.ID)
		} else if r.Target.Type == fastauth.TargetUser {
			if u, ok := rv.users[r.Target.ID]; !ok || r.At.After(u.at) {
				rv.users[r.Target.ID] = userRevoked{at: r.At, keep: r.KeepSessionID}
			}
		}
	case fastauth.EventPasswordChanged, fastauth.EventPasswordReset,
		fastauth.EventMemberRoleChanged, fastauth.EventMemberRemoved:
		// A password change or reset revokes the user's other sessions
		// in the store: their tokens go stale (401 token_expired), and
		// their refresh then fails.
		later(rv.stale, r.Target.ID)
	case fastauth.EventOrganizationDeleted:
		later(rv.orgs, r.Target.ID)
	}
	rv.prune()
}

// recovered restarts the completeness of the set (the broadcast is back:
// what it carried meanwhile is lost): tokens issued up to now get their
// session checked in the store once more.
func (rv *revocations) recovered() {
	rv.mu.Lock()
	rv.since = rv.now()
	clear(rv.checked)
	rv.mu.Unlock()
}

// markChecked records that the store found session's token good since
// the set's latest start.
func (rv *revocations) markChecked(session string) {
	rv.mu.Lock()
	rv.checked[session] = struct{}{}
	rv.mu.Unlock()
}

// prune drops the entries older than an access token lives. Called with
// mu held for writing.
func (rv *revocations) prune() {
	horizon := rv.now().Add(-rv.ttl - time.Minute)
	for _, m := range []map[string]time.Time{rv.sessions, rv.stale, rv.orgs} {
		for k, t := range m {
			if t.Before(horizon) {
				delete(m, k)
			}
		}
	}
	for k, u := range rv.users {
		if u.at.Before(horizon) {
			delete(rv.users, k)
		}
	}
}

// ends says whether a change at at ends a token issued at iat. Tokens
// carry iat in whole seconds: a token of an earlier second is ended, one of
// a later second is not, and one of the same second is unsure (issued just
// before or just after the change): the store decides.
func ends(iat *numericDate, at time.Time) (ended, unsure bool) {
	if iat == nil {
		return true, false
	}
	sec := at.Truncate(time.Second)
	switch {
	case iat.Time.Before(sec):
		return true, false
	case iat.Time.Equal(sec):
		return false, true
	}
	return false, false
}

// check judges a verified token against the set: failInvalidToken for a
// revoked session, failTokenExpired for a stale token, else nil, with
// unsure set when a change happened in the second the token was issued
// (the store decides). It allocates nothing.
func (rv *revocations) check(v *verifiedToken) (f *authFailure, unsure bool) {
	p := &v.session
	rv.mu.RLock()
	defer rv.mu.RUnlock()
	if ended, maybe := ends(v.IssuedAt, rv.since); ended || maybe {
		if _, ok := rv.checked[p.SessionID]; !ok && rv.now().Before(rv.since.Add(rv.ttl+time.Minute)) {
			unsure = true // issued before the set was complete
		}
	}
	if len(rv.sessions)+len(rv.users)+len(rv.stale)+len(rv.orgs) == 0 {
		return nil, unsure
	}
	if _, ok := rv.sessions[p.SessionID]; ok {
		return failInvalidToken, false
	}
	if u, ok := rv.users[p.UserID]; ok && u.keep != p.SessionID {
		ended, maybe := ends(v.IssuedAt, u.at)
		if ended {
			return failInvalidToken, false
		}
		unsure = unsure || maybe
	}
	if t, ok := rv.stale[p.UserID]; ok {
		ended, maybe := ends(v.IssuedAt, t)
		if ended {
			return failTokenExpired, false
		}
		unsure = unsure || maybe
	}
	if p.OrganizationID != "" {
		if t, ok := rv.orgs[p.OrganizationID]; ok {
			ended, maybe := ends(v.IssuedAt, t)
			if ended {
				return failTokenExpired, false
			}
			unsure = unsure || maybe
		}
	}
	return nil, unsure
}

// revoked is the failure of a verified token in RevocationImmediate mode,
// nil when it stands. The in-process set decides, except while the
// broadcast is down (it may have missed a change) or when a change
// happened in the second the token was issued: then the store does (see
// storeCheck), rather than accept a token that a change ended.
func (a *Auth) revoked(ctx context.Context, v *verifiedToken) *authFailure {
	f, unsure := a.rev.check(v)
	up := a.rev.up.Load()
	if f != nil || (!unsure && up) {
		return f
	}
	f = a.storeCheck(ctx, &v.session)
	switch {
	case f == failInvalidToken:
		a.rev.record(Revocation{Event: fastauth.EventSessionRevoked, At: a.now(), Target: fastauth.Target{Type: fastauth.TargetSession, ID: v.session.SessionID}})
	case f == nil && up:
		a.rev.markChecked(v.session.SessionID)
	}
	return f
}

// storeCheck judges a session principal by the store: its session must be
// active and its user's membership in its organization must still have the
// token's role. A store failure answers 503 (fail closed).
func (a *Auth) storeCheck(ctx context.Context, p *Principal) *authFailure {
	sctx, cancel := context.WithTimeout(ctx, a.cfg.StoreTimeout)
	defer cancel()
	fail := func(err error) *authFailure {
		a.countStoreCheck("error")
		a.log.WarnContext(ctx, "fastauth: revocation store check failed", "err", err)
		return failUnavailable
	}
	s, err := a.store.SessionByID(sctx, p.SessionID)
	switch {
	case errors.Is(err, ErrNotFound), err == nil && (s.RevokedAt != nil || s.UserID != p.UserID):
		a.countStoreCheck("revoked")
		return failInvalidToken
	case err != nil:
		return fail(err)
	}
	if p.OrganizationID != "" {
		m, err := a.store.Membership(sctx, p.OrganizationID, p.UserID)
		switch {
		case errors.Is(err, ErrNotFound), err == nil && m.Role != p.OrganizationRole:
			a.countStoreCheck("stale")
			return failTokenExpired
		case err != nil:
			return fail(err)
		}
	}
	a.countStoreCheck("accepted")
	return nil
}

// countStoreCheck reports a per-request store check to the observer.
func (a *Auth) countStoreCheck(result string) {
	if o, ok := a.cfg.Observer.(RevocationObserver); ok {
		o.RevocationStoreCheck(result)
	}
}

// subscribeRevocations adds h to the handlers of the revocations other
// instances publish (see Host.SubscribeRevocations).
func (a *Auth) subscribeRevocations(h fastauth.EventHandler) {
	if a.rev == nil {
		return
	}
	a.rev.mu.Lock()
	a.rev.remote = append(a.rev.remote, h)
	a.rev.mu.Unlock()
}

// RevocationBroadcastUp reports whether revocations are being received
// from the broadcast (RevocationImmediate); false in RevocationExpiry mode.
// While it is false every cookie request reads its session from the store.
func (a *Auth) RevocationBroadcastUp() bool { return a.rev != nil && a.rev.up.Load() }
