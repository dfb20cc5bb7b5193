package ginauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash"
	"slices"
	"strings"
	"sync"

	"github.com/golang-jwt/jwt/v5"
)

// hs256SigLen is the length of an HS256 signature segment: 32 bytes in
// unpadded base64url.
var hs256SigLen = base64.RawURLEncoding.EncodedLen(sha256.Size)

// maxOwnTokenLen bounds the tokens verifyOwn handles, and so the buffers
// its pool keeps; ours are well under 1 KiB (an email is at most 254
// bytes). Longer strings go to golang-jwt.
const maxOwnTokenLen = 4096

// ownKey is one verifying secret and the exact header segment sign writes
// for its kid. Tokens that start with that segment take the own-token path
// (verifyOwn); every other string goes through golang-jwt.
type ownKey struct {
	scratch sync.Pool // *ownScratch
}

// ownScratch is the reusable state of one own-token verification: the
// key's HMAC and the buffers the segments are decoded into, so that a
// first-seen token allocates only its decoded claims.
type ownScratch struct {
	mac     hash.Hash
	buf     []byte
	payload []byte
	sum     [sha256.Size]byte
	sig     [sha256.Size]byte
}

// newOwnKeys returns, for each kid → secret of keys, the header segment
// golang-jwt writes when sign signs with that kid (computed through
// golang-jwt itself, so it is byte for byte what sign produces) and its
// ownKey.
func newOwnKeys(keys map[string]any) (map[string]*ownKey, error) {
	own := make(map[string]*ownKey, len(keys))
	for kid, secret := range keys {
		t := jwt.New(jwt.SigningMethodHS256)
		t.Header["kid"] = kid
		signing, err := t.SigningString()
		if err != nil {
			return nil, fmt.Errorf("ginauth: access token header: %w", err)
		}
		header, _, _ := strings.Cut(signing, ".")
		key := secret.([]byte)
		own[header] = &ownKey{scratch: sync.Pool{New: func() any {
			return &ownScratch{mac: hmac.New(sha256.New, key)}
		}}}
	}
	return own, nil
}

// verifyOwn verifies a token that carries, byte for byte, a header sign
// writes: HS256 and the kid of one of our secrets. It checks the
// signature before decoding anything else, then decodes the claims and
// applies exactly the checks verifyJWT makes (exp required, now < exp;
// iat and nbf at most the clock skew after now; iss and aud ours), all at
// one instant of the injected clock. handled is false for
// any other string, or a token of unusual shape; the caller then runs
// verifyJWT, whose answer the tests compare with this one on every token
// this path handles.
func (h *hs256Signer) verifyOwn(token string) (c accessClaims, handled bool, err error) {
	if len(token) > maxOwnTokenLen {
		return c, false, nil
	}
	header, rest, _ := strings.Cut(token, ".")
	k := h.own[header]
	if k == nil {
		return c, false, nil
	}
	payload, sig, ok := strings.Cut(rest, ".")
	if !ok || len(sig) != hs256SigLen {
		return c, false, nil
	}
	m := k.scratch.Get().(*ownScratch)
	defer k.scratch.Put(m)

	m.buf = append(m.buf[:0], sig...)
	if n, err := base64.RawURLEncoding.Decode(m.sig[:], m.buf); err != nil || n != sha256.Size {
		return c, false, nil // let golang-jwt describe it
	}
	m.buf = append(m.buf[:0], token[:len(header)+1+len(payload)]...)
	m.mac.Reset()
	m.mac.Write(m.buf)
	if !hmac.Equal(m.mac.Sum(m.sum[:0]), m.sig[:]) {
		return c, true, fmt.Errorf("%w: %w", errTokenInvalid, jwt.ErrTokenSignatureInvalid)
	}

	// Signed with our secret: from here on the bytes are ours.
	m.buf = append(m.buf[:0], payload...)
	m.payload = slices.Grow(m.payload[:0], base64.RawURLEncoding.DecodedLen(len(payload)))[:base64.RawURLEncoding.DecodedLen(len(payload))]
	n, err := base64.RawURLEncoding.Decode(m.payload, m.buf)
	if err != nil {
		return c, true, fmt.Errorf("%w: %w", errTokenInvalid, jwt.ErrTokenMalformed)
	}
	if err := json.Unmarshal(m.payload[:n], &c); err != nil {
		return accessClaims{}, true, fmt.Errorf("%w: %w: %w", errTokenInvalid, jwt.ErrTokenMalformed, err)
	}
	if err := h.rules.validate(&c, h.rules.now()); err != nil {
		return accessClaims{}, true, err
	}
	return c, true, nil
}
