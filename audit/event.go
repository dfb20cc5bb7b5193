package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// The event types of the core and the modules. A module may add types of
// its own: any name that ValidType accepts can be stored.
const (
	TypeUserSignedUp                = "user.signed_up"
	TypeUserSignedIn                = "user.signed_in"
	TypeUserSignInFailed            = "user.sign_in_failed"
	TypeSessionRevoked              = "session.revoked"
	TypeSessionReplayDetected       = "session.replay_detected"
	TypePasswordChanged             = "password.changed"
	TypePasswordReset               = "password.reset"
	TypeEmailConfirmed              = "email.confirmed"
	TypeMFATOTPEnabled              = "mfa.totp_enabled"
	TypeMFATOTPDisabled             = "mfa.totp_disabled"
	TypeMFARecoveryCodeUsed         = "mfa.recovery_code_used"
	TypeMFARecoveryCodesRegenerated = "mfa.recovery_codes_regenerated"
	TypePasskeyAdded                = "passkey.added"
	TypePasskeyRemoved              = "passkey.removed"
	TypeIdentityLinked              = "identity.linked"
	TypeIdentityUnlinked            = "identity.unlinked"
	TypeOrganizationCreated         = "organization.created"
	TypeOrganizationUpdated         = "organization.updated"
	TypeOrganizationDeleted         = "organization.deleted"
	TypeMemberAdded                 = "member.added"
	TypeMemberRoleChanged           = "member.role_changed"
	TypeMemberRemoved               = "member.removed"
	TypeInviteCreated               = "invite.created"
	TypeInviteRevoked               = "invite.revoked"
	TypeInviteAccepted              = "invite.accepted"
	TypeAPIKeyCreated               = "api_key.created"
	TypeAPIKeyDeleted               = "api_key.deleted"
	TypeRoleCreated                 = "role.created"
	TypeRoleUpdated                 = "role.updated"
	TypeRoleDeleted                 = "role.deleted"
	TypeUserUpdated                 = "user.updated"
	TypeUserDeleted                 = "user.deleted"
	TypeUserExported                = "user.exported"
	TypeUserDisabled                = "user.disabled"
	TypeUserEnabled                 = "user.enabled"
)

// Types returns the event types fastauth itself emits, in the order of
// the specification.
func Types() []string {
	return []string{
		TypeUserSignedUp, TypeUserSignedIn, TypeUserSignInFailed,
		TypeSessionRevoked, TypeSessionReplayDetected,
		TypePasswordChanged, TypePasswordReset, TypeEmailConfirmed,
		TypeMFATOTPEnabled, TypeMFATOTPDisabled, TypeMFARecoveryCodeUsed, TypeMFARecoveryCodesRegenerated,
		TypePasskeyAdded, TypePasskeyRemoved, TypeIdentityLinked, TypeIdentityUnlinked,
		TypeOrganizationCreated, TypeOrganizationUpdated, TypeOrganizationDeleted,
		TypeMemberAdded, TypeMemberRoleChanged, TypeMemberRemoved,
		TypeInviteCreated, TypeInviteRevoked, TypeInviteAccepted,
		TypeAPIKeyCreated, TypeAPIKeyDeleted,
		TypeRoleCreated, TypeRoleUpdated, TypeRoleDeleted,
		TypeUserUpdated, TypeUserDeleted, TypeUserExported, TypeUserDisabled, TypeUserEnabled,
	}
}

// Size limits of the stored columns. Validate refuses longer ids and
// types; Normalize shortens the user agent, which the client chooses.
const (
	MaxIDLen         = 36
	MaxTypeLen       = 64
	MaxTargetTypeLen = 32
	MaxTargetIDLen   = 255
	MaxIPLen         = 64
	MaxUserAgentLen  = 512
	// MaxDataBytes bounds the JSON of Event.Data.
	MaxDataBytes = 16 << 10
)

// TargetUser is the target type of events about an account; an event
// with this target belongs to that account's security log (see Subject).
const TargetUser = "user"

// Event is one recorded change. Its JSON form is the specification's:
//
//	{"id","type","occurred_at","actor":{"user_id","api_key_id"},"organization_id",
//	 "target":{"type","id"},"ip","user_agent","data"}
//
// where an empty string is written as null (an anonymous actor, an event
// outside any organization, a change made by a background job without IP)
// and Data is a JSON object ({} when empty). No secret ever goes in Data.
type Event struct {
	// ID is the event's UUID (version 7), also the webhook-id of its
	// deliveries.
	ID string `json:"id"`
	// Type is the event type, such as "member.added".
	Type string `json:"type"`
	// OccurredAt is when the change happened (UTC; the store keeps
	// microseconds).
	OccurredAt time.Time `json:"occurred_at"`
	// Actor is who made the change.
	Actor Actor `json:"actor"`
	// OrganizationID is the organization the change belongs to, if any.
	OrganizationID string `json:"organization_id" extensions:"x-nullable"`
	// Target is what changed.
	Target Target `json:"target"`
	// IP is the client address of the request that made the change.
	IP string `json:"ip" extensions:"x-nullable"`
	// UserAgent is the User-Agent of that request.
	UserAgent string `json:"user_agent" extensions:"x-nullable"`
	// Data holds the type's details as a JSON object.
	Data json.RawMessage `json:"data" swaggertype:"object"`
} //	@name	AuditEvent

// Actor is who made a change: a user, through a session or one of their
// API keys; both empty for anonymous requests such as a failed sign-in.
type Actor struct {
	// UserID is the acting user.
	UserID string `json:"user_id" extensions:"x-nullable"`
	// APIKeyID is the API key the user acted with.
	APIKeyID string `json:"api_key_id" extensions:"x-nullable"`
} //	@name	AuditActor

// Target is what a change is about: its type ("user", "session",
// "organization", "member", "invite", "api_key", "role", "passkey",
// "identity", ...) and id (empty when unknown, such as a failed sign-in
// for an address without an account).
type Target struct {
	// Type is the kind of object.
	Type string `json:"type"`
	// ID is the object's id.
	ID string `json:"id" extensions:"x-nullable"`
} //	@name	AuditTarget

// Subject is the account whose security log lists the event: the target
// when it is a user (what was done to an account, by its owner or by
// someone else, failed sign-ins included), otherwise the acting user,
// otherwise the "user_id" of Data (the account of an anonymous request's
// change, such as the session revoked on a refresh-token replay). Empty
// when none is known.
func (e Event) Subject() string {
	if e.Target.Type == TargetUser && e.Target.ID != "" {
		return e.Target.ID
	}
	if e.Actor.UserID != "" {
		return e.Actor.UserID
	}
	var d struct {
		UserID string `json:"user_id"`
	}
	if len(e.Data) > 0 && json.Unmarshal(e.Data, &d) == nil && len(d.UserID) <= MaxIDLen {
		return d.UserID
	}
	return ""
}

// Normalize returns e as it is stored: the time in UTC truncated to the
// microsecond, the user agent cut to MaxUserAgentLen bytes (at a rune
// boundary) and empty Data as {}.
func (e Event) Normalize() Event {
	e.OccurredAt = e.OccurredAt.UTC().Truncate(time.Microsecond)
	if len(e.UserAgent) > MaxUserAgentLen {
		ua := e.UserAgent[:MaxUserAgentLen]
		for len(ua) > 0 && !utf8.ValidString(ua) {
			ua = ua[:len(ua)-1]
		}
		e.UserAgent = ua
	}
	if len(bytes.TrimSpace(e.Data)) == 0 || bytes.Equal(bytes.TrimSpace(e.Data), []byte("null")) {
		e.Data = json.RawMessage("{}")
	}
	return e
}

// Validate reports why e cannot be stored, as an error wrapping
// ErrInvalidEvent: a missing or too long id, a type ValidType refuses, a
// zero time, fields longer than their columns, Data that is not one JSON
// object or larger than MaxDataBytes. Call it on a normalized event.
func (e Event) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidEvent, fmt.Sprintf(format, a...))
	}
	switch {
	case e.ID == "" || len(e.ID) > MaxIDLen || !printable(e.ID):
		return bad("id must be 1 to %d printable characters without spaces or full stops", MaxIDLen)
	case !ValidType(e.Type):
		return bad("type %q is not lowercase words joined by full stops", e.Type)
	case e.OccurredAt.IsZero():
		return bad("no occurred_at")
	case len(e.Actor.UserID) > MaxIDLen || len(e.Actor.APIKeyID) > MaxIDLen || len(e.OrganizationID) > MaxIDLen:
		return bad("actor and organization ids are at most %d bytes", MaxIDLen)
	case e.Target.Type == "" || len(e.Target.Type) > MaxTargetTypeLen:
		return bad("target type must be 1 to %d bytes", MaxTargetTypeLen)
	case len(e.Target.ID) > MaxTargetIDLen:
		return bad("target id is at most %d bytes", MaxTargetIDLen)
	case len(e.IP) > MaxIPLen:
		return bad("ip is at most %d bytes", MaxIPLen)
	case len(e.UserAgent) > MaxUserAgentLen:
		return bad("user agent is at most %d bytes", MaxUserAgentLen)
	case len(e.Data) > MaxDataBytes:
		return bad("data is larger than %d bytes", MaxDataBytes)
	}
	d := bytes.TrimSpace(e.Data)
	if len(d) == 0 || d[0] != '{' || !json.Valid(d) {
		return bad("data must be a JSON object")
	}
	return nil
}

// printable reports whether s is printable ASCII without spaces or full
// stops: what a webhook-id may hold.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' || c == '.' {
			return false
		}
	}
	return true
}

// ValidType reports whether t is an event type name: at most MaxTypeLen
// bytes, two or more words of lowercase letters, digits and underscores,
// each starting with a letter, joined by full stops.
func ValidType(t string) bool {
	if t == "" || len(t) > MaxTypeLen {
		return false
	}
	words, start := 0, true
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c == '.':
			if start {
				return false
			}
			start = true
		case c >= 'a' && c <= 'z':
			if start {
				words++
			}
			start = false
		case (c >= '0' && c <= '9') || c == '_':
			if start {
				return false
			}
		default:
			return false
		}
	}
	return !start && words >= 2
}

// eventJSON is Event on the wire: empty strings become null.
type eventJSON struct {
	ID             string          `json:"id"`
	Type           string          `json:"type"`
	OccurredAt     time.Time       `json:"occurred_at"`
	Actor          actorJSON       `json:"actor"`
	OrganizationID *string         `json:"organization_id"`
	Target         targetJSON      `json:"target"`
	IP             *string         `json:"ip"`
	UserAgent      *string         `json:"user_agent"`
	Data           json.RawMessage `json:"data"`
}

type actorJSON struct {
	UserID   *string `json:"user_id"`
	APIKeyID *string `json:"api_key_id"`
}

type targetJSON struct {
	Type string  `json:"type"`
	ID   *string `json:"id"`
}

// MarshalJSON writes the specification's form, empty strings as null.
func (e Event) MarshalJSON() ([]byte, error) {
	e = e.Normalize()
	return json.Marshal(eventJSON{
		ID:             e.ID,
		Type:           e.Type,
		OccurredAt:     e.OccurredAt,
		Actor:          actorJSON{UserID: nullable(e.Actor.UserID), APIKeyID: nullable(e.Actor.APIKeyID)},
		OrganizationID: nullable(e.OrganizationID),
		Target:         targetJSON{Type: e.Target.Type, ID: nullable(e.Target.ID)},
		IP:             nullable(e.IP),
		UserAgent:      nullable(e.UserAgent),
		Data:           e.Data,
	})
}

// UnmarshalJSON reads the form MarshalJSON writes, null as "".
func (e *Event) UnmarshalJSON(b []byte) error {
	var w eventJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = Event{
		ID:             w.ID,
		Type:           w.Type,
		OccurredAt:     w.OccurredAt,
		Actor:          Actor{UserID: deref(w.Actor.UserID), APIKeyID: deref(w.Actor.APIKeyID)},
		OrganizationID: deref(w.OrganizationID),
		Target:         Target{Type: w.Target.Type, ID: deref(w.Target.ID)},
		IP:             deref(w.IP),
		UserAgent:      deref(w.UserAgent),
		Data:           w.Data,
	}
	return nil
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
