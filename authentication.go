package fastauth

// The authentication methods a session can be established or stepped up
// with; they are the values of Principal.AMR and of the `amr` claim.
// Modules may use methods of their own names.
const (
	MethodPassword     = "password"
	MethodTOTP         = "totp"
	MethodRecoveryCode = "recovery_code"
	MethodPasskey      = "passkey"
	MethodOAuth        = "oauth"
)

// Authentication is what a sign-in method completed: the method's name
// and the assurance level it reaches (1: one factor; 2: two factors, or a
// phishing-resistant one such as a passkey). A module hands it to
// Host.IssueSession or Host.StepUp.
type Authentication struct {
	Method string
	AAL    int
	// FirstMethod is the first factor's method when Method finished a
	// sign-in as its second factor (a password, then a TOTP code): the
	// new session's methods are [FirstMethod, Method]. Empty for a
	// sign-in of one step. Host.StepUp ignores it.
	FirstMethod string
}
