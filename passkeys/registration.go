package passkeys

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/google/uuid"
)

// BeginRegistration starts registering a passkey for the account at now:
// creation options for a discoverable credential with user verification
// required, the account's random user handle as user.id, its existing
// passkeys in excludeCredentials (an authenticator holding one refuses to
// make another), and the credProps extension. ErrTooManyPasskeys when the
// account holds [Config.MaxPasskeys] already.
func (rp *RelyingParty) BeginRegistration(ctx context.Context, account Account, now time.Time) (Options, error) {
	candidate, err := newUserHandle()
	if err != nil {
		return Options{}, err
	}
	handle, err := rp.store.EnsureUserHandle(ctx, account.ID, candidate)
	if err != nil {
		return Options{}, fmt.Errorf("passkeys: user handle: %w", err)
	}
	existing, err := rp.store.Credentials(ctx, account.ID)
	if err != nil {
		return Options{}, fmt.Errorf("passkeys: list passkeys: %w", err)
	}
	if len(existing) >= rp.cfg.MaxPasskeys {
		return Options{}, ErrTooManyPasskeys
	}
	u := &user{handle: handle, email: account.Email, creds: webAuthnCredentials(existing)}
	creation, session, err := rp.wa.BeginRegistration(u,
		webauthn.WithExclusions(webauthn.Credentials(u.creds).CredentialDescriptors()),
		webauthn.WithExtensions(webauthn.WithExtensionCredProps()),
	)
	if err != nil {
		return Options{}, fmt.Errorf("passkeys: creation options: %w", err)
	}
	return rp.options(ctx, CeremonyRegistration, account.ID, creation, session, now)
}

// FinishRegistration verifies the RegistrationResponseJSON the browser
// returned for the account's registration ceremony ceremonyID and stores
// the passkey under name (trimmed; "Passkey" when empty). The ceremony is
// used up by the call once the credential parses, whatever the outcome.
//
// Errors: ErrInvalidName, ErrMalformedCredential, ErrCeremonyNotFound,
// ErrRegistrationRejected (attestation does not verify, or the credential
// is not discoverable), ErrCredentialExists, ErrTooManyPasskeys.
func (rp *RelyingParty) FinishRegistration(ctx context.Context, account Account, ceremonyID, name string, credential []byte, now time.Time) (Credential, error) {
	name, err := normalizeName(name, true)
	if err != nil {
		return Credential{}, err
	}
	if err := checkSize(credential); err != nil {
		return Credential{}, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credential)
	if err != nil {
		return Credential{}, fmt.Errorf("%w: %w", ErrMalformedCredential, err)
	}
	session, err := rp.takeCeremony(ctx, ceremonyID, CeremonyRegistration, account.ID, now)
	if err != nil {
		return Credential{}, err
	}
	handle, err := rp.store.UserHandle(ctx, account.ID)
	if err != nil {
		return Credential{}, fmt.Errorf("passkeys: user handle: %w", err)
	}
	u := &user{handle: handle, email: account.Email}
	made, err := rp.wa.CreateCredential(u, session, parsed)
	if err != nil {
		return Credential{}, rejected(ErrRegistrationRejected, err)
	}
	if made.Extensions.RK != nil && !*made.Extensions.RK {
		return Credential{}, fmt.Errorf("%w: the credential is not discoverable (credProps.rk is false)", ErrRegistrationRejected)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Credential{}, fmt.Errorf("passkeys: passkey id: %w", err)
	}
	transports := knownTransports(made.Transport)
	c := Credential{
		ID:                id.String(),
		UserID:            account.ID,
		CredentialID:      made.ID,
		PublicKey:         made.PublicKey,
		SignCount:         made.Authenticator.SignCount,
		BackupEligible:    made.Flags.BackupEligible,
		BackedUp:          made.Flags.BackupState,
		Transports:        transports,
		AAGUID:            made.Authenticator.AAGUID,
		AttestationFormat: made.AttestationFormat,
		Name:              name,
		CreatedAt:         now,
	}
	if err := rp.store.CreateCredential(ctx, c, rp.cfg.MaxPasskeys); err != nil {
		return Credential{}, fmt.Errorf("passkeys: store passkey: %w", err)
	}
	return c, nil
}

// knownTransports keeps, once each and in order, the transports WebAuthn
// defines: the list comes from the client, outside what the authenticator
// signs, so anything else is dropped rather than stored.
func knownTransports(reported []protocol.AuthenticatorTransport) []string {
	out := []string{}
	for _, t := range reported {
		switch t {
		case protocol.USB, protocol.NFC, protocol.BLE, protocol.SmartCard, protocol.Hybrid, protocol.Internal:
			if !slices.Contains(out, string(t)) {
				out = append(out, string(t))
			}
		}
	}
	return out
}

// options stores the ceremony and pairs its id with the options JSON.
func (rp *RelyingParty) options(ctx context.Context, kind CeremonyKind, userID string, options any, session *webauthn.SessionData, now time.Time) (Options, error) {
	body, err := json.Marshal(options)
	if err != nil {
		return Options{}, fmt.Errorf("passkeys: encode options: %w", err)
	}
	id, err := rp.beginCeremony(ctx, kind, userID, session, now)
	if err != nil {
		return Options{}, err
	}
	return Options{CeremonyID: id, Options: body}, nil
}

// rejected wraps go-webauthn's refusal in sentinel, keeping its reason
// (details and debug information, never secret) in the message.
func rejected(sentinel, err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		reason := pe.Details
		if pe.DevInfo != "" {
			reason += " (" + pe.DevInfo + ")"
		}
		return fmt.Errorf("%w: %s: %w", sentinel, reason, err)
	}
	return fmt.Errorf("%w: %w", sentinel, err)
}
