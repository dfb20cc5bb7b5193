package mfa

// The event types the module emits (Host.Emit), each targeting the user
// whose factors changed. Their Data never holds a code, secret or token.
const (
	// EventTOTPEnabled: TOTP was turned on (POST /auth/mfa/totp/enable).
	EventTOTPEnabled = "mfa.totp_enabled"
	// EventTOTPDisabled: TOTP was turned off (POST /auth/mfa/totp/disable);
	// Data "method" is the kind of code that proved it.
	EventTOTPDisabled = "mfa.totp_disabled"
	// EventRecoveryCodeUsed: a recovery code was spent (sign-in, step-up
	// or disable); Data "route" says where: "verify", "step_up" or
	// "disable".
	EventRecoveryCodeUsed = "mfa.recovery_code_used"
	// EventRecoveryCodesRegenerated: a new set of recovery codes replaced
	// the old one (POST /auth/mfa/recovery-codes).
	EventRecoveryCodesRegenerated = "mfa.recovery_codes_regenerated"
)
