package social

// The event types the module emits (Host.Emit), each targeting the user
// whose identities changed. Data holds "provider" and "identity_id", never
// a token or code.
const (
	// EventIdentityLinked: a provider account was linked to the user (a
	// link flow, a sign-in that linked a confirmed account, or a new
	// account).
	EventIdentityLinked = "identity.linked"
	// EventIdentityUnlinked: the user unlinked a provider account (DELETE
	// /identities/{id}).
	EventIdentityUnlinked = "identity.unlinked"
)
