package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// signedIn answers a page for the signed-out with a redirect to the
// sign-in page (coming back here after); false then.
func (m *Module) signedIn(c *gin.Context, k *caller, v *view) bool {
	if m.whoAmI(c, k, v) == nil {
		seeOther(c, m.base+"/ui/sign-in?next="+url.QueryEscape(c.Request.URL.Path), "error.sign_in_needed")
		return false
	}
	return true
}

func (m *Module) organizationsView(c *gin.Context, k *caller, v *view) bool {
	me := m.whoAmI(c, k, v)
	if me == nil {
		seeOther(c, m.base+"/ui/sign-in?next="+url.QueryEscape(m.base+"/ui/organizations"), "error.sign_in_needed")
		return false
	}
	v.Page, v.Title = "organizations", "orgs.title"
	v.Data = map[string]any{"me": me}
	v.Data["organizations"], _ = load(k, "/organizations")
	return true
}

func (m *Module) organizationsPage(c *gin.Context) {
	v := view{Notice: m.notice(c)}
	if k := m.caller(c); m.organizationsView(c, k, &v) {
		m.render(c, http.StatusOK, v)
	}
}

func (m *Module) createOrganizationPost(c *gin.Context) {
	if !readForm(c) {
		m.render(c, http.StatusBadRequest, view{Page: "error", Title: "error.generic", Error: m.message("error.generic")})
		return
	}
	k := m.caller(c)
	r, err := k.call(http.MethodPost, "/organizations", map[string]string{"name": c.PostForm("name")})
	if err == nil && r.OK() {
		body, _ := r.Data().(map[string]any)
		org, _ := body["organization"].(map[string]any)
		id, _ := org["id"].(string)
		seeOther(c, m.base+"/ui/organizations/"+url.PathEscape(id), "done")
		return
	}
	v := view{}
	if !m.organizationsView(c, k, &v) {
		return
	}
	v.Form = map[string]string{"name": c.PostForm("name")}
	v.Action = "create"
	m.failed(c, v, r, err, "name")
}

// organizationView loads one organization's page; false when it answered
// otherwise (signed out, or not a member: the page of the API's 404).
func (m *Module) organizationView(c *gin.Context, k *caller, v *view) bool {
	if !m.signedIn(c, k, v) {
		return false
	}
	id := c.Param("organization_id")
	esc := "/organizations/" + url.PathEscape(id)
	r, err := k.call(http.MethodGet, esc, nil)
	if err != nil || !r.OK() {
		v.Page, v.Title = "error", "error.not_found"
		m.failed(c, *v, r, err, "")
		return false
	}
	v.Page, v.Title = "organization", "org.title"
	if v.Data == nil {
		v.Data = map[string]any{}
	}
	v.Feature = map[string]bool{}
	v.Data["id"] = id
	v.Data["membership"] = r.Data()
	v.Data["members"], _ = load(k, esc+"/members")
	v.Data["invites"], _ = load(k, esc+"/invites")
	var mounted bool
	v.Data["roles"], mounted = load(k, esc+"/roles")
	v.Feature["roles"] = mounted
	v.Data["permissions"], _ = load(k, "/permissions")
	audit, mounted := load(k, esc+"/audit-log?limit=50")
	v.Feature["audit"] = mounted
	if a, ok := audit.(map[string]any); ok {
		v.Data["audit"] = a["items"]
	}
	if me := k.me; me != nil {
		if org, ok := me["organization"].(map[string]any); ok {
			v.Data["active"] = org["id"]
		}
	}
	return true
}

func (m *Module) organizationPage(c *gin.Context) {
	v := view{Notice: m.notice(c)}
	if k := m.caller(c); m.organizationView(c, k, &v) {
		m.render(c, http.StatusOK, v)
	}
}

// orgAction is one plain form post of the organization page.
type orgAction struct {
	method, path string // path below /organizations/{id}
	body         func(c *gin.Context) any
	field        string
	notice       string
	leave        bool // success may end the membership: go to the list
}

var orgActions = map[string]orgAction{
	"switch":        {method: http.MethodPost, path: "/../current", body: switchBody, notice: "org.switched"},
	"rename":        {method: http.MethodPatch, path: "", body: field("name"), field: "name", notice: "done"},
	"delete":        {method: http.MethodDelete, path: "", leave: true, notice: "done"},
	"invite":        {method: http.MethodPost, path: "/invites", body: field("email", "role"), field: "email", notice: "org.invited"},
	"invite-revoke": {method: http.MethodDelete, path: "/invites/{id}", notice: "done"},
	"member-role":   {method: http.MethodPatch, path: "/members/{id}", body: field("role"), notice: "done"},
	"member-remove": {method: http.MethodDelete, path: "/members/{id}", leave: true, notice: "done"},
	"role-create":   {method: http.MethodPost, path: "/roles", body: roleBody, field: "role_name", notice: "done"},
	"role-delete":   {method: http.MethodDelete, path: "/roles/{id}", notice: "done"},
}

func switchBody(c *gin.Context) any {
	return map[string]string{"organization_id": c.Param("organization_id")}
}

// roleBody is POST /roles's body: the name and the ticked permissions.
func roleBody(c *gin.Context) any {
	perms := c.PostFormArray("permissions")
	if perms == nil {
		perms = []string{}
	}
	return map[string]any{"name": c.PostForm("name"), "permissions": perms}
}

func (m *Module) organizationPost(c *gin.Context) {
	a, ok := orgActions[c.Param("action")]
	if !ok || !readForm(c) {
		m.render(c, http.StatusNotFound, view{Page: "error", Title: "error.not_found", Error: m.message("error.not_found")})
		return
	}
	id := c.Param("organization_id")
	page := m.base + "/ui/organizations/" + url.PathEscape(id)
	path := "/organizations/" + url.PathEscape(id) + pathWith(a.path, c)
	if strings.HasPrefix(a.path, "/../") {
		path = "/organizations/" + strings.TrimPrefix(a.path, "/../")
	}
	var body any
	if a.body != nil {
		body = a.body(c)
	}
	k := m.caller(c)
	r, err := k.call(a.method, path, body)
	if err == nil && r.OK() {
		if a.leave {
			if rr, err := k.call(http.MethodGet, "/organizations/"+url.PathEscape(id), nil); err != nil || !rr.OK() {
				seeOther(c, m.base+"/ui/organizations", a.notice)
				return
			}
		}
		seeOther(c, page, a.notice)
		return
	}
	v := view{Form: map[string]string{"email": c.PostForm("email")}}
	if c.Param("action") == "role-create" {
		v.Form["role_name"] = c.PostForm("name")
	}
	if !m.organizationView(c, k, &v) {
		return
	}
	v.Action = c.Param("action")
	m.failed(c, v, r, err, a.field)
}
