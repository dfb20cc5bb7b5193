package signingkey

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
)

// Algorithm is the JWS algorithm ("alg") a key signs with.
type Algorithm string

// The algorithms of the keys this package holds.
const (
	// EdDSA: Ed25519 signatures (RFC 8037).
	EdDSA Algorithm = "EdDSA"
	// ES256: ECDSA on P-256 with SHA-256 (RFC 7518, section 3.4).
	ES256 Algorithm = "ES256"
)

// Key is a private signing key with its algorithm and key id. It is
// immutable and safe for concurrent use.
type Key struct {
	alg    Algorithm
	signer crypto.Signer // ed25519.PrivateKey or *ecdsa.PrivateKey on P-256
	jwk    JWK
}

// New wraps a private key: an ed25519.PrivateKey (or *ed25519.PrivateKey)
// signs EdDSA, an *ecdsa.PrivateKey on P-256 ES256. Any other key is
// refused with an error matching ErrUnsupported.
func New(priv crypto.PrivateKey) (*Key, error) {
	k, err := newKey(priv)
	if err != nil {
		return nil, fmt.Errorf("signingkey: %w", err)
	}
	return k, nil
}

// newKey is New with errors of the form "<sentinel>: <detail>".
func newKey(priv crypto.PrivateKey) (*Key, error) {
	var (
		alg    Algorithm
		signer crypto.Signer
	)
	switch k := priv.(type) {
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("%w: Ed25519 private key of %d bytes, want %d", ErrUnsupported, len(k), ed25519.PrivateKeySize)
		}
		alg, signer = EdDSA, k
	case *ed25519.PrivateKey:
		if k == nil {
			return nil, fmt.Errorf("%w: nil key", ErrUnsupported)
		}
		return newKey(*k)
	case *ecdsa.PrivateKey:
		if k == nil || k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: %s; only P-256 (ES256) is supported", ErrUnsupported, describe(priv))
		}
		alg, signer = ES256, k
	default:
		return nil, fmt.Errorf("%w: %s; use Ed25519 (EdDSA) or ECDSA P-256 (ES256)", ErrUnsupported, describe(priv))
	}
	jwk, err := publicJWK(signer.Public())
	if err != nil {
		return nil, err
	}
	return &Key{alg: alg, signer: signer, jwk: jwk}, nil
}

// Generate returns a new random key for alg (EdDSA or ES256), for
// development: a service that generates its keys at every start
// invalidates the tokens of the previous run. MarshalPEM gives the PEM to
// keep it.
func Generate(alg Algorithm) (*Key, error) {
	var (
		priv crypto.PrivateKey
		err  error
	)
	switch alg {
	case EdDSA:
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	case ES256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		return nil, fmt.Errorf("signingkey: %w: algorithm %q; want %q or %q", ErrUnsupported, alg, EdDSA, ES256)
	}
	if err != nil {
		return nil, fmt.Errorf("signingkey: generate %s key: %w", alg, err)
	}
	return New(priv)
}

// Algorithm returns the JWS algorithm the key signs with and the only one
// its public key verifies.
func (k *Key) Algorithm() Algorithm { return k.alg }

// ID returns the key id: the RFC 7638 thumbprint of the public key.
func (k *Key) ID() string { return k.jwk.KeyID }

// Signer returns the private key: an ed25519.PrivateKey for EdDSA, an
// *ecdsa.PrivateKey for ES256 (the types golang-jwt's signing methods take).
func (k *Key) Signer() crypto.Signer { return k.signer }

// Public returns the public key: an ed25519.PublicKey or an
// *ecdsa.PublicKey.
func (k *Key) Public() crypto.PublicKey { return k.signer.Public() }

// JWK returns the public key as a JWK, with its kid, alg and use "sig".
func (k *Key) JWK() JWK { return k.jwk }

// MarshalPEM returns the private key as a PKCS#8 "PRIVATE KEY" PEM block,
// the form ParsePEM reads.
func (k *Key) MarshalPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.signer)
	if err != nil {
		return nil, fmt.Errorf("signingkey: encode %s key: %w", k.alg, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pkcs8Type, Bytes: der}), nil
}

// describe names a key's type for error messages, without its material.
func describe(key any) string {
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		if k != nil && k.Curve != nil {
			return "ECDSA key on curve " + k.Curve.Params().Name
		}
		return "ECDSA key without a curve"
	case *rsa.PrivateKey:
		return "RSA key"
	case *ecdh.PrivateKey:
		return "ECDH key (X25519 or NIST curve, for key agreement, not signatures)"
	case nil:
		return "no key"
	}
	return fmt.Sprintf("key of type %T", key)
}
