package store_test

import (
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/apikeys/apikeystest"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/store"
)

// TestAPIKeyStore runs the apikeys.Store conformance suite on every
// available dialect.
func TestAPIKeyStore(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			apikeystest.Run(t, func(t *testing.T) apikeystest.Harness {
				st := testdb.Store(t, d.Open(t))
				return apikeystest.Harness{
					Store:           st,
					NewUser:         func(t *testing.T, now time.Time) fastauth.User { return newUserAt(t, st, now) },
					NewOrganization: func(t *testing.T, ownerID string, now time.Time) string { return newOrganization(t, st, ownerID, now) },
					SetRole: func(t *testing.T, org, actor, user string, role fastauth.Role) {
						setRole(t, st, org, actor, user, role)
					},
					SetActiveOrganization: func(t *testing.T, userID, org string) {
						if err := st.SetActiveOrganization(t.Context(), userID, org); err != nil {
							t.Fatalf("SetActiveOrganization: %v", err)
						}
					},
				}
			})
		})
	}
}

// newID returns a new UUIDv7 string.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// newUserAt stores a fresh account created at now and returns it.
func newUserAt(t *testing.T, st *store.Store, now time.Time) fastauth.User {
	t.Helper()
	u := fastauth.User{ID: newID(), PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", CreatedAt: now, UpdatedAt: now}
	u.Email = u.ID + "@example.com"
	ws := fastauth.Organization{ID: newID(), Kind: fastauth.KindPersonal, Name: "Personal", CreatedAt: now, UpdatedAt: now}
	if err := st.CreateUser(t.Context(), u, ws, fastauth.Membership{OrganizationID: ws.ID, UserID: u.ID, Role: fastauth.RoleOwner, CreatedAt: now}, nil); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return u
}

// newOrganization stores a shared organization owned by ownerID.
func newOrganization(t *testing.T, st *store.Store, ownerID string, now time.Time) string {
	t.Helper()
	o := fastauth.Organization{ID: newID(), Kind: fastauth.KindShared, Name: "Org " + ownerID, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateOrganization(t.Context(), o, fastauth.Membership{OrganizationID: o.ID, UserID: ownerID, Role: fastauth.RoleOwner, CreatedAt: now}); err != nil {
		t.Fatalf("CreateOrganization: %v", err)
	}
	return o.ID
}

// setRole adds userID to the organization with role through an invite of
// actorID, or changes the role of a member.
func setRole(t *testing.T, st *store.Store, orgID, actorID, userID string, role fastauth.Role) {
	t.Helper()
	ctx := t.Context()
	_, err := st.Membership(ctx, orgID, userID)
	if err == nil {
		if _, err := st.ChangeMemberRole(ctx, orgID, actorID, userID, role); err != nil {
			t.Fatalf("ChangeMemberRole: %v", err)
		}
		return
	}
	if !errors.Is(err, fastauth.ErrNotFound) {
		t.Fatalf("Membership: %v", err)
	}
	u, err := st.UserByID(ctx, userID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	inv := fastauth.Invite{
		ID: newID(), OrganizationID: orgID, Email: u.Email, Role: role, TokenHash: randomHash(t),
		InvitedByUserID: actorID, CreatedAt: now, ExpiresAt: now.Add(time.Hour),
	}
	if err := st.CreateInvite(ctx, inv, now); err != nil {
		t.Fatalf("CreateInvite: %v", err)
	}
	if _, _, err := st.AcceptInvite(ctx, inv.TokenHash, userID, now); err != nil {
		t.Fatalf("AcceptInvite: %v", err)
	}
}

// randomHash returns 32 random bytes, the shape of a stored token hash.
func randomHash(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}
