package webauthntest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// Authenticator data flags (WebAuthn §6.1).
const (
	flagUP = 1 << 0 // user present
	flagUV = 1 << 2 // user verified
	flagBE = 1 << 3 // backup eligible
	flagBS = 1 << 4 // backed up
	flagAT = 1 << 6 // attested credential data included
)

// COSE key parameters of an EC2 P-256 key (RFC 9053).
const (
	coseKtyEC2  = 2
	coseCrvP256 = 1
)

// ctap2 encodes CBOR in the CTAP2 canonical form authenticators use.
var ctap2 = func() cbor.EncMode {
	em, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		panic(err) // static options: cannot fail
	}
	return em
}()

// coseKey is an EC2 credential public key in COSE_Key form.
type coseKey struct {
	Kty int    `cbor:"1,keyasint"`
	Alg int    `cbor:"3,keyasint"`
	Crv int    `cbor:"-1,keyasint"`
	X   []byte `cbor:"-2,keyasint"`
	Y   []byte `cbor:"-3,keyasint"`
}

// attestationObject is a "none" attestation object.
type attestationObject struct {
	Fmt      string         `cbor:"fmt"`
	AttStmt  map[string]any `cbor:"attStmt"`
	AuthData []byte         `cbor:"authData"`
}

// encodeCOSEKey encodes pub as a COSE_Key.
func encodeCOSEKey(pub *ecdsa.PublicKey) ([]byte, error) {
	point, err := pub.Bytes() // 0x04 || X || Y
	if err != nil {
		return nil, err
	}
	return ctap2.Marshal(coseKey{Kty: coseKtyEC2, Alg: coseAlgES256, Crv: coseCrvP256, X: point[1:33], Y: point[33:65]})
}

// encodeAttestationObject wraps authData in a "none" attestation object.
func encodeAttestationObject(authData []byte) ([]byte, error) {
	return ctap2.Marshal(attestationObject{Fmt: "none", AttStmt: map[string]any{}, AuthData: authData})
}

// flags computes the flags byte of a response for c under the knobs.
func flags(c *credential, k knobs) byte {
	var f byte = flagUP | flagUV
	if k.noUP {
		f &^= flagUP
	}
	if k.noUV {
		f &^= flagUV
	}
	be, bs := c.BackupEligible, c.BackedUp
	if k.backupFlags != nil {
		be, bs = k.backupFlags[0], k.backupFlags[1]
	}
	if be {
		f |= flagBE
	}
	if bs {
		f |= flagBS
	}
	return f
}

// authenticatorData builds rpIdHash || flags || signCount, followed by the
// attested credential data when attested is non-nil.
func authenticatorData(rpID string, f byte, signCount uint32, attested []byte) []byte {
	h := sha256.Sum256([]byte(rpID))
	out := make([]byte, 0, 37+len(attested))
	out = append(out, h[:]...)
	out = append(out, f)
	out = binary.BigEndian.AppendUint32(out, signCount)
	return append(out, attested...)
}

// attestedCredentialData builds aaguid || len(credentialId) ||
// credentialId || credentialPublicKey.
func attestedCredentialData(aaguid [16]byte, id, cosePub []byte) []byte {
	out := make([]byte, 0, 18+len(id)+len(cosePub))
	out = append(out, aaguid[:]...)
	out = binary.BigEndian.AppendUint16(out, uint16(len(id)))
	out = append(out, id...)
	return append(out, cosePub...)
}

// sign signs authData || SHA-256(clientDataJSON) with key: an ES256
// signature, ASN.1 DER as WebAuthn requires.
func sign(key *ecdsa.PrivateKey, authData, clientDataJSON []byte) ([]byte, error) {
	cdh := sha256.Sum256(clientDataJSON)
	digest := sha256.Sum256(append(append([]byte(nil), authData...), cdh[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		return nil, fmt.Errorf("webauthntest: sign: %w", err)
	}
	return sig, nil
}

// newKey generates a credential key pair.
func newKey() (*ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("webauthntest: generate key: %w", err)
	}
	return key, nil
}

// newCredentialID returns 32 random bytes.
func newCredentialID() []byte {
	id := make([]byte, 32)
	_, _ = rand.Read(id) // crypto/rand.Read never fails
	return id
}
