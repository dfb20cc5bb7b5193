// Package apikeystest is the conformance suite of apikeys.Store: every
// rule of the contract, method by method. A Store implementation runs it
// from its own tests on every database it supports:
//
//	func TestAPIKeyStore(t *testing.T) {
//		apikeystest.Run(t, func(t *testing.T) apikeystest.Harness {
//			st := openMigratedStore(t)
//			return apikeystest.Harness{Store: st, NewUser: ..., NewOrganization: ..., SetRole: ..., SetActiveOrganization: ...}
//		})
//	}
package apikeystest

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/apikeys"
)

// Harness is what the suite runs against. The kernel's rows a key hangs
// on (its creator, its organization, the creator's membership) are made
// through the functions, in the database the Store runs on.
type Harness struct {
	// Store is the implementation under test, on a migrated database.
	Store apikeys.Store
	// NewUser creates an account (with its personal workspace) at the
	// given time and returns it as stored.
	NewUser func(t *testing.T, now time.Time) fastauth.User
	// NewOrganization creates a shared organization owned by ownerID and
	// returns its id.
	NewOrganization func(t *testing.T, ownerID string, now time.Time) string
	// SetRole makes userID a member of the organization with role, on
	// behalf of its owner actorID: it adds the membership or changes its
	// role.
	SetRole func(t *testing.T, organizationID, actorID, userID string, role fastauth.Role)
	// SetActiveOrganization switches the user's active organization
	// (empty: the personal workspace).
	SetActiveOrganization func(t *testing.T, userID, organizationID string)
}

// Run checks h's Store against the apikeys.Store contract. open is called
// once; the cases share its database and run in parallel, each with users
// and organizations of its own.
func Run(t *testing.T, open func(t *testing.T) Harness) {
	t.Helper()
	h := open(t)
	for _, c := range []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"APIKeyByHash", bkAPIKeyByHash},
		{"APIKeyByHashFollowsRole", bkAPIKeyByHashRole},
		{"APIKeysPagination", bkAPIKeysPage},
		{"APIKeysSortOrders", bkAPIKeysSort},
		{"DeleteAPIKey", bkDeleteAPIKey},
		{"TouchAPIKeys", bkTouchAPIKeys},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, h)
		})
	}
}

// bkEpoch is the "now" cases start from: microsecond precision, which
// every dialect keeps.
var bkEpoch = time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC)

// bkAccount is a stored user.
type bkAccount struct{ User fastauth.User }

// bkOrganization is a stored shared organization.
type bkOrganization struct{ ID string }

// bkUser stores a new account.
func bkUser(t *testing.T, h Harness, now time.Time) bkAccount {
	t.Helper()
	return bkAccount{User: h.NewUser(t, now)}
}

// bkOrg stores a shared organization owned by owner.
func bkOrg(t *testing.T, h Harness, owner fastauth.User, now time.Time) bkOrganization {
	t.Helper()
	return bkOrganization{ID: h.NewOrganization(t, owner.ID, now)}
}

// bkID returns a new UUIDv7 string.
func bkID(t *testing.T) string {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

// bkHash returns the SHA-256 of a fresh random secret.
func bkHash(t *testing.T) []byte {
	t.Helper()
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b[:])
	return sum[:]
}

// bkAPIKey stores an API key of org created by u.
func bkAPIKey(t *testing.T, h Harness, org bkOrganization, u fastauth.User, name string, now time.Time) fastauth.APIKey {
	t.Helper()
	k := fastauth.APIKey{
		ID: bkID(t), OrganizationID: org.ID, Name: name, CreatedByUserID: u.ID,
		KeyPrefix: "0123456789ab", KeyHash: bkHash(t), CreatedAt: now,
	}
	if err := h.Store.CreateAPIKey(t.Context(), k); err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	return k
}

// bkIs fails the test unless err matches target.
func bkIs(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: error %v, want %v", what, err, target)
	}
}

// bkNoErr fails the test on err.
func bkNoErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// bkTime fails the test unless got is the instant want, in UTC.
func bkTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("%s = %v, want %v in UTC", what, got, want)
	}
}

// bkTimePtr is bkTime for optional times (nil want means "unset").
func bkTimePtr(t *testing.T, what string, got, want *time.Time) {
	t.Helper()
	switch {
	case want == nil && got != nil:
		t.Errorf("%s = %v, want unset", what, *got)
	case want != nil && got == nil:
		t.Errorf("%s unset, want %v", what, *want)
	case want != nil:
		bkTime(t, what, *got, *want)
	}
}

// bkPtr returns a pointer to t.
func bkPtr(t time.Time) *time.Time { return &t }

func bkAPIKeyByHash(t *testing.T, h Harness) {
	ctx := t.Context()
	a := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, a.User, bkEpoch)
	expires := bkEpoch.Add(24 * time.Hour)
	k := fastauth.APIKey{ID: bkID(t), OrganizationID: org.ID, Name: "ci", CreatedByUserID: a.User.ID,
		KeyPrefix: "abcdef012345", KeyHash: bkHash(t), CreatedAt: bkEpoch, ExpiresAt: &expires}
	bkNoErr(t, "CreateAPIKey", h.Store.CreateAPIKey(ctx, k))
	v, err := h.Store.APIKeyByHash(ctx, k.KeyHash)
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
	if v.Membership == nil || v.Membership.Role != fastauth.RoleOwner || v.Membership.OrganizationID != org.ID || v.Membership.UserID != a.User.ID {
		t.Errorf("APIKeyByHash membership = %+v, want owner of %s", v.Membership, org.ID)
	}
	_, err = h.Store.APIKeyByHash(ctx, bkHash(t))
	bkIs(t, "APIKeyByHash unknown", err, fastauth.ErrNotFound)
	dup := k
	dup.ID = bkID(t)
	if err := h.Store.CreateAPIKey(ctx, dup); err == nil {
		t.Error("CreateAPIKey accepted a second key with the same hash")
	}
}

func bkAPIKeyByHashRole(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := bkUser(t, h, bkEpoch)
	a := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, owner.User, bkEpoch)
	h.SetRole(t, org.ID, owner.User.ID, a.User.ID, fastauth.RoleAdmin)
	k := bkAPIKey(t, h, org, a.User, "a", bkEpoch)
	h.SetRole(t, org.ID, owner.User.ID, a.User.ID, fastauth.RoleMember)
	v, err := h.Store.APIKeyByHash(ctx, k.KeyHash)
	bkNoErr(t, "APIKeyByHash", err)
	if v.Membership == nil || v.Membership.Role != fastauth.RoleMember {
		t.Errorf("membership = %+v, want the creator's current role member", v.Membership)
	}
	// Switching the creator's active organization does not matter.
	h.SetActiveOrganization(t, a.User.ID, "")
	v, err = h.Store.APIKeyByHash(ctx, k.KeyHash)
	bkNoErr(t, "APIKeyByHash", err)
	if v.Key.OrganizationID != org.ID || v.Membership == nil {
		t.Errorf("APIKeyByHash after switching = %+v", v)
	}
}

// bkKeyIDs lists the ids of keys.
func bkKeyIDs(keys []fastauth.APIKey) []string {
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

func bkAPIKeysPage(t *testing.T, h Harness) {
	ctx := t.Context()
	a := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, a.User, bkEpoch)
	other := bkOrg(t, h, a.User, bkEpoch)
	bkAPIKey(t, h, other, a.User, "elsewhere", bkEpoch)
	var keys []fastauth.APIKey // created oldest first
	for i := range 7 {
		keys = append(keys, bkAPIKey(t, h, org, a.User, "key", bkEpoch.Add(time.Duration(i)*time.Minute)))
	}
	var all []string
	for offset := 0; offset < 9; offset += 3 {
		page, total, err := h.Store.APIKeys(ctx, org.ID, fastauth.APIKeyListOptions{Limit: 3, Offset: offset, SortBy: "created_at", SortOrder: fastauth.Desc})
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
	page, total, err := h.Store.APIKeys(ctx, org.ID, fastauth.APIKeyListOptions{Limit: 5, Offset: 10, SortBy: "created_at", SortOrder: fastauth.Asc})
	bkNoErr(t, "APIKeys past the end", err)
	if len(page) != 0 || total != 7 {
		t.Errorf("past the end: %d keys, total %d; want 0 and 7", len(page), total)
	}
	page, total, err = h.Store.APIKeys(ctx, bkID(t), fastauth.APIKeyListOptions{Limit: 5, SortBy: "created_at", SortOrder: fastauth.Asc})
	bkNoErr(t, "APIKeys of an organization without keys", err)
	if len(page) != 0 || total != 0 {
		t.Errorf("empty organization: %d keys, total %d", len(page), total)
	}
}

func bkAPIKeysSort(t *testing.T, h Harness) {
	ctx := t.Context()
	a := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, a.User, bkEpoch)
	// Same creation time for the first two: the id breaks the tie.
	k1 := bkAPIKey(t, h, org, a.User, "charlie", bkEpoch)
	k2 := bkAPIKey(t, h, org, a.User, "alpha", bkEpoch)
	k3 := bkAPIKey(t, h, org, a.User, "bravo", bkEpoch.Add(time.Minute))
	k4 := bkAPIKey(t, h, org, a.User, "delta", bkEpoch.Add(2*time.Minute))
	bkNoErr(t, "TouchAPIKeys", h.Store.TouchAPIKeys(ctx, map[string]time.Time{
		k1.ID: bkEpoch.Add(time.Hour), k3.ID: bkEpoch.Add(2 * time.Hour),
	}))
	lo, hi := k1, k2 // UUIDv7 ids made in order, but compare anyway
	if hi.ID < lo.ID {
		lo, hi = hi, lo
	}
	cases := []struct {
		by    string
		order fastauth.SortOrder
		want  []fastauth.APIKey
	}{
		{"created_at", fastauth.Asc, []fastauth.APIKey{lo, hi, k3, k4}},
		{"created_at", fastauth.Desc, []fastauth.APIKey{k4, k3, hi, lo}},
		{"name", fastauth.Asc, []fastauth.APIKey{k2, k3, k1, k4}},
		{"name", fastauth.Desc, []fastauth.APIKey{k4, k1, k3, k2}},
		// Never-used keys come last in both directions.
		{"last_used_at", fastauth.Desc, []fastauth.APIKey{k3, k1, k4, k2}[:2]},
		{"last_used_at", fastauth.Asc, []fastauth.APIKey{k1, k3}},
	}
	for _, c := range cases {
		page, total, err := h.Store.APIKeys(ctx, org.ID, fastauth.APIKeyListOptions{Limit: 10, SortBy: c.by, SortOrder: c.order})
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

func bkDeleteAPIKey(t *testing.T, h Harness) {
	ctx := t.Context()
	a := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, a.User, bkEpoch)
	other := bkOrg(t, h, a.User, bkEpoch)
	k := bkAPIKey(t, h, org, a.User, "doomed", bkEpoch)
	byID, err := h.Store.APIKey(ctx, org.ID, k.ID)
	bkNoErr(t, "APIKey", err)
	if byID.ID != k.ID || byID.CreatedByUserID != a.User.ID || byID.KeyPrefix != k.KeyPrefix {
		t.Errorf("APIKey = %+v, want %+v", byID, k)
	}
	_, err = h.Store.APIKey(ctx, other.ID, k.ID)
	bkIs(t, "APIKey through another organization", err, fastauth.ErrNotFound)
	_, err = h.Store.DeleteAPIKey(ctx, other.ID, k.ID)
	bkIs(t, "DeleteAPIKey through another organization", err, fastauth.ErrNotFound)
	got, err := h.Store.DeleteAPIKey(ctx, org.ID, k.ID)
	bkNoErr(t, "DeleteAPIKey", err)
	if got.ID != k.ID || got.Name != k.Name || got.OrganizationID != org.ID {
		t.Errorf("DeleteAPIKey = %+v, want %+v", got, k)
	}
	_, err = h.Store.APIKeyByHash(ctx, k.KeyHash)
	bkIs(t, "APIKeyByHash after delete", err, fastauth.ErrNotFound)
	_, err = h.Store.DeleteAPIKey(ctx, org.ID, k.ID)
	bkIs(t, "DeleteAPIKey twice", err, fastauth.ErrNotFound)
	_, err = h.Store.APIKey(ctx, org.ID, k.ID)
	bkIs(t, "APIKey after delete", err, fastauth.ErrNotFound)
}

func bkTouchAPIKeys(t *testing.T, h Harness) {
	ctx := t.Context()
	a := bkUser(t, h, bkEpoch)
	org := bkOrg(t, h, a.User, bkEpoch)
	k1 := bkAPIKey(t, h, org, a.User, "one", bkEpoch)
	k2 := bkAPIKey(t, h, org, a.User, "two", bkEpoch)
	t1 := bkEpoch.Add(time.Hour)
	bkNoErr(t, "TouchAPIKeys", h.Store.TouchAPIKeys(ctx, map[string]time.Time{k1.ID: t1, k2.ID: t1, bkID(t): t1}))
	bkNoErr(t, "TouchAPIKeys backwards", h.Store.TouchAPIKeys(ctx, map[string]time.Time{k1.ID: bkEpoch, k2.ID: t1.Add(time.Minute)}))
	bkNoErr(t, "TouchAPIKeys nothing", h.Store.TouchAPIKeys(ctx, nil))
	for _, c := range []struct {
		key  fastauth.APIKey
		want time.Time
	}{{k1, t1}, {k2, t1.Add(time.Minute)}} {
		v, err := h.Store.APIKeyByHash(ctx, c.key.KeyHash)
		bkNoErr(t, "APIKeyByHash", err)
		bkTimePtr(t, "LastUsedAt of "+c.key.Name, v.Key.LastUsedAt, bkPtr(c.want))
	}
}
