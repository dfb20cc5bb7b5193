package passkeys

import (
	"errors"
	"net/http"

	"github.com/fastauth/fastauth"
)

// The error codes of the module's routes where the kernel has none, stable
// like every code of the API.
const (
	// CodeInvalidCeremony: the ceremony_id is unknown, used, expired, of
	// another ceremony or another account's (400).
	CodeInvalidCeremony = "invalid_ceremony"
	// CodePasskeyRejected: the attestation of a registration does not
	// verify (other origin or RP ID, user not verified, wrong challenge,
	// not discoverable) (400).
	CodePasskeyRejected = "passkey_rejected"
	// CodePasskeyNotFound: the account has no passkey with this id (404).
	CodePasskeyNotFound = "passkey_not_found"
	// CodeTooManyPasskeys: the account holds MaxPasskeys already (409).
	CodeTooManyPasskeys = "too_many_passkeys"
	// CodeMFAMethodUnavailable: the second factor was asked of an account
	// without a passkey (400).
	CodeMFAMethodUnavailable = "mfa_method_unavailable"
)

// HTTPError returns the status, code and message a handler answers with
// for an error of this package, and false for any other error (store
// failures, which the kernel maps). The message never carries key
// material.
func HTTPError(err error) (status int, code, message string, ok bool) {
	switch {
	case errors.Is(err, ErrMalformedCredential):
		return http.StatusBadRequest, fastauth.CodeInvalidRequest, "credential is not a well-formed WebAuthn response (PublicKeyCredential.toJSON())", true
	case errors.Is(err, ErrInvalidName):
		return http.StatusBadRequest, fastauth.CodeInvalidRequest, "name must be 1 to 64 printable characters", true
	case errors.Is(err, ErrCeremonyNotFound):
		return http.StatusBadRequest, CodeInvalidCeremony, "the ceremony_id is unknown, used or expired: ask for new options", true
	case errors.Is(err, ErrRegistrationRejected):
		return http.StatusBadRequest, CodePasskeyRejected, "the passkey could not be verified", true
	case errors.Is(err, ErrAssertionRejected), errors.Is(err, ErrUnknownCredential),
		errors.Is(err, ErrSignCountRegressed), errors.Is(err, ErrUserNotFound):
		return http.StatusUnauthorized, fastauth.CodeInvalidCredentials, "the passkey was not accepted", true
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, CodePasskeyNotFound, "passkey not found", true
	case errors.Is(err, ErrCredentialExists):
		return http.StatusConflict, fastauth.CodeConflict, "this passkey is already registered", true
	case errors.Is(err, ErrTooManyPasskeys):
		return http.StatusConflict, CodeTooManyPasskeys, "the account has the most passkeys it may hold: delete one first", true
	case errors.Is(err, ErrNoPasskeys):
		return http.StatusBadRequest, CodeMFAMethodUnavailable, "the account has no passkey", true
	}
	return 0, "", "", false
}

// httpError turns an error of this package into the *fastauth.Error the
// host answers with; other errors (and nil) pass unchanged.
func httpError(err error) error {
	if status, code, msg, ok := HTTPError(err); ok {
		return fastauth.NewError(status, code, msg)
	}
	return err
}
