package passkeys

import "errors"

// Errors of the ceremonies and of the Store. Every error a function of this
// package returns wraps one of them or a store failure; the comment of each
// names the HTTP answer the routes give for it.
var (
	// ErrMalformedCredential: the credential JSON is not a well-formed
	// RegistrationResponseJSON or AuthenticationResponseJSON (bad JSON, wrong
	// types, base64 or CBOR garbage, too large). 400 invalid_request.
	ErrMalformedCredential = errors.New("passkeys: malformed credential")
	// ErrCeremonyNotFound: the ceremony_id names no live ceremony of this
	// kind for this caller: unknown, already used, expired, of another kind
	// or bound to another account. 400 invalid_ceremony.
	ErrCeremonyNotFound = errors.New("passkeys: unknown, used or expired ceremony")
	// ErrRegistrationRejected: the attestation does not verify (other
	// origin, other RP ID, user not verified or present, wrong challenge,
	// not discoverable, unsupported key). 400 passkey_rejected.
	ErrRegistrationRejected = errors.New("passkeys: registration rejected")
	// ErrAssertionRejected: the assertion does not verify (other origin,
	// other RP ID, user not verified or present, wrong challenge, bad
	// signature, user handle mismatch). 401 invalid_credentials.
	ErrAssertionRejected = errors.New("passkeys: assertion rejected")
	// ErrUnknownCredential: the assertion is by a credential the server does
	// not know (never registered, deleted, or for the second factor not the
	// account's). 401 invalid_credentials.
	ErrUnknownCredential = errors.New("passkeys: unknown credential")
	// ErrSignCountRegressed: the assertion's signature counter is not 0 and
	// not above the stored one: the authenticator may be cloned. The
	// assertion is refused and nothing is updated. 401 invalid_credentials.
	ErrSignCountRegressed = errors.New("passkeys: signature counter did not increase")
	// ErrNotFound: no passkey with this id belongs to the account. 404
	// passkey_not_found.
	ErrNotFound = errors.New("passkeys: passkey not found")
	// ErrUserNotFound: the account does not exist (it was deleted during
	// the ceremony). 401 invalid_credentials for sign-ins, else 404.
	ErrUserNotFound = errors.New("passkeys: user not found")
	// ErrCredentialExists: this credential id is already registered. 409
	// conflict.
	ErrCredentialExists = errors.New("passkeys: credential already registered")
	// ErrTooManyPasskeys: the account has [Config.MaxPasskeys] passkeys
	// already. 409 too_many_passkeys.
	ErrTooManyPasskeys = errors.New("passkeys: too many passkeys")
	// ErrNoPasskeys: the second factor was asked of an account without a
	// passkey. 400 mfa_method_unavailable.
	ErrNoPasskeys = errors.New("passkeys: the account has no passkey")
	// ErrInvalidName: a passkey name is empty after trimming, longer than
	// [MaxNameLength] characters, not UTF-8 or holds control characters.
	// 400 invalid_request.
	ErrInvalidName = errors.New("passkeys: invalid passkey name")
)
