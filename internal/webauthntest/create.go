package webauthntest

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"slices"
)

// Create answers creation options (`{"publicKey":{...}}` as the server
// sends them for navigator.credentials.create()) with a new discoverable
// ES256 credential, and returns the RegistrationResponseJSON the browser
// would post back. The credential is kept for later assertions. Options
// change the response for negative tests; see [Option].
func (a *Authenticator) Create(options []byte, opts ...Option) ([]byte, error) {
	k := newKnobs(opts)
	var o creationOptions
	if err := decodeOptions(options, &o); err != nil {
		return nil, err
	}
	challenge, rpID, err := a.challengeAndRPID(o.Challenge, o.RP.ID)
	if err != nil {
		return nil, err
	}
	userHandle, err := decodeB64("user.id", o.User.ID)
	if err != nil {
		return nil, err
	}
	if len(userHandle) == 0 || len(userHandle) > 64 {
		return nil, fmt.Errorf("%w: user.id must be 1 to 64 bytes, not %d", ErrBadOptions, len(userHandle))
	}
	if !o.acceptsES256() {
		return nil, ErrUnsupportedAlgorithm
	}
	excluded, err := descriptorIDs("excludeCredentials", o.ExcludeCredentials)
	if err != nil {
		return nil, err
	}

	key, err := newKey()
	if err != nil {
		return nil, err
	}
	c := &credential{
		Credential: Credential{
			ID:             newCredentialID(),
			RPID:           rpID,
			UserHandle:     userHandle,
			UserName:       o.User.Name,
			BackupEligible: a.cfg.BackupEligible,
			BackedUp:       a.cfg.BackupEligible && a.cfg.BackedUp,
			PublicKey:      &key.PublicKey,
		},
		key: key,
	}
	if k.backupFlags != nil {
		c.BackupEligible, c.BackedUp = k.backupFlags[0], k.backupFlags[1]
	}
	if k.signCount != nil {
		c.SignCount = *k.signCount
	}

	cosePub, err := encodeCOSEKey(c.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("webauthntest: encode key: %w", err)
	}
	spki, err := x509.MarshalPKIXPublicKey(c.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("webauthntest: encode key: %w", err)
	}
	hashedRPID := rpID
	if k.rpID != "" {
		hashedRPID = k.rpID
	}
	authData := authenticatorData(hashedRPID, flags(c, k)|flagAT, c.SignCount, attestedCredentialData(a.cfg.AAGUID, c.ID, cosePub))
	attObj, err := encodeAttestationObject(authData)
	if err != nil {
		return nil, fmt.Errorf("webauthntest: encode attestation object: %w", err)
	}
	cdj, err := a.clientDataJSON(typeCreate, challenge, k)
	if err != nil {
		return nil, err
	}

	resp := registrationResponse{
		ID:    b64(c.ID),
		RawID: b64(c.ID),
		Type:  "public-key",
		Response: attestationResponse{
			ClientDataJSON:     b64(cdj),
			AuthenticatorData:  b64(authData),
			Transports:         transports,
			PublicKey:          b64(spki),
			PublicKeyAlgorithm: coseAlgES256,
			AttestationObject:  b64(attObj),
		},
		AuthenticatorAttachment: "platform",
	}
	if o.Extensions.CredProps {
		resp.ClientExtensionResults.CredProps = &credProps{RK: true}
	}
	out, err := json.Marshal(resp)
	if err != nil {
		return nil, fmt.Errorf("webauthntest: encode response: %w", err)
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	for _, held := range a.creds {
		for _, id := range excluded {
			if held.RPID == rpID && bytes.Equal(held.ID, id) {
				return nil, ErrExcluded
			}
		}
	}
	// A discoverable credential replaces the one the authenticator held for
	// the same RP ID and user handle (CTAP2 authenticatorMakeCredential).
	a.creds = slices.DeleteFunc(a.creds, func(held *credential) bool {
		return held.RPID == rpID && bytes.Equal(held.UserHandle, userHandle)
	})
	a.creds = append(a.creds, c)
	return out, nil
}
