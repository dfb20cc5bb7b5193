package ui

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// load calls GET path and returns its decoded body when it answered 2xx,
// and whether the route is mounted at all.
func load(k *caller, path string) (any, bool) {
	r, err := k.call(http.MethodGet, path, nil)
	if err != nil {
		return nil, false
	}
	if !r.OK() {
		return nil, r.Mounted()
	}
	return r.Data(), true
}

// accountView loads the account page's data: what the mounted modules
// offer, each shown only when its routes answer. false: signed out (the
// answer is a redirect to the sign-in page).
func (m *Module) accountView(c *gin.Context, k *caller, v *view) bool {
	me := m.whoAmI(c, k, v)
	if me == nil {
		seeOther(c, m.base+"/ui/sign-in?next="+url.QueryEscape(m.base+"/ui/account"), "error.sign_in_needed")
		return false
	}
	v.Page = "account"
	if v.Data == nil {
		v.Data = map[string]any{}
	}
	v.Feature = map[string]bool{}
	v.Data["me"] = me
	if u, ok := me["user"].(map[string]any); ok {
		v.Form["name"], _ = u["name"].(string)
		v.Form["image_url"], _ = u["image_url"].(string)
		if md, ok := u["metadata"]; ok && md != nil {
			if b, err := json.Marshal(md); err == nil {
				v.Form["metadata"] = string(b)
			}
		}
	}
	v.Data["sessions"], _ = load(k, "/sessions")
	keys, _ := load(k, "/api-keys?limit=100")
	if kl, ok := keys.(map[string]any); ok {
		v.Data["api_keys"] = kl["items"]
	}
	for feature, path := range map[string]string{"mfa": "/mfa", "passkeys": "/passkeys", "identities": "/identities", "profile": "/me/export"} {
		data, mounted := load(k, path)
		v.Feature[feature] = mounted
		if feature != "profile" {
			v.Data[feature] = data
		}
	}
	return true
}

func (m *Module) accountPage(c *gin.Context) {
	v := view{Notice: m.notice(c), Form: map[string]string{}}
	k := m.caller(c)
	if m.accountView(c, k, &v) {
		m.render(c, http.StatusOK, v)
	}
}

// accountAction is one plain form post of the account page: its JSON
// route and body, and what a success shows.
type accountAction struct {
	method, path string
	body         func(c *gin.Context) any
	field        string // the field an error shows next to
	notice       string // catalog key after success
	reveal       string // Data key the answer is shown under (one time)
	signOut      bool   // success ends the session: go to the sign-in page
}

func field(names ...string) func(c *gin.Context) any {
	return func(c *gin.Context) any {
		b := map[string]string{}
		for _, n := range names {
			b[n] = c.PostForm(n)
		}
		return b
	}
}

var accountActions = map[string]accountAction{
	"profile":         {method: http.MethodPatch, path: "/me", body: profileBody, field: "metadata", notice: "profile.saved"},
	"password":        {method: http.MethodPost, path: "/password/change", body: field("current_password", "new_password"), field: "new_password", notice: "password.changed"},
	"session-revoke":  {method: http.MethodDelete, path: "/sessions/{id}", notice: "sessions.revoked"},
	"sessions-others": {method: http.MethodPost, path: "/sessions/revoke-others", notice: "sessions.revoked"},
	"totp-setup":      {method: http.MethodPost, path: "/mfa/totp/setup", reveal: "totp_setup"},
	"totp-enable":     {method: http.MethodPost, path: "/mfa/totp/enable", body: field("code"), field: "code", reveal: "recovery_codes"},
	"totp-disable":    {method: http.MethodPost, path: "/mfa/totp/disable", body: field("code"), field: "code", notice: "mfa.disabled"},
	"recovery-codes":  {method: http.MethodPost, path: "/mfa/recovery-codes", body: field("code"), field: "code", reveal: "recovery_codes"},
	"passkey-delete":  {method: http.MethodDelete, path: "/passkeys/{id}", notice: "done"},
	"identity-unlink": {method: http.MethodDelete, path: "/identities/{id}", notice: "done"},
	"api-key-create":  {method: http.MethodPost, path: "/api-keys", body: field("name"), field: "key_name", reveal: "api_key"},
	"api-key-delete":  {method: http.MethodDelete, path: "/api-keys/{id}", notice: "done"},
	"delete-account":  {method: http.MethodDelete, path: "/me", body: field("password"), field: "delete_password", signOut: true, notice: "delete.done"},
}

// profileBody is PATCH /me's body: empty fields clear, metadata is JSON.
func profileBody(c *gin.Context) any {
	b := map[string]any{"name": nil, "image_url": nil}
	if s := strings.TrimSpace(c.PostForm("name")); s != "" {
		b["name"] = s
	}
	if s := strings.TrimSpace(c.PostForm("image_url")); s != "" {
		b["image_url"] = s
	}
	if s := strings.TrimSpace(c.PostForm("metadata")); s != "" {
		b["metadata"] = json.RawMessage(s)
		if !json.Valid([]byte(s)) {
			b["metadata"] = s // the API refuses it with its own message
		}
	}
	return b
}

// pathWith puts the form's id into path.
func pathWith(path string, c *gin.Context) string {
	return strings.ReplaceAll(path, "{id}", url.PathEscape(c.PostForm("id")))
}

func (m *Module) accountPost(c *gin.Context) {
	a, ok := accountActions[c.Param("action")]
	if !ok || !readForm(c) {
		m.render(c, http.StatusNotFound, view{Page: "error", Title: "error.not_found", Error: m.message("error.not_found")})
		return
	}
	var body any
	if a.body != nil {
		body = a.body(c)
	}
	k := m.caller(c)
	r, err := k.call(a.method, pathWith(a.path, c), body)
	v := view{Form: map[string]string{}, Data: map[string]any{}}
	if err == nil && r.OK() {
		switch {
		case a.signOut:
			seeOther(c, m.base+"/ui/sign-in", a.notice)
			return
		case a.reveal == "":
			seeOther(c, m.base+"/ui/account", a.notice)
			return
		}
		v.Data[a.reveal] = r.Data()
	}
	if !m.accountView(c, k, &v) {
		return
	}
	if err != nil || !r.OK() {
		if a.field == "metadata" || a.field == "key_name" || a.field == "delete_password" {
			for _, n := range []string{"name", "image_url", "metadata"} {
				v.Form[n] = c.PostForm(n)
			}
		}
		v.Action = c.Param("action")
		m.failed(c, v, r, err, a.field)
		return
	}
	m.render(c, http.StatusOK, v)
}
