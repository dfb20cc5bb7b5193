package social

import (
	"errors"
	"net/http"
)

// Error is a failure of the social sign-in flow with a stable code: the
// JSON error code of a route that answers JSON, or the auth_error value of
// a callback that redirects. Status is the HTTP status a route answering
// JSON uses. The Err variables are the only values; compare with errors.Is.
type Error struct {
	// Status is the HTTP status of a JSON answer.
	Status int
	// Code is the stable snake_case code.
	Code string
	// Message is the human text.
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return "social: " + e.Message }

// The failures of the flow. Those the callback meets after the flow cookie
// was read become a redirect to redirect_to with auth_error=<Code>; the
// others are answered as JSON errors with Status.
var (
	// ErrUnknownProvider: no provider of that name is configured.
	ErrUnknownProvider = &Error{http.StatusNotFound, "provider_not_found", "no such sign-in provider"}
	// ErrInvalidRedirect: redirect_to is neither a relative path nor on a
	// trusted origin.
	ErrInvalidRedirect = &Error{http.StatusBadRequest, "invalid_redirect", "redirect_to must be a relative path or an URL on a trusted origin"}
	// ErrInvalidCallback: the callback's query is malformed, too large or
	// repeats a parameter.
	ErrInvalidCallback = &Error{http.StatusBadRequest, "invalid_request", "malformed callback request"}
	// ErrInvalidFlow: the flow cookie is missing, tampered with, expired or
	// made for another provider (login CSRF looks like this).
	ErrInvalidFlow = &Error{http.StatusBadRequest, "invalid_state", "the sign-in flow is missing or expired; start again"}
	// ErrStateMismatch: the state the provider sent back is not the
	// flow's.
	ErrStateMismatch = &Error{http.StatusBadRequest, "invalid_state", "the state does not match the sign-in flow"}
	// ErrAccessDenied: the person declined at the provider.
	ErrAccessDenied = &Error{http.StatusForbidden, "access_denied", "the provider did not grant access"}
	// ErrProviderError: the provider answered the flow with another error,
	// or refused the code exchange.
	ErrProviderError = &Error{http.StatusBadGateway, "provider_error", "the provider refused the sign-in"}
	// ErrProviderUnavailable: the provider could not be reached (discovery,
	// token or API endpoint down).
	ErrProviderUnavailable = &Error{http.StatusServiceUnavailable, "provider_unavailable", "the sign-in provider is unavailable; try again later"}
	// ErrInvalidIDToken: the ID token failed verification (signature,
	// issuer, audience, authorized party, expiry, subject).
	ErrInvalidIDToken = &Error{http.StatusUnauthorized, "invalid_id_token", "the provider's ID token is not valid"}
	// ErrNonceMismatch: the ID token's nonce is not the flow's (a replayed
	// or injected token).
	ErrNonceMismatch = &Error{http.StatusUnauthorized, "invalid_id_token", "the ID token was not issued for this sign-in"}
	// ErrEmailRequired: the provider gave no address, and an account can
	// only be created with one.
	ErrEmailRequired = &Error{http.StatusBadRequest, "email_required", "the provider did not share an email address"}
	// ErrAccountExists: an account has the address but cannot be linked
	// (its address is unconfirmed, or the provider did not verify it).
	ErrAccountExists = &Error{http.StatusConflict, "account_exists", "an account with this email exists; sign in to it and link the provider"}
	// ErrIdentityTaken: the provider account is linked to another user.
	ErrIdentityTaken = &Error{http.StatusConflict, "identity_already_linked", "this provider account is linked to another user"}
	// ErrLinkMismatch: a link flow finished for another user than the one
	// who started it.
	ErrLinkMismatch = &Error{http.StatusForbidden, "forbidden", "the link was started by another user"}
	// ErrNotFound: no such identity (of this user).
	ErrNotFound = &Error{http.StatusNotFound, "identity_not_found", "identity not found"}
	// ErrUserNotFound: the user an identity would belong to does not exist.
	ErrUserNotFound = &Error{http.StatusNotFound, "user_not_found", "user not found"}
	// ErrLastSignInMethod: unlinking would leave the account no way to
	// sign in.
	ErrLastSignInMethod = &Error{http.StatusConflict, "last_sign_in_method", "this is the account's last way to sign in"}
)

// Code returns the stable code of the first *Error in err's chain, or
// "server_error" when there is none (a bug or a store failure: the
// details belong in the log, not in the redirect).
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return "server_error"
}
