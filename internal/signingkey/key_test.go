package signingkey_test

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth/internal/signingkey"
)

// methods are the golang-jwt signing methods of the algorithms.
var methods = map[signingkey.Algorithm]jwt.SigningMethod{
	signingkey.EdDSA: jwt.SigningMethodEdDSA,
	signingkey.ES256: jwt.SigningMethodES256,
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	for alg, method := range methods {
		key, err := signingkey.Generate(alg)
		if err != nil {
			t.Fatal(err)
		}
		if key.Algorithm() != alg || key.JWK().Algorithm != alg {
			t.Fatalf("Generate(%s): algorithm %s, JWK alg %s", alg, key.Algorithm(), key.JWK().Algorithm)
		}
		if kid, err := signingkey.Thumbprint(key.Public()); err != nil || kid != key.ID() {
			t.Fatalf("Generate(%s): ID %q, thumbprint %q (%v)", alg, key.ID(), kid, err)
		}
		other, _ := signingkey.Generate(alg)
		if other.ID() == key.ID() {
			t.Fatalf("Generate(%s) twice: the same key", alg)
		}

		// The PEM reads back as the same key.
		pemBytes, err := key.MarshalPEM()
		if err != nil {
			t.Fatal(err)
		}
		keys, err := signingkey.ParsePEM(pemBytes)
		if err != nil || len(keys) != 1 || keys[0].ID() != key.ID() || keys[0].Algorithm() != alg {
			t.Fatalf("ParsePEM(MarshalPEM()) = %v, %v; want the key %s", keys, err, key.ID())
		}

		// golang-jwt signs with Signer and verifies with Public, and
		// only with them.
		tok := jwt.NewWithClaims(method, jwt.MapClaims{"sub": "u"})
		tok.Header["kid"] = key.ID()
		s, err := tok.SignedString(key.Signer())
		if err != nil {
			t.Fatalf("%s: golang-jwt signs: %v", alg, err)
		}
		parse := func(pub crypto.PublicKey) error {
			_, err := jwt.Parse(s, func(*jwt.Token) (any, error) { return pub, nil },
				jwt.WithValidMethods([]string{string(alg)}))
			return err
		}
		if err := parse(keys[0].Public()); err != nil {
			t.Fatalf("%s: golang-jwt verifies with the parsed key: %v", alg, err)
		}
		if err := parse(other.Public()); err == nil {
			t.Fatalf("%s: another key verifies the token", alg)
		}
	}
	if _, err := signingkey.Generate("HS256"); !errors.Is(err, signingkey.ErrUnsupported) {
		t.Fatalf("Generate(HS256) = %v, want ErrUnsupported", err)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	x25519, _ := ecdh.X25519().GenerateKey(rand.Reader)

	for _, tc := range []struct {
		priv crypto.PrivateKey
		alg  signingkey.Algorithm
	}{
		{edPriv, signingkey.EdDSA},
		{&edPriv, signingkey.EdDSA},
		{p256, signingkey.ES256},
	} {
		key, err := signingkey.New(tc.priv)
		if err != nil || key.Algorithm() != tc.alg {
			t.Errorf("New(%T) = %v, %v; want an %s key", tc.priv, key, err, tc.alg)
		}
	}
	for _, tc := range []struct {
		priv crypto.PrivateKey
		want string
	}{
		{p384, "signingkey: unsupported key: ECDSA key on curve P-384; only P-256 (ES256) is supported"},
		{p521, "signingkey: unsupported key: ECDSA key on curve P-521; only P-256 (ES256) is supported"},
		{rsaKey, "signingkey: unsupported key: RSA key; use Ed25519 (EdDSA) or ECDSA P-256 (ES256)"},
		{x25519, "signingkey: unsupported key: ECDH key (X25519 or NIST curve, for key agreement, not signatures); use Ed25519 (EdDSA) or ECDSA P-256 (ES256)"},
		{ed25519.PrivateKey(edPriv[:32]), "signingkey: unsupported key: Ed25519 private key of 32 bytes, want 64"},
		{(*ed25519.PrivateKey)(nil), "signingkey: unsupported key: nil key"},
		{(*ecdsa.PrivateKey)(nil), "signingkey: unsupported key: ECDSA key without a curve; only P-256 (ES256) is supported"},
		{[]byte("a shared secret"), "signingkey: unsupported key: key of type []uint8; use Ed25519 (EdDSA) or ECDSA P-256 (ES256)"},
		{nil, "signingkey: unsupported key: no key; use Ed25519 (EdDSA) or ECDSA P-256 (ES256)"},
	} {
		_, err := signingkey.New(tc.priv)
		if !errors.Is(err, signingkey.ErrUnsupported) || err.Error() != tc.want {
			t.Errorf("New(%T) = %v, want %q", tc.priv, err, tc.want)
		}
	}
}
