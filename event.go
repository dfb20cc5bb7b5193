package fastauth

import (
	"context"
	"time"
)

// The event types. Each change the routes make emits one of them; modules
// emit their own (mfa.*, passkey.*, identity.*, ...) under their prefix.
const (
	EventUserSignedUp          = "user.signed_up"
	EventUserSignedIn          = "user.signed_in"
	EventUserSignInFailed      = "user.sign_in_failed"
	EventSessionRevoked        = "session.revoked"
	EventSessionReplayDetected = "session.replay_detected"
	EventPasswordChanged       = "password.changed"
	EventPasswordReset         = "password.reset"
	EventEmailConfirmed        = "email.confirmed"
	EventOrganizationCreated   = "organization.created"
	EventOrganizationUpdated   = "organization.updated"
	EventOrganizationDeleted   = "organization.deleted"
	EventMemberAdded           = "member.added"
	EventMemberRoleChanged     = "member.role_changed"
	EventMemberRemoved         = "member.removed"
	EventInviteCreated         = "invite.created"
	EventInviteRevoked         = "invite.revoked"
	EventInviteAccepted        = "invite.accepted"
	EventAPIKeyCreated         = "api_key.created"
	EventAPIKeyDeleted         = "api_key.deleted"
	// The custom-role events of the roles module (package roles).
	EventRoleCreated = "role.created"
	EventRoleUpdated = "role.updated"
	EventRoleDeleted = "role.deleted"
	// The account events of the users module (package users): a profile
	// change, a deletion, an export, an administrator's disable and
	// enable. Disabling also revokes the sessions (session.revoked).
	EventUserUpdated  = "user.updated"
	EventUserDeleted  = "user.deleted"
	EventUserExported = "user.exported"
	EventUserDisabled = "user.disabled"
	EventUserEnabled  = "user.enabled"
)

// The target types of events.
const (
	TargetUser         = "user"
	TargetSession      = "session"
	TargetOrganization = "organization"
	TargetInvite       = "invite"
	TargetAPIKey       = "api_key"
	TargetRole         = "role"
)

// Event is one change, as subscribers, the audit log and webhooks see it.
// It never carries a secret: no token, password, code or key, in Data or
// in Payload.
type Event struct {
	ID             string    `json:"id"`
	Type           string    `json:"type"`
	OccurredAt     time.Time `json:"occurred_at"`
	Actor          Actor     `json:"actor"`
	OrganizationID string    `json:"organization_id"`
	Target         Target    `json:"target"`
	IP             string    `json:"ip"`
	UserAgent      string    `json:"user_agent"`
	// Data holds the event's details (JSON-serializable, no secrets).
	Data map[string]any `json:"data"`
	// Payload is the changed object for subscribers in the same process
	// (a User without its password hash, an Invite without its token
	// hash, ...); it is not serialized.
	Payload any `json:"-"`
}

// Actor is who made a change: a user (through a session or an API key),
// or nobody (an anonymous route such as sign-up or a password reset).
type Actor struct {
	UserID   string `json:"user_id"`
	APIKeyID string `json:"api_key_id"`
}

// Target is what a change was made to.
type Target struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// InviteAcceptance is the Payload of invite.accepted: the user who joined
// and the invite (without its token hash).
type InviteAcceptance struct {
	User   User
	Invite Invite
}

// EventHandler receives events. Handlers subscribed with SubscribeTx run
// inside the transaction of the change and fail it by returning an error;
// handlers subscribed with Subscribe run after the commit, and their
// errors (and panics) are logged.
type EventHandler func(ctx context.Context, e Event) error
