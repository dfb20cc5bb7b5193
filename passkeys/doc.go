// Package passkeys is fastauth's passkey (WebAuthn) capability: passwordless
// sign-in with discoverable credentials and a phishing-resistant second
// factor, on github.com/go-webauthn/webauthn.
//
// A [RelyingParty] runs the ceremonies; the routes of the module call it
// with the clock's now and the caller's account:
//
//   - registration: [RelyingParty.BeginRegistration] returns creation
//     options for a discoverable credential with user verification required
//     that exclude the account's existing passkeys;
//     [RelyingParty.FinishRegistration] verifies the browser's
//     RegistrationResponseJSON and stores the passkey;
//   - discoverable sign-in: [RelyingParty.BeginSignIn] returns request
//     options without allowCredentials (conditional UI),
//     [RelyingParty.FinishSignIn] verifies the assertion and names the
//     account by the credential;
//   - second factor: [RelyingParty.BeginSecondFactor] returns request
//     options listing the account's passkeys, [RelyingParty.FinishSecondFactor]
//     verifies an assertion by one of them;
//   - management: [RelyingParty.List], [RelyingParty.Rename],
//     [RelyingParty.Delete].
//
// Ceremony state never travels to the client: it is stored (a [Ceremony]),
// named by a random ceremony_id the client echoes, single use (taken
// atomically by the finishing call), valid for [CeremonyLifetime], and bound
// to the account for registration and the second factor.
//
// The signature counter is decided in the store: an assertion whose
// counter is not 0 and does not exceed the stored one is refused
// ([ErrSignCountRegressed]), atomically, so that of two assertions carrying
// the same counter (a cloned authenticator) at most one succeeds. The user
// handle sent to authenticators is a random per-account value, never the
// account id or email.
//
// Storage is the [Store] interface (package store implements it on GORM;
// package passkeystest proves any implementation). Errors are the sentinels
// of this package, checked with errors.Is; see the doc of each for the
// HTTP answer it stands for.
package passkeys
