package conformance

import (
	"net/http"
	"testing"

	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/ginauth"
)

// AuditBackend is a backend that also stores the event log (package
// audit); the auditor scenario runs on such backends only.
type AuditBackend interface {
	Audit() audit.Store
}

// withRolesAndAudit mounts the roles module and the audit module (without
// its background jobs).
func withRolesAndAudit(t *testing.T, b ginauth.Backend, c *ginauth.Config) {
	t.Helper()
	withRoles(t, b, c)
	ab, ok := b.(AuditBackend)
	if !ok {
		t.Skipf("backend %T has no event log storage (Audit() audit.Store)", b)
	}
	st := ab.Audit()
	if err := st.Migrate(t.Context()); err != nil {
		t.Fatalf("Audit().Migrate: %v", err)
	}
	m, err := audit.NewModule(st, audit.ModuleConfig{NoBackground: true})
	if err != nil {
		t.Fatalf("audit.NewModule: %v", err)
	}
	c.Modules = append(c.Modules, m)
}

// orgPath is a path under an organization.
func (h *Harness) orgPath(orgID, rest string) string {
	return h.Path("/organizations/" + orgID + rest)
}

// setRole replaces a custom role's permissions as the owner.
func setRole(t *testing.T, h *Harness, owner *Client, orgID, name string, perms ...string) {
	t.Helper()
	if perms == nil {
		perms = []string{}
	}
	owner.Patch(h.rolesPath(orgID, name), map[string]any{"permissions": perms}).Expect(t, http.StatusOK)
}

// defineRole creates a custom role as the owner.
func defineRole(t *testing.T, h *Harness, owner *Client, orgID, name string, perms ...string) {
	t.Helper()
	if perms == nil {
		perms = []string{}
	}
	owner.Post(h.rolesPath(orgID), map[string]any{"name": name, "permissions": perms}).Expect(t, http.StatusCreated)
}

// rolesAuditor: a "read-only auditor" (audit_log:read) reads the audit log
// and manages nothing; an editor (organization:update) renames; removing
// the permission from the role refuses the same request at once.
func rolesAuditor(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Acme")
	defineRole(t, h, owner, org, "auditor", "audit_log:read")
	defineRole(t, h, owner, org, "editor", "organization:update")
	auditor, _ := h.join(t, owner, org, "auditor")
	editor, _ := h.join(t, owner, org, "editor")
	member, _ := h.join(t, owner, org, "member")
	memberID := member.whoami(t).UserID
	log := h.orgPath(org, "/audit-log")
	auditor.Get(log).Expect(t, http.StatusOK)
	member.Get(log).Expect(t, http.StatusForbidden, "forbidden")
	editor.Get(log).Expect(t, http.StatusForbidden, "forbidden")
	auditor.Delete(h.orgPath(org, "/members/"+memberID)).Expect(t, http.StatusForbidden, "forbidden")
	auditor.Get(h.orgPath(org, "/members")).Expect(t, http.StatusForbidden, "forbidden")
	auditor.Get(h.orgPath(org, "/invites")).Expect(t, http.StatusForbidden, "forbidden")
	auditor.Post(h.orgPath(org, "/invites"), map[string]string{"email": h.Email(), "role": "member"}).Expect(t, http.StatusForbidden, "forbidden")
	auditor.Patch(h.orgPath(org, ""), map[string]string{"name": "Renamed"}).Expect(t, http.StatusForbidden, "forbidden")
	auditor.Delete(h.orgPath(org, "")).Expect(t, http.StatusForbidden, "forbidden")
	editor.Patch(h.orgPath(org, ""), map[string]string{"name": "Renamed"}).Expect(t, http.StatusOK)
	editor.Delete(h.orgPath(org, "")).Expect(t, http.StatusForbidden, "forbidden")
	setRole(t, h, owner, org, "auditor")
	auditor.Get(log).Expect(t, http.StatusForbidden, "forbidden")
	setRole(t, h, owner, org, "editor")
	editor.Patch(h.orgPath(org, ""), map[string]string{"name": "Again"}).Expect(t, http.StatusForbidden, "forbidden")
	owner.Get(log).Expect(t, http.StatusOK)
}

// rolesMembersManage: members:manage removes members and members of custom
// roles holding no more than its own, never an admin or an owner; a scoped
// key of the role manages nothing; removing the permission refuses the
// next removal at once.
func rolesMembersManage(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Acme")
	defineRole(t, h, owner, org, "hr", "members:manage", "project:read")
	defineRole(t, h, owner, org, "viewer", "project:read")
	defineRole(t, h, owner, org, "billing", "billing:manage")
	hr, _ := h.join(t, owner, org, "hr")
	admin, _ := h.join(t, owner, org, "admin")
	ids := map[string]string{"owner": owner.whoami(t).UserID, "admin": admin.whoami(t).UserID}
	for _, name := range []string{"m1", "m2", "viewer", "billing"} {
		role := name
		if name == "m1" || name == "m2" {
			role = "member"
		}
		c, _ := h.join(t, owner, org, role)
		ids[name] = c.whoami(t).UserID
	}
	remove := func(who string) *Response { return hr.Delete(h.orgPath(org, "/members/"+ids[who])) }
	hr.Get(h.orgPath(org, "/members")).Expect(t, http.StatusOK)
	remove("owner").Expect(t, http.StatusForbidden, "forbidden")
	remove("admin").Expect(t, http.StatusForbidden, "forbidden")
	remove("billing").Expect(t, http.StatusForbidden, "forbidden") // holds billing:manage, hr does not
	remove("m1").Expect(t, http.StatusOK)
	remove("viewer").Expect(t, http.StatusOK)
	// The role's keys: unscoped acts as hr, scoped manages nothing.
	var scoped ScopedKeyBody
	hr.Post(h.Path("/api-keys"), map[string]any{"name": "s", "permissions": []string{"project:read"}}).Expect(t, http.StatusCreated).Decode(t, &scoped)
	kc := h.NewClient()
	kc.Bearer(scoped.Key)
	kc.Get(h.orgPath(org, "/members")).Expect(t, http.StatusForbidden, "forbidden")
	kc.Delete(h.orgPath(org, "/members/"+ids["m2"])).Expect(t, http.StatusForbidden, "forbidden")
	plain := hr.createAPIKey(t, "plain")
	pc := h.NewClient()
	pc.Bearer(plain.Key)
	pc.Get(h.orgPath(org, "/members")).Expect(t, http.StatusOK)
	setRole(t, h, owner, org, "hr", "project:read")
	remove("m2").Expect(t, http.StatusForbidden, "forbidden")
	hr.Get(h.orgPath(org, "/members")).Expect(t, http.StatusForbidden, "forbidden")
	pc.Get(h.orgPath(org, "/members")).Expect(t, http.StatusForbidden, "forbidden")
	owner.Delete(h.orgPath(org, "/members/"+ids["m2"])).Expect(t, http.StatusOK)
}

// rolesInvitesManage: invites:manage invites to member and to custom roles
// holding nothing it does not hold (its own included), never above; lists and
// revokes invites; removing the permission refuses the next invite at once.
func rolesInvitesManage(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Acme")
	defineRole(t, h, owner, org, "recruiter", "invites:manage", "project:read")
	defineRole(t, h, owner, org, "viewer", "project:read")
	defineRole(t, h, owner, org, "billing", "billing:manage")
	rec, _ := h.join(t, owner, org, "recruiter")
	invite := func(role string) *Response {
		return rec.Post(h.orgPath(org, "/invites"), map[string]string{"email": h.Email(), "role": role})
	}
	for role, status := range map[string]int{
		"member": http.StatusCreated, "recruiter": http.StatusCreated, "viewer": http.StatusCreated,
		"admin": http.StatusForbidden, "owner": http.StatusForbidden, "billing": http.StatusForbidden,
	} {
		r := invite(role).Expect(t, status)
		if status == http.StatusForbidden && r.Code() != "forbidden" {
			t.Errorf("inviting a %s: code %q, want forbidden", role, r.Code())
		}
	}
	rec.Get(h.orgPath(org, "/invites")).Expect(t, http.StatusOK)
	// Without the member role's project:read, not even member.
	defineRole(t, h, owner, org, "scout", "invites:manage")
	defineRole(t, h, owner, org, "helper")
	scout, _ := h.join(t, owner, org, "scout")
	scout.Post(h.orgPath(org, "/invites"), map[string]string{"email": h.Email(), "role": "member"}).Expect(t, http.StatusForbidden, "forbidden")
	scout.Post(h.orgPath(org, "/invites"), map[string]string{"email": h.Email(), "role": "helper"}).Expect(t, http.StatusCreated)
	var inv InviteBody
	invite("member").Expect(t, http.StatusCreated).Decode(t, &inv)
	rec.Delete(h.orgPath(org, "/invites/"+inv.ID)).Expect(t, http.StatusOK)
	invite("member").Expect(t, http.StatusCreated).Decode(t, &inv)
	setRole(t, h, owner, org, "recruiter", "project:read")
	invite("member").Expect(t, http.StatusForbidden, "forbidden")
	rec.Get(h.orgPath(org, "/invites")).Expect(t, http.StatusForbidden, "forbidden")
	rec.Delete(h.orgPath(org, "/invites/"+inv.ID)).Expect(t, http.StatusForbidden, "forbidden")
}

// rolesAPIKeysManage: api_keys:manage deletes other members' keys (the
// owner's included); removing the permission refuses the next deletion at
// once.
func rolesAPIKeysManage(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Acme")
	owner.switchOrganization(t, org)
	defineRole(t, h, owner, org, "keykeeper", "api_keys:manage")
	kk, _ := h.join(t, owner, org, "keykeeper")
	member, _ := h.join(t, owner, org, "member")
	mk1, mk2 := member.createAPIKey(t, "m1"), member.createAPIKey(t, "m2")
	ownerKey := owner.createAPIKey(t, "o")
	member.Delete(h.Path("/api-keys/"+ownerKey.ID)).Expect(t, http.StatusForbidden, "forbidden")
	kk.Delete(h.Path("/api-keys/"+mk1.ID)).Expect(t, http.StatusOK)
	kk.Delete(h.Path("/api-keys/"+ownerKey.ID)).Expect(t, http.StatusOK)
	setRole(t, h, owner, org, "keykeeper")
	kk.Delete(h.Path("/api-keys/"+mk2.ID)).Expect(t, http.StatusForbidden, "forbidden")
	own := kk.createAPIKey(t, "mine")
	kk.Delete(h.Path("/api-keys/"+own.ID)).Expect(t, http.StatusOK)
}
