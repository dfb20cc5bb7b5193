package passkeys

import (
	"bytes"
	"crypto/rand"
	"fmt"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// UserHandleLen is the length of the random user handle of an account:
// what authenticators store as user.id and report on discoverable
// sign-ins, so it must not reveal the account (it is not its id or email).
const UserHandleLen = 32

// Account is the account a ceremony is for, as the host knows it.
type Account struct {
	// ID is the account's id.
	ID string
	// Email is the account's address, shown by authenticators as the
	// passkey's user name (it never leaves the server in the user handle).
	Email string
}

// user is the webauthn.User go-webauthn verifies against: the random
// handle, the address as name and display name, and the credentials.
type user struct {
	handle []byte
	email  string
	creds  []webauthn.Credential
}

var _ webauthn.User = (*user)(nil)

// WebAuthnID is the account's random user handle.
func (u *user) WebAuthnID() []byte { return u.handle }

// WebAuthnName is the account's address.
func (u *user) WebAuthnName() string { return u.email }

// WebAuthnDisplayName is the account's address too: fastauth keeps no
// display name.
func (u *user) WebAuthnDisplayName() string { return u.email }

// WebAuthnCredentials are the passkeys the ceremony may use.
func (u *user) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// newUserHandle returns a fresh random user handle.
func newUserHandle() ([]byte, error) {
	b := make([]byte, UserHandleLen)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("passkeys: random user handle: %w", err)
	}
	return b, nil
}

// toWebAuthn is the stored passkey as go-webauthn's credential record.
func (c Credential) toWebAuthn() webauthn.Credential {
	transports := make([]protocol.AuthenticatorTransport, len(c.Transports))
	for i, t := range c.Transports {
		transports[i] = protocol.AuthenticatorTransport(t)
	}
	return webauthn.Credential{
		ID:                bytes.Clone(c.CredentialID),
		PublicKey:         bytes.Clone(c.PublicKey),
		AttestationFormat: c.AttestationFormat,
		Transport:         transports,
		Flags: webauthn.CredentialFlags{
			UserPresent:    true,
			UserVerified:   true,
			BackupEligible: c.BackupEligible,
			BackupState:    c.BackedUp,
		},
		Authenticator: webauthn.Authenticator{
			AAGUID:    bytes.Clone(c.AAGUID),
			SignCount: c.SignCount,
		},
	}
}

// webAuthnCredentials converts stored passkeys.
func webAuthnCredentials(cs []Credential) []webauthn.Credential {
	out := make([]webauthn.Credential, len(cs))
	for i, c := range cs {
		out[i] = c.toWebAuthn()
	}
	return out
}
