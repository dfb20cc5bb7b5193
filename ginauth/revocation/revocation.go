// Package revocation makes revoked sessions and changed roles take effect
// on every instance of a service before the access tokens expire
// (revocation mode immediate): an in-process set of ended sessions and
// staleness marks, filled by this instance's events and by the
// revocations a Broadcaster carries from the others, with a per-request
// store check while the broadcast is down.
//
// The kernel (package ginauth) configures it through
// ginauth.Config.Revocation (ginauth.RevocationConfig is Config here) and
// asks a Checker about every verified access token; package redisrevoke
// implements the Broadcaster with Redis pub/sub.
package revocation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/fastauth/fastauth"
)

// Mode says when a revoked session or a changed role stops being
// accepted in access tokens.
type Mode string

// The revocation modes.
const (
	// Expiry (the default): an access token is accepted until it expires
	// (ginauth.Config.AccessTokenTTL), whatever happened to its session.
	Expiry Mode = "expiry"
	// Immediate: every instance refuses the access tokens of a revoked
	// session (401 invalid_token) and those issued before a change of the
	// user's or the organization's membership (401 token_expired) as soon
	// as the broadcast reaches it. Needs Config.Broadcaster.
	Immediate Mode = "immediate"
)

// Config configures revocation (ginauth.Config.Revocation).
type Config struct {
	// Mode is Expiry (default) or Immediate.
	Mode Mode
	// Broadcaster carries revocations between the instances of the
	// service (package redisrevoke implements it with Redis pub/sub).
	// Required with Immediate.
	Broadcaster Broadcaster
}

// ErrBroadcasterMissing refuses mode Immediate without a Broadcaster.
var ErrBroadcasterMissing = errors.New("Revocation.Broadcaster is required with RevocationImmediate")

// Validate checks the settings: ErrBroadcasterMissing, or an error naming
// a Mode that is neither Expiry nor Immediate.
func (c Config) Validate() error {
	switch c.Mode {
	case "", Expiry:
		return nil
	case Immediate:
		if c.Broadcaster == nil {
			return ErrBroadcasterMissing
		}
		return nil
	}
	return fmt.Errorf("Revocation.Mode %q is neither %q nor %q", c.Mode, Expiry, Immediate)
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

// Observer is a fastauth.Observer that also counts the store checks an
// instance makes per request while the broadcast is down, by result
// (accepted, revoked, stale, error).
type Observer interface {
	RevocationStoreCheck(result string)
}

// Store is what the per-request store check reads: the kernel's backend.
type Store interface {
	// SessionByID returns the session, or fastauth.ErrNotFound.
	SessionByID(ctx context.Context, id string) (fastauth.Session, error)
	// Membership returns the user's membership of the organization, or
	// fastauth.ErrNotFound.
	Membership(ctx context.Context, organizationID, userID string) (fastauth.Membership, error)
}

// Options are what a Checker gets from the kernel.
type Options struct {
	// TTL is the access tokens' lifetime: past it an entry ends nothing.
	TTL time.Duration
	// Now is the clock.
	Now func() time.Time
	// Store is read while the broadcast is down, and for tokens issued
	// before the set was complete.
	Store Store
	// StoreTimeout bounds each store check, and each publish.
	StoreTimeout time.Duration
	// Logger receives the broadcast's state changes and the failed store
	// checks.
	Logger *slog.Logger
	// Observer, when it implements Observer, counts the store checks.
	Observer any
}

// Verdict is a Checker's judgement of an access token.
type Verdict uint8

// The verdicts.
const (
	// Accepted: the token stands.
	Accepted Verdict = iota
	// Revoked: its session was revoked (401 invalid_token).
	Revoked
	// Stale: it was issued before a change of its user's membership or
	// its organization (401 token_expired: the client refreshes).
	Stale
	// Unavailable: the store check it needed failed (503, fail closed).
	Unavailable
)

// Checker is revocation mode Immediate on one instance: the set, the
// broadcast and the store fallback. It is safe for concurrent use.
type Checker struct {
	set      *set
	bc       Broadcaster
	store    Store
	timeout  time.Duration
	log      *slog.Logger
	obs      Observer
	now      func() time.Time
	remoteMu sync.RWMutex
	remote   []fastauth.EventHandler // Subscribe handlers
}

// New returns the Checker of cfg (validated), or nil unless cfg.Mode is
// Immediate. Its Record is to be subscribed to the kernel's events, and
// Listen called once the modules are mounted.
func New(cfg Config, o Options) *Checker {
	if cfg.Mode != Immediate {
		return nil
	}
	obs, _ := o.Observer.(Observer)
	return &Checker{
		set:     newSet(o.TTL, o.Now),
		bc:      cfg.Broadcaster,
		store:   o.Store,
		timeout: o.StoreTimeout,
		log:     o.Logger,
		obs:     obs,
		now:     o.Now,
	}
}

// Listen starts receiving the other instances' revocations.
func (c *Checker) Listen() error {
	err := c.bc.Listen(c.apply, func(up bool) {
		was := c.set.up.Swap(up)
		switch {
		case was && !up:
			c.log.Warn("fastauth: the revocation broadcast is down: checking sessions in the store on every request")
		case !was && up:
			c.log.Info("fastauth: the revocation broadcast is up: sessions of earlier tokens are checked in the store once")
			c.set.recovered()
		}
	})
	if err != nil {
		return fmt.Errorf("revocation: listen: %w", err)
	}
	return nil
}

// Close stops listening and releases the broadcaster.
func (c *Checker) Close() error { return c.bc.Close() }

// Up reports whether revocations are being received from the broadcast.
func (c *Checker) Up() bool { return c.set.up.Load() }

// Subscribe adds h to the handlers of the revocations other instances
// publish (and this one's, as they come back): each gets the event the
// revocation stands for, without actor, IP or payload.
func (c *Checker) Subscribe(h fastauth.EventHandler) {
	c.remoteMu.Lock()
	c.remote = append(c.remote, h)
	c.remoteMu.Unlock()
}

// revocationOf is the revocation an event makes, if any.
func revocationOf(e fastauth.Event) (Revocation, bool) {
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
		fastauth.EventUserDisabled, fastauth.EventUserDeleted, // evict the user's API keys everywhere
		fastauth.EventRoleUpdated, fastauth.EventRoleDeleted: // drop the organization's cached roles everywhere
	default:
		return Revocation{}, false
	}
	return r, true
}

// Record is the event subscriber of mode Immediate: it applies the
// revocation an event of this instance makes, then publishes it to the
// others. A failed publish is returned (the kernel logs it); the others
// then see the change when their access tokens expire, as in mode Expiry.
func (c *Checker) Record(ctx context.Context, e fastauth.Event) error {
	r, ok := revocationOf(e)
	if !ok {
		return nil
	}
	c.set.record(r)
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
	defer cancel()
	if err := c.bc.Publish(pctx, r); err != nil {
		return fmt.Errorf("publish revocation: %w", err)
	}
	return nil
}

// apply records a revocation another instance (or this one) published
// and hands it, as an event, to the Subscribe handlers.
func (c *Checker) apply(r Revocation) {
	c.set.record(r)
	c.remoteMu.RLock()
	handlers := c.remote
	c.remoteMu.RUnlock()
	if len(handlers) == 0 {
		return
	}
	e := fastauth.Event{Type: r.Event, OccurredAt: r.At, OrganizationID: r.OrganizationID, Target: r.Target}
	if r.APIKeysDeleted > 0 {
		e.Data = map[string]any{"api_keys_deleted": r.APIKeysDeleted}
	}
	for _, h := range handlers {
		_ = h(context.Background(), e) // the handlers are caches' evictions, which do not fail
	}
}

// Check judges the verified access token of the session principal p,
// issued at issuedAt (zero for a token without iat). The in-process set
// decides, except while the broadcast is down (it may have missed a
// change) or when a change happened in the second the token was issued:
// then the store does, rather than accept a token that a change ended. A
// warm token with the broadcast up allocates nothing.
func (c *Checker) Check(ctx context.Context, p *fastauth.Principal, issuedAt time.Time) Verdict {
	v, unsure := c.set.check(p, issuedAt)
	up := c.set.up.Load()
	if v != Accepted || (!unsure && up) {
		return v
	}
	v = c.storeCheck(ctx, p)
	switch {
	case v == Revoked:
		c.set.record(Revocation{Event: fastauth.EventSessionRevoked, At: c.now(), Target: fastauth.Target{Type: fastauth.TargetSession, ID: p.SessionID}})
	case v == Accepted && up:
		c.set.markChecked(p.SessionID)
	}
	return v
}

// storeCheck judges a session principal by the store: its session must be
// active and its user's membership in its organization must still have the
// token's role. A store failure is Unavailable (fail closed).
func (c *Checker) storeCheck(ctx context.Context, p *fastauth.Principal) Verdict {
	sctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	fail := func(err error) Verdict {
		c.count("error")
		c.log.WarnContext(ctx, "fastauth: revocation store check failed", "err", err)
		return Unavailable
	}
	s, err := c.store.SessionByID(sctx, p.SessionID)
	switch {
	case errors.Is(err, fastauth.ErrNotFound), err == nil && (s.RevokedAt != nil || s.UserID != p.UserID):
		c.count("revoked")
		return Revoked
	case err != nil:
		return fail(err)
	}
	if p.OrganizationID != "" {
		m, err := c.store.Membership(sctx, p.OrganizationID, p.UserID)
		switch {
		case errors.Is(err, fastauth.ErrNotFound), err == nil && m.Role != p.OrganizationRole:
			c.count("stale")
			return Stale
		case err != nil:
			return fail(err)
		}
	}
	c.count("accepted")
	return Accepted
}

// count reports a per-request store check to the observer.
func (c *Checker) count(result string) {
	if c.obs != nil {
		c.obs.RevocationStoreCheck(result)
	}
}
