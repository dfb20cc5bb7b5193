package social

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Flow is what the flow cookie carries from the start of a sign-in to its
// callback: the values the callback checks, where it returns, and for a
// link flow the user who started it.
type Flow struct {
	// Provider is the provider's name; a flow opens only for it.
	Provider string
	// State is the OAuth2 state sent to the provider.
	State string
	// Nonce is the OIDC nonce the ID token must carry.
	Nonce string
	// Verifier is the PKCE code verifier whose S256 challenge was sent.
	Verifier string
	// RedirectTo is the validated redirect_to.
	RedirectTo string
	// LinkUserID, when not empty, makes the callback link the identity to
	// this signed-in user instead of signing in.
	LinkUserID string
	// Expires is when the flow stops being accepted.
	Expires time.Time
}

// FlowCookieName is the name of the flow cookie.
const FlowCookieName = "fastauth_oauth_flow"

// maxFlowCookie bounds a flow cookie value accepted for opening.
const maxFlowCookie = 4096

// flowVersion is the first byte of a sealed flow; another version does
// not open.
const flowVersion = 1

// flowKeyInfo is the HKDF info deriving the flow cookie key.
const flowKeyInfo = "fastauth social flow cookie v1"

// flowPayload is Flow in the sealed cookie, with short names.
type flowPayload struct {
	Provider   string `json:"p"`
	State      string `json:"s"`
	Nonce      string `json:"n"`
	Verifier   string `json:"v"`
	RedirectTo string `json:"r"`
	LinkUserID string `json:"l,omitempty"`
	Expires    int64  `json:"e"`
}

// flowSealer seals and opens flow cookies with AES-256-GCM: the cookie is
// confidential (the PKCE verifier and nonce stay unreadable) and
// tamper-proof, and bound to its provider by the additional data.
type flowSealer struct{ aead cipher.AEAD }

// newFlowSealer derives the cookie key from secret (at least 32 bytes)
// with HKDF-SHA256.
func newFlowSealer(secret []byte) (*flowSealer, error) {
	if len(secret) < 32 {
		return nil, errors.New("social: the flow key must be at least 32 bytes")
	}
	key, err := hkdf.Key(sha256.New, secret, nil, flowKeyInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("social: derive flow key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("social: flow cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("social: flow cipher: %w", err)
	}
	return &flowSealer{aead: aead}, nil
}

// additionalData binds a sealed flow to its provider.
func additionalData(provider string) []byte {
	return []byte("fastauth/social/flow\x00" + provider)
}

// seal returns the cookie value of f: base64url(version | nonce |
// AES-GCM(JSON)).
func (s *flowSealer) seal(f Flow) (string, error) {
	plain, err := json.Marshal(flowPayload{
		Provider: f.Provider, State: f.State, Nonce: f.Nonce, Verifier: f.Verifier,
		RedirectTo: f.RedirectTo, LinkUserID: f.LinkUserID, Expires: f.Expires.Unix(),
	})
	if err != nil {
		return "", fmt.Errorf("social: seal flow: %w", err)
	}
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	out[0] = flowVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return "", fmt.Errorf("social: random: %w", err)
	}
	out = s.aead.Seal(out, out[1:], plain, additionalData(f.Provider))
	return base64.RawURLEncoding.EncodeToString(out), nil
}

// open returns the flow sealed in value for provider, provided it has not
// expired at now; any failure is ErrInvalidFlow.
func (s *flowSealer) open(provider, value string, now time.Time) (Flow, error) {
	if value == "" || len(value) > maxFlowCookie {
		return Flow{}, ErrInvalidFlow
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(value)
	ns := s.aead.NonceSize()
	if err != nil || len(raw) < 1+ns+s.aead.Overhead() || raw[0] != flowVersion {
		return Flow{}, ErrInvalidFlow
	}
	plain, err := s.aead.Open(nil, raw[1:1+ns], raw[1+ns:], additionalData(provider))
	if err != nil {
		return Flow{}, ErrInvalidFlow
	}
	var p flowPayload
	if err := json.Unmarshal(plain, &p); err != nil || p.Provider != provider {
		return Flow{}, ErrInvalidFlow
	}
	f := Flow{
		Provider: p.Provider, State: p.State, Nonce: p.Nonce, Verifier: p.Verifier,
		RedirectTo: p.RedirectTo, LinkUserID: p.LinkUserID, Expires: time.Unix(p.Expires, 0).UTC(),
	}
	if !now.Before(f.Expires) || f.State == "" || f.Verifier == "" || f.RedirectTo == "" {
		return Flow{}, ErrInvalidFlow
	}
	return f, nil
}

// FlowCookie returns the flow cookie carrying value (from Start) until
// expires, for the routes under path (the module's /oauth route group):
// HttpOnly, SameSite=Lax (the provider's redirect back is a top-level
// cross-site navigation, which Lax cookies accompany) and Secure when
// secure. A zero expires returns the cookie that deletes it.
func FlowCookie(value string, expires time.Time, now time.Time, path string, secure bool) *http.Cookie {
	c := &http.Cookie{
		Name: FlowCookieName, Value: value, Path: path,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	}
	if expires.IsZero() {
		c.Value = ""
		c.MaxAge = -1
		return c
	}
	c.Expires = expires.UTC()
	c.MaxAge = max(1, int(expires.Sub(now)/time.Second))
	return c
}

// CheckLink checks, at the callback of a link flow, that the browser is
// still signed in as the user who started it: currentUserID is the
// session's user ("" when signed out). It gives ErrLinkMismatch otherwise,
// and nil for a sign-in flow.
func (f Flow) CheckLink(currentUserID string) error {
	if f.LinkUserID != "" && f.LinkUserID != currentUserID {
		return ErrLinkMismatch
	}
	return nil
}
