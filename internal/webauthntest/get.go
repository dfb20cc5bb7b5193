package webauthntest

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Get answers request options (`{"publicKey":{...}}` as the server sends
// them for navigator.credentials.get()) with an assertion by one of the
// authenticator's credentials, and returns the AuthenticationResponseJSON
// the browser would post back.
//
// The credential is the newest one scoped to the RP ID (the options' rpId,
// else the origin's host) and, when allowCredentials is not empty, listed
// there; [WithCredential] picks another. Each assertion increments the
// credential's signature counter. Options change the response for negative
// tests; see [Option].
func (a *Authenticator) Get(options []byte, opts ...Option) ([]byte, error) {
	k := newKnobs(opts)
	var o requestOptions
	if err := decodeOptions(options, &o); err != nil {
		return nil, err
	}
	challenge, rpID, err := a.challengeAndRPID(o.Challenge, o.RPID)
	if err != nil {
		return nil, err
	}
	allowed, err := descriptorIDs("allowCredentials", o.AllowCredentials)
	if err != nil {
		return nil, err
	}

	c, err := a.assertingCredential(rpID, allowed, k)
	if err != nil {
		return nil, err
	}
	hashedRPID := rpID
	if k.rpID != "" {
		hashedRPID = k.rpID
	}
	authData := authenticatorData(hashedRPID, flags(&c, k), c.SignCount, nil)
	cdj, err := a.clientDataJSON(typeGet, challenge, k)
	if err != nil {
		return nil, err
	}
	signer := c.key
	if k.wrongSignature {
		if signer, err = newKey(); err != nil {
			return nil, err
		}
	}
	sig, err := sign(signer, authData, cdj)
	if err != nil {
		return nil, err
	}
	userHandle := c.UserHandle
	if k.userHandle != nil {
		userHandle = k.userHandle
	}
	if k.userHandleAbsent {
		userHandle = nil
	}

	out, err := json.Marshal(authenticationResponse{
		ID:    b64(c.ID),
		RawID: b64(c.ID),
		Type:  "public-key",
		Response: assertionResponse{
			ClientDataJSON:    b64(cdj),
			AuthenticatorData: b64(authData),
			Signature:         b64(sig),
			UserHandle:        b64(userHandle),
		},
		AuthenticatorAttachment: "platform",
	})
	if err != nil {
		return nil, fmt.Errorf("webauthntest: encode response: %w", err)
	}
	return out, nil
}

// assertingCredential picks the credential for an assertion, advances its
// counter and returns a copy with the key. With [WithUnknownCredential] it
// returns a new, unkept credential instead.
func (a *Authenticator) assertingCredential(rpID string, allowed [][]byte, k knobs) (credential, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var picked *credential
	for i := len(a.creds) - 1; i >= 0; i-- {
		c := a.creds[i]
		if c.RPID != rpID || !listed(c.ID, allowed) {
			continue
		}
		if k.credentialID != nil && !bytes.Equal(c.ID, k.credentialID) {
			continue
		}
		picked = c
		break
	}
	if k.unknown {
		key, err := newKey()
		if err != nil {
			return credential{}, err
		}
		c := credential{Credential: Credential{RPID: rpID, UserHandle: newCredentialID()}}
		if picked != nil {
			c.Credential = picked.snapshot()
		}
		c.ID, c.PublicKey, c.key, c.SignCount = newCredentialID(), &key.PublicKey, key, 1
		return c, nil
	}
	if picked == nil {
		return credential{}, ErrNoCredential
	}
	if k.signCount != nil {
		picked.SignCount = *k.signCount
	} else {
		picked.SignCount++
	}
	c := credential{Credential: picked.snapshot(), key: picked.key}
	return c, nil
}

// listed reports whether id is in allowed; an empty list allows every
// credential (a discoverable-credential request).
func listed(id []byte, allowed [][]byte) bool {
	if len(allowed) == 0 {
		return true
	}
	for _, a := range allowed {
		if bytes.Equal(a, id) {
			return true
		}
	}
	return false
}
