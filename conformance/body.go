package conformance

import "time"

// The JSON shapes of the HTTP contract (docs/swagger.yaml), decoded by the
// scenarios. They are written from the contract, not imported from ginauth,
// so the suite checks the wire format itself.

// ErrorBody is every error response.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// AuthResponse is the body of sign-up, sign-in, refresh, me, switch and
// invite accept.
type AuthResponse struct {
	User struct {
		ID               string     `json:"id"`
		Email            string     `json:"email"`
		EmailConfirmedAt *time.Time `json:"email_confirmed_at"`
	} `json:"user"`
	Organization struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
		Name string `json:"name"`
		Role string `json:"role"`
	} `json:"organization"`
	AuthRole string `json:"auth_role"`
}

// Whoami is the body of the harness application's /api routes.
type Whoami struct {
	UserID           string `json:"user_id"`
	Email            string `json:"email"`
	OrganizationID   string `json:"organization_id"`
	OrganizationRole string `json:"organization_role"`
}

// SessionBody is one entry of GET /sessions.
type SessionBody struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	UserAgent  string    `json:"user_agent"`
	IP         string    `json:"ip"`
	Current    bool      `json:"current"`
}

// OrganizationBody is an organization inside a membership.
type OrganizationBody struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// MemberBody is an OrganizationMember.
type MemberBody struct {
	Organization OrganizationBody `json:"organization"`
	UserID       string           `json:"user_id"`
	Email        string           `json:"email"`
	Role         string           `json:"role"`
	CreatedAt    time.Time        `json:"created_at"`
}

// InviteBody is an Invite (Token only on create).
type InviteBody struct {
	ID               string     `json:"id"`
	OrganizationID   string     `json:"organization_id"`
	OrganizationName string     `json:"organization_name"`
	Email            string     `json:"email"`
	Role             string     `json:"role"`
	InvitedByUserID  string     `json:"invited_by_user_id"`
	CreatedAt        time.Time  `json:"created_at"`
	ExpiresAt        time.Time  `json:"expires_at"`
	RevokedAt        *time.Time `json:"revoked_at"`
	AcceptedAt       *time.Time `json:"accepted_at"`
	Token            string     `json:"token,omitempty"`
}

// APIKeyBody is an ApiKey (Key only on create).
type APIKeyBody struct {
	ID              string     `json:"id"`
	OrganizationID  string     `json:"organization_id"`
	Name            string     `json:"name"`
	CreatedByUserID string     `json:"created_by_user_id"`
	KeyPrefix       string     `json:"key_prefix"`
	CreatedAt       time.Time  `json:"created_at"`
	LastUsedAt      *time.Time `json:"last_used_at"`
	ExpiresAt       *time.Time `json:"expires_at"`
	Key             string     `json:"key,omitempty"`
}

// APIKeyPage is the API key list.
type APIKeyPage struct {
	Items  []APIKeyBody `json:"items"`
	Total  int64        `json:"total"`
	Limit  int          `json:"limit"`
	Offset int          `json:"offset"`
}
