package conformance

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
)

// apiKeyScenarios lists the scenarios of this domain: API keys.
func apiKeyScenarios() []scenario {
	return []scenario{
		{name: "CreateShape", run: apiKeyCreateShape},
		{name: "CreateValidation", run: apiKeyCreateValidation},
		{name: "PlaintextOnlyOnCreate", run: apiKeyPlaintextOnce},
		{name: "BearerActsAsCreator", run: apiKeyActsAsCreator},
		{name: "CreatorCurrentRole", run: apiKeyCreatorCurrentRole},
		{name: "RemovedCreator401", run: apiKeyRemovedCreator},
		{name: "DeletedKey401", run: apiKeyDeleted},
		{name: "DeletedOrganizationKey401", run: apiKeyDeletedOrganization},
		{name: "ExpiredKey401", run: apiKeyExpired},
		{name: "BearerBeatsCookie", run: apiKeyBeatsCookie},
		{name: "MalformedBearerNoFallback", run: apiKeyMalformed},
		{name: "ListPaginationAndSorting", run: apiKeyPagination},
		{name: "ListQueryValidation", run: apiKeyListValidation},
		{name: "ScopedToActiveOrganization", run: apiKeyActiveOrgScope},
		{name: "NeverChangesActiveOrganization", run: apiKeyNoActiveOrgChange},
		{name: "ReachesOnlyItsOrganization", run: apiKeyOrgPathScope},
		{name: "DeletePermissions", run: apiKeyDeletePermissions},
		{name: "LastUsedRecorded", run: apiKeyLastUsed},
		{name: "LastUsedAtMostOncePerInterval", run: apiKeyLastUsedThrottled},
		{name: "Create/NeedsActiveSession", run: apiKeyCreateNeedsActiveSession},
		{name: "Create/RefusedForAPIKeys", run: apiKeyCreateRefusedForAPIKeys},
		{name: "RevokedByPasswordReset", run: apiKeyRevokedByPasswordReset},
		{name: "KeptByPasswordResetWhenConfigured", config: func(c *ginauth.Config) { c.KeepAPIKeysOnPasswordReset = true }, run: apiKeyKeptByPasswordResetWhenConfigured},
	}
}

var apiKeyRE = regexp.MustCompile(`^sk-[0-9a-f]{64}$`)

// bearer returns a new client that sends key as its bearer.
func (h *Harness) bearer(key string) *Client {
	c := h.NewClient()
	c.Bearer(key)
	return c
}

// apiKeyPage is GET {base}/api-keys{query} asserting 200.
func apiKeyPage(t *testing.T, h *Harness, c *Client, query string) APIKeyPage {
	t.Helper()
	var p APIKeyPage
	c.Get(h.Path("/api-keys"+query)).Expect(t, http.StatusOK).Decode(t, &p)
	return p
}

// listedKey returns the listed metadata of key id in c's active organization.
func listedKey(t *testing.T, h *Harness, c *Client, id string) APIKeyBody {
	t.Helper()
	for _, k := range apiKeyPage(t, h, c, "?limit=100").Items {
		if k.ID == id {
			return k
		}
	}
	t.Fatalf("API key %s not listed", id)
	return APIKeyBody{}
}

func apiKeyCreateShape(t *testing.T, h *Harness) {
	c, me := h.SignUp(t)
	now := h.Clock.Now()
	r := c.Post(h.Path("/api-keys"), map[string]string{"name": "  ci  "}).Expect(t, http.StatusCreated)
	var k APIKeyBody
	r.Decode(t, &k)
	expectUUIDv7(t, "API key id", k.ID)
	if !apiKeyRE.MatchString(k.Key) {
		t.Fatalf("key %q is not sk- and 64 lowercase hex characters", k.Key)
	}
	if k.KeyPrefix != k.Key[3:15] {
		t.Fatalf("key_prefix %q, want the first 12 hex characters %q", k.KeyPrefix, k.Key[3:15])
	}
	if k.Name != "ci" || k.OrganizationID != me.Organization.ID || k.CreatedByUserID != me.User.ID || !k.CreatedAt.Equal(now) || k.LastUsedAt != nil || k.ExpiresAt != nil {
		t.Fatalf("created key %+v", k)
	}
	var raw map[string]any
	r.Decode(t, &raw)
	for _, f := range []string{"id", "organization_id", "name", "created_by_user_id", "key_prefix", "created_at", "last_used_at", "expires_at", "key"} {
		if _, ok := raw[f]; !ok {
			t.Fatalf("created key lacks %q: %s", f, r.Body)
		}
	}
	// Two keys never share a secret or prefix.
	k2 := c.createAPIKey(t, "other")
	if k2.Key == k.Key || k2.KeyPrefix == k.KeyPrefix {
		t.Fatalf("two keys collide: %q %q", k.Key, k2.Key)
	}
	// With an expiry.
	exp := now.Add(48 * time.Hour)
	var k3 APIKeyBody
	c.Post(h.Path("/api-keys"), map[string]any{"name": "temp", "expires_at": exp.Format(time.RFC3339)}).Expect(t, http.StatusCreated).Decode(t, &k3)
	if k3.ExpiresAt == nil || !k3.ExpiresAt.Equal(exp) {
		t.Fatalf("expires_at %v, want %v", k3.ExpiresAt, exp)
	}
	expectError(t, h.NewClient().Post(h.Path("/api-keys"), map[string]string{"name": "x"}), http.StatusUnauthorized, "invalid_token")
}

func apiKeyCreateValidation(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	now := h.Clock.Now()
	for _, body := range []any{
		map[string]string{"name": ""},
		map[string]string{"name": "  "},
		map[string]string{"name": strings.Repeat("k", 101)},
		map[string]any{"name": "x", "expires_at": now.Add(-time.Second).Format(time.RFC3339)},
		map[string]any{"name": "x", "expires_at": now.Format(time.RFC3339)},
		map[string]any{"name": "x", "expires_at": "tomorrow-echo-probe"},
		map[string]any{"name": "x", "key": "sk-" + strings.Repeat("0", 64)},
		map[string]any{"name": "x", "echo_probe": 1},
		"[",
	} {
		r := c.Post(h.Path("/api-keys"), body)
		expectError(t, r, http.StatusBadRequest, "invalid_request")
		// Error messages never echo the input.
		if strings.Contains(string(r.Body), "echo-probe") || strings.Contains(string(r.Body), "echo_probe") || strings.Contains(string(r.Body), "sk-") {
			t.Errorf("body %v: the error message echoes the input: %s", body, r.Body)
		}
	}
	if p := apiKeyPage(t, h, c, ""); p.Total != 0 {
		t.Fatalf("invalid creates stored keys: %+v", p)
	}
}

func apiKeyPlaintextOnce(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	k := c.createAPIKey(t, "once")
	r := c.Get(h.Path("/api-keys")).Expect(t, http.StatusOK)
	if strings.Contains(string(r.Body), k.Key) || strings.Contains(string(r.Body), k.Key[3:]) || strings.Contains(string(r.Body), `"key"`) {
		t.Fatalf("list shows the key: %s", r.Body)
	}
	var raw struct {
		Items []map[string]any `json:"items"`
	}
	r.Decode(t, &raw)
	if len(raw.Items) != 1 || raw.Items[0]["key_prefix"] != k.KeyPrefix {
		t.Fatalf("list %s", r.Body)
	}
	d := c.Delete(h.Path("/api-keys/"+k.ID)).Expect(t, http.StatusOK)
	if strings.Contains(string(d.Body), k.Key) {
		t.Fatalf("delete shows the key: %s", d.Body)
	}
}

func apiKeyActsAsCreator(t *testing.T, h *Harness) {
	c, me := h.SignUp(t)
	k := c.createAPIKey(t, "me")
	bot := h.bearer(k.Key)
	w := bot.whoami(t)
	if w.UserID != me.User.ID || w.Email != me.User.Email || w.OrganizationID != me.Organization.ID || w.OrganizationRole != "owner" {
		t.Fatalf("whoami with key %+v, want creator %+v", w, me)
	}
	bot.Get("/api/owner").Expect(t, http.StatusOK)
	// Writes with a bearer are not subject to the cross-origin check.
	bot.Do(http.MethodPost, "/api/whoami", nil, http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}).Expect(t, http.StatusOK)
	// Cookie-only routes refuse keys.
	expectError(t, bot.Get(h.Path("/sessions")), http.StatusForbidden, "forbidden")
}

func apiKeyCreatorCurrentRole(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Role Co")
	admin, a := h.join(t, owner, org, "admin")
	k := admin.createAPIKey(t, "admin key")
	if k.OrganizationID != org {
		t.Fatalf("key organization %s, want the active %s", k.OrganizationID, org)
	}
	bot := h.bearer(k.Key)
	bot.Get("/api/admin").Expect(t, http.StatusOK)
	expectError(t, bot.Get("/api/owner"), http.StatusForbidden, "forbidden")
	owner.Patch(orgPath(h, org, "/members/"+a.User.ID), map[string]string{"role": "member"}).Expect(t, http.StatusOK)
	expectError(t, bot.Get("/api/admin"), http.StatusForbidden, "forbidden")
	if w := bot.whoami(t); w.OrganizationRole != "member" {
		t.Fatalf("key role after demotion %q", w.OrganizationRole)
	}
	owner.Patch(orgPath(h, org, "/members/"+a.User.ID), map[string]string{"role": "owner"}).Expect(t, http.StatusOK)
	bot.Get("/api/owner").Expect(t, http.StatusOK)
}

func apiKeyRemovedCreator(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Remove Co")
	m, out := h.join(t, owner, org, "member")
	k := m.createAPIKey(t, "member key")
	bot := h.bearer(k.Key)
	bot.whoami(t)
	owner.Delete(orgPath(h, org, "/members/"+out.User.ID)).Expect(t, http.StatusOK)
	expectError(t, bot.Get("/api/whoami"), http.StatusUnauthorized, "invalid_token")
	// Rejoining does not revive the key.
	var inv InviteBody
	owner.Post(orgPath(h, org, "/invites"), map[string]string{"email": out.User.Email, "role": "member"}).Expect(t, http.StatusCreated).Decode(t, &inv)
	m.Post(h.Path("/organizations/invites/accept"), map[string]string{"token": inv.Token}).Expect(t, http.StatusOK)
	expectError(t, bot.Get("/api/whoami"), http.StatusUnauthorized, "invalid_token")
}

func apiKeyDeleted(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	k := c.createAPIKey(t, "doomed")
	keep := c.createAPIKey(t, "kept")
	bot := h.bearer(k.Key)
	bot.whoami(t) // verified (and possibly cached) before the delete
	var gone APIKeyBody
	c.Delete(h.Path("/api-keys/"+k.ID)).Expect(t, http.StatusOK).Decode(t, &gone)
	if gone.ID != k.ID || gone.Name != "doomed" || gone.KeyPrefix != k.KeyPrefix || gone.Key != "" {
		t.Fatalf("delete body %+v", gone)
	}
	expectError(t, bot.Get("/api/whoami"), http.StatusUnauthorized, "invalid_token")
	expectError(t, c.Delete(h.Path("/api-keys/"+k.ID)), http.StatusNotFound, "api_key_not_found")
	expectError(t, c.Delete(h.Path("/api-keys/not-an-id")), http.StatusNotFound, "api_key_not_found")
	h.bearer(keep.Key).whoami(t)
	if p := apiKeyPage(t, h, c, ""); p.Total != 1 || p.Items[0].ID != keep.ID {
		t.Fatalf("list after delete %+v", p)
	}
	// A key can delete itself; it then stops working.
	self := h.bearer(keep.Key)
	self.Delete(h.Path("/api-keys/"+keep.ID)).Expect(t, http.StatusOK)
	expectError(t, self.Get("/api/whoami"), http.StatusUnauthorized, "invalid_token")
}

func apiKeyDeletedOrganization(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	org := c.createOrganization(t, "Gone Co")
	c.switchOrganization(t, org)
	k := c.createAPIKey(t, "org key")
	bot := h.bearer(k.Key)
	bot.whoami(t)
	c.Delete(orgPath(h, org, "")).Expect(t, http.StatusOK)
	expectError(t, bot.Get("/api/whoami"), http.StatusUnauthorized, "invalid_token")
}

func apiKeyExpired(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	exp := h.Clock.Now().Add(time.Hour)
	var k APIKeyBody
	c.Post(h.Path("/api-keys"), map[string]any{"name": "short", "expires_at": exp}).Expect(t, http.StatusCreated).Decode(t, &k)
	bot := h.bearer(k.Key)
	bot.whoami(t)
	h.Clock.Advance(time.Hour - time.Second)
	bot.whoami(t)
	h.Clock.Advance(time.Second)
	expectError(t, bot.Get("/api/whoami"), http.StatusUnauthorized, "invalid_token")
	// Still listed (an expired key is metadata until deleted).
	c, _ = h.SignInNew(t, c.claim(t, "email"))
	if got := listedKey(t, h, c, k.ID); got.ExpiresAt == nil || !got.ExpiresAt.Equal(exp) {
		t.Fatalf("expired key listed as %+v", got)
	}
}

func apiKeyBeatsCookie(t *testing.T, h *Harness) {
	a, _ := h.SignUp(t)
	b, bme := h.SignUp(t)
	k := b.createAPIKey(t, "b")
	a.Bearer(k.Key) // a's cookies stay in the jar
	if w := a.whoami(t); w.UserID != bme.User.ID {
		t.Fatalf("cookie beat bearer: %+v", w)
	}
}

func apiKeyMalformed(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	k := c.createAPIKey(t, "real")
	hexPart := k.Key[3:]
	for _, auth := range []string{
		"Bearer sk-" + strings.ToUpper(hexPart),
		"Bearer sk-" + hexPart[:63],
		"Bearer sk-" + hexPart + "0",
		"Bearer " + hexPart,
		"Bearer pk-" + hexPart,
		"Bearer sk-" + strings.Repeat("0", 64), // well-formed, unknown
		"Bearer sk-" + strings.Repeat("g", 64),
		"Bearer",
		"Bearer ",
		"Basic dXNlcjpwYXNz",
		k.Key,
	} {
		r := c.Do(http.MethodGet, "/api/whoami", nil, http.Header{"Authorization": {auth}})
		if r.Status != http.StatusUnauthorized || r.Code() != "invalid_token" {
			t.Fatalf("Authorization %q with a valid cookie: status %d code %q, want 401 invalid_token (no fallback)", auth, r.Status, r.Code())
		}
	}
	c.whoami(t) // the cookie alone still works
	h.bearer(k.Key).whoami(t)
}

func apiKeyPagination(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	names := []string{"delta", "alpha", "echo", "charlie", "bravo"}
	ids := make([]string, len(names))
	for i, n := range names {
		ids[i] = c.createAPIKey(t, n).ID
		h.Clock.Advance(time.Second)
	}
	p := apiKeyPage(t, h, c, "")
	if p.Total != 5 || p.Limit != 20 || p.Offset != 0 || len(p.Items) != 5 {
		t.Fatalf("default page %+v", p)
	}
	for i, k := range p.Items { // default: created_at desc
		if k.ID != ids[4-i] {
			t.Fatalf("default order: item %d is %s, want %s", i, k.Name, names[4-i])
		}
	}
	p = apiKeyPage(t, h, c, "?limit=2&offset=1&sort_by=name&sort_order=asc")
	if p.Total != 5 || p.Limit != 2 || p.Offset != 1 || len(p.Items) != 2 || p.Items[0].Name != "bravo" || p.Items[1].Name != "charlie" {
		t.Fatalf("name asc page %+v", p)
	}
	p = apiKeyPage(t, h, c, "?sort_by=name")
	if p.Items[0].Name != "echo" || p.Items[4].Name != "alpha" {
		t.Fatalf("name desc %+v", p.Items)
	}
	p = apiKeyPage(t, h, c, "?sort_by=created_at&sort_order=asc&limit=100")
	if p.Items[0].ID != ids[0] || p.Items[4].ID != ids[4] {
		t.Fatalf("created_at asc %+v", p.Items)
	}
	p = apiKeyPage(t, h, c, "?offset=5")
	if p.Total != 5 || len(p.Items) != 0 || p.Items == nil {
		t.Fatalf("page past the end %+v", p)
	}
	if r := c.Get(h.Path("/api-keys?offset=10")).Expect(t, http.StatusOK); !strings.Contains(string(r.Body), `"items":[]`) {
		t.Fatalf("empty page must have items [], got %s", r.Body)
	}
	// last_used_at: used keys in order of use; never-used keys together at
	// one end (which end the contract leaves to the backend).
	used1 := c.createAPIKey(t, "used-first")
	used2 := c.createAPIKey(t, "used-second")
	h.bearer(used1.Key).whoami(t)
	waitLastUsed(t, h, c, used1.ID, h.Clock.Now())
	h.Clock.Advance(2 * h.Config.APIKeyTouchInterval)
	h.bearer(used2.Key).whoami(t)
	waitLastUsed(t, h, c, used2.ID, h.Clock.Now())
	c, _ = h.SignInNew(t, c.claim(t, "email")) // the access token aged
	for order, want := range map[string][]string{"desc": {used2.ID, used1.ID}, "asc": {used1.ID, used2.ID}} {
		p = apiKeyPage(t, h, c, "?sort_by=last_used_at&limit=100&sort_order="+order)
		var usedIDs []string
		var usedAt []int
		for i, k := range p.Items {
			if k.LastUsedAt != nil {
				usedIDs = append(usedIDs, k.ID)
				usedAt = append(usedAt, i)
			}
		}
		together := len(usedAt) == 2 && usedAt[1] == usedAt[0]+1 && (usedAt[0] == 0 || usedAt[1] == len(p.Items)-1)
		if len(p.Items) != 7 || !together || usedIDs[0] != want[0] || usedIDs[1] != want[1] {
			t.Fatalf("last_used_at %s: %s", order, keyNames(p))
		}
	}
}

// keyNames describes a page for failure messages.
func keyNames(p APIKeyPage) string {
	var b strings.Builder
	for _, k := range p.Items {
		fmt.Fprintf(&b, "%s(%v) ", k.Name, k.LastUsedAt)
	}
	return b.String()
}

func apiKeyListValidation(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	for _, q := range []string{
		"limit=0", "limit=101", "limit=-1", "limit=abc", "limit=", "limit=1.5",
		"offset=-1", "offset=x", "offset=",
		"sort_by=id", "sort_by=", "sort_by=NAME", "sort_by=key_hash",
		"sort_order=up", "sort_order=", "sort_order=ASC",
	} {
		expectError(t, c.Get(h.Path("/api-keys?"+q)), http.StatusBadRequest, "invalid_request")
	}
	for _, q := range []string{"limit=1", "limit=100", "offset=0", "sort_by=last_used_at", "sort_order=asc"} {
		c.Get(h.Path("/api-keys?"+q)).Expect(t, http.StatusOK)
	}
	expectError(t, h.NewClient().Get(h.Path("/api-keys")), http.StatusUnauthorized, "invalid_token")
}

func apiKeyActiveOrgScope(t *testing.T, h *Harness) {
	c, me := h.SignUp(t)
	personalKey := c.createAPIKey(t, "personal")
	org := c.createOrganization(t, "Scope Co")
	c.switchOrganization(t, org)
	orgKey := c.createAPIKey(t, "org")
	if personalKey.OrganizationID != me.Organization.ID || orgKey.OrganizationID != org {
		t.Fatalf("key organizations %s / %s", personalKey.OrganizationID, orgKey.OrganizationID)
	}
	p := apiKeyPage(t, h, c, "")
	if p.Total != 1 || p.Items[0].ID != orgKey.ID {
		t.Fatalf("list in %s: %+v", org, p)
	}
	// A key of the other organization is not found from here.
	expectError(t, c.Delete(h.Path("/api-keys/"+personalKey.ID)), http.StatusNotFound, "api_key_not_found")
	h.bearer(personalKey.Key).whoami(t)
	// The key itself lists its own organization's keys.
	if p := apiKeyPage(t, h, h.bearer(personalKey.Key), ""); p.Total != 1 || p.Items[0].ID != personalKey.ID {
		t.Fatalf("list with the personal key %+v", p)
	}
	// Another user sees none of them.
	other, _ := h.SignUp(t)
	if p := apiKeyPage(t, h, other, ""); p.Total != 0 {
		t.Fatalf("another user's list %+v", p)
	}
	expectError(t, other.Delete(h.Path("/api-keys/"+orgKey.ID)), http.StatusNotFound, "api_key_not_found")
}

func apiKeyNoActiveOrgChange(t *testing.T, h *Harness) {
	c, me := h.SignUp(t)
	org := c.createOrganization(t, "Bot Home")
	c.switchOrganization(t, org)
	k := c.createAPIKey(t, "bot")
	c.switchOrganization(t, me.Organization.ID)
	bot := h.bearer(k.Key)
	if w := bot.whoami(t); w.OrganizationID != org {
		t.Fatalf("key acts in %s, want its organization %s", w.OrganizationID, org)
	}
	if p := apiKeyPage(t, h, bot, ""); p.Total != 1 || p.Items[0].ID != k.ID {
		t.Fatalf("the key lists %+v, want its own organization's keys", p.Items)
	}
	var out AuthResponse
	c.Refresh().Expect(t, http.StatusOK).Decode(t, &out)
	if out.Organization.ID != me.Organization.ID {
		t.Fatalf("using a key changed the active organization to %s", out.Organization.ID)
	}
	if _, in := h.SignInNew(t, me.User.Email); in.Organization.ID != me.Organization.ID {
		t.Fatalf("sign-in after key use: active %s", in.Organization.ID)
	}
}

func apiKeyOrgPathScope(t *testing.T, h *Harness) {
	c, me := h.SignUp(t)
	org := c.createOrganization(t, "Key Home")
	c.switchOrganization(t, org)
	k := c.createAPIKey(t, "scoped")
	bot := h.bearer(k.Key)
	bot.Get(orgPath(h, org, "")).Expect(t, http.StatusOK)
	bot.Get(orgPath(h, org, "/members")).Expect(t, http.StatusOK)
	// The creator owns the personal workspace and another organization, but
	// the key reaches only its own.
	other := c.createOrganization(t, "Elsewhere")
	for _, id := range []string{me.Organization.ID, other} {
		expectError(t, bot.Get(orgPath(h, id, "")), http.StatusNotFound, "organization_not_found")
		expectError(t, bot.Get(orgPath(h, id, "/members")), http.StatusNotFound, "organization_not_found")
		expectError(t, bot.Patch(orgPath(h, id, ""), map[string]string{"name": "x"}), http.StatusNotFound, "organization_not_found")
		expectError(t, bot.Delete(orgPath(h, id, "")), http.StatusNotFound, "organization_not_found")
		expectError(t, bot.Post(orgPath(h, id, "/invites"), map[string]string{"email": h.Email(), "role": "member"}), http.StatusNotFound, "organization_not_found")
	}
	ms := memberships(t, bot)
	if len(ms) != 1 || ms[0].Organization.ID != org {
		t.Fatalf("memberships seen by the key %+v, want only %s", ms, org)
	}
	var got MemberBody
	c.Get(orgPath(h, other, "")).Expect(t, http.StatusOK).Decode(t, &got)
	if got.Organization.Name != "Elsewhere" {
		t.Fatalf("other organization changed: %+v", got)
	}
}

func apiKeyDeletePermissions(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Perm Co")
	owner.switchOrganization(t, org)
	admin, _ := h.join(t, owner, org, "admin")
	m1, _ := h.join(t, owner, org, "member")
	m2, _ := h.join(t, owner, org, "member")
	ownerKey := owner.createAPIKey(t, "owner")
	k1 := m1.createAPIKey(t, "m1")
	k1b := m1.createAPIKey(t, "m1b")
	k2 := m2.createAPIKey(t, "m2")
	// Members see every key of the organization but delete only their own.
	if p := apiKeyPage(t, h, m2, ""); p.Total != 4 {
		t.Fatalf("member's list %+v", p)
	}
	expectError(t, m2.Delete(h.Path("/api-keys/"+k1.ID)), http.StatusForbidden, "forbidden")
	expectError(t, m2.Delete(h.Path("/api-keys/"+ownerKey.ID)), http.StatusForbidden, "forbidden")
	m2.Delete(h.Path("/api-keys/"+k2.ID)).Expect(t, http.StatusOK)
	m1.Delete(h.Path("/api-keys/"+k1b.ID)).Expect(t, http.StatusOK)
	// Admins delete anyone's.
	admin.Delete(h.Path("/api-keys/"+k1.ID)).Expect(t, http.StatusOK)
	admin.Delete(h.Path("/api-keys/"+ownerKey.ID)).Expect(t, http.StatusOK)
	if p := apiKeyPage(t, h, owner, ""); p.Total != 0 {
		t.Fatalf("keys left %+v", p)
	}
}

// waitLastUsed polls the list (up to 5 s of real time: uses are written in
// the background) until key id shows last_used_at == want.
func waitLastUsed(t *testing.T, h *Harness, c *Client, id string, want time.Time) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := listedKey(t, h, c, id).LastUsedAt
		if got != nil && got.Equal(want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("last_used_at of key %s is %v after 5s, want %v", id, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func apiKeyLastUsed(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	k := c.createAPIKey(t, "used")
	other := c.createAPIKey(t, "unused")
	h.Clock.Advance(time.Minute)
	used := h.Clock.Now()
	h.bearer(k.Key).whoami(t)
	waitLastUsed(t, h, c, k.ID, used)
	// Listing, creating and deleting with the cookie are no uses of a key.
	if got := listedKey(t, h, c, other.ID).LastUsedAt; got != nil {
		t.Fatalf("unused key has last_used_at %v", got)
	}
}

func apiKeyLastUsedThrottled(t *testing.T, h *Harness) {
	interval := h.Config.APIKeyTouchInterval
	c, _ := h.SignUp(t)
	k := c.createAPIKey(t, "busy")
	bot := h.bearer(k.Key)
	first := h.Clock.Now()
	bot.whoami(t)
	waitLastUsed(t, h, c, k.ID, first)
	// A use one interval later is written with its own time.
	h.Clock.Advance(interval)
	second := h.Clock.Now()
	bot.whoami(t)
	waitLastUsed(t, h, c, k.ID, second)
	// A use within the interval is not.
	h.Clock.Advance(interval / 2)
	bot.whoami(t)
	// Nor is the second of two quick uses of a fresh key.
	k2 := c.createAPIKey(t, "quick")
	h.Clock.Advance(time.Second)
	quick := h.Clock.Now()
	h.bearer(k2.Key).whoami(t)
	h.Clock.Advance(time.Second)
	h.bearer(k2.Key).whoami(t)
	// Close flushes whatever is held, so the checks are deterministic.
	if err := h.Auth.Close(); err != nil {
		t.Fatalf("Auth.Close: %v", err)
	}
	if got := listedKey(t, h, c, k.ID).LastUsedAt; got == nil || !got.Equal(second) {
		t.Fatalf("last_used_at %v after a use within the interval, want it kept at %v", got, second)
	}
	if got := listedKey(t, h, c, k2.ID).LastUsedAt; got == nil || !got.Equal(quick) {
		t.Fatalf("last_used_at %v after two quick uses, want the first %v", got, quick)
	}
}
