package tokenverify

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/go-jose/go-jose/v4"
)

// maxJWKSBytes caps the JWK Set document a fetch reads: a fastauth
// server's holds a few keys of about 200 bytes each.
const maxJWKSBytes = 1 << 20

// publicKey is a verifying key pinned to the one algorithm it verifies.
type publicKey struct {
	alg string // "EdDSA" or "ES256"
	key any    // ed25519.PublicKey or *ecdsa.PublicKey on P-256
}

// algorithms are the only ones a token may carry.
var algorithms = []string{"EdDSA", "ES256"}

// pin returns the algorithm a public key verifies: Ed25519 keys EdDSA,
// P-256 keys ES256, and "" for every other key (RSA, other curves,
// symmetric secrets), which is then not used at all.
func pin(key any) string {
	switch k := key.(type) {
	case ed25519.PublicKey:
		return "EdDSA"
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() {
			return "ES256"
		}
	}
	return ""
}

// fetchJWKS downloads and reads the JWK Set at url.
func fetchJWKS(ctx context.Context, client *http.Client, url string, log *slog.Logger) (map[string]*publicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096)) // let the connection be reused
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if len(body) > maxJWKSBytes {
		return nil, fmt.Errorf("document larger than %d bytes", maxJWKSBytes)
	}
	return parseJWKS(body, log)
}

// parseJWKS reads a JWK Set document. Each key is parsed on its own by
// go-jose, which checks key sizes and that EC points lie on their curve;
// keys this verifier cannot use are left out (RFC 7517, section 5: "ignore
// JWKs ... not understood"), with a log line for those that look like
// mistakes: unparsable keys, private key material, an alg or use that
// contradicts the key, a kid used twice (both are left out). The document
// itself must be a JSON object with a "keys" array.
func parseJWKS(body []byte, log *slog.Logger) (map[string]*publicKey, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("not a JWK Set: %w", err)
	}
	if doc.Keys == nil {
		return nil, errors.New(`not a JWK Set: no "keys" array`)
	}
	keys := make(map[string]*publicKey, len(doc.Keys))
	ambiguous := make(map[string]bool)
	for i, raw := range doc.Keys {
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON(raw); err != nil {
			if !errors.Is(err, jose.ErrUnsupportedKeyType) {
				log.Warn("tokenverify: JWK Set key left out: invalid", "index", i, "err", err)
			}
			continue
		}
		alg := pin(jwk.Public().Key) // the key's type, private or not
		switch {
		case alg == "":
			continue // RSA, other curves, symmetric: not fastauth's
		case !jwk.IsPublic():
			log.Error("tokenverify: JWK Set key left out: it carries PRIVATE key material; "+
				"the issuer must replace this key", "index", i, "kid", jwk.KeyID)
			continue
		case jwk.KeyID == "":
			log.Warn("tokenverify: JWK Set key left out: no kid", "index", i)
			continue
		case jwk.Algorithm != "" && jwk.Algorithm != alg:
			log.Warn("tokenverify: JWK Set key left out: its alg does not fit the key", "kid", jwk.KeyID, "alg", jwk.Algorithm, "key", alg)
			continue
		case jwk.Use != "" && jwk.Use != "sig":
			continue // an encryption key
		case ambiguous[jwk.KeyID] || keys[jwk.KeyID] != nil:
			log.Warn("tokenverify: JWK Set keys left out: kid used twice", "kid", jwk.KeyID)
			delete(keys, jwk.KeyID)
			ambiguous[jwk.KeyID] = true
			continue
		}
		keys[jwk.KeyID] = &publicKey{alg: alg, key: jwk.Key}
	}
	if len(keys) == 0 {
		log.Warn("tokenverify: the JWK Set has no usable key: every token is refused")
	}
	return keys, nil
}
