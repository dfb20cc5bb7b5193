package conformance

import (
	"testing"

	"github.com/fastauth/fastauth/ginauth"
)

// backendAddressCases: a backend compares email addresses byte for byte.
// A case-, accent- or width-insensitive comparison (MySQL's default
// collations) would let a look-alike address find, block or replace
// another address's rows.
func backendAddressCases() []backendCase {
	return []backendCase{
		{"UserByEmailIsExact", bkUserByEmailExact},
		{"LookAlikeEmailsAreDistinctUsers", bkLookAlikeUsers},
		{"LookAlikeInvitesAreDistinct", bkLookAlikeInvites},
	}
}

func bkUserByEmailExact(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	u, ws, m := bkNewAccount(t, "ada@example.com", bkEpoch)
	bkNoErr(t, "CreateUser", b.CreateUser(ctx, u, ws, m, nil))
	for _, addr := range append(lookAlikes, "ADA@example.com", "ada@EXAMPLE.com") {
		got, err := b.UserByEmail(ctx, addr)
		if err == nil {
			t.Errorf("UserByEmail(%q) found %q, want ErrNotFound", addr, got.Email)
			continue
		}
		bkIs(t, "UserByEmail("+addr+")", err, ginauth.ErrNotFound)
	}
	got, err := b.UserByEmail(ctx, "ada@example.com")
	bkNoErr(t, "UserByEmail", err)
	if got.ID != u.ID {
		t.Errorf("UserByEmail = %s, want %s", got.ID, u.ID)
	}
}

func bkLookAlikeUsers(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	ids := map[string]string{}
	for _, addr := range append([]string{"bob@exämple.com", "bob@example.com"}, append(lookAlikes, "ada@example.com")...) {
		u, ws, m := bkNewAccount(t, addr, bkEpoch)
		bkNoErr(t, "CreateUser("+addr+")", b.CreateUser(ctx, u, ws, m, nil))
		ids[addr] = u.ID
	}
	for addr, id := range ids {
		got, err := b.UserByEmail(ctx, addr)
		bkNoErr(t, "UserByEmail("+addr+")", err)
		if got.ID != id || got.Email != addr {
			t.Errorf("UserByEmail(%q) = %s %q, want %s", addr, got.ID, got.Email, id)
		}
	}
}

func bkLookAlikeInvites(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	var invites []ginauth.Invite
	for _, addr := range append([]string{"ada@example.com"}, lookAlikes...) {
		invites = append(invites, bkInvite(t, b, org, owner.User, addr, ginauth.RoleMember, bkEpoch))
	}
	for _, inv := range invites {
		got, err := b.InviteByTokenHash(ctx, inv.TokenHash)
		bkNoErr(t, "InviteByTokenHash", err)
		if got.RevokedAt != nil || got.Email != inv.Email {
			t.Errorf("invite of %q is %+v: an invite of a look-alike address replaced it", inv.Email, got)
		}
	}
}
