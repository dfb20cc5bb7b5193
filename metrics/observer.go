package metrics

import (
	"time"

	"github.com/fastauth/fastauth"
)

// Observer is what fastauth reports to. The kernel declares the same
// method set in its own contract package, so that ginauth does not link
// client_golang; *Metrics satisfies both, and Nop discards everything.
type Observer interface {
	// SignIn counts a password sign-in attempt by result (Sign-in
	// results below).
	SignIn(result string)
	// Refresh counts a refresh-token rotation by result (Refresh results
	// below).
	Refresh(result string)
	// RefreshReplay counts a reuse of a consumed refresh token (the
	// session.replay_detected event).
	RefreshReplay()
	// RateLimited counts a request answered 429 by the route template
	// that matched it (gin's FullPath, such as "/auth/sign-in"), "" when
	// none did.
	RateLimited(route string)
	// PasswordHash records one argon2id computation: how long it waited
	// for a hashing slot and how long it took.
	PasswordHash(wait, took time.Duration)
	// TokenCache counts a lookup in a cache of verified credentials
	// (CacheAPIKey, CacheAccessToken).
	TokenCache(cache string, hit bool)
	// WebhookDelivery counts a finished webhook attempt by result
	// (delivered, retry, failed).
	WebhookDelivery(result string)
	// WebhookQueueDepth sets the number of pending webhook deliveries.
	WebhookQueueDepth(n int)
}

// Nop is an Observer that records nothing.
type Nop struct{}

// SignIn implements Observer.
func (Nop) SignIn(string) {}

// Refresh implements Observer.
func (Nop) Refresh(string) {}

// RefreshReplay implements Observer.
func (Nop) RefreshReplay() {}

// RateLimited implements Observer.
func (Nop) RateLimited(string) {}

// PasswordHash implements Observer.
func (Nop) PasswordHash(time.Duration, time.Duration) {}

// TokenCache implements Observer.
func (Nop) TokenCache(string, bool) {}

// WebhookDelivery implements Observer.
func (Nop) WebhookDelivery(string) {}

// WebhookQueueDepth implements Observer.
func (Nop) WebhookQueueDepth(int) {}

var (
	_ Observer = Nop{}
	_ Observer = (*Metrics)(nil)
)

// *Metrics is what ginauth.Config.Observer takes, and reads the kernel's
// token-cache counters itself.
var (
	_ fastauth.Observer          = (*Metrics)(nil)
	_ fastauth.CacheCountsReader = (*Metrics)(nil)
)
