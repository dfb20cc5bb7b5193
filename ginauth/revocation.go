package ginauth

import (
	"context"
	"fmt"
	"time"

	"github.com/fastauth/fastauth/ginauth/revocation"
)

// The names of package revocation that applications configure with.
type (
	// RevocationMode says when a revoked session or a changed role stops
	// being accepted in access tokens; see revocation.Mode.
	RevocationMode = revocation.Mode
	// RevocationConfig configures revocation (Config.Revocation); see
	// revocation.Config.
	RevocationConfig = revocation.Config
	// Revocation is what one instance tells the others; see
	// revocation.Revocation.
	Revocation = revocation.Revocation
	// Broadcaster carries revocations between instances; see
	// revocation.Broadcaster (package redisrevoke implements it).
	Broadcaster = revocation.Broadcaster
	// RevocationObserver counts the per-request store checks; see
	// revocation.Observer.
	RevocationObserver = revocation.Observer
)

// The revocation modes; see revocation.Expiry and revocation.Immediate.
const (
	RevocationExpiry    = revocation.Expiry
	RevocationImmediate = revocation.Immediate
)

// newRevocations sets up RevocationImmediate on a: the checker, and the
// event subscriber that applies and publishes this instance's
// revocations. Nothing in RevocationExpiry mode.
func (a *Auth) newRevocations() {
	a.rev = revocation.New(a.cfg.Revocation, revocation.Options{
		TTL: a.cfg.AccessTokenTTL, Now: a.now, Store: a.store, StoreTimeout: a.cfg.StoreTimeout,
		Logger: a.log, Observer: a.cfg.Observer,
	})
	if a.rev != nil {
		a.Subscribe(a.rev.Record)
	}
}

// listenRevocations starts receiving the other instances' revocations
// (RevocationImmediate), once the modules are mounted.
func (a *Auth) listenRevocations() error {
	if a.rev == nil {
		return nil
	}
	if err := a.rev.Listen(); err != nil {
		return fmt.Errorf("ginauth: %w", err)
	}
	a.closers = append(a.closers, a.rev.Close)
	return nil
}

// revoked is the failure of a verified token in RevocationImmediate mode,
// nil when it stands (see revocation.Checker.Check).
func (a *Auth) revoked(ctx context.Context, v *verifiedToken) *authFailure {
	var iat time.Time
	if v.IssuedAt != nil {
		iat = v.IssuedAt.Time
	}
	switch a.rev.Check(ctx, &v.session, iat) {
	case revocation.Revoked:
		return failInvalidToken
	case revocation.Stale:
		return failTokenExpired
	case revocation.Unavailable:
		return failUnavailable
	}
	return nil
}

// RevocationBroadcastUp reports whether revocations are being received
// from the broadcast (RevocationImmediate); false in RevocationExpiry mode.
// While it is false every cookie request reads its session from the store.
func (a *Auth) RevocationBroadcastUp() bool { return a.rev != nil && a.rev.Up() }
