package ginauth

import "github.com/fastauth/fastauth"

// The constants of package fastauth, re-exported. Their type is spelled
// fastauth.X rather than through the aliases of contract.go so that swag,
// which reads the enums of the OpenAPI document from typed constants,
// counts each value once (from package fastauth).

// The two kinds of principal.
const (
	// PrincipalSession: an access-token cookie of a browser session.
	PrincipalSession = fastauth.PrincipalSession
	// PrincipalAPIKey: an `Authorization: Bearer sk-...` API key.
	PrincipalAPIKey = fastauth.PrincipalAPIKey
)

// The three organization roles.
const (
	RoleMember fastauth.Role = fastauth.RoleMember
	RoleAdmin  fastauth.Role = fastauth.RoleAdmin
	RoleOwner  fastauth.Role = fastauth.RoleOwner
)

// The two organization kinds.
const (
	KindPersonal fastauth.OrganizationKind = fastauth.KindPersonal
	KindShared   fastauth.OrganizationKind = fastauth.KindShared
)

// The verification token kinds.
const (
	VerifyEmail   = fastauth.VerifyEmail
	ResetPassword = fastauth.ResetPassword
)

// Sort directions.
const (
	Asc  = fastauth.Asc
	Desc = fastauth.Desc
)

// Error codes of the `code` field of every error body. They are stable:
// clients may switch on them.
const (
	CodeInvalidRequest       = fastauth.CodeInvalidRequest
	CodeInvalidEmail         = fastauth.CodeInvalidEmail
	CodeWeakPassword         = fastauth.CodeWeakPassword
	CodeInvalidCredentials   = fastauth.CodeInvalidCredentials
	CodeInvalidToken         = fastauth.CodeInvalidToken
	CodeTokenExpired         = fastauth.CodeTokenExpired
	CodeRefreshTokenInvalid  = fastauth.CodeRefreshTokenInvalid
	CodeForbidden            = fastauth.CodeForbidden
	CodeEmailNotConfirmed    = fastauth.CodeEmailNotConfirmed
	CodeMFAStepUpRequired    = fastauth.CodeMFAStepUpRequired
	CodeUserNotFound         = fastauth.CodeUserNotFound
	CodeSessionNotFound      = fastauth.CodeSessionNotFound
	CodeOrganizationNotFound = fastauth.CodeOrganizationNotFound
	CodeMemberNotFound       = fastauth.CodeMemberNotFound
	CodeInviteNotFound       = fastauth.CodeInviteNotFound
	CodeAPIKeyNotFound       = fastauth.CodeAPIKeyNotFound
	CodeRouteNotFound        = fastauth.CodeRouteNotFound
	CodeMethodNotAllowed     = fastauth.CodeMethodNotAllowed
	CodeUserAlreadyExists    = fastauth.CodeUserAlreadyExists
	CodeConflict             = fastauth.CodeConflict
	CodeLastOwner            = fastauth.CodeLastOwner
	CodeBodyTooLarge         = fastauth.CodeBodyTooLarge
	CodeUnsupportedMediaType = fastauth.CodeUnsupportedMediaType
	CodeRateLimited          = fastauth.CodeRateLimited
	CodeInternal             = fastauth.CodeInternal
	CodeStoreUnavailable     = fastauth.CodeStoreUnavailable
	CodeOverloaded           = fastauth.CodeOverloaded
	CodeAccountDisabled      = fastauth.CodeAccountDisabled
	CodeSignUpRefused        = fastauth.CodeSignUpRefused
	CodeSignInRefused        = fastauth.CodeSignInRefused
)
