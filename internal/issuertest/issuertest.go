// Package issuertest stands in for a fastauth server in the tests of the
// token verifiers: it publishes a JWK Set on a real HTTP server (counting
// the requests, failing or stalling them on command) and mints access
// tokens with the claims a fastauth server writes, signed by golang-jwt.
package issuertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth/internal/signingkey"
)

// JWKSPath is where the JWK Set is served, as on a fastauth server.
const JWKSPath = "/auth/.well-known/jwks.json"

// The iss and aud of the tokens Claims describes.
const (
	Iss = "https://auth.test"
	Aud = "orders-service"
)

// Issuer is a fastauth server's JWK Set endpoint.
type Issuer struct {
	srv  *httptest.Server
	hits atomic.Int64

	mu     sync.Mutex
	doc    []byte        // the JWK Set served
	status int           // when not 0, answered instead of the document
	stall  chan struct{} // when not nil, requests wait for it to close
}

// Start starts an issuer that publishes keys. Close stops it.
func Start(keys ...*signingkey.Key) (*Issuer, error) {
	is := &Issuer{}
	if err := is.Publish(keys...); err != nil {
		return nil, err
	}
	is.srv = httptest.NewServer(http.HandlerFunc(is.serveHTTP))
	return is, nil
}

func (is *Issuer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != JWKSPath {
		http.NotFound(w, r)
		return
	}
	is.hits.Add(1)
	is.mu.Lock()
	doc, status, stall := is.doc, is.status, is.stall
	is.mu.Unlock()
	if stall != nil {
		select {
		case <-stall:
		case <-r.Context().Done():
			return
		}
	}
	if status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(doc)
}

// Close shuts the server down.
func (is *Issuer) Close() { is.srv.Close() }

// JWKSURL is the JWK Set's URL.
func (is *Issuer) JWKSURL() string { return is.srv.URL + JWKSPath }

// Client is an HTTP client for the server.
func (is *Issuer) Client() *http.Client { return is.srv.Client() }

// Hits is the number of JWK Set requests the server has received.
func (is *Issuer) Hits() int64 { return is.hits.Load() }

// Publish replaces the served JWK Set with keys' public keys.
func (is *Issuer) Publish(keys ...*signingkey.Key) error {
	doc, err := json.Marshal(signingkey.NewJWKSet(keys))
	if err != nil {
		return fmt.Errorf("issuertest: %w", err)
	}
	is.Serve(doc)
	return nil
}

// Serve replaces the served document with doc.
func (is *Issuer) Serve(doc []byte) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.doc = doc
}

// Fail makes the endpoint answer status; 0 serves the document again.
func (is *Issuer) Fail(status int) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.status = status
}

// Stall makes requests wait until the returned function is called.
func (is *Issuer) Stall() (release func()) {
	ch := make(chan struct{})
	is.mu.Lock()
	is.stall = ch
	is.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			is.mu.Lock()
			is.stall = nil
			is.mu.Unlock()
			close(ch)
		})
	}
}

// Claims are the claims of a fastauth access token issued at now for
// Iss and Aud, with a 15-minute lifetime.
func Claims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss":       Iss,
		"aud":       Aud,
		"iat":       now.Unix(),
		"exp":       now.Add(15 * time.Minute).Unix(),
		"sub":       "user-1",
		"sid":       "session-1",
		"email":     "ada@example.com",
		"org":       "org-1",
		"org_role":  "admin",
		"role":      "authenticated",
		"aal":       2,
		"amr":       []string{"password", "totp"},
		"auth_time": now.Unix(),
	}
}

// Mint signs claims with key under its kid, as a fastauth server does.
func Mint(key *signingkey.Key, claims jwt.Claims) (string, error) {
	m := jwt.SigningMethod(jwt.SigningMethodEdDSA)
	if key.Algorithm() == signingkey.ES256 {
		m = jwt.SigningMethodES256
	}
	tok := jwt.NewWithClaims(m, claims)
	tok.Header["kid"] = key.ID()
	s, err := tok.SignedString(key.Signer())
	if err != nil {
		return "", fmt.Errorf("issuertest: sign: %w", err)
	}
	return s, nil
}

// StartWithToken starts an issuer with a fresh key of alg and returns it
// with an access token it issued now: the fastauth server of the
// examples.
func StartWithToken(alg signingkey.Algorithm) (*Issuer, string, error) {
	key, err := signingkey.Generate(alg)
	if err != nil {
		return nil, "", err
	}
	is, err := Start(key)
	if err != nil {
		return nil, "", err
	}
	token, err := Mint(key, Claims(time.Now()))
	if err != nil {
		is.Close()
		return nil, "", err
	}
	return is, token, nil
}
