package mfa

import (
	"errors"
	"net/http"
)

// The error codes of the second factor's routes, stable like every code of
// the API.
const (
	// CodeMFARequired: the password was right and a second factor is
	// needed (403, with mfa_token and methods: MFARequiredResponse).
	CodeMFARequired = "mfa_required"
	// CodeMFATokenInvalid: the mfa_token is unknown, expired, used or dead
	// (401).
	CodeMFATokenInvalid = "mfa_token_invalid"
	// CodeInvalidMFACode: the code is wrong or was already used (401).
	CodeInvalidMFACode = "invalid_mfa_code"
	// CodeMFAAlreadyEnabled: TOTP setup while TOTP is on (409).
	CodeMFAAlreadyEnabled = "mfa_already_enabled"
	// CodeMFASetupRequired: TOTP enable without a pending secret (400).
	CodeMFASetupRequired = "mfa_setup_required"
	// CodeMFANotEnabled: TOTP disable or recovery-code regeneration while
	// TOTP is off (400).
	CodeMFANotEnabled = "mfa_not_enabled"
	// codeInvalidRequest is the kernel's code for malformed input (400).
	codeInvalidRequest = "invalid_request"
)

// HTTPError returns the status, code and message a handler answers with
// for an error of this package, and false for any other error (store
// failures and the like, which the kernel maps). The message never carries
// a secret.
func HTTPError(err error) (status int, code, message string, ok bool) {
	switch {
	case errors.Is(err, ErrMalformedCode):
		return http.StatusBadRequest, codeInvalidRequest, "code must be a six-digit TOTP code or a recovery code (xxxxx-xxxxx)", true
	case errors.Is(err, ErrInvalidCode):
		return http.StatusUnauthorized, CodeInvalidMFACode, "the code is wrong or was already used", true
	case errors.Is(err, ErrChallengeInvalid):
		return http.StatusUnauthorized, CodeMFATokenInvalid, "the mfa_token is invalid or expired: sign in again", true
	case errors.Is(err, ErrTOTPEnabled):
		return http.StatusConflict, CodeMFAAlreadyEnabled, "TOTP is already enabled", true
	case errors.Is(err, ErrSetupRequired):
		return http.StatusBadRequest, CodeMFASetupRequired, "no pending TOTP secret: call /auth/mfa/totp/setup first", true
	case errors.Is(err, ErrTOTPNotEnabled):
		return http.StatusBadRequest, CodeMFANotEnabled, "TOTP is not enabled", true
	}
	return 0, "", "", false
}
