package audit

import (
	"fmt"
	"strings"

	"github.com/fastauth/fastauth/internal/egress"
	"github.com/fastauth/fastauth/webhook"
)

// MaxEndpointIDLen bounds Endpoint.ID, which the delivery rows store.
const MaxEndpointIDLen = 64

// Endpoint is a webhook receiver from the configuration.
type Endpoint struct {
	// ID names the endpoint in the delivery rows: 1 to MaxEndpointIDLen
	// lowercase letters, digits, '-' or '_'. Keep it when the URL or the
	// secret changes, so queued deliveries go to the new address; a worker
	// leaves alone the deliveries of endpoints it is not configured with.
	ID string
	// URL receives the POST requests (http or https).
	URL string
	// Secrets sign every message: usually one, two while rotating (the
	// receiver needs only one to match).
	Secrets []webhook.Secret
	// Types selects the events: exact types ("member.added"), prefixes
	// ("member.*") or "*" for all. Empty selects all.
	Types []string
	// AllowPrivate lets the worker reach loopback, private and link-local
	// addresses, which are refused otherwise (server-side request
	// forgery).
	AllowPrivate bool
}

// Validate reports a configuration error, wrapping ErrInvalidConfig; its
// text never contains the secret or the URL's query.
func (e Endpoint) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: webhook endpoint %q: %s", ErrInvalidConfig, e.ID, fmt.Sprintf(format, a...))
	}
	if !validEndpointID(e.ID) {
		return bad("id must be 1 to %d lowercase letters, digits, '-' or '_'", MaxEndpointIDLen)
	}
	if err := egress.CheckURL(e.URL, e.AllowPrivate); err != nil {
		return bad("URL refused: %v", err)
	}
	if len(e.Secrets) == 0 {
		return bad("no secret")
	}
	for _, s := range e.Secrets {
		if s.IsZero() {
			return bad("a zero secret")
		}
	}
	for _, p := range e.Types {
		if !validPattern(p) {
			return bad("type pattern %q is not a type, a prefix such as member.* or *", p)
		}
	}
	return nil
}

// Matches reports whether the endpoint receives events of type t.
func (e Endpoint) Matches(t string) bool {
	if len(e.Types) == 0 {
		return true
	}
	for _, p := range e.Types {
		if p == "*" || p == t {
			return true
		}
		if prefix, ok := strings.CutSuffix(p, "*"); ok && strings.HasPrefix(t, prefix) {
			return true
		}
	}
	return false
}

// validPattern accepts "*", an event type, or words followed by ".*".
func validPattern(p string) bool {
	if p == "*" || ValidType(p) {
		return true
	}
	prefix, ok := strings.CutSuffix(p, ".*")
	if !ok || prefix == "" {
		return false
	}
	return ValidType(prefix) || ValidType(prefix+".x")
}

func validEndpointID(id string) bool {
	if id == "" || len(id) > MaxEndpointIDLen {
		return false
	}
	for _, c := range id {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// validateEndpoints checks every endpoint and that ids are unique.
func validateEndpoints(endpoints []Endpoint) error {
	seen := make(map[string]bool, len(endpoints))
	for _, e := range endpoints {
		if err := e.Validate(); err != nil {
			return err
		}
		if seen[e.ID] {
			return fmt.Errorf("%w: webhook endpoint id %q used twice", ErrInvalidConfig, e.ID)
		}
		seen[e.ID] = true
	}
	return nil
}
