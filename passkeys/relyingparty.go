package passkeys

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// MaxCredentialSize bounds the credential JSON a finishing call parses (a
// "none" attestation is well under 2 KiB; attestation certificate chains
// stay under this).
const MaxCredentialSize = 64 << 10

// RelyingParty runs the passkey ceremonies of one configuration on one
// Store. It is safe for concurrent use.
type RelyingParty struct {
	cfg   Config
	wa    *webauthn.WebAuthn
	store Store
}

// New validates cfg and returns the relying party on store.
func New(cfg Config, store Store) (*RelyingParty, error) {
	if store == nil {
		return nil, errors.New("passkeys: nil Store")
	}
	n, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	wa, err := webauthn.New(&webauthn.Config{
		RPID:          n.RPID,
		RPDisplayName: n.RPDisplayName,
		RPOrigins:     n.Origins,
		// Passkeys: a discoverable credential that verified its user
		// (PIN, biometrics) on every ceremony.
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:        protocol.ResidentKeyRequirementRequired,
			RequireResidentKey: protocol.ResidentKeyRequired(),
			UserVerification:   protocol.VerificationRequired,
		},
		AttestationPreference: protocol.PreferNoAttestation,
		// The options ask browsers for the ceremony's lifetime; the store
		// enforces it with the caller's clock (go-webauthn's enforcement
		// would read the wall clock).
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Timeout: CeremonyLifetime, TimeoutUVD: CeremonyLifetime},
			Registration: webauthn.TimeoutConfig{Timeout: CeremonyLifetime, TimeoutUVD: CeremonyLifetime},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("passkeys: %w", err)
	}
	return &RelyingParty{cfg: n, wa: wa, store: store}, nil
}

// Config returns the normalized configuration (lowercase RP ID, origins as
// browsers serialize them, defaults filled in).
func (rp *RelyingParty) Config() Config {
	c := rp.cfg
	c.Origins = append([]string(nil), rp.cfg.Origins...)
	return c
}

// Options is what a begin call returns to the client: the ceremony_id to
// echo and the options for navigator.credentials.create() or .get(), as
// `{"publicKey":{...}}` (PublicKeyCredentialCreationOptionsJSON or
// PublicKeyCredentialRequestOptionsJSON under publicKey).
type Options struct {
	// CeremonyID names the stored ceremony; the finishing request echoes it.
	CeremonyID string `json:"ceremony_id"`
	// Options is the JSON the browser's
	// PublicKeyCredential.parseCreationOptionsFromJSON() or
	// parseRequestOptionsFromJSON() takes (its publicKey member).
	Options json.RawMessage `json:"options" swaggertype:"object"`
} //	@name	PasskeyOptions

// parse errors: the credential JSON is refused before any store access.
func checkSize(credential []byte) error {
	if len(credential) == 0 {
		return fmt.Errorf("%w: empty", ErrMalformedCredential)
	}
	if len(credential) > MaxCredentialSize {
		return fmt.Errorf("%w: larger than %d bytes", ErrMalformedCredential, MaxCredentialSize)
	}
	return nil
}
