package mfa

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
)

// HKDF info strings: one per purpose, so that no key ever serves two.
const (
	deriveInfo   = "fastauth mfa key v1"
	sealInfo     = "fastauth mfa totp-secret seal v1"
	recoveryInfo = "fastauth mfa recovery-code hash v1"
)

// sealVersion is the first byte of a sealed secret: the format
// version || nonce (12 bytes) || AES-256-GCM ciphertext and tag.
const sealVersion = 1

// sealAAD prefixes the additional data of a sealed secret; the user id
// follows it.
const sealAAD = "fastauth mfa totp secret\x00"

// DeriveKey derives a Config.Key from a master secret of at least 32 bytes
// (for example the example server's token-signing secret) with HKDF-SHA256.
// The result depends only on master: rotating the master secret rotates the
// key, so keep the previous derivation in Config.PreviousKeys.
func DeriveKey(master []byte) ([]byte, error) {
	if len(master) < KeySize {
		return nil, errShortMaster
	}
	return hkdf.Key(sha256.New, master, nil, deriveInfo, KeySize)
}

// keySet is one Config key and its derived subkeys.
type keySet struct {
	aead    cipher.AEAD
	hmacKey []byte
}

// keyring holds the current key set first, then the previous ones.
type keyring []keySet

// newKeyring derives the subkeys of key and previous.
func newKeyring(key []byte, previous [][]byte) (keyring, error) {
	all := append([][]byte{key}, previous...)
	ring := make(keyring, 0, len(all))
	for _, k := range all {
		sealKey, err := hkdf.Key(sha256.New, k, nil, sealInfo, 32)
		if err != nil {
			return nil, fmt.Errorf("mfa: derive seal key: %w", err)
		}
		hmacKey, err := hkdf.Key(sha256.New, k, nil, recoveryInfo, 32)
		if err != nil {
			return nil, fmt.Errorf("mfa: derive recovery-code key: %w", err)
		}
		block, err := aes.NewCipher(sealKey)
		if err != nil {
			return nil, fmt.Errorf("mfa: seal cipher: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("mfa: seal cipher: %w", err)
		}
		ring = append(ring, keySet{aead: aead, hmacKey: hmacKey})
	}
	return ring, nil
}

// seal encrypts secret for userID with the current key.
func (r keyring) seal(userID string, secret []byte) []byte {
	aead := r[0].aead
	out := make([]byte, 1+aead.NonceSize(), 1+aead.NonceSize()+len(secret)+aead.Overhead())
	out[0] = sealVersion
	_, _ = rand.Read(out[1:]) // crypto/rand.Read never fails (Go 1.24+)
	return aead.Seal(out, out[1:], secret, []byte(sealAAD+userID))
}

// open decrypts a sealed secret of userID with the first key that
// authenticates it.
func (r keyring) open(userID string, sealed []byte) ([]byte, error) {
	n := r[0].aead.NonceSize()
	if len(sealed) < 1+n+r[0].aead.Overhead() || sealed[0] != sealVersion {
		return nil, fmt.Errorf("%w: not a sealed secret", ErrSecretUnreadable)
	}
	nonce, ct := sealed[1:1+n], sealed[1+n:]
	for _, k := range r {
		if plain, err := k.aead.Open(nil, nonce, ct, []byte(sealAAD+userID)); err == nil {
			return plain, nil
		}
	}
	return nil, ErrSecretUnreadable
}

// recoveryHashes returns the keyed hash of a normalized recovery code of
// userID under every key, the current key's first.
func (r keyring) recoveryHashes(userID, normalized string) [][]byte {
	out := make([][]byte, len(r))
	for i, k := range r {
		out[i] = recoveryHash(k.hmacKey, userID, normalized)
	}
	return out
}

// recoveryHash is HMAC-SHA256 over the user id and the normalized code,
// separated by a zero byte (neither contains one).
func recoveryHash(key []byte, userID, normalized string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(userID))
	m.Write([]byte{0})
	m.Write([]byte(normalized))
	return m.Sum(nil)
}
