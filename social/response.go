package social

import "time"

// IdentityResponse is a linked identity in the JSON of GET /identities and
// DELETE /identities/{id}.
type IdentityResponse struct {
	// ID is the identity's id.
	ID string `json:"id" format:"uuid"`
	// Provider is the provider's name, e.g. "google".
	Provider string `json:"provider" example:"google"`
	// Subject is the provider's id of the account.
	Subject string `json:"subject" example:"110248495921238986420"`
	// Email is the address the provider gave when it was linked; empty
	// when none.
	Email string `json:"email" example:"ada@example.com"`
	// CreatedAt is when it was linked (RFC 3339, UTC).
	CreatedAt time.Time `json:"created_at"`
}

// NewIdentityResponse returns the JSON form of id.
func NewIdentityResponse(id Identity) IdentityResponse {
	return IdentityResponse{ID: id.ID, Provider: id.Provider, Subject: id.Subject, Email: id.Email, CreatedAt: id.CreatedAt.UTC()}
}

// IdentityResponses returns the JSON form of ids: an empty array, never
// null, when there are none.
func IdentityResponses(ids []Identity) []IdentityResponse {
	out := make([]IdentityResponse, 0, len(ids))
	for _, id := range ids {
		out = append(out, NewIdentityResponse(id))
	}
	return out
}
