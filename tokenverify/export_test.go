package tokenverify

import (
	"context"
	"log/slog"
	"time"
)

// NewWithBackoff is New with the first retry after backoff instead of a
// second, for tests of the issuer being down.
func NewWithBackoff(ctx context.Context, cfg Config, backoff time.Duration) (*Verifier, error) {
	return newVerifier(ctx, cfg, backoff)
}

// ParseJWKS reads a JWK Set document and returns, per kid, the algorithm
// its key is pinned to and the key.
func ParseJWKS(body []byte, log *slog.Logger) (map[string]string, map[string]any, error) {
	keys, err := parseJWKS(body, log)
	if err != nil {
		return nil, nil, err
	}
	algs, pubs := make(map[string]string), make(map[string]any)
	for kid, k := range keys {
		algs[kid], pubs[kid] = k.alg, k.key
	}
	return algs, pubs, nil
}

// WithoutCache turns v's verified-token cache off; call it before v is
// used.
func WithoutCache(v *Verifier) *Verifier {
	v.cache = nil
	return v
}

// CacheLen is the number of tokens v remembers.
func CacheLen(v *Verifier) int { return v.cache.Len() }
