package tokenverify_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/tokenverify"
)

// jwkJSON is a JWK as a JSON object, to edit.
func jwkJSON(t testing.TB, k any) map[string]any {
	t.Helper()
	var b []byte
	var err error
	switch k := k.(type) {
	case *signingkey.Key:
		b, err = json.Marshal(k.JWK())
	default:
		b, err = json.Marshal(k)
	}
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestParseJWKS(t *testing.T) {
	t.Parallel()
	ed, es := newKey(t, signingkey.EdDSA), newKey(t, signingkey.ES256)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)

	edMap := func(edit func(map[string]any)) map[string]any {
		m := jwkJSON(t, ed)
		edit(m)
		return m
	}
	esMap := func(edit func(map[string]any)) map[string]any {
		m := jwkJSON(t, es)
		edit(m)
		return m
	}
	for _, tc := range []struct {
		name string
		keys []any
		want map[string]string // kid → alg
		log  string            // in the log, when not ""
	}{
		{"both kinds", []any{jwkJSON(t, ed), jwkJSON(t, es)}, map[string]string{ed.ID(): "EdDSA", es.ID(): "ES256"}, ""},
		{"without alg and use: pinned by key type", []any{
			edMap(func(m map[string]any) { delete(m, "alg"); delete(m, "use") }),
			esMap(func(m map[string]any) { delete(m, "alg"); delete(m, "use") }),
		}, map[string]string{ed.ID(): "EdDSA", es.ID(): "ES256"}, ""},
		{"alg contradicting the key", []any{edMap(func(m map[string]any) { m["alg"] = "ES256" }), esMap(func(m map[string]any) { m["alg"] = "HS256" })},
			map[string]string{}, "its alg does not fit the key"},
		{"encryption key", []any{edMap(func(m map[string]any) { m["use"] = "enc" })}, map[string]string{}, ""},
		{"no kid", []any{edMap(func(m map[string]any) { delete(m, "kid") })}, map[string]string{}, "no kid"},
		{"kid used twice: both out", []any{jwkJSON(t, ed), esMap(func(m map[string]any) { m["kid"] = ed.ID() }), jwkJSON(t, es)},
			map[string]string{es.ID(): "ES256"}, "kid used twice"},
		{"kid used three times: all out", []any{jwkJSON(t, ed), jwkJSON(t, ed), jwkJSON(t, ed)}, map[string]string{}, "kid used twice"},
		{"private key published", []any{jwkJSON(t, jose.JSONWebKey{Key: edPriv, KeyID: "leaked", Algorithm: "EdDSA"}), jwkJSON(t, es)},
			map[string]string{es.ID(): "ES256"}, "PRIVATE key material"},
		{"RSA, P-384, oct, OKP X25519, unknown kty: ignored", []any{
			jwkJSON(t, jose.JSONWebKey{Key: &rsaKey.PublicKey, KeyID: "rsa", Algorithm: "RS256"}),
			jwkJSON(t, jose.JSONWebKey{Key: &p384.PublicKey, KeyID: "p384", Algorithm: "ES384"}),
			map[string]any{"kty": "oct", "k": "c2VjcmV0", "kid": "oct"},
			map[string]any{"kty": "OKP", "crv": "X25519", "x": "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo", "kid": "x25519"},
			map[string]any{"kty": "PQ", "kid": "future"},
			jwkJSON(t, ed),
		}, map[string]string{ed.ID(): "EdDSA"}, ""},
		{"point off the curve", []any{esMap(func(m map[string]any) { m["y"] = m["x"] })}, map[string]string{}, "invalid"},
		{"short coordinate", []any{esMap(func(m map[string]any) { m["x"] = "AAAA" })}, map[string]string{}, "invalid"},
		{"short Ed25519 key", []any{edMap(func(m map[string]any) { m["x"] = "AAAA" })}, map[string]string{}, "invalid"},
		{"not an object", []any{"key", 7, nil, jwkJSON(t, es)}, map[string]string{es.ID(): "ES256"}, ""},
		{"empty set", []any{}, map[string]string{}, "no usable key"},
	} {
		doc, err := json.Marshal(map[string]any{"keys": tc.keys})
		if err != nil {
			t.Fatal(err)
		}
		logs := &logBuffer{}
		algs, pubs, err := tokenverify.ParseJWKS(doc, logs.logger())
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !maps.Equal(algs, tc.want) {
			t.Errorf("%s: keys %v, want %v", tc.name, algs, tc.want)
		}
		for kid, pub := range pubs {
			if _, ok := pub.(ed25519.PublicKey); !ok && algs[kid] == "EdDSA" {
				t.Errorf("%s: EdDSA key %s is a %T", tc.name, kid, pub)
			}
			if k, ok := pub.(*ecdsa.PublicKey); (!ok || k.Curve != elliptic.P256()) && algs[kid] == "ES256" {
				t.Errorf("%s: ES256 key %s is a %T", tc.name, kid, pub)
			}
		}
		if tc.log != "" && !strings.Contains(logs.String(), tc.log) {
			t.Errorf("%s: log %q lacks %q", tc.name, logs, tc.log)
		}
		if strings.Contains(logs.String(), `"d"`) {
			t.Errorf("%s: key material in the log: %s", tc.name, logs)
		}
	}

	for _, doc := range []string{"", "null", "[]", `{"keys":null}`, `{"keys":{}}`, `{"keys":[]`, "\xff"} {
		if _, _, err := tokenverify.ParseJWKS([]byte(doc), quietLogger()); err == nil {
			t.Errorf("document %q accepted", doc)
		}
	}
}

// FuzzParseJWKS: any document either fails or yields only Ed25519 keys
// pinned to EdDSA and P-256 keys pinned to ES256, without panicking.
func FuzzParseJWKS(f *testing.F) {
	ed, _ := signingkey.Generate(signingkey.EdDSA)
	es, _ := signingkey.Generate(signingkey.ES256)
	doc, _ := json.Marshal(signingkey.NewJWKSet([]*signingkey.Key{ed, es}))
	f.Add(doc)
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"a"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-384","x":"AA","y":"AA","kid":"b"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"c","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}]}`))
	log := quietLogger()
	f.Fuzz(func(t *testing.T, doc []byte) {
		algs, pubs, err := tokenverify.ParseJWKS(doc, log)
		if err != nil {
			return
		}
		for kid, alg := range algs {
			switch k := pubs[kid].(type) {
			case ed25519.PublicKey:
				if alg != "EdDSA" || len(k) != ed25519.PublicKeySize {
					t.Fatalf("kid %q: Ed25519 key of %d bytes pinned to %s", kid, len(k), alg)
				}
			case *ecdsa.PublicKey:
				if alg != "ES256" || k.Curve != elliptic.P256() {
					t.Fatalf("kid %q: ECDSA key pinned to %s", kid, alg)
				}
			default:
				t.Fatalf("kid %q: %T pinned to %s", kid, k, alg)
			}
		}
		if kids := slices.Collect(maps.Keys(algs)); slices.Contains(kids, "") {
			t.Fatal("a key without kid")
		}
	})
}
