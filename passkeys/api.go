package passkeys

import (
	"encoding/json"
	"time"
)

// The bodies of the module's routes, ready for swag (`swaggertype:"object"`
// marks the WebAuthn JSON the browser's helpers produce and consume).

// RegisterRequest is the body of POST /auth/passkeys/register.
type RegisterRequest struct {
	// CeremonyID is the ceremony_id of POST /auth/passkeys/register/options.
	CeremonyID string `json:"ceremony_id" example:"q3dV0bX2M4sNwQ0b7o8h0mXo1pYwZ5vC2r9tK6uF1aE"`
	// Name labels the passkey (trimmed, at most 64 characters); "Passkey"
	// when empty or absent.
	Name string `json:"name,omitempty" example:"MacBook Touch ID"`
	// Credential is the RegistrationResponseJSON of
	// navigator.credentials.create() (PublicKeyCredential.toJSON()).
	Credential json.RawMessage `json:"credential" swaggertype:"object"`
} //	@name	PasskeyRegisterRequest

// SignInRequest is the body of POST /auth/passkeys/sign-in.
type SignInRequest struct {
	// CeremonyID is the ceremony_id of POST /auth/passkeys/sign-in/options.
	CeremonyID string `json:"ceremony_id"`
	// Credential is the AuthenticationResponseJSON of
	// navigator.credentials.get().
	Credential json.RawMessage `json:"credential" swaggertype:"object"`
} //	@name	PasskeySignInRequest

// SecondFactorOptionsRequest is the body of POST /auth/mfa/passkey/options.
type SecondFactorOptionsRequest struct {
	// MFAToken is the mfa_token of the 403 mfa_required answer.
	MFAToken string `json:"mfa_token"`
} //	@name	PasskeyMFAOptionsRequest

// RenameRequest is the body of PATCH /auth/passkeys/{id}.
type RenameRequest struct {
	// Name is the new label (trimmed, 1 to 64 characters).
	Name string `json:"name" example:"YubiKey 5C"`
} //	@name	PasskeyRenameRequest

// Passkey is a passkey as the routes show it.
type Passkey struct {
	// ID identifies the passkey in PATCH and DELETE /auth/passkeys/{id}.
	ID string `json:"id" example:"0193b1a2-7c4d-7e8f-9a0b-1c2d3e4f5a6b"`
	// Name is the user's label.
	Name string `json:"name" example:"MacBook Touch ID"`
	// CreatedAt is when it was registered.
	CreatedAt time.Time `json:"created_at"`
	// LastUsedAt is its last successful use, null before the first.
	LastUsedAt *time.Time `json:"last_used_at" extensions:"x-nullable"`
	// BackedUp tells whether the passkey is synced (the authenticator's
	// backup state at its last use).
	BackedUp bool `json:"backed_up"`
}

// View is the passkey as the routes show it: no key material, no
// credential id, no counter.
func (c Credential) View() Passkey {
	return Passkey{ID: c.ID, Name: c.Name, CreatedAt: c.CreatedAt.UTC(), LastUsedAt: c.LastUsedAt, BackedUp: c.BackedUp}
}
