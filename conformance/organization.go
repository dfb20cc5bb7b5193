package conformance

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// organizationScenarios lists the scenarios of this domain: organizations,
// members, switching and the role gates of the routes that name an
// organization.
func organizationScenarios() []scenario {
	return []scenario{
		{name: "CreateListGet", run: orgCreateListGet},
		{name: "CreateNameValidation", run: orgCreateNameValidation},
		{name: "NonMemberGets404", run: orgNonMember404},
		{name: "RoleGates", run: orgRoleGates},
		{name: "PathRoleFromStoreNotToken", run: orgPathRoleFromStore},
		{name: "PersonalWorkspaceRestrictions", run: orgPersonalRestrictions},
		{name: "LastOwnerProtected", run: orgLastOwner},
		{name: "AdminLimits", run: orgAdminLimits},
		{name: "OwnerManagesOwners", run: orgOwnerManagesOwners},
		{name: "Rename", run: orgRename},
		{name: "MembersList", run: orgMembersList},
		{name: "SelfRemoval", run: orgSelfRemoval},
		{name: "SwitchPersists", run: orgSwitchPersists},
		{name: "SwitchRefusals", run: orgSwitchRefusals},
		{name: "DeleteFallsBackToPersonal", run: orgDeleteFallsBack},
		{name: "RemovalFallsBackToPersonal", run: orgRemovalFallsBack},
		{name: "RevokedSessionGetsNoFreshCookie", run: orgRevokedSessionNoFreshCookie},
	}
}

// orgPath is {base}/organizations/{id}{rest}.
func orgPath(h *Harness, id, rest string) string {
	return h.Path("/organizations/" + id + rest)
}

// personalOf returns the id of the client's personal workspace.
func personalOf(t *testing.T, c *Client) string {
	t.Helper()
	for _, m := range memberships(t, c) {
		if m.Organization.Kind == "personal" {
			return m.Organization.ID
		}
	}
	t.Fatal("no personal workspace among the memberships")
	return ""
}

// roster is GET {org}/members asserting 200.
func roster(t *testing.T, h *Harness, c *Client, orgID string) []MemberBody {
	t.Helper()
	var out []MemberBody
	c.Get(orgPath(h, orgID, "/members")).Expect(t, http.StatusOK).Decode(t, &out)
	return out
}

// roleIn returns the user's role in the roster ("" if absent).
func roleIn(ms []MemberBody, userID string) string {
	for _, m := range ms {
		if m.UserID == userID {
			return m.Role
		}
	}
	return ""
}

// expectFreshAccessCookie asserts that r set a new (non-deleting) access cookie.
func expectFreshAccessCookie(t *testing.T, h *Harness, r *Response) {
	t.Helper()
	ck := r.SetCookie(h.accessName())
	if ck == nil || ck.Value == "" || cookieCleared(ck) {
		t.Fatalf("%s %s: no fresh access cookie (Set-Cookie %v)", r.Method, r.Path, ck)
	}
}

// orgTeam is a shared organization with an owner, an admin and a member,
// the last two active in it (they joined by invite).
type orgTeam struct {
	org                   string
	owner, admin, member  *Client
	ownerID, adminID, mID string
}

func newTeam(t *testing.T, h *Harness) orgTeam {
	t.Helper()
	owner, o := h.SignUp(t)
	org := owner.createOrganization(t, "Team")
	admin, a := h.join(t, owner, org, "admin")
	member, m := h.join(t, owner, org, "member")
	return orgTeam{org: org, owner: owner, admin: admin, member: member, ownerID: o.User.ID, adminID: a.User.ID, mID: m.User.ID}
}

func orgCreateListGet(t *testing.T, h *Harness) {
	c, me := h.SignUp(t)
	before := h.Clock.Now()
	var created MemberBody
	r := c.Post(h.Path("/organizations"), map[string]string{"name": "  Acme Inc  "}).Expect(t, http.StatusCreated)
	r.Decode(t, &created)
	o := created.Organization
	expectUUIDv7(t, "organization id", o.ID)
	if o.Kind != "shared" || o.Name != "Acme Inc" || created.Role != "owner" || created.UserID != me.User.ID || created.Email != me.User.Email {
		t.Fatalf("created organization %+v", created)
	}
	if !o.CreatedAt.Equal(before) || !o.UpdatedAt.Equal(before) || !created.CreatedAt.Equal(before) || o.CreatedAt.Location() != time.UTC {
		t.Fatalf("timestamps %v/%v/%v, want %v UTC", o.CreatedAt, o.UpdatedAt, created.CreatedAt, before)
	}
	// Creating does not switch: the caller is still in their personal workspace.
	if w := c.whoami(t); w.OrganizationID != me.Organization.ID {
		t.Fatalf("whoami after create: %+v, want personal %s", w, me.Organization.ID)
	}
	ms := memberships(t, c)
	if len(ms) != 2 || ms[0].Organization.Kind != "personal" || ms[0].Organization.ID != me.Organization.ID || ms[1].Organization.ID != o.ID {
		t.Fatalf("memberships %+v: want personal first, then %s", ms, o.ID)
	}
	if ms[1].Role != "owner" || ms[1].Email != me.User.Email || ms[1].UserID != me.User.ID || ms[0].Role != "owner" {
		t.Fatalf("memberships %+v", ms)
	}
	var got MemberBody
	c.Get(orgPath(h, o.ID, "")).Expect(t, http.StatusOK).Decode(t, &got)
	if got.Organization.ID != o.ID || got.Organization.Name != "Acme Inc" || got.Role != "owner" || got.UserID != me.User.ID {
		t.Fatalf("GET organization %+v", got)
	}
	c.Get(orgPath(h, me.Organization.ID, "")).Expect(t, http.StatusOK).Decode(t, &got)
	if got.Organization.Kind != "personal" || got.Role != "owner" {
		t.Fatalf("GET personal workspace %+v", got)
	}
	// Anonymous callers get 401.
	expectError(t, h.NewClient().Get(h.Path("/organizations")), http.StatusUnauthorized, "invalid_token")
	expectError(t, h.NewClient().Post(h.Path("/organizations"), map[string]string{"name": "x"}), http.StatusUnauthorized, "invalid_token")
}

func orgCreateNameValidation(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	for _, body := range []any{
		map[string]string{"name": ""},
		map[string]string{"name": "   "},
		map[string]string{"name": strings.Repeat("a", 101)},
		map[string]string{"name": "tab\tinside"},
		map[string]any{"name": 42},
		map[string]string{"name": "ok", "extra": "field"},
		map[string]string{},
		"not json",
	} {
		expectError(t, c.Post(h.Path("/organizations"), body), http.StatusBadRequest, "invalid_request")
	}
	// 100 characters (not bytes) is the limit.
	var m MemberBody
	c.Post(h.Path("/organizations"), map[string]string{"name": strings.Repeat("é", 100)}).Expect(t, http.StatusCreated).Decode(t, &m)
	if m.Organization.Name != strings.Repeat("é", 100) {
		t.Fatalf("name %q", m.Organization.Name)
	}
	if n := len(memberships(t, c)); n != 2 {
		t.Fatalf("%d memberships after one valid create, want 2", n)
	}
}

func orgNonMember404(t *testing.T, h *Harness) {
	owner, o := h.SignUp(t)
	org := owner.createOrganization(t, "Secret")
	stranger, _ := h.SignUp(t)
	for _, id := range []string{org, o.Organization.ID, "00000000-0000-7000-8000-000000000000", "not-a-uuid"} {
		for _, r := range []*Response{
			stranger.Get(orgPath(h, id, "")),
			stranger.Patch(orgPath(h, id, ""), map[string]string{"name": "Mine"}),
			stranger.Delete(orgPath(h, id, "")),
			stranger.Get(orgPath(h, id, "/members")),
			stranger.Patch(orgPath(h, id, "/members/"+o.User.ID), map[string]string{"role": "member"}),
			stranger.Delete(orgPath(h, id, "/members/"+o.User.ID)),
			stranger.Get(orgPath(h, id, "/invites")),
			stranger.Post(orgPath(h, id, "/invites"), map[string]string{"email": h.Email(), "role": "member"}),
			stranger.Delete(orgPath(h, id, "/invites/00000000-0000-7000-8000-000000000000")),
			stranger.Post(h.Path("/organizations/current"), map[string]string{"organization_id": id}),
		} {
			expectError(t, r, http.StatusNotFound, "organization_not_found")
		}
	}
	// Nothing changed.
	var got MemberBody
	owner.Get(orgPath(h, org, "")).Expect(t, http.StatusOK).Decode(t, &got)
	if got.Organization.Name != "Secret" || len(roster(t, h, owner, org)) != 1 {
		t.Fatalf("organization changed by a stranger: %+v", got)
	}
}

func orgRoleGates(t *testing.T, h *Harness) {
	tm := newTeam(t, h)
	type call func(c *Client) *Response
	type gate struct {
		name                 string
		call                 call
		member, admin, owner int
	}
	invite := func(role string) call {
		return func(c *Client) *Response {
			return c.Post(orgPath(h, tm.org, "/invites"), map[string]string{"email": h.Email(), "role": role})
		}
	}
	gates := []gate{
		{"get", func(c *Client) *Response { return c.Get(orgPath(h, tm.org, "")) }, 200, 200, 200},
		{"rename", func(c *Client) *Response { return c.Patch(orgPath(h, tm.org, ""), map[string]string{"name": "Team"}) }, 403, 200, 200},
		{"members", func(c *Client) *Response { return c.Get(orgPath(h, tm.org, "/members")) }, 403, 200, 200},
		{"invites", func(c *Client) *Response { return c.Get(orgPath(h, tm.org, "/invites")) }, 403, 200, 200},
		{"invite member", invite("member"), 403, 201, 201},
		{"invite admin", invite("admin"), 403, 201, 201},
		{"invite owner", invite("owner"), 403, 403, 201},
		{"change role", func(c *Client) *Response {
			return c.Patch(orgPath(h, tm.org, "/members/"+tm.mID), map[string]string{"role": "member"})
		}, 403, 403, 200},
		{"remove other", func(c *Client) *Response { return c.Delete(orgPath(h, tm.org, "/members/"+tm.ownerID)) }, 403, 403, 403 /* last owner */},
		{"delete", func(c *Client) *Response { return c.Delete(orgPath(h, tm.org, "")) }, 403, 403, 200},
	}
	for _, g := range gates {
		for _, who := range []struct {
			name string
			c    *Client
			want int
		}{{"member", tm.member, g.member}, {"admin", tm.admin, g.admin}, {"owner", tm.owner, g.owner}} {
			r := g.call(who.c)
			if r.Err != nil || r.Status != who.want {
				t.Fatalf("%s as %s: status %d, want %d; body %s", g.name, who.name, r.Status, who.want, r.Body)
			}
			if r.Status == http.StatusForbidden && r.Code() != "forbidden" && r.Code() != "last_owner" {
				t.Fatalf("%s as %s: code %q", g.name, who.name, r.Code())
			}
		}
	}
	// The owner's delete went through: everyone now gets 404.
	for _, c := range []*Client{tm.owner, tm.admin, tm.member} {
		expectError(t, c.Get(orgPath(h, tm.org, "")), http.StatusNotFound, "organization_not_found")
	}
}

func orgPathRoleFromStore(t *testing.T, h *Harness) {
	tm := newTeam(t, h)
	// Promote the member: their token still says "member", but the path
	// routes read the store.
	tm.owner.Patch(orgPath(h, tm.org, "/members/"+tm.mID), map[string]string{"role": "admin"}).Expect(t, http.StatusOK)
	if got := tm.member.claim(t, "org_role"); got != "member" {
		t.Fatalf("member's token role %q, want the stale member", got)
	}
	tm.member.Get(orgPath(h, tm.org, "/members")).Expect(t, http.StatusOK)
	// Demote the admin: their token still says "admin", the path routes refuse.
	tm.owner.Patch(orgPath(h, tm.org, "/members/"+tm.adminID), map[string]string{"role": "member"}).Expect(t, http.StatusOK)
	if got := tm.admin.claim(t, "org_role"); got != "admin" {
		t.Fatalf("admin's token role %q, want the stale admin", got)
	}
	expectError(t, tm.admin.Get(orgPath(h, tm.org, "/members")), http.StatusForbidden, "forbidden")
	expectError(t, tm.admin.Patch(orgPath(h, tm.org, ""), map[string]string{"name": "Hijack"}), http.StatusForbidden, "forbidden")
	// Remove the (ex-)admin: their token still names the organization, the
	// path routes answer 404.
	tm.owner.Delete(orgPath(h, tm.org, "/members/"+tm.adminID)).Expect(t, http.StatusOK)
	if got := tm.admin.claim(t, "org"); got != tm.org {
		t.Fatalf("removed member's token org %q, want the stale %s", got, tm.org)
	}
	expectError(t, tm.admin.Get(orgPath(h, tm.org, "")), http.StatusNotFound, "organization_not_found")
}

func orgPersonalRestrictions(t *testing.T, h *Harness) {
	c, me := h.SignUp(t)
	personal := me.Organization.ID
	if me.Organization.Kind != "personal" || me.Organization.Role != "owner" {
		t.Fatalf("sign-up organization %+v", me.Organization)
	}
	for _, r := range []*Response{
		c.Delete(orgPath(h, personal, "")),
		c.Post(orgPath(h, personal, "/invites"), map[string]string{"email": h.Email(), "role": "member"}),
		c.Patch(orgPath(h, personal, "/members/"+me.User.ID), map[string]string{"role": "admin"}),
		c.Delete(orgPath(h, personal, "/members/"+me.User.ID)),
	} {
		expectError(t, r, http.StatusForbidden, "forbidden")
	}
	var got MemberBody
	c.Get(orgPath(h, personal, "")).Expect(t, http.StatusOK).Decode(t, &got)
	if got.Organization.Kind != "personal" || got.Role != "owner" {
		t.Fatalf("personal workspace after refusals %+v", got)
	}
	if ms := roster(t, h, c, personal); len(ms) != 1 || ms[0].UserID != me.User.ID || ms[0].Role != "owner" {
		t.Fatalf("personal roster %+v", ms)
	}
}

func orgLastOwner(t *testing.T, h *Harness) {
	tm := newTeam(t, h)
	expectError(t, tm.owner.Patch(orgPath(h, tm.org, "/members/"+tm.ownerID), map[string]string{"role": "admin"}), http.StatusForbidden, "last_owner")
	expectError(t, tm.owner.Delete(orgPath(h, tm.org, "/members/"+tm.ownerID)), http.StatusForbidden, "last_owner")
	if got := roleIn(roster(t, h, tm.owner, tm.org), tm.ownerID); got != "owner" {
		t.Fatalf("owner's role after refusals %q", got)
	}
	// With a second owner the first may step down, and then the second is
	// the last one.
	tm.owner.Patch(orgPath(h, tm.org, "/members/"+tm.adminID), map[string]string{"role": "owner"}).Expect(t, http.StatusOK)
	var m MemberBody
	tm.owner.Patch(orgPath(h, tm.org, "/members/"+tm.ownerID), map[string]string{"role": "admin"}).Expect(t, http.StatusOK).Decode(t, &m)
	if m.Role != "admin" || m.UserID != tm.ownerID || m.Organization.ID != tm.org {
		t.Fatalf("self-demotion body %+v", m)
	}
	expectError(t, tm.admin.Delete(orgPath(h, tm.org, "/members/"+tm.adminID)), http.StatusForbidden, "last_owner")
	expectError(t, tm.admin.Patch(orgPath(h, tm.org, "/members/"+tm.adminID), map[string]string{"role": "member"}), http.StatusForbidden, "last_owner")
	// Concurrent demotions of two owners leave one owner.
	tm.admin.Patch(orgPath(h, tm.org, "/members/"+tm.mID), map[string]string{"role": "admin"}).Expect(t, http.StatusOK)
	tm.admin.Patch(orgPath(h, tm.org, "/members/"+tm.ownerID), map[string]string{"role": "owner"}).Expect(t, http.StatusOK)
	statuses := make([]int, 2)
	ids := []string{tm.ownerID, tm.adminID}
	concurrently(2, func(i int) {
		statuses[i] = tm.owner.Patch(orgPath(h, tm.org, "/members/"+ids[i]), map[string]string{"role": "member"}).Status
	})
	owners := 0
	for _, m := range roster(t, h, tm.member, tm.org) {
		if m.Role == "owner" {
			owners++
		}
	}
	ok := (statuses[0] == http.StatusOK && statuses[1] == http.StatusForbidden) || (statuses[0] == http.StatusForbidden && statuses[1] == http.StatusOK)
	if owners != 1 || !ok {
		t.Fatalf("concurrent demotions: statuses %v, %d owners left; want one 200, one 403, one owner", statuses, owners)
	}
}

func orgAdminLimits(t *testing.T, h *Harness) {
	tm := newTeam(t, h)
	other, _ := h.join(t, tm.owner, tm.org, "admin")
	otherID := other.claim(t, "sub")
	expectError(t, tm.admin.Patch(orgPath(h, tm.org, "/members/"+tm.mID), map[string]string{"role": "admin"}), http.StatusForbidden, "forbidden")
	expectError(t, tm.admin.Patch(orgPath(h, tm.org, "/members/"+tm.adminID), map[string]string{"role": "owner"}), http.StatusForbidden, "forbidden")
	expectError(t, tm.admin.Delete(orgPath(h, tm.org, "/members/"+tm.ownerID)), http.StatusForbidden, "forbidden")
	expectError(t, tm.admin.Post(orgPath(h, tm.org, "/invites"), map[string]string{"email": h.Email(), "role": "owner"}), http.StatusForbidden, "forbidden")
	// A member cannot remove anyone but themself.
	expectError(t, tm.member.Delete(orgPath(h, tm.org, "/members/"+otherID)), http.StatusForbidden, "forbidden")
	// Admins remove members and other admins.
	var gone MemberBody
	tm.admin.Delete(orgPath(h, tm.org, "/members/"+tm.mID)).Expect(t, http.StatusOK).Decode(t, &gone)
	if gone.UserID != tm.mID || gone.Role != "member" || gone.Organization.ID != tm.org || gone.Email == "" {
		t.Fatalf("removed membership body %+v", gone)
	}
	tm.admin.Delete(orgPath(h, tm.org, "/members/"+otherID)).Expect(t, http.StatusOK)
	expectError(t, tm.admin.Delete(orgPath(h, tm.org, "/members/"+tm.mID)), http.StatusNotFound, "member_not_found")
	expectError(t, tm.member.Get(orgPath(h, tm.org, "")), http.StatusNotFound, "organization_not_found")
	ms := roster(t, h, tm.owner, tm.org)
	if len(ms) != 2 || roleIn(ms, tm.ownerID) != "owner" || roleIn(ms, tm.adminID) != "admin" {
		t.Fatalf("roster after removals %+v", ms)
	}
	// Bad input to the owner's role change.
	expectError(t, tm.owner.Patch(orgPath(h, tm.org, "/members/"+tm.adminID), map[string]string{"role": "superuser"}), http.StatusBadRequest, "invalid_request")
	expectError(t, tm.owner.Patch(orgPath(h, tm.org, "/members/"+tm.mID), map[string]string{"role": "admin"}), http.StatusNotFound, "member_not_found")
}

func orgOwnerManagesOwners(t *testing.T, h *Harness) {
	tm := newTeam(t, h)
	second, _ := h.join(t, tm.owner, tm.org, "owner")
	secondID := second.claim(t, "sub")
	expectError(t, tm.admin.Delete(orgPath(h, tm.org, "/members/"+secondID)), http.StatusForbidden, "forbidden")
	var m MemberBody
	tm.owner.Patch(orgPath(h, tm.org, "/members/"+tm.mID), map[string]string{"role": "admin"}).Expect(t, http.StatusOK).Decode(t, &m)
	if m.Role != "admin" || m.UserID != tm.mID || m.Email == "" {
		t.Fatalf("role change body %+v", m)
	}
	tm.owner.Delete(orgPath(h, tm.org, "/members/"+secondID)).Expect(t, http.StatusOK)
	ms := roster(t, h, tm.owner, tm.org)
	if roleIn(ms, secondID) != "" || roleIn(ms, tm.mID) != "admin" {
		t.Fatalf("roster %+v", ms)
	}
}

func orgRename(t *testing.T, h *Harness) {
	tm := newTeam(t, h)
	h.Clock.Advance(time.Minute)
	var m MemberBody
	tm.admin.Patch(orgPath(h, tm.org, ""), map[string]string{"name": "  Renamed  "}).Expect(t, http.StatusOK).Decode(t, &m)
	if m.Organization.Name != "Renamed" || !m.Organization.UpdatedAt.Equal(h.Clock.Now()) || m.Organization.CreatedAt.Equal(m.Organization.UpdatedAt) || m.Role != "admin" {
		t.Fatalf("rename body %+v", m)
	}
	tm.member.Get(orgPath(h, tm.org, "")).Expect(t, http.StatusOK).Decode(t, &m)
	if m.Organization.Name != "Renamed" {
		t.Fatalf("name after rename %q", m.Organization.Name)
	}
	expectError(t, tm.owner.Patch(orgPath(h, tm.org, ""), map[string]string{"name": " "}), http.StatusBadRequest, "invalid_request")
	expectError(t, tm.owner.Patch(orgPath(h, tm.org, ""), map[string]string{"name": strings.Repeat("x", 101)}), http.StatusBadRequest, "invalid_request")
}

func orgMembersList(t *testing.T, h *Harness) {
	tm := newTeam(t, h)
	ms := roster(t, h, tm.admin, tm.org)
	if len(ms) != 3 {
		t.Fatalf("roster %+v", ms)
	}
	want := map[string]string{tm.ownerID: "owner", tm.adminID: "admin", tm.mID: "member"}
	for _, m := range ms {
		if want[m.UserID] != m.Role || m.Organization.ID != tm.org || m.Organization.Kind != "shared" || !strings.Contains(m.Email, "@") {
			t.Fatalf("roster entry %+v", m)
		}
	}
	if ms[0].UserID != tm.ownerID {
		t.Fatalf("roster must be oldest first, got %+v", ms)
	}
}

func orgSelfRemoval(t *testing.T, h *Harness) {
	tm := newTeam(t, h)
	personal := personalOf(t, tm.member)
	if w := tm.member.whoami(t); w.OrganizationID != tm.org {
		t.Fatalf("member active in %s, want %s", w.OrganizationID, tm.org)
	}
	r := tm.member.Delete(orgPath(h, tm.org, "/members/"+tm.mID)).Expect(t, http.StatusOK)
	expectFreshAccessCookie(t, h, r)
	if w := tm.member.whoami(t); w.OrganizationID != personal || w.OrganizationRole != "owner" {
		t.Fatalf("whoami after leaving %+v, want personal %s", w, personal)
	}
	var out AuthResponse
	tm.member.Refresh().Expect(t, http.StatusOK).Decode(t, &out)
	if out.Organization.ID != personal {
		t.Fatalf("refresh after leaving: %+v", out.Organization)
	}
	expectError(t, tm.member.Get(orgPath(h, tm.org, "")), http.StatusNotFound, "organization_not_found")
	// An admin leaves while active elsewhere: no cookie is needed.
	tm.admin.switchOrganization(t, personalOf(t, tm.admin))
	tm.admin.Delete(orgPath(h, tm.org, "/members/"+tm.adminID)).Expect(t, http.StatusOK)
	if got := roster(t, h, tm.owner, tm.org); len(got) != 1 {
		t.Fatalf("roster after two departures %+v", got)
	}
}

func orgSwitchPersists(t *testing.T, h *Harness) {
	c, me := h.SignUp(t)
	org := c.createOrganization(t, "Switch Co")
	r := c.Post(h.Path("/organizations/current"), map[string]string{"organization_id": org}).Expect(t, http.StatusOK)
	expectFreshAccessCookie(t, h, r)
	var out AuthResponse
	r.Decode(t, &out)
	if out.Organization.ID != org || out.Organization.Kind != "shared" || out.Organization.Name != "Switch Co" || out.Organization.Role != "owner" || out.User.ID != me.User.ID || out.AuthRole != "authenticated" {
		t.Fatalf("switch response %+v", out)
	}
	if w := c.whoami(t); w.OrganizationID != org || w.OrganizationRole != "owner" {
		t.Fatalf("whoami after switch %+v", w)
	}
	c.Refresh().Expect(t, http.StatusOK).Decode(t, &out)
	if out.Organization.ID != org {
		t.Fatalf("refresh after switch: %+v", out.Organization)
	}
	_, in := h.SignInNew(t, me.User.Email)
	if in.Organization.ID != org {
		t.Fatalf("sign-in after switch: %+v", in.Organization)
	}
	c.Get(h.Path("/me")).Expect(t, http.StatusOK).Decode(t, &out)
	if out.Organization.ID != org {
		t.Fatalf("me after switch: %+v", out.Organization)
	}
	// Back to the personal workspace, also persisted.
	c.switchOrganization(t, me.Organization.ID)
	_, in = h.SignInNew(t, me.User.Email)
	if in.Organization.ID != me.Organization.ID || in.Organization.Kind != "personal" {
		t.Fatalf("sign-in after switching back: %+v", in.Organization)
	}
}

func orgSwitchRefusals(t *testing.T, h *Harness) {
	c, me := h.SignUp(t)
	org := c.createOrganization(t, "Keyed")
	for _, body := range []any{map[string]string{}, map[string]int{"organization_id": 1}, "[]"} {
		expectError(t, c.Post(h.Path("/organizations/current"), body), http.StatusBadRequest, "invalid_request")
	}
	// API keys cannot switch (it is a browser-session route).
	key := c.createAPIKey(t, "ci")
	bot := h.NewClient()
	bot.Bearer(key.Key)
	expectError(t, bot.Post(h.Path("/organizations/current"), map[string]string{"organization_id": org}), http.StatusForbidden, "forbidden")
	expectError(t, h.NewClient().Post(h.Path("/organizations/current"), map[string]string{"organization_id": org}), http.StatusUnauthorized, "invalid_token")
	if _, in := h.SignInNew(t, me.User.Email); in.Organization.ID != me.Organization.ID {
		t.Fatalf("refused switches changed the active organization: %+v", in.Organization)
	}
}

func orgDeleteFallsBack(t *testing.T, h *Harness) {
	tm := newTeam(t, h)
	ownerPersonal := personalOf(t, tm.owner)
	memberPersonal := personalOf(t, tm.member)
	tm.owner.switchOrganization(t, tm.org)
	var gone MemberBody
	r := tm.owner.Delete(orgPath(h, tm.org, "")).Expect(t, http.StatusOK)
	r.Decode(t, &gone)
	if gone.Organization.ID != tm.org || gone.Organization.Name != "Team" || gone.Role != "owner" || gone.UserID != tm.ownerID {
		t.Fatalf("delete body %+v", gone)
	}
	expectFreshAccessCookie(t, h, r)
	if w := tm.owner.whoami(t); w.OrganizationID != ownerPersonal || w.OrganizationRole != "owner" {
		t.Fatalf("owner after delete %+v, want personal %s", w, ownerPersonal)
	}
	// The member, active in the deleted organization, falls back at the
	// next refresh and sign-in.
	var out AuthResponse
	tm.member.Refresh().Expect(t, http.StatusOK).Decode(t, &out)
	if out.Organization.ID != memberPersonal || out.Organization.Role != "owner" {
		t.Fatalf("member refresh after delete: %+v, want personal %s", out.Organization, memberPersonal)
	}
	if _, in := h.SignInNew(t, tm.admin.claim(t, "email")); in.Organization.Kind != "personal" {
		t.Fatalf("admin sign-in after delete: %+v", in.Organization)
	}
	for _, c := range []*Client{tm.owner, tm.admin, tm.member} {
		expectError(t, c.Get(orgPath(h, tm.org, "")), http.StatusNotFound, "organization_not_found")
		for _, m := range memberships(t, c) {
			if m.Organization.ID == tm.org {
				t.Fatalf("deleted organization still listed: %+v", m)
			}
		}
	}
	// Deleting a shared organization that is not the caller's active one
	// sets no cookie.
	other := tm.owner.createOrganization(t, "Other")
	r = tm.owner.Delete(orgPath(h, other, "")).Expect(t, http.StatusOK)
	if ck := r.SetCookie(h.accessName()); ck != nil {
		t.Fatalf("delete of an inactive organization set %v", ck)
	}
}

func orgRemovalFallsBack(t *testing.T, h *Harness) {
	tm := newTeam(t, h)
	memberPersonal := personalOf(t, tm.member)
	email := tm.member.claim(t, "email")
	tm.owner.Delete(orgPath(h, tm.org, "/members/"+tm.mID)).Expect(t, http.StatusOK)
	var out AuthResponse
	tm.member.Refresh().Expect(t, http.StatusOK).Decode(t, &out)
	if out.Organization.ID != memberPersonal {
		t.Fatalf("refresh after removal: %+v, want personal %s", out.Organization, memberPersonal)
	}
	if _, in := h.SignInNew(t, email); in.Organization.ID != memberPersonal {
		t.Fatalf("sign-in after removal: %+v", in.Organization)
	}
	// Rejoining does not resurrect the old active organization by itself:
	// accepting makes it active again explicitly.
	var inv InviteBody
	tm.owner.Post(orgPath(h, tm.org, "/invites"), map[string]string{"email": email, "role": "member"}).Expect(t, http.StatusCreated).Decode(t, &inv)
	tm.member.Post(h.Path("/organizations/invites/accept"), map[string]string{"token": inv.Token}).Expect(t, http.StatusOK).Decode(t, &out)
	if out.Organization.ID != tm.org || out.Organization.Role != "member" {
		t.Fatalf("re-accept: %+v", out.Organization)
	}
}

// orgRevokedSessionNoFreshCookie: an access token outlives the revocation
// of its session until it expires, but deleting or leaving the active
// organization with it never mints a new one: the operation succeeds and
// the cookies are cleared instead.
func orgRevokedSessionNoFreshCookie(t *testing.T, h *Harness) {
	tm := newTeam(t, h)
	revoke := func(c *Client) {
		t.Helper()
		other, _ := h.SignInNew(t, c.claim(t, "email"))
		other.Delete(h.Path("/sessions/"+c.claim(t, "sid"))).Expect(t, http.StatusOK)
		h.expectRefreshFails(t, c.RefreshToken())
	}
	tm.owner.switchOrganization(t, tm.org)
	for _, tc := range []struct {
		name string
		c    *Client
		do   func(c *Client) *Response
	}{
		{"leave", tm.member, func(c *Client) *Response { return c.Delete(orgPath(h, tm.org, "/members/"+tm.mID)) }},
		{"delete", tm.owner, func(c *Client) *Response { return c.Delete(orgPath(h, tm.org, "")) }},
	} {
		revoke(tc.c)
		r := tc.do(tc.c).Expect(t, http.StatusOK)
		if ck := r.SetCookie(h.accessName()); ck == nil || !cookieCleared(ck) {
			t.Fatalf("%s with a revoked session: access Set-Cookie %v, want it cleared (never a fresh token)", tc.name, ck)
		}
		if ck := r.SetCookie(h.refreshName()); !cookieCleared(ck) {
			t.Fatalf("%s with a revoked session: refresh Set-Cookie %v, want it cleared", tc.name, ck)
		}
		if tok := tc.c.AccessToken(); tok != "" {
			t.Fatalf("%s: the client still holds an access token", tc.name)
		}
	}
}
