// Package mfa is the second factor of fastauth: TOTP authenticator apps
// (RFC 6238), recovery codes, and the mfa_token challenge that finishes a
// sign-in whose first factor was correct.
//
// This package holds what does not depend on HTTP: the protocol logic a
// handler calls (Strategy), the storage contract (Store, implemented for
// GORM by store.(*Store).MFA) and its record types. Every rule that must
// hold under concurrency (a TOTP code accepted once, a recovery code used
// once, an mfa_token redeemed once and dead after its failures) is decided
// atomically by the Store; the Strategy only computes.
//
// TOTP: SHA-1, 6 digits, 30-second steps, one step of drift accepted either
// way, 160-bit secrets shown in base32 without padding. Codes are computed
// with github.com/pquerna/otp. A code is accepted only for a step later
// than the last step accepted for the user (the Store records it with a
// conditional update), so a code never works twice, not even concurrently.
//
// Secrets at rest: the TOTP secret is sealed with AES-256-GCM under a key
// derived (HKDF-SHA256) from Config.Key, with the user id as additional
// data, so a sealed secret copied onto another account does not open.
// Recovery codes are stored only as HMAC-SHA256 under another key derived
// from Config.Key, also bound to the user id. mfa_tokens are 256-bit random
// and stored as SHA-256, like fastauth's other tokens. Config.PreviousKeys
// still open secrets and match recovery codes after a key rotation.
package mfa
