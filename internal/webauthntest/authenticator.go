package webauthntest

import (
	"bytes"
	"crypto/ecdsa"
	"errors"
	"sync"
)

// Errors a ceremony returns where a browser would reject the call.
var (
	// ErrBadOptions: the options JSON is malformed or lacks a member the
	// ceremony needs (a browser's TypeError).
	ErrBadOptions = errors.New("webauthntest: malformed options")
	// ErrUnsupportedAlgorithm: pubKeyCredParams names no ES256 (-7) key
	// (a browser's NotSupportedError).
	ErrUnsupportedAlgorithm = errors.New("webauthntest: no supported public key algorithm")
	// ErrExcluded: the authenticator holds a credential listed in
	// excludeCredentials (a browser's InvalidStateError).
	ErrExcluded = errors.New("webauthntest: a credential in excludeCredentials exists on this authenticator")
	// ErrNoCredential: no credential of this authenticator matches the RP ID
	// and allowCredentials (a browser's NotAllowedError).
	ErrNoCredential = errors.New("webauthntest: no matching credential")
)

// Config describes the client and the authenticator.
type Config struct {
	// Origin is the origin the client reports in clientDataJSON, such as
	// "https://example.com" or "http://localhost:8080". It also gives the
	// RP ID when the options name none.
	Origin string
	// AAGUID identifies the authenticator model in the attested credential
	// data; zero by default, as browsers report it with "none" attestation.
	AAGUID [16]byte
	// BackupEligible makes new credentials backup eligible (BE flag), as
	// synced passkeys are.
	BackupEligible bool
	// BackedUp marks new credentials as backed up (BS flag); it is only
	// meaningful with BackupEligible.
	BackedUp bool
}

// Credential is a snapshot of a credential an [Authenticator] holds.
type Credential struct {
	// ID is the credential id (rawId), 32 random bytes.
	ID []byte
	// RPID is the relying party id the credential is scoped to.
	RPID string
	// UserHandle is the user.id of the creation options.
	UserHandle []byte
	// UserName is the user.name of the creation options.
	UserName string
	// SignCount is the signature counter of the last response.
	SignCount uint32
	// BackupEligible and BackedUp are the BE and BS flags the credential
	// reports.
	BackupEligible, BackedUp bool
	// PublicKey is the credential's public key.
	PublicKey *ecdsa.PublicKey
}

// credential is a stored credential with its private key.
type credential struct {
	Credential
	key *ecdsa.PrivateKey
}

// Authenticator is a software authenticator and client. It is safe for
// concurrent use.
type Authenticator struct {
	cfg Config

	mu    sync.Mutex
	creds []*credential // in creation order
}

// New returns an authenticator that holds no credential.
func New(cfg Config) *Authenticator {
	return &Authenticator{cfg: cfg}
}

// Credentials returns a snapshot of the credentials the authenticator
// holds, oldest first.
func (a *Authenticator) Credentials() []Credential {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]Credential, len(a.creds))
	for i, c := range a.creds {
		out[i] = c.snapshot()
	}
	return out
}

// Remove forgets the credential with this id, as a user deleting a passkey
// from their device would; it reports whether there was one.
func (a *Authenticator) Remove(id []byte) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, c := range a.creds {
		if bytes.Equal(c.ID, id) {
			a.creds = append(a.creds[:i], a.creds[i+1:]...)
			return true
		}
	}
	return false
}

// snapshot copies the public part of c; the caller holds the lock.
func (c *credential) snapshot() Credential {
	s := c.Credential
	s.ID = bytes.Clone(c.ID)
	s.UserHandle = bytes.Clone(c.UserHandle)
	return s
}
