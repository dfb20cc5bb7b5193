package tokenverify

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"
)

// TestCarryOver: a refresh keeps the key values of unchanged keys, so
// that the tokens they verified stay cached, and replaces the others.
func TestCarryOver(t *testing.T) {
	t.Parallel()
	pubA, _, _ := ed25519.GenerateKey(rand.Reader)
	pubB, _, _ := ed25519.GenerateKey(rand.Reader)
	a := &publicKey{alg: "EdDSA", key: pubA}
	old := map[string]*publicKey{"a": a, "gone": {alg: "EdDSA", key: pubB}}

	fetched := map[string]*publicKey{
		"a":   {alg: "EdDSA", key: ed25519.PublicKey(append([]byte(nil), pubA...))}, // equal, another value
		"new": {alg: "EdDSA", key: pubB},
	}
	got := *carryOver(&old, fetched)
	if got["a"] != a {
		t.Fatal("an unchanged key got a new value")
	}
	if got["new"] != fetched["new"] || got["gone"] != nil || len(got) != 2 {
		t.Fatalf("keys after the refresh: %v", got)
	}

	replaced := map[string]*publicKey{"a": {alg: "EdDSA", key: pubB}} // kid a now names another key
	if got := *carryOver(&old, replaced); got["a"] == a {
		t.Fatal("a key replaced under its kid kept the old value")
	}
	if got := *carryOver(nil, fetched); got["a"] != fetched["a"] {
		t.Fatal("first fetch")
	}
}
