package mfa

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"
)

// testKey returns a fresh Config.Key.
func testKey(t testing.TB) []byte {
	t.Helper()
	k := make([]byte, KeySize)
	_, _ = rand.Read(k)
	return k
}

func testRing(t testing.TB, key []byte, previous ...[]byte) keyring {
	t.Helper()
	r, err := newKeyring(key, previous)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSeal checks that a sealed secret opens for its user only, under the
// key that sealed it (current or previous), and not after tampering.
func TestSeal(t *testing.T) {
	t.Parallel()
	oldKey, newKey := testKey(t), testKey(t)
	secret := []byte("0123456789abcdefghij")
	sealed := testRing(t, oldKey).seal("user-a", secret)

	if bytes.Contains(sealed, secret) {
		t.Fatal("the sealed form contains the secret")
	}
	if again := testRing(t, oldKey).seal("user-a", secret); bytes.Equal(again, sealed) {
		t.Fatal("two seals of one secret are equal: the nonce is not random")
	}
	cases := []struct {
		name   string
		ring   keyring
		user   string
		sealed []byte
		ok     bool
	}{
		{"same key and user", testRing(t, oldKey), "user-a", sealed, true},
		{"old key kept as previous", testRing(t, newKey, oldKey), "user-a", sealed, true},
		{"another user (a row copied onto another account)", testRing(t, oldKey), "user-b", sealed, false},
		{"unknown key", testRing(t, newKey), "user-a", sealed, false},
		{"flipped ciphertext bit", testRing(t, oldKey), "user-a", flip(sealed, len(sealed)-20), false},
		{"flipped nonce bit", testRing(t, oldKey), "user-a", flip(sealed, 3), false},
		{"unknown version", testRing(t, oldKey), "user-a", flip(sealed, 0), false},
		{"truncated", testRing(t, oldKey), "user-a", sealed[:20], false},
		{"empty", testRing(t, oldKey), "user-a", nil, false},
	}
	for _, c := range cases {
		got, err := c.ring.open(c.user, c.sealed)
		if c.ok && (err != nil || !bytes.Equal(got, secret)) {
			t.Errorf("%s: open = %q, %v", c.name, got, err)
		}
		if !c.ok && !errors.Is(err, ErrSecretUnreadable) {
			t.Errorf("%s: open = %q, %v; want ErrSecretUnreadable", c.name, got, err)
		}
	}
}

// flip returns a copy of b with one bit of b[i] flipped.
func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}

// TestDeriveKey checks that DeriveKey is deterministic, depends on its
// input, and refuses short master secrets.
func TestDeriveKey(t *testing.T) {
	t.Parallel()
	m1, m2 := testKey(t), testKey(t)
	a, err := DeriveKey(m1)
	if err != nil || len(a) != KeySize {
		t.Fatalf("DeriveKey = %x, %v", a, err)
	}
	b, _ := DeriveKey(m1)
	c, _ := DeriveKey(m2)
	if !bytes.Equal(a, b) || bytes.Equal(a, c) || bytes.Equal(a, m1) {
		t.Fatal("DeriveKey is not a deterministic function of its input")
	}
	if _, err := DeriveKey(m1[:31]); err == nil {
		t.Fatal("DeriveKey accepted a 31-byte master secret")
	}
}

// TestSubkeysAreSeparate checks that the seal key and the recovery-code
// key differ from each other and from Config.Key.
func TestSubkeysAreSeparate(t *testing.T) {
	t.Parallel()
	key := testKey(t)
	r := testRing(t, key)
	if bytes.Equal(r[0].hmacKey, key) {
		t.Fatal("the recovery-code key is Config.Key itself")
	}
	// The seal key is inside the AEAD; check that sealing under the HMAC
	// key does not open: the two derivations differ.
	other, _ := newKeyring(r[0].hmacKey, nil)
	if _, err := other.open("u", r.seal("u", []byte("x"))); err == nil {
		t.Fatal("the seal key equals the recovery-code key")
	}
}
