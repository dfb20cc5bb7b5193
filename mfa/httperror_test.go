package mfa

import (
	"errors"
	"fmt"
	"testing"
)

// TestHTTPError checks the status and code of every sentinel a route can
// meet, wrapped as stores and the Service wrap them.
func TestHTTPError(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		err    error
		status int
		code   string
	}{
		{ErrMalformedCode, 400, "invalid_request"},
		{ErrInvalidCode, 401, "invalid_mfa_code"},
		{ErrCodeReplayed, 401, "invalid_mfa_code"},
		{ErrChallengeInvalid, 401, "mfa_token_invalid"},
		{ErrTOTPEnabled, 409, "mfa_already_enabled"},
		{ErrSetupRequired, 400, "mfa_setup_required"},
		{ErrTOTPNotEnabled, 400, "mfa_not_enabled"},
	} {
		status, code, msg, ok := HTTPError(fmt.Errorf("store: op: %w", c.err))
		if !ok || status != c.status || code != c.code || msg == "" {
			t.Errorf("HTTPError(%v) = %d %q %q %v; want %d %q", c.err, status, code, msg, ok, c.status, c.code)
		}
	}
	for _, err := range []error{ErrNotFound, ErrSecretUnreadable, errors.New("db down"), nil} {
		if _, _, _, ok := HTTPError(err); ok {
			t.Errorf("HTTPError(%v) claimed the error", err)
		}
	}
}
