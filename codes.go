package fastauth

import "fmt"

// Error codes of the `code` field of every error body. They are stable:
// clients may switch on them.
const (
	CodeInvalidRequest       = "invalid_request"
	CodeInvalidEmail         = "invalid_email"
	CodeWeakPassword         = "weak_password"
	CodeInvalidCredentials   = "invalid_credentials"
	CodeInvalidToken         = "invalid_token"
	CodeTokenExpired         = "token_expired"
	CodeRefreshTokenInvalid  = "refresh_token_invalid"
	CodeForbidden            = "forbidden"
	CodeEmailNotConfirmed    = "email_not_confirmed"
	CodeMFAStepUpRequired    = "mfa_step_up_required"
	CodeUserNotFound         = "user_not_found"
	CodeSessionNotFound      = "session_not_found"
	CodeOrganizationNotFound = "organization_not_found"
	CodeMemberNotFound       = "member_not_found"
	CodeInviteNotFound       = "invite_not_found"
	CodeAPIKeyNotFound       = "api_key_not_found"
	CodeRouteNotFound        = "route_not_found"
	CodeMethodNotAllowed     = "method_not_allowed"
	CodeUserAlreadyExists    = "user_already_exists"
	CodeConflict             = "conflict"
	CodeLastOwner            = "last_owner"
	CodeBodyTooLarge         = "body_too_large"
	CodeUnsupportedMediaType = "unsupported_media_type"
	CodeRateLimited          = "rate_limited"
	CodeInternal             = "internal_error"
	CodeStoreUnavailable     = "store_unavailable"
	CodeOverloaded           = "overloaded"
	CodeAccountDisabled      = "account_disabled"
	CodeSignUpRefused        = "sign_up_refused"
	CodeSignInRefused        = "sign_in_refused"
	CodeRoleExists           = "role_exists"
	CodeRoleNotFound         = "role_not_found"
	CodeRoleInUse            = "role_in_use"
	CodeUnknownPermission    = "unknown_permission"
)

// Error is a failure a handler reports with its HTTP status and the stable
// code and message of the error body. Handlers of the kernel and of
// modules return it (wrapped or not); Host.Fail writes it as the response.
type Error struct {
	Status  int
	Code    string
	Message string
}

// Error describes the failure.
func (e *Error) Error() string {
	return fmt.Sprintf("fastauth: %d %s: %s", e.Status, e.Code, e.Message)
}

// NewError returns an *Error with the status, code and message.
func NewError(status int, code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}
