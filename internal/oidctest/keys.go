package oidctest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// The ID token signing algorithms a [Provider] offers.
const (
	RS256 = "RS256"
	ES256 = "ES256"
)

// signingKey is a key that signs ID tokens under a key id.
type signingKey struct {
	alg jose.SignatureAlgorithm
	kid string
	key crypto.Signer
}

// newSigningKey generates a key for alg ("RS256" or "ES256").
func newSigningKey(alg, kid string) (*signingKey, error) {
	var (
		key crypto.Signer
		err error
	)
	switch alg {
	case RS256:
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	case ES256:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		return nil, fmt.Errorf("oidctest: unsupported signing algorithm %q (want RS256 or ES256)", alg)
	}
	if err != nil {
		return nil, fmt.Errorf("oidctest: generate %s key: %w", alg, err)
	}
	return &signingKey{alg: jose.SignatureAlgorithm(alg), kid: kid, key: key}, nil
}

// signingKeyOf wraps a given key: an *rsa.PrivateKey signs RS256, a P-256
// *ecdsa.PrivateKey ES256. alg, when not empty, must agree.
func signingKeyOf(key crypto.Signer, alg, kid string) (*signingKey, error) {
	var keyAlg string
	switch k := key.(type) {
	case *rsa.PrivateKey:
		keyAlg = RS256
	case *ecdsa.PrivateKey:
		if k.Curve == elliptic.P256() {
			keyAlg = ES256
		}
	}
	if keyAlg == "" {
		return nil, fmt.Errorf("oidctest: signing key %T is neither RSA nor ECDSA P-256", key)
	}
	if alg != "" && alg != keyAlg {
		return nil, fmt.Errorf("oidctest: algorithm %s does not fit the %s signing key", alg, keyAlg)
	}
	return &signingKey{alg: jose.SignatureAlgorithm(keyAlg), kid: kid, key: key}, nil
}

// sign returns payload as a compact JWS with typ JWT and the key id.
func (k *signingKey) sign(payload []byte) (string, error) {
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: k.alg, Key: jose.JSONWebKey{Key: k.key, KeyID: k.kid}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		return "", fmt.Errorf("oidctest: signer: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("oidctest: sign: %w", err)
	}
	return jws.CompactSerialize()
}

// jwk is the public key as published in the JWKS.
func (k *signingKey) jwk() jose.JSONWebKey {
	return jose.JSONWebKey{Key: k.key.Public(), KeyID: k.kid, Algorithm: string(k.alg), Use: "sig"}
}
