package metrics

import (
	"slices"
	"strings"
	"sync"
)

// Other replaces a label value outside its allowed set.
const Other = "other"

// Sign-in results.
const (
	SignInSuccess              = "success"
	SignInInvalidCredentials   = "invalid_credentials"
	SignInSecondFactorRequired = "second_factor_required"
	SignInEmailNotConfirmed    = "email_not_confirmed"
	SignInLocked               = "locked"
	SignInRateLimited          = "rate_limited"
	SignInError                = "error"
)

// Refresh results.
const (
	RefreshSuccess = "success"
	RefreshInvalid = "invalid"
	RefreshExpired = "expired"
	RefreshReplay  = "replay"
	RefreshError   = "error"
)

// Webhook results (the values of package audit's Result constants).
const (
	WebhookDelivered = "delivered"
	WebhookRetry     = "retry"
	WebhookFailed    = "failed"
)

// Caches of verified credentials.
const (
	CacheAPIKey      = "api_key"
	CacheAccessToken = "access_token"
)

// Route labels that are not templates.
const (
	// RouteUnmatched labels a request that matched no route.
	RouteUnmatched = "unmatched"
)

var (
	signInResults  = []string{SignInSuccess, SignInInvalidCredentials, SignInSecondFactorRequired, SignInEmailNotConfirmed, SignInLocked, SignInRateLimited, SignInError}
	refreshResults = []string{RefreshSuccess, RefreshInvalid, RefreshExpired, RefreshReplay, RefreshError}
	webhookResults = []string{WebhookDelivered, WebhookRetry, WebhookFailed}
	caches         = []string{CacheAPIKey, CacheAccessToken}
)

// oneOf returns v when allowed holds it, Other otherwise.
func oneOf(v string, allowed []string) string {
	if slices.Contains(allowed, v) {
		return v
	}
	return Other
}

// DefaultMaxRoutes is how many distinct route labels a Metrics keeps
// before it labels further routes Other.
const DefaultMaxRoutes = 64

// routeSet admits route templates up to a cap.
type routeSet struct {
	mu   sync.Mutex
	max  int
	seen map[string]bool
}

// label returns the label for route: the template itself when it looks
// like one and the cap is not reached, RouteUnmatched for "", Other
// otherwise.
func (r *routeSet) label(route string) string {
	if route == "" {
		return RouteUnmatched
	}
	if !templateLike(route) {
		return Other
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[route] {
		return route
	}
	if len(r.seen) >= r.max {
		return Other
	}
	r.seen[route] = true
	return route
}

// templateLike accepts "/"-separated segments of letters, digits and
// "-_.:*" of at most 128 bytes in all, and refuses segments that look
// like identifiers rather than names (anything with a run of five or more
// digits or of sixteen or more hexadecimal characters, such as a UUID or
// a numeric id): a caller that passes request paths instead of templates
// gets Other, not one series per user.
func templateLike(route string) bool {
	if len(route) > 128 || !strings.HasPrefix(route, "/") {
		return false
	}
	for _, seg := range strings.Split(route[1:], "/") {
		digits, hex := 0, 0
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			isDigit := c >= '0' && c <= '9'
			isHex := isDigit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
			isName := isHex || (c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z') || strings.IndexByte("-_.:*", c) >= 0
			if !isName {
				return false
			}
			if isDigit {
				digits++
			} else {
				digits = 0
			}
			if isHex || c == '-' {
				hex++
			} else {
				hex = 0
			}
			if digits >= 5 || hex >= 16 {
				return false
			}
		}
	}
	return true
}
