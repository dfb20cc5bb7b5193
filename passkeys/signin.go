package passkeys

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// BeginSignIn starts a discoverable (usernameless) sign-in at now: request
// options with user verification required and no allowCredentials, so the
// browser offers every passkey it holds for the RP ID (conditional UI).
// The ceremony is bound to no account.
func (rp *RelyingParty) BeginSignIn(ctx context.Context, now time.Time) (Options, error) {
	assertion, session, err := rp.wa.BeginDiscoverableLogin()
	if err != nil {
		return Options{}, fmt.Errorf("passkeys: request options: %w", err)
	}
	return rp.options(ctx, CeremonySignIn, "", assertion, session, now)
}

// FinishSignIn verifies the AuthenticationResponseJSON the browser returned
// for the sign-in ceremony ceremonyID and returns the passkey that signed,
// updated (counter, backup state, last use); its UserID is the account to
// sign in. The ceremony is used up by the call once the credential parses,
// whatever the outcome.
//
// Errors: ErrMalformedCredential, ErrCeremonyNotFound,
// ErrUnknownCredential (no such passkey, or deleted meanwhile),
// ErrAssertionRejected, ErrSignCountRegressed.
func (rp *RelyingParty) FinishSignIn(ctx context.Context, ceremonyID string, credential []byte, now time.Time) (Credential, error) {
	parsed, err := parseAssertion(credential)
	if err != nil {
		return Credential{}, err
	}
	session, err := rp.takeCeremony(ctx, ceremonyID, CeremonySignIn, "", now)
	if err != nil {
		return Credential{}, err
	}
	stored, err := rp.store.CredentialByCredentialID(ctx, parsed.RawID)
	if errors.Is(err, ErrNotFound) {
		return Credential{}, fmt.Errorf("%w: %w", ErrUnknownCredential, err)
	}
	if err != nil {
		return Credential{}, fmt.Errorf("passkeys: look up passkey: %w", err)
	}
	handle, err := rp.store.UserHandle(ctx, stored.UserID)
	if err != nil {
		return Credential{}, fmt.Errorf("passkeys: user handle: %w", err)
	}
	u := &user{handle: handle, creds: []webauthn.Credential{stored.toWebAuthn()}}
	byHandle := func(rawID, userHandle []byte) (webauthn.User, error) {
		if !bytes.Equal(rawID, stored.CredentialID) || !bytes.Equal(userHandle, handle) {
			return nil, errors.New("user handle does not match the credential's account")
		}
		return u, nil
	}
	if _, _, err := rp.wa.ValidatePasskeyLogin(byHandle, session, parsed); err != nil {
		return Credential{}, rejected(ErrAssertionRejected, err)
	}
	return rp.recordAssertion(ctx, stored, parsed, now)
}

// BeginSecondFactor starts verifying a passkey of the account as its
// second factor (the account of an mfa_token the caller checked): request
// options with user verification required listing the account's passkeys
// in allowCredentials. ErrNoPasskeys when it has none.
func (rp *RelyingParty) BeginSecondFactor(ctx context.Context, userID string, now time.Time) (Options, error) {
	existing, err := rp.store.Credentials(ctx, userID)
	if err != nil {
		return Options{}, fmt.Errorf("passkeys: list passkeys: %w", err)
	}
	if len(existing) == 0 {
		return Options{}, ErrNoPasskeys
	}
	handle, err := rp.store.UserHandle(ctx, userID)
	if err != nil {
		return Options{}, fmt.Errorf("passkeys: user handle: %w", err)
	}
	u := &user{handle: handle, creds: webAuthnCredentials(existing)}
	assertion, session, err := rp.wa.BeginLogin(u)
	if err != nil {
		return Options{}, fmt.Errorf("passkeys: request options: %w", err)
	}
	return rp.options(ctx, CeremonySecondFactor, userID, assertion, session, now)
}

// FinishSecondFactor verifies the AuthenticationResponseJSON for the
// account's second-factor ceremony ceremonyID and returns the passkey that
// signed, updated. Only the account's own passkeys are accepted. The
// ceremony is used up by the call once the credential parses, whatever the
// outcome.
//
// Errors: ErrMalformedCredential, ErrCeremonyNotFound,
// ErrUnknownCredential (not a passkey of the account), ErrAssertionRejected,
// ErrSignCountRegressed.
func (rp *RelyingParty) FinishSecondFactor(ctx context.Context, userID, ceremonyID string, credential []byte, now time.Time) (Credential, error) {
	parsed, err := parseAssertion(credential)
	if err != nil {
		return Credential{}, err
	}
	session, err := rp.takeCeremony(ctx, ceremonyID, CeremonySecondFactor, userID, now)
	if err != nil {
		return Credential{}, err
	}
	existing, err := rp.store.Credentials(ctx, userID)
	if err != nil {
		return Credential{}, fmt.Errorf("passkeys: list passkeys: %w", err)
	}
	var stored *Credential
	for i := range existing {
		if bytes.Equal(existing[i].CredentialID, parsed.RawID) {
			stored = &existing[i]
		}
	}
	if stored == nil {
		return Credential{}, fmt.Errorf("%w: not a passkey of this account", ErrUnknownCredential)
	}
	handle, err := rp.store.UserHandle(ctx, userID)
	if err != nil {
		return Credential{}, fmt.Errorf("passkeys: user handle: %w", err)
	}
	u := &user{handle: handle, creds: webAuthnCredentials(existing)}
	if _, err := rp.wa.ValidateLogin(u, session, parsed); err != nil {
		var unknown *protocol.ErrorUnknownCredential
		if errors.As(err, &unknown) {
			return Credential{}, rejected(ErrUnknownCredential, err)
		}
		return Credential{}, rejected(ErrAssertionRejected, err)
	}
	return rp.recordAssertion(ctx, *stored, parsed, now)
}

// parseAssertion checks the size of an AuthenticationResponseJSON and
// parses it.
func parseAssertion(credential []byte) (*protocol.ParsedCredentialAssertionData, error) {
	if err := checkSize(credential); err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(credential)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedCredential, err)
	}
	return parsed, nil
}

// recordAssertion stores the counter and backup state of a verified
// assertion. go-webauthn only flags a counter that did not increase
// (CloneWarning); the store refuses it atomically against the counter it
// holds at that moment.
func (rp *RelyingParty) recordAssertion(ctx context.Context, stored Credential, parsed *protocol.ParsedCredentialAssertionData, now time.Time) (Credential, error) {
	data := parsed.Response.AuthenticatorData
	c, err := rp.store.RecordAssertion(ctx, stored.ID, data.Counter, data.Flags.HasBackupState(), now)
	switch {
	case errors.Is(err, ErrNotFound):
		return Credential{}, fmt.Errorf("%w: deleted during the ceremony: %w", ErrUnknownCredential, err)
	case err != nil:
		return Credential{}, fmt.Errorf("passkeys: record assertion: %w", err)
	}
	return c, nil
}
