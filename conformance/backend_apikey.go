package conformance

import (
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
)

func backendAPIKeyCases() []backendCase {
	return []backendCase{
		{"APIKeyByHash", bkAPIKeyByHash},
		{"APIKeyByHashFollowsRole", bkAPIKeyByHashRole},
		{"APIKeysPagination", bkAPIKeysPage},
		{"APIKeysSortOrders", bkAPIKeysSort},
		{"DeleteAPIKey", bkDeleteAPIKey},
		{"TouchAPIKeys", bkTouchAPIKeys},
	}
}

func bkAPIKeyByHash(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, a.User, bkEpoch)
	expires := bkEpoch.Add(24 * time.Hour)
	k := ginauth.APIKey{ID: bkID(t), OrganizationID: org.ID, Name: "ci", CreatedByUserID: a.User.ID,
		KeyPrefix: "abcdef012345", KeyHash: bkHash(t), CreatedAt: bkEpoch, ExpiresAt: &expires}
	bkNoErr(t, "CreateAPIKey", b.CreateAPIKey(ctx, k))
	v, err := b.APIKeyByHash(ctx, k.KeyHash)
	bkNoErr(t, "APIKeyByHash", err)
	got := v.Key
	if got.ID != k.ID || got.OrganizationID != org.ID || got.Name != k.Name || got.CreatedByUserID != a.User.ID ||
		got.KeyPrefix != k.KeyPrefix || string(got.KeyHash) != string(k.KeyHash) || got.LastUsedAt != nil {
		t.Errorf("APIKeyByHash key = %+v, want %+v", got, k)
	}
	bkTime(t, "CreatedAt", got.CreatedAt, bkEpoch)
	bkTimePtr(t, "ExpiresAt", got.ExpiresAt, &expires)
	if v.User.ID != a.User.ID || v.User.Email != a.User.Email {
		t.Errorf("APIKeyByHash user = %+v, want %s", v.User, a.User.Email)
	}
	bkTime(t, "user CreatedAt", v.User.CreatedAt, a.User.CreatedAt)
	if v.Membership == nil || v.Membership.Role != ginauth.RoleOwner || v.Membership.OrganizationID != org.ID || v.Membership.UserID != a.User.ID {
		t.Errorf("APIKeyByHash membership = %+v, want owner of %s", v.Membership, org.ID)
	}
	_, err = b.APIKeyByHash(ctx, bkHash(t))
	bkIs(t, "APIKeyByHash unknown", err, ginauth.ErrNotFound)
	dup := k
	dup.ID = bkID(t)
	if err := b.CreateAPIKey(ctx, dup); err == nil {
		t.Error("CreateAPIKey accepted a second key with the same hash")
	}
}

func bkAPIKeyByHashRole(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	owner := bkUser(t, b, bkEpoch)
	a := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, owner.User, bkEpoch)
	bkJoin(t, b, org, owner.User, a.User, ginauth.RoleAdmin, bkEpoch)
	k := bkAPIKey(t, b, org, a.User, "a", bkEpoch)
	_, err := b.ChangeMemberRole(ctx, org.ID, owner.User.ID, a.User.ID, ginauth.RoleMember)
	bkNoErr(t, "ChangeMemberRole", err)
	v, err := b.APIKeyByHash(ctx, k.KeyHash)
	bkNoErr(t, "APIKeyByHash", err)
	if v.Membership == nil || v.Membership.Role != ginauth.RoleMember {
		t.Errorf("membership = %+v, want the creator's current role member", v.Membership)
	}
	// Switching the creator's active organization does not matter.
	bkNoErr(t, "SetActiveOrganization", b.SetActiveOrganization(ctx, a.User.ID, ""))
	v, err = b.APIKeyByHash(ctx, k.KeyHash)
	bkNoErr(t, "APIKeyByHash", err)
	if v.Key.OrganizationID != org.ID || v.Membership == nil {
		t.Errorf("APIKeyByHash after switching = %+v", v)
	}
}

// bkKeyIDs lists the ids of keys.
func bkKeyIDs(keys []ginauth.APIKey) []string {
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	return ids
}

func bkEqualIDs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func bkAPIKeysPage(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, a.User, bkEpoch)
	other := bkOrg(t, b, a.User, bkEpoch)
	bkAPIKey(t, b, other, a.User, "elsewhere", bkEpoch)
	var keys []ginauth.APIKey // created oldest first
	for i := range 7 {
		keys = append(keys, bkAPIKey(t, b, org, a.User, "key", bkEpoch.Add(time.Duration(i)*time.Minute)))
	}
	var all []string
	for offset := 0; offset < 9; offset += 3 {
		page, total, err := b.APIKeys(ctx, org.ID, ginauth.APIKeyListOptions{Limit: 3, Offset: offset, SortBy: "created_at", SortOrder: ginauth.Desc})
		bkNoErr(t, "APIKeys", err)
		if total != 7 {
			t.Errorf("total = %d, want 7", total)
		}
		if want := min(3, 7-offset); len(page) != want {
			t.Fatalf("page at offset %d: %d keys, want %d", offset, len(page), want)
		}
		all = append(all, bkKeyIDs(page)...)
	}
	var want []string
	for i := len(keys) - 1; i >= 0; i-- {
		want = append(want, keys[i].ID)
	}
	if !bkEqualIDs(all, want) {
		t.Errorf("pages by created_at desc = %v, want %v", all, want)
	}
	page, total, err := b.APIKeys(ctx, org.ID, ginauth.APIKeyListOptions{Limit: 5, Offset: 10, SortBy: "created_at", SortOrder: ginauth.Asc})
	bkNoErr(t, "APIKeys past the end", err)
	if len(page) != 0 || total != 7 {
		t.Errorf("past the end: %d keys, total %d; want 0 and 7", len(page), total)
	}
	page, total, err = b.APIKeys(ctx, bkID(t), ginauth.APIKeyListOptions{Limit: 5, SortBy: "created_at", SortOrder: ginauth.Asc})
	bkNoErr(t, "APIKeys of an organization without keys", err)
	if len(page) != 0 || total != 0 {
		t.Errorf("empty organization: %d keys, total %d", len(page), total)
	}
}

func bkAPIKeysSort(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, a.User, bkEpoch)
	// Same creation time for the first two: the id breaks the tie.
	k1 := bkAPIKey(t, b, org, a.User, "charlie", bkEpoch)
	k2 := bkAPIKey(t, b, org, a.User, "alpha", bkEpoch)
	k3 := bkAPIKey(t, b, org, a.User, "bravo", bkEpoch.Add(time.Minute))
	k4 := bkAPIKey(t, b, org, a.User, "delta", bkEpoch.Add(2*time.Minute))
	bkNoErr(t, "TouchAPIKeys", b.TouchAPIKeys(ctx, map[string]time.Time{
		k1.ID: bkEpoch.Add(time.Hour), k3.ID: bkEpoch.Add(2 * time.Hour),
	}))
	lo, hi := k1, k2 // UUIDv7 ids made in order, but compare anyway
	if hi.ID < lo.ID {
		lo, hi = hi, lo
	}
	cases := []struct {
		by    string
		order ginauth.SortOrder
		want  []ginauth.APIKey
	}{
		{"created_at", ginauth.Asc, []ginauth.APIKey{lo, hi, k3, k4}},
		{"created_at", ginauth.Desc, []ginauth.APIKey{k4, k3, hi, lo}},
		{"name", ginauth.Asc, []ginauth.APIKey{k2, k3, k1, k4}},
		{"name", ginauth.Desc, []ginauth.APIKey{k4, k1, k3, k2}},
		// Never-used keys come last in both directions.
		{"last_used_at", ginauth.Desc, []ginauth.APIKey{k3, k1, k4, k2}[:2]},
		{"last_used_at", ginauth.Asc, []ginauth.APIKey{k1, k3}},
	}
	for _, c := range cases {
		page, total, err := b.APIKeys(ctx, org.ID, ginauth.APIKeyListOptions{Limit: 10, SortBy: c.by, SortOrder: c.order})
		bkNoErr(t, "APIKeys", err)
		if total != 4 || len(page) != 4 {
			t.Fatalf("sort %s %s: %d keys, total %d; want 4", c.by, c.order, len(page), total)
		}
		got := bkKeyIDs(page)[:len(c.want)]
		if !bkEqualIDs(got, bkKeyIDs(c.want)) {
			t.Errorf("sort %s %s = %v, want %v first", c.by, c.order, got, bkKeyIDs(c.want))
		}
		if c.by == "last_used_at" {
			for _, k := range page[2:] {
				if k.LastUsedAt != nil {
					t.Errorf("sort %s %s: used key %s sorted after the unused ones", c.by, c.order, k.Name)
				}
			}
		}
	}
}

func bkDeleteAPIKey(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, a.User, bkEpoch)
	other := bkOrg(t, b, a.User, bkEpoch)
	k := bkAPIKey(t, b, org, a.User, "doomed", bkEpoch)
	byID, err := b.APIKey(ctx, org.ID, k.ID)
	bkNoErr(t, "APIKey", err)
	if byID.ID != k.ID || byID.CreatedByUserID != a.User.ID || byID.KeyPrefix != k.KeyPrefix {
		t.Errorf("APIKey = %+v, want %+v", byID, k)
	}
	_, err = b.APIKey(ctx, other.ID, k.ID)
	bkIs(t, "APIKey through another organization", err, ginauth.ErrNotFound)
	_, err = b.DeleteAPIKey(ctx, other.ID, k.ID)
	bkIs(t, "DeleteAPIKey through another organization", err, ginauth.ErrNotFound)
	got, err := b.DeleteAPIKey(ctx, org.ID, k.ID)
	bkNoErr(t, "DeleteAPIKey", err)
	if got.ID != k.ID || got.Name != k.Name || got.OrganizationID != org.ID {
		t.Errorf("DeleteAPIKey = %+v, want %+v", got, k)
	}
	_, err = b.APIKeyByHash(ctx, k.KeyHash)
	bkIs(t, "APIKeyByHash after delete", err, ginauth.ErrNotFound)
	_, err = b.DeleteAPIKey(ctx, org.ID, k.ID)
	bkIs(t, "DeleteAPIKey twice", err, ginauth.ErrNotFound)
	_, err = b.APIKey(ctx, org.ID, k.ID)
	bkIs(t, "APIKey after delete", err, ginauth.ErrNotFound)
}

func bkTouchAPIKeys(t *testing.T, b ginauth.Backend) {
	ctx := t.Context()
	a := bkUser(t, b, bkEpoch)
	org := bkOrg(t, b, a.User, bkEpoch)
	k1 := bkAPIKey(t, b, org, a.User, "one", bkEpoch)
	k2 := bkAPIKey(t, b, org, a.User, "two", bkEpoch)
	t1 := bkEpoch.Add(time.Hour)
	bkNoErr(t, "TouchAPIKeys", b.TouchAPIKeys(ctx, map[string]time.Time{k1.ID: t1, k2.ID: t1, bkID(t): t1}))
	bkNoErr(t, "TouchAPIKeys backwards", b.TouchAPIKeys(ctx, map[string]time.Time{k1.ID: bkEpoch, k2.ID: t1.Add(time.Minute)}))
	bkNoErr(t, "TouchAPIKeys nothing", b.TouchAPIKeys(ctx, nil))
	for _, c := range []struct {
		key  ginauth.APIKey
		want time.Time
	}{{k1, t1}, {k2, t1.Add(time.Minute)}} {
		v, err := b.APIKeyByHash(ctx, c.key.KeyHash)
		bkNoErr(t, "APIKeyByHash", err)
		bkTimePtr(t, "LastUsedAt of "+c.key.Name, v.Key.LastUsedAt, bkPtr(c.want))
	}
}
