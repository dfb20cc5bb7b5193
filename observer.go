package fastauth

import "time"

// Observer receives the kernel's operational measurements: what
// ginauth.Config.Observer takes. It has the method set of
// metrics.Observer, so that *metrics.Metrics (Prometheus) is one, and is
// declared here so that the kernel does not link client_golang. Label
// values are fixed sets and route templates: never a user id, an email or
// a secret. A nil Observer costs nothing: the kernel then measures
// nothing.
type Observer interface {
	// SignIn counts a password sign-in attempt by result: success,
	// invalid_credentials, second_factor_required (a sign-in gate such as
	// a second factor stopped it), email_not_confirmed, locked or error.
	SignIn(result string)
	// Refresh counts a refresh-token rotation by result: success,
	// invalid, replay or error.
	Refresh(result string)
	// RefreshReplay counts a reuse of a consumed refresh token (the
	// session.replay_detected event).
	RefreshReplay()
	// RateLimited counts a request answered 429 by the route template
	// that matched it (such as "/auth/sign-in").
	RateLimited(route string)
	// PasswordHash records one argon2id computation: how long it waited
	// for a hashing slot and how long it took.
	PasswordHash(wait, took time.Duration)
	// TokenCache counts a lookup in a cache of verified credentials
	// ("api_key", "access_token"), unless the Observer is a
	// CacheCountsReader.
	TokenCache(cache string, hit bool)
	// WebhookDelivery counts a finished webhook attempt by result
	// (delivered, retry, failed).
	WebhookDelivery(result string)
	// WebhookQueueDepth sets the number of pending webhook deliveries.
	WebhookQueueDepth(n int)
}

// CacheCounts are the lookups in the kernel's caches of verified
// credentials since it started.
type CacheCounts struct {
	APIKeyHits, APIKeyMisses           uint64
	AccessTokenHits, AccessTokenMisses uint64
}

// CacheCountsReader is an optional interface of an Observer. The token
// caches are read on every authenticated request: rather than calling
// TokenCache each time, the kernel counts in atomic counters and hands
// such an Observer, once when it is registered, the function that reads
// them; the Observer reads them when it is scraped. *metrics.Metrics is
// one.
type CacheCountsReader interface {
	ReadCacheCounts(read func() CacheCounts)
}
