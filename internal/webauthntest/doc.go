// Package webauthntest is a software passkey authenticator for Go tests: it
// plays the part of the browser and the authenticator in the WebAuthn
// ceremonies, so a relying party's registration and sign-in can be tested
// end to end without a browser.
//
// An [Authenticator] takes the options a server sends to the browser, as
// JSON (`{"publicKey":{...}}`, or the bare `publicKey` member), and returns
// the JSON a browser's PublicKeyCredential.toJSON() gives back:
// RegistrationResponseJSON from [Authenticator.Create] and
// AuthenticationResponseJSON from [Authenticator.Get], with base64url
// members, a clientDataJSON naming the ceremony type, challenge and origin,
// authenticator data and, on registration, a CBOR attestation object.
//
// Credentials are ES256 (ECDSA P-256) and discoverable (resident): each keeps
// the user handle it was created for and reports it on every assertion, so
// usernameless sign-in (empty allowCredentials) works. Attestation is always
// "none". The authenticator performs user verification and user presence
// unless told otherwise, keeps a signature counter per credential (0 at
// creation, one more on every assertion) and sets the backup-eligible and
// backed-up flags its [Config] asks for.
//
// Every ceremony takes [Option] knobs that make the response wrong in one
// precise way, for negative tests: another origin ([WithOrigin]), another RP
// ID hash ([WithRPID]), a chosen counter value ([WithSignCount], to make it
// go backwards), the user presence or verification flag cleared
// ([WithoutUserPresence], [WithoutUserVerification]), a signature by another
// key ([WithWrongSignature]), a challenge that is not the one sent
// ([WithTamperedChallenge]), a credential the server never registered
// ([WithUnknownCredential]), another user handle ([WithUserHandle]) and other
// backup flags ([WithBackupFlags]).
//
// Like a browser's client, the authenticator refuses to create a credential
// when it already holds one in excludeCredentials ([ErrExcluded]), when the
// server accepts no ES256 key ([ErrUnsupportedAlgorithm]), and answers no
// assertion when it holds no matching credential ([ErrNoCredential]). Unlike
// a browser it does not check that the RP ID is a registrable suffix of the
// origin: tests decide what the response claims.
//
// The package depends on no relying-party library; its tests prove it
// against github.com/go-webauthn/webauthn.
package webauthntest
