package passkeys

// The event types the module emits, each targeting the account whose
// passkeys changed; Data holds "passkey_id" and "name" (never key
// material). With the mfa module, each also mails a security_notice.
const (
	// EventAdded: a passkey was registered (POST /auth/passkeys/register).
	EventAdded = "passkey.added"
	// EventRemoved: a passkey was deleted (DELETE /auth/passkeys/{id}).
	EventRemoved = "passkey.removed"
)
