package mfa

import "encoding/json"

// The JSON bodies of the second factor's routes, with the tags swag reads
// (the module's handlers declare them in their annotations). Field names
// and shapes are the contract.

// StatusResponse is the body of GET /auth/mfa.
type StatusResponse struct {
	// TOTPEnabled reports whether TOTP is on.
	TOTPEnabled bool `json:"totp_enabled" example:"true"`
	// RecoveryCodesRemaining counts the unused recovery codes.
	RecoveryCodesRemaining int `json:"recovery_codes_remaining" example:"9"`
	// Passkeys counts the account's passkeys (0 without the passkeys
	// module).
	Passkeys int `json:"passkeys" example:"0"`
} //	@name	MFAStatusResponse

// TOTPSetupResponse is the body of POST /auth/mfa/totp/setup.
type TOTPSetupResponse struct {
	// Secret is the new secret in base32 without padding, for manual
	// entry.
	Secret string `json:"secret" example:"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"`
	// OtpauthURL is the key URI of the QR code.
	OtpauthURL string `json:"otpauth_url" example:"otpauth://totp/fastauth:ada@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=fastauth&algorithm=SHA1&digits=6&period=30"`
	// QRCode is a PNG of the QR code as a data URL.
	QRCode string `json:"qr_code" example:"data:image/png;base64,iVBORw0KGgo..."`
}

// CodeRequest is the body of the routes that take a code: TOTP enable
// (TOTP code of the pending secret), TOTP disable (TOTP or recovery code),
// recovery-code regeneration (TOTP code) and step-up (TOTP or recovery
// code).
type CodeRequest struct {
	// Code is six digits, or a recovery code ("xxxxx-xxxxx", case, dashes
	// and spaces ignored) where the route takes one.
	Code string `json:"code" example:"123456"`
}

// RecoveryCodesResponse is the body of POST /auth/mfa/totp/enable and
// POST /auth/mfa/recovery-codes: the new codes, shown this once.
type RecoveryCodesResponse struct {
	// RecoveryCodes are the ten new codes.
	RecoveryCodes []string `json:"recovery_codes" example:"abcde-fgh23,ijklm-nop45"`
}

// TOTPDisableResponse is the body of POST /auth/mfa/totp/disable.
type TOTPDisableResponse struct {
	// TOTPEnabled is false.
	TOTPEnabled bool `json:"totp_enabled" example:"false"`
}

// VerifyRequest is the body of POST /auth/mfa/verify.
type VerifyRequest struct {
	// MFAToken is the mfa_token of the 403 mfa_required answer.
	MFAToken string `json:"mfa_token" example:"mfa_9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`
	// Code is a TOTP code or a recovery code. A passkey is sent as
	// ceremony_id and credential instead.
	Code string `json:"code,omitempty" example:"123456"`
	// CeremonyID is the ceremony_id of POST /mfa/passkey/options (passkey
	// only, with the passkeys module).
	CeremonyID string `json:"ceremony_id,omitempty"`
	// Credential is the passkey's AuthenticationResponseJSON
	// (navigator.credentials.get(), then toJSON()).
	Credential json.RawMessage `json:"credential,omitempty" swaggertype:"object"`
}

// MFARequiredResponse is the 403 body of a sign-in whose account has a
// second factor: the error body plus the token and the methods.
type MFARequiredResponse struct {
	// Code is "mfa_required".
	Code string `json:"code" example:"mfa_required"`
	// Message is a human text.
	Message string `json:"message" example:"a second factor is required"`
	// MFAToken redeems the sign-in at POST /auth/mfa/verify (5 minutes,
	// single use, dead after 5 wrong codes).
	MFAToken string `json:"mfa_token" example:"mfa_9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`
	// Methods are the account's second factors among "totp",
	// "recovery_code" and "passkey".
	Methods []string `json:"methods" example:"totp,recovery_code"`
}

// NewStatusResponse is the body of GET /auth/mfa for status and the
// account's passkey count.
func NewStatusResponse(status Status, passkeys int) StatusResponse {
	return StatusResponse{TOTPEnabled: status.TOTPEnabled, RecoveryCodesRemaining: status.RecoveryCodesRemaining, Passkeys: passkeys}
}

// NewTOTPSetupResponse is the body of POST /auth/mfa/totp/setup.
func NewTOTPSetupResponse(s TOTPSetup) TOTPSetupResponse {
	return TOTPSetupResponse(s)
}

// NewRecoveryCodesResponse is the body that shows a new set of codes.
func NewRecoveryCodesResponse(rc RecoveryCodes) RecoveryCodesResponse {
	return RecoveryCodesResponse{RecoveryCodes: rc.Codes}
}
