package passkeys

import (
	"context"
	"fmt"
)

// List returns the account's passkeys, oldest first.
func (rp *RelyingParty) List(ctx context.Context, userID string) ([]Credential, error) {
	cs, err := rp.store.Credentials(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("passkeys: list passkeys: %w", err)
	}
	return cs, nil
}

// Rename sets the name of the account's passkey id (trimmed, 1 to
// MaxNameLength characters). Errors: ErrInvalidName, ErrNotFound.
func (rp *RelyingParty) Rename(ctx context.Context, userID, id, name string) (Credential, error) {
	name, err := normalizeName(name, false)
	if err != nil {
		return Credential{}, err
	}
	c, err := rp.store.RenameCredential(ctx, userID, id, name)
	if err != nil {
		return Credential{}, fmt.Errorf("passkeys: rename passkey: %w", err)
	}
	return c, nil
}

// Delete removes the account's passkey id and returns it as it was; the
// route checks the session's assurance level before. Errors: ErrNotFound.
func (rp *RelyingParty) Delete(ctx context.Context, userID, id string) (Credential, error) {
	c, err := rp.store.DeleteCredential(ctx, userID, id)
	if err != nil {
		return Credential{}, fmt.Errorf("passkeys: delete passkey: %w", err)
	}
	return c, nil
}
