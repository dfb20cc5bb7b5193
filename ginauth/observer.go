package ginauth

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth/module"
)

// Observer receives the kernel's measurements; see fastauth.Observer.
// Config.Observer takes one, such as *metrics.Metrics.
type Observer = fastauth.Observer

// The result labels the kernel reports (the values of package metrics'
// SignIn* and Refresh* constants).
const (
	resultSuccess              = "success"
	resultInvalidCredentials   = "invalid_credentials"
	resultSecondFactorRequired = "second_factor_required"
	resultEmailNotConfirmed    = "email_not_confirmed"
	resultLocked               = "locked"
	resultError                = "error"
	resultInvalid              = "invalid"
	resultReplay               = "replay"
	cacheAPIKey                = "api_key"
	cacheAccessToken           = "access_token"
)

// metricsResultKey is the gin context key of a result a handler decided
// itself, for the paths the status alone does not tell apart.
const metricsResultKey = "fastauth.metrics_result"

// observer is the kernel's side of Config.Observer. Auth holds a nil
// *observer when there is none, so that every measurement point costs one
// nil check and nothing else.
type observer struct {
	o fastauth.Observer
	// The token caches' lookups: atomic counters the Observer reads when
	// it is a CacheCountsReader, calls to TokenCache otherwise.
	apiKeys, accessTokens *module.LookupCounter
}

// newObserver returns the kernel's observer of o, nil for a nil o.
func newObserver(o fastauth.Observer) *observer {
	if o == nil {
		return nil
	}
	reader, reads := o.(fastauth.CacheCountsReader)
	counter := func(cache string) *module.LookupCounter {
		if reads {
			return module.NewLookupCounter(nil)
		}
		return module.NewLookupCounter(func(hit bool) { o.TokenCache(cache, hit) })
	}
	obs := &observer{o: o, apiKeys: counter(cacheAPIKey), accessTokens: counter(cacheAccessToken)}
	if reads {
		reader.ReadCacheCounts(obs.cacheCounts)
	}
	return obs
}

// cacheCounts reads the token caches' counters.
func (o *observer) cacheCounts() fastauth.CacheCounts {
	var n fastauth.CacheCounts
	n.APIKeyHits, n.APIKeyMisses = o.apiKeys.Counts()
	n.AccessTokenHits, n.AccessTokenMisses = o.accessTokens.Counts()
	return n
}

// cacheLookups is the counter of the cache named cache (Host.CacheLookups);
// nil without an observer. A cache the Observer's counts do not name is
// reported per lookup.
func (o *observer) cacheLookups(cache string) *module.LookupCounter {
	switch {
	case o == nil:
		return nil
	case cache == cacheAPIKey:
		return o.apiKeys
	case cache == cacheAccessToken:
		return o.accessTokens
	}
	return module.NewLookupCounter(func(hit bool) { o.o.TokenCache(cache, hit) })
}

// passwordHash reports one argon2id computation; o may be nil.
func (o *observer) passwordHash(wait, took time.Duration) {
	if o != nil {
		o.o.PasswordHash(wait, took)
	}
}

// rateLimited reports a 429 of c's route; o may be nil.
func (o *observer) rateLimited(c *gin.Context) {
	if o != nil {
		o.o.RateLimited(c.FullPath())
	}
}

// refreshReplay reports a replayed refresh token; o may be nil.
func (o *observer) refreshReplay(c *gin.Context) {
	if o != nil {
		c.Set(metricsResultKey, resultReplay)
		o.o.RefreshReplay()
	}
}

// gateRefused records that a sign-in gate stopped a sign-in; o may be nil.
func (o *observer) gateRefused(c *gin.Context) {
	if o != nil {
		c.Set(metricsResultKey, resultSecondFactorRequired)
	}
}

// signIns wraps the sign-in handler to report each attempt's result.
func (o *observer) signIns(h gin.HandlerFunc) gin.HandlerFunc {
	if o == nil {
		return h
	}
	return func(c *gin.Context) {
		h(c)
		if r := signInResult(c); r != "" {
			o.o.SignIn(r)
		}
	}
}

// refreshes wraps the refresh handler to report each rotation's result.
func (o *observer) refreshes(h gin.HandlerFunc) gin.HandlerFunc {
	if o == nil {
		return h
	}
	return func(c *gin.Context) {
		h(c)
		if r := refreshResult(c); r != "" {
			o.o.Refresh(r)
		}
	}
}

// decided returns the result a handler set, if any.
func decided(c *gin.Context) (string, bool) {
	v, ok := c.Get(metricsResultKey)
	s, _ := v.(string)
	return s, ok && s != ""
}

// signInResult classifies an answered sign-in; "" for a request that was
// no attempt (malformed, too large).
func signInResult(c *gin.Context) string {
	if r, ok := decided(c); ok {
		return r
	}
	switch s := c.Writer.Status(); {
	case s >= 200 && s < 300:
		return resultSuccess
	case s == 401:
		return resultInvalidCredentials
	case s == 403:
		return resultEmailNotConfirmed
	case s == 429:
		return resultLocked
	case s >= 500:
		return resultError
	}
	return ""
}

// refreshResult classifies an answered refresh.
func refreshResult(c *gin.Context) string {
	if r, ok := decided(c); ok {
		return r
	}
	switch s := c.Writer.Status(); {
	case s >= 200 && s < 300:
		return resultSuccess
	case s >= 500:
		return resultError
	case s == 429:
		return ""
	}
	return resultInvalid
}
