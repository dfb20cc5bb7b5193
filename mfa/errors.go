package mfa

import (
	"errors"
	"fmt"
)

// Sentinel errors of the package and of every Store; check them with
// errors.Is. Store implementations wrap them freely with %w. The HTTP
// status and code a handler answers with are given for each.
var (
	// ErrNotFound: the user does not exist (404-class; a handler with a
	// session should not see it).
	ErrNotFound = errors.New("mfa: not found")
	// ErrTOTPEnabled: a TOTP setup was asked while TOTP is on
	// (409 mfa_already_enabled).
	ErrTOTPEnabled = errors.New("mfa: TOTP is already enabled")
	// ErrSetupRequired: there is no pending TOTP secret to enable, or it
	// was replaced by a newer setup (400 mfa_setup_required).
	ErrSetupRequired = errors.New("mfa: no pending TOTP secret: run the setup first")
	// ErrTOTPNotEnabled: the operation needs TOTP on and it is off
	// (400 mfa_not_enabled).
	ErrTOTPNotEnabled = errors.New("mfa: TOTP is not enabled")
	// ErrInvalidCode: the code is wrong, used, or of a factor the account
	// does not have (401 invalid_mfa_code).
	ErrInvalidCode = errors.New("mfa: invalid code")
	// ErrCodeReplayed: the TOTP code is right but its step was already
	// accepted. It matches ErrInvalidCode too (401 invalid_mfa_code).
	ErrCodeReplayed = fmt.Errorf("%w: already used", ErrInvalidCode)
	// ErrMalformedCode: the input is not shaped like a code this route
	// takes: empty, too short or long, not digits (400 invalid_request).
	// It never reaches the Store, so it is not a guess and costs no attempt.
	ErrMalformedCode = errors.New("mfa: malformed code")
	// ErrChallengeInvalid: the mfa_token is malformed, unknown, expired,
	// used, or dead after too many wrong codes (401 mfa_token_invalid).
	ErrChallengeInvalid = errors.New("mfa: invalid mfa_token")
	// ErrSecretUnreadable: a sealed TOTP secret opens with none of the
	// configured keys (500: the key configuration is wrong or the row was
	// tampered with).
	ErrSecretUnreadable = errors.New("mfa: sealed secret does not open with the configured keys")
)
