package oidctest

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// Lifetimes of what the providers issue.
const (
	codeTTL  = time.Minute
	tokenTTL = time.Hour
)

// client is the one OAuth client a provider knows.
type client struct {
	id, secret   string
	redirectURIs []string // empty: any absolute URL
}

// authServer is the OAuth2 authorization-code machinery both providers
// share: the client, the signed-in user, knobs, codes and access tokens.
// U is the provider's user type.
type authServer[U any] struct {
	client      client
	now         func() time.Time
	tokenPrefix string // of access tokens, such as GitHub's "gho_"

	mu            sync.Mutex
	user          U
	knobs         Knobs
	lastAuthorize url.Values
	codes         map[string]*grant[U]
	tokens        map[string]*grant[U] // access token -> the grant it came from
}

func newAuthServer[U any](c client, user U, now func() time.Time) *authServer[U] {
	if now == nil {
		now = time.Now
	}
	return &authServer[U]{
		client: c,
		now:    now,
		user:   user,
		codes:  make(map[string]*grant[U]),
		tokens: make(map[string]*grant[U]),
	}
}

// setUser changes the user the authorize endpoint signs in.
func (s *authServer[U]) setUser(u U) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = u
}

// setKnobs replaces the knobs.
func (s *authServer[U]) setKnobs(k Knobs) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.knobs = k
}

// currentKnobs returns the knobs in force.
func (s *authServer[U]) currentKnobs() Knobs {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.knobs
}

// lastAuthorizeRequest returns a copy of the query of the last request to
// the authorize endpoint.
func (s *authServer[U]) lastAuthorizeRequest() url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(url.Values, len(s.lastAuthorize))
	for k, v := range s.lastAuthorize {
		out[k] = slices.Clone(v)
	}
	return out
}

// available wraps h so that it answers 503 while the Down knob is set.
func (s *authServer[U]) available(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.currentKnobs().Down {
			http.Error(w, "provider down", http.StatusServiceUnavailable)
			return
		}
		h(w, r)
	}
}

// redirectURIAllowed reports whether uri may receive codes.
func (c client) redirectURIAllowed(uri string) bool {
	if len(c.redirectURIs) == 0 {
		u, err := url.Parse(uri)
		return err == nil && u.IsAbs() && u.Fragment == ""
	}
	return slices.Contains(c.redirectURIs, uri)
}

// randomToken returns 32 random bytes, base64url.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}
