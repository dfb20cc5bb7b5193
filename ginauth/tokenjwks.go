package ginauth

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/internal/signingkey"
)

// jwksCacheControl lets verifiers and proxies keep the JWK Set for five
// minutes: a new signing key should be published (as a verifying key)
// that long before it starts signing.
const jwksCacheControl = "public, max-age=300"

// JWKSetBody is the JWK Set document of GET {BasePath}/.well-known/jwks.json
// (RFC 7517, section 5): the public keys access tokens are verified with,
// the signing key first.
type JWKSetBody struct {
	Keys []JWKBody `json:"keys"`
}

// JWKBody is one public key of the JWK Set: an Ed25519 key (kty OKP, crv
// Ed25519) or a P-256 key (kty EC, crv P-256, with y).
type JWKBody struct {
	KeyType   string `json:"kty" enums:"OKP,EC"`
	Curve     string `json:"crv" enums:"Ed25519,P-256"`
	X         string `json:"x"`
	Y         string `json:"y,omitempty"`
	KeyID     string `json:"kid"`
	Algorithm string `json:"alg" enums:"EdDSA,ES256"`
	Use       string `json:"use" enums:"sig"`
}

// jwksDocument is the JWK Set of keys in JSON; nil for none (HS256).
func jwksDocument(keys []signingkey.JWK) ([]byte, error) {
	if keys == nil {
		return nil, nil
	}
	body, err := json.Marshal(signingkey.JWKSet{Keys: keys})
	if err != nil {
		return nil, fmt.Errorf("ginauth: JWK Set: %w", err)
	}
	return body, nil
}

// jwks serves the JWK Set of the access-token signing keys. Under HS256
// there is no public key: 404, as for an unknown route. The query string
// is ignored.
//
//	@Summary	The public keys that verify access tokens (JWK Set)
//	@Description	EdDSA and ES256 only (Config.TokenAlgorithm): other services verify access tokens with these keys, chosen by the token's kid. Cacheable for 5 minutes. Under HS256 (a shared secret) there is nothing to publish: 404 route_not_found.
//	@Tags		tokens
//	@Produce	json
//	@Success	200	{object}	JWKSetBody
//	@Failure	404	{object}	ErrorBody	"route_not_found (HS256)"
//	@Router		/.well-known/jwks.json [get]
func (a *Auth) jwks(c *gin.Context) {
	body := a.tokens.jwks
	if body == nil {
		abort(c, http.StatusNotFound, CodeRouteNotFound, "no such route")
		return
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", jwksCacheControl)
	h.Del("Pragma")
	c.Data(http.StatusOK, "application/json", body)
}
