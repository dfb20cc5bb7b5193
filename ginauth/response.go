package ginauth

import (
	"context"
	"encoding/json"
	"time"
)

// AuthResponse is the body of sign-up, sign-in, refresh, me, switch and
// invite accept.
type AuthResponse struct {
	User         UserBody      `json:"user"`
	Organization ActiveOrgBody `json:"organization"`
	AuthRole     string        `json:"auth_role" example:"authenticated"`
	// Session is how the session was established; absent when there is
	// none (an API key on /me, a sign-up awaiting email confirmation).
	Session *SessionAssuranceBody `json:"session,omitempty"`
}

// SessionAssuranceBody is a session's assurance level and the methods
// that established it, in order.
type SessionAssuranceBody struct {
	AAL int      `json:"aal" enums:"1,2" example:"1"`
	AMR []string `json:"amr" example:"password"`
}

// UserBody is a user as the API shows it.
type UserBody struct {
	ID               string     `json:"id" example:"01937b6e-8c1a-7c3e-9a4f-2b1d3e4f5a6b"`
	Email            string     `json:"email" example:"ada@example.com"`
	EmailConfirmedAt *time.Time `json:"email_confirmed_at" extensions:"x-nullable"`
	// Name is the display name; null when unset.
	Name *string `json:"name" extensions:"x-nullable" example:"Ada Lovelace"`
	// ImageURL is an https URL of the user's picture; null when unset.
	ImageURL *string `json:"image_url" extensions:"x-nullable" example:"https://example.com/ada.png"`
	// Metadata is the application's JSON object about the user ({} when unset).
	Metadata json.RawMessage `json:"metadata" swaggertype:"object"`
}

// ActiveOrgBody is the active organization and the user's role in it.
type ActiveOrgBody struct {
	ID   string           `json:"id"`
	Kind OrganizationKind `json:"kind" enums:"personal,shared"`
	Name string           `json:"name"`
	Role Role             `json:"role" swaggertype:"string" example:"member"`
	// Permissions are the effective permissions of the role there.
	Permissions []string `json:"permissions" example:"project:read"`
}

// authResponse builds the AuthResponse of a user in their active
// organization within the session sess (none when its ID is empty).
func (a *Auth) authResponse(u User, active MembershipDetail, sess Session) AuthResponse {
	r := AuthResponse{
		User: userBody(u),
		Organization: ActiveOrgBody{ID: active.Organization.ID, Kind: active.Organization.Kind, Name: active.Organization.Name, Role: active.Role,
			Permissions: a.perms.Names(context.Background(), active.Organization.ID, active.Role)},
		AuthRole: "authenticated",
	}
	if sess.ID != "" {
		if sess.AAL == 0 || len(sess.AMR) == 0 {
			sess = passwordSession(sess, sess.AuthTime)
		}
		r.Session = &SessionAssuranceBody{AAL: sess.AAL, AMR: sess.AMR}
	}
	return r
}

func userBody(u User) UserBody {
	b := UserBody{ID: u.ID, Email: u.Email, EmailConfirmedAt: utcPtr(u.EmailConfirmedAt), Metadata: u.Metadata}
	if u.Name != "" {
		b.Name = &u.Name
	}
	if u.ImageURL != "" {
		b.ImageURL = &u.ImageURL
	}
	if len(b.Metadata) == 0 {
		b.Metadata = json.RawMessage("{}")
	}
	return b
}

// utcPtr returns t in UTC (nil stays nil), so JSON shows RFC 3339 UTC.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
