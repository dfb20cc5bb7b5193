package signingkey_test

import (
	"encoding/json"
	"fmt"
	"log"

	"github.com/fastauth/fastauth/internal/signingkey"
)

// A development server without a key file generates a key at start, and
// keeps its PEM to sign with the same key after a restart.
func ExampleGenerate() {
	key, err := signingkey.Generate(signingkey.EdDSA)
	if err != nil {
		log.Fatal(err)
	}
	pemBytes, err := key.MarshalPEM()
	if err != nil {
		log.Fatal(err)
	}
	keys, err := signingkey.ParsePEM(pemBytes) // what the next start reads from the file
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(keys[0].Algorithm(), keys[0].ID() == key.ID())
	// Output: EdDSA true
}

// The JWK Set document publishes the public keys, the signing key first.
func ExampleNewJWKSet() {
	signing, _ := signingkey.Generate(signingkey.EdDSA)
	previous, _ := signingkey.Generate(signingkey.ES256)
	doc, err := json.Marshal(signingkey.NewJWKSet([]*signingkey.Key{signing, previous}))
	if err != nil {
		log.Fatal(err)
	}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	_ = json.Unmarshal(doc, &set)
	for _, k := range set.Keys {
		fmt.Println(k["kty"], k["crv"], k["alg"], k["use"], k["kid"] != "")
	}
	// Output:
	// OKP Ed25519 EdDSA sig true
	// EC P-256 ES256 sig true
}
