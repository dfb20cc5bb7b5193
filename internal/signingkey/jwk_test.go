package signingkey_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/fastauth/fastauth/internal/signingkey"
)

// The Ed25519 key of RFC 8037, Appendix A.1, and its thumbprint from
// Appendix A.3.
const (
	rfc8037D          = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
	rfc8037X          = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
	rfc8037Thumbprint = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
)

func TestThumbprintRFC8037(t *testing.T) {
	t.Parallel()
	seed, err := base64.RawURLEncoding.DecodeString(rfc8037D)
	if err != nil {
		t.Fatal(err)
	}
	key, err := signingkey.New(ed25519.NewKeyFromSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	jwk := key.JWK()
	if jwk.X != rfc8037X {
		t.Fatalf("x = %q, want RFC 8037's %q", jwk.X, rfc8037X)
	}
	if key.ID() != rfc8037Thumbprint || jwk.KeyID != rfc8037Thumbprint {
		t.Fatalf("kid = %q (JWK %q), want RFC 8037's %q", key.ID(), jwk.KeyID, rfc8037Thumbprint)
	}
	pub, _ := base64.RawURLEncoding.DecodeString(rfc8037X)
	got, err := signingkey.Thumbprint(ed25519.PublicKey(pub))
	if err != nil || got != rfc8037Thumbprint {
		t.Fatalf("Thumbprint = %q, %v; want %q", got, err, rfc8037Thumbprint)
	}
}

// TestThumbprintMatchesGoJose compares the thumbprint and the JWK with
// go-jose's for random keys, including P-256 keys whose coordinates start
// with a zero byte (JWKs carry them at full length, and a thumbprint of a
// shortened coordinate would differ).
func TestThumbprintMatchesGoJose(t *testing.T) {
	t.Parallel()
	var pubs []crypto.PublicKey
	for range 64 {
		pub, _, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		pubs = append(pubs, pub)
	}
	shortX, shortY := false, false
	for i := 0; i < 64 || !shortX || !shortY; i++ {
		if i > 100000 {
			t.Fatal("no P-256 key with a leading zero coordinate byte in 100000 tries")
		}
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		point, _ := k.PublicKey.Bytes()
		zx, zy := point[1] == 0, point[33] == 0
		if i < 64 || (zx && !shortX) || (zy && !shortY) {
			pubs = append(pubs, &k.PublicKey)
		}
		shortX, shortY = shortX || zx, shortY || zy
	}
	for _, pub := range pubs {
		jwk, err := signingkey.PublicJWK(pub)
		if err != nil {
			t.Fatal(err)
		}
		want, err := (&jose.JSONWebKey{Key: pub}).Thumbprint(crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if got := jwk.KeyID; got != base64.RawURLEncoding.EncodeToString(want) {
			t.Fatalf("%T: kid %q, go-jose thumbprint %q", pub, got, base64.RawURLEncoding.EncodeToString(want))
		}
		// go-jose reads our JWK back as the same public key, kid, alg and use.
		doc, err := json.Marshal(jwk)
		if err != nil {
			t.Fatal(err)
		}
		var parsed jose.JSONWebKey
		if err := json.Unmarshal(doc, &parsed); err != nil {
			t.Fatalf("go-jose refuses our JWK %s: %v", doc, err)
		}
		if !parsed.IsPublic() || !parsed.Valid() || parsed.KeyID != jwk.KeyID ||
			parsed.Algorithm != string(jwk.Algorithm) || parsed.Use != "sig" {
			t.Fatalf("go-jose reads %s as %+v", doc, parsed)
		}
		if !parsed.Key.(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) {
			t.Fatalf("go-jose reads another key from %s", doc)
		}
	}
}

func TestJWKShape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		alg     signingkey.Algorithm
		kty     string
		crv     string
		members []string
	}{
		{signingkey.EdDSA, "OKP", "Ed25519", []string{"alg", "crv", "kid", "kty", "use", "x"}},
		{signingkey.ES256, "EC", "P-256", []string{"alg", "crv", "kid", "kty", "use", "x", "y"}},
	} {
		key, err := signingkey.Generate(tc.alg)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := json.Marshal(key.JWK())
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(doc, &m); err != nil {
			t.Fatal(err)
		}
		if got := slices.Sorted(maps.Keys(m)); !slices.Equal(got, tc.members) {
			t.Errorf("%s JWK members %v, want %v", tc.alg, got, tc.members)
		}
		if m["kty"] != tc.kty || m["crv"] != tc.crv || m["alg"] != string(tc.alg) || m["use"] != "sig" || m["kid"] != key.ID() {
			t.Errorf("%s JWK %s", tc.alg, doc)
		}
		for _, coord := range []string{"x", "y"} {
			if _, ok := m[coord]; !ok {
				continue
			}
			raw, err := base64.RawURLEncoding.DecodeString(m[coord])
			if err != nil || len(raw) != 32 {
				t.Errorf("%s JWK %s: %d bytes, %v; want 32", tc.alg, coord, len(raw), err)
			}
		}
	}
}

func TestJWKSet(t *testing.T) {
	t.Parallel()
	a, _ := signingkey.Generate(signingkey.EdDSA)
	b, _ := signingkey.Generate(signingkey.ES256)
	doc, err := json.Marshal(signingkey.NewJWKSet([]*signingkey.Key{a, b}))
	if err != nil {
		t.Fatal(err)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(doc, &set); err != nil {
		t.Fatalf("go-jose refuses our JWK Set %s: %v", doc, err)
	}
	if len(set.Keys) != 2 || set.Keys[0].KeyID != a.ID() || set.Keys[1].KeyID != b.ID() {
		t.Fatalf("JWK Set %s: want %s then %s", doc, a.ID(), b.ID())
	}
	if !bytes.HasPrefix(doc, []byte(`{"keys":[{"kty":"OKP","crv":"Ed25519","x":"`)) {
		t.Fatalf("JWK Set %s", doc)
	}
	empty, _ := json.Marshal(signingkey.NewJWKSet(nil))
	if string(empty) != `{"keys":[]}` {
		t.Fatalf("empty JWK Set %s, want {\"keys\":[]}", empty)
	}
}

func TestPublicJWKUnsupported(t *testing.T) {
	t.Parallel()
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	for _, pub := range []crypto.PublicKey{
		&p384.PublicKey,
		ed25519.PublicKey(make([]byte, 31)),
		(*ecdsa.PublicKey)(nil),
		[]byte("secret"),
		nil,
	} {
		if _, err := signingkey.PublicJWK(pub); !errors.Is(err, signingkey.ErrUnsupported) {
			t.Errorf("PublicJWK(%T) = %v, want ErrUnsupported", pub, err)
		}
		if _, err := signingkey.Thumbprint(pub); !errors.Is(err, signingkey.ErrUnsupported) {
			t.Errorf("Thumbprint(%T) = %v, want ErrUnsupported", pub, err)
		}
	}
}
