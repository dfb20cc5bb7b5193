package signingkey

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// p256Coordinate is the length of a P-256 coordinate: JWKs carry x and y
// at exactly this length, leading zeros included (RFC 7518, 6.2.1.2).
const p256Coordinate = 32

// JWK is a public key in JSON Web Key form (RFC 7517) as fastauth
// publishes it: kty "OKP" with crv "Ed25519" (RFC 8037) or kty "EC" with
// crv "P-256" and y, the key id, the algorithm it verifies and use "sig".
type JWK struct {
	KeyType   string    `json:"kty"`
	Curve     string    `json:"crv"`
	X         string    `json:"x"`
	Y         string    `json:"y,omitempty"`
	KeyID     string    `json:"kid"`
	Algorithm Algorithm `json:"alg"`
	Use       string    `json:"use"`
}

// JWKSet is a JWK Set document (RFC 7517, section 5): the body of
// /.well-known/jwks.json.
type JWKSet struct {
	Keys []JWK `json:"keys"`
}

// NewJWKSet returns the JWK Set of keys' public keys, in keys' order
// (the signing key first).
func NewJWKSet(keys []*Key) JWKSet {
	set := JWKSet{Keys: make([]JWK, len(keys))}
	for i, k := range keys {
		set.Keys[i] = k.JWK()
	}
	return set
}

// PublicJWK returns the JWK of an Ed25519 or ECDSA P-256 public key, with
// its thumbprint as kid.
func PublicJWK(pub crypto.PublicKey) (JWK, error) {
	jwk, err := publicJWK(pub)
	if err != nil {
		return JWK{}, fmt.Errorf("signingkey: %w", err)
	}
	return jwk, nil
}

// publicJWK is PublicJWK with errors of the form "<sentinel>: <detail>".
func publicJWK(pub crypto.PublicKey) (JWK, error) {
	var jwk JWK
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return JWK{}, fmt.Errorf("%w: Ed25519 public key of %d bytes, want %d", ErrUnsupported, len(k), ed25519.PublicKeySize)
		}
		jwk = JWK{KeyType: "OKP", Curve: "Ed25519", X: b64(k), Algorithm: EdDSA}
	case *ecdsa.PublicKey:
		if k == nil || k.Curve != elliptic.P256() {
			return JWK{}, fmt.Errorf("%w: public %s; only P-256 (ES256) is supported", ErrUnsupported, describePublic(k))
		}
		point, err := k.Bytes() // 0x04 || x || y, each coordinate full length
		if err != nil || len(point) != 1+2*p256Coordinate {
			return JWK{}, fmt.Errorf("%w: invalid P-256 public key", ErrUnsupported)
		}
		jwk = JWK{
			KeyType:   "EC",
			Curve:     "P-256",
			X:         b64(point[1 : 1+p256Coordinate]),
			Y:         b64(point[1+p256Coordinate:]),
			Algorithm: ES256,
		}
	default:
		return JWK{}, fmt.Errorf("%w: public key of type %T; %s", ErrUnsupported, pub, hintKeyTypes)
	}
	jwk.Use = "sig"
	jwk.KeyID = jwk.thumbprint()
	return jwk, nil
}

// Thumbprint returns the RFC 7638 JWK thumbprint of an Ed25519 or ECDSA
// P-256 public key: the base64url (unpadded) SHA-256 of the key's
// required members in lexicographic order, without whitespace. It is the
// key id of the tokens the key signs.
func Thumbprint(pub crypto.PublicKey) (string, error) {
	jwk, err := PublicJWK(pub)
	if err != nil {
		return "", err
	}
	return jwk.KeyID, nil
}

// thumbprint computes the RFC 7638 thumbprint of the JWK's key members.
// They are fixed names and base64url strings, so the canonical JSON (the
// required members in lexicographic order, no whitespace) needs no
// escaping and is written directly.
func (j JWK) thumbprint() string {
	canonical := `{"crv":"` + j.Curve + `","kty":"` + j.KeyType + `","x":"` + j.X
	if j.KeyType == "EC" {
		canonical += `","y":"` + j.Y
	}
	canonical += `"}`
	sum := sha256.Sum256([]byte(canonical))
	return b64(sum[:])
}

// b64 is unpadded base64url, the encoding of every binary JWK member.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// describePublic names a public ECDSA key's curve for error messages.
func describePublic(k *ecdsa.PublicKey) string {
	if k == nil || k.Curve == nil {
		return "ECDSA key without a curve"
	}
	return "ECDSA key on curve " + k.Curve.Params().Name
}
