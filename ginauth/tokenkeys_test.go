package ginauth

import (
	"errors"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/internal/signingkey"
)

// pemOf is the PKCS#8 PEM of fresh keys of algs.
func pemOf(t *testing.T, algs ...signingkey.Algorithm) []byte {
	t.Helper()
	var out []byte
	for _, alg := range algs {
		k := newKeys(t, alg, 1)[0]
		p, err := k.MarshalPEM()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p...)
	}
	return out
}

// TestTokenAlgorithmConfig: the algorithm and its keys are checked at
// start with errors naming the field and never the key material; the
// valid combinations build the matching signer.
func TestTokenAlgorithmConfig(t *testing.T) {
	t.Parallel()
	ed := pemOf(t, signingkey.EdDSA)
	for _, tc := range []struct {
		name, alg string
		keys      []byte
		want      string // "" for valid; else a part of the error
	}{
		{"default", "", nil, ""},
		{"HS256", "HS256", nil, ""},
		{"EdDSA", "EdDSA", ed, ""},
		{"ES256", "ES256", pemOf(t, signingkey.ES256), ""},
		{"EdDSA then ES256 verifying", "EdDSA", pemOf(t, signingkey.EdDSA, signingkey.ES256), ""},
		{"unknown algorithm", "RS256", ed, "TokenAlgorithm"},
		{"lowercase algorithm", "eddsa", ed, "TokenAlgorithm"},
		{"HS256 with keys", "HS256", ed, "SigningKeys"},
		{"EdDSA without keys", "EdDSA", nil, "SigningKeys"},
		{"EdDSA with an ES256 key first", "EdDSA", pemOf(t, signingkey.ES256, signingkey.EdDSA), "SigningKeys"},
		{"malformed PEM", "EdDSA", []byte("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LW1hdGVyaWFs\n-----END PRIVATE KEY-----\n"), "SigningKeys"},
		{"not PEM", "ES256", []byte("secret-material"), "SigningKeys"},
	} {
		cfg := Config{Secret: testSecret(0), TokenAlgorithm: tc.alg, SigningKeys: tc.keys}
		err := cfg.Validate()
		s, serr := newTokenSigner(cfg.withDefaults())
		if tc.want == "" {
			if err != nil || serr != nil {
				t.Errorf("%s: Validate %v, newTokenSigner %v", tc.name, err, serr)
				continue
			}
			alg := tc.alg
			if alg == "" {
				alg = "HS256"
			}
			if s.signer.alg() != alg || (alg == "HS256") != (s.jwks == nil) {
				t.Errorf("%s: signer alg %q, JWK Set %s", tc.name, s.signer.alg(), s.jwks)
			}
			continue
		}
		for what, e := range map[string]error{"Validate": err, "newTokenSigner": serr} {
			if !errors.Is(e, ErrInvalidConfig) || !strings.Contains(e.Error(), tc.want) {
				t.Errorf("%s: %s = %v, want ErrInvalidConfig naming %s", tc.name, what, e, tc.want)
			}
			if e != nil && (strings.Contains(e.Error(), "secret-material") || strings.Contains(e.Error(), "c2VjcmV0")) {
				t.Errorf("%s: %s error carries key material: %v", tc.name, what, e)
			}
		}
	}
}
