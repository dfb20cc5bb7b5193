package ui

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
)

// simplePage renders a page that needs nothing but its notice.
func (m *Module) simplePage(page string) gin.HandlerFunc {
	return func(c *gin.Context) {
		m.render(c, http.StatusOK, view{Page: page, Notice: m.notice(c), Next: safeNext(c.Query("next"))})
	}
}

// tokenPage renders a page of a mailed link: it shows a button that acts,
// and changes nothing on GET (mail scanners prefetch links).
func (m *Module) tokenPage(page string) gin.HandlerFunc {
	return func(c *gin.Context) {
		v := view{Page: page, Token: c.Query("token"), Notice: m.notice(c)}
		if v.Token == "" && v.Notice == "" {
			v.Error = m.message("token.missing")
		}
		m.render(c, http.StatusOK, v)
	}
}

func (m *Module) signInPage(c *gin.Context) {
	v := view{Page: "sign-in", Notice: m.notice(c), Next: safeNext(c.Query("next"))}
	if c.Query("via") == "provider" {
		// Back from a provider (a "Continue with" link): signed in, go on;
		// refused, say why (auth_error is one of social's codes).
		if code := c.Query("auth_error"); code != "" {
			v.Error = m.providerError(code)
		} else if m.whoAmI(c, m.caller(c), &v) != nil {
			seeOther(c, m.afterSignIn(v.Next), "")
			return
		}
	}
	m.signInFeatures(c, &v)
	v.Providers = m.providerLinks(v.Next)
	m.render(c, http.StatusOK, v)
}

// providerLinks are the sign-in page's "Continue with" links: each starts
// the provider's flow with a redirect_to back to the sign-in page (via=
// provider), which goes on to next.
func (m *Module) providerLinks(next string) []providerLink {
	links := make([]providerLink, 0, len(m.cfg.Providers))
	for _, name := range m.cfg.Providers {
		back := url.Values{"via": {"provider"}}
		if next != "" {
			back.Set("next", next)
		}
		start := url.Values{"redirect_to": {m.base + "/ui/sign-in?" + back.Encode()}}
		links = append(links, providerLink{Name: name, URL: m.base + "/oauth/" + url.PathEscape(name) + "/start?" + start.Encode()})
	}
	return links
}

// providerError is the message of a social sign-in's auth_error code: the
// catalog's "provider_error.<code>" entry, else a generic one (the code is
// client input: it is never shown as it came).
func (m *Module) providerError(code string) string {
	if s, ok := m.messages["provider_error."+code]; ok {
		return s
	}
	return m.message("provider_error.other")
}

// signInFeatures probes whether passkeys are mounted.
func (m *Module) signInFeatures(c *gin.Context, v *view) {
	v.Feature = map[string]bool{}
	if r, err := m.caller(c).once(http.MethodGet, "/passkeys", nil); err == nil {
		v.Feature["passkeys"] = r.Mounted()
	}
}

func (m *Module) afterSignIn(next string) string {
	if next != "" {
		return next
	}
	return m.cfg.AfterSignIn
}

func (m *Module) signInPost(c *gin.Context) {
	v := view{Page: "sign-in"}
	if !m.readPageForm(c, v) {
		return
	}
	v.Form = map[string]string{"email": c.PostForm("email")}
	v.Next = safeNext(c.PostForm("next"))
	r, err := m.caller(c).call(http.MethodPost, "/sign-in", map[string]string{"email": c.PostForm("email"), "password": c.PostForm("password")})
	switch {
	case err == nil && r.OK():
		seeOther(c, m.afterSignIn(v.Next), "")
	case err == nil && r.Code() == "mfa_required":
		body, _ := r.Data().(map[string]any)
		v.Data = map[string]any{"mfa_token": body["mfa_token"], "methods": body["methods"]}
		v.Title = "sign_in.mfa_title"
		v.Page = "mfa"
		m.render(c, http.StatusOK, v)
	default:
		m.signInFeatures(c, &v)
		m.failed(c, v, r, err, "password")
	}
}

func (m *Module) mfaVerifyPost(c *gin.Context) {
	v := view{Page: "mfa", Title: "sign_in.mfa_title"}
	if !m.readPageForm(c, v) {
		return
	}
	v.Next = safeNext(c.PostForm("next"))
	v.Data = map[string]any{"mfa_token": c.PostForm("mfa_token")}
	r, err := m.caller(c).call(http.MethodPost, "/mfa/verify", map[string]string{"mfa_token": c.PostForm("mfa_token"), "code": c.PostForm("code")})
	if err == nil && r.OK() {
		seeOther(c, m.afterSignIn(v.Next), "")
		return
	}
	if r.Code() == "mfa_token_invalid" {
		v.Page, v.Title = "sign-in", ""
	}
	m.failed(c, v, r, err, "code")
}

func (m *Module) signUpPage(c *gin.Context) {
	m.render(c, http.StatusOK, view{Page: "sign-up", Next: safeNext(c.Query("next"))})
}

func (m *Module) signUpPost(c *gin.Context) {
	v := view{Page: "sign-up"}
	if !m.readPageForm(c, v) {
		return
	}
	v.Form = map[string]string{"email": c.PostForm("email")}
	v.Next = safeNext(c.PostForm("next"))
	k := m.caller(c)
	r, err := k.call(http.MethodPost, "/sign-up", map[string]string{"email": c.PostForm("email"), "password": c.PostForm("password")})
	if err != nil || !r.OK() {
		m.failed(c, v, r, err, "password")
		return
	}
	if len(r.Header.Values("Set-Cookie")) == 0 { // email confirmation required
		seeOther(c, m.base+"/ui/sign-in", "sign_up.check_mail")
		return
	}
	seeOther(c, m.afterSignIn(v.Next), "")
}

func (m *Module) forgotPost(c *gin.Context) {
	v := view{Page: "forgot-password"}
	if !m.readPageForm(c, v) {
		return
	}
	v.Form = map[string]string{"email": c.PostForm("email")}
	r, err := m.caller(c).call(http.MethodPost, "/password/forgot", map[string]string{"email": c.PostForm("email")})
	if err != nil || !r.OK() {
		m.failed(c, v, r, err, "email")
		return
	}
	seeOther(c, m.base+"/ui/forgot-password", "forgot.sent")
}

func (m *Module) resetPost(c *gin.Context) {
	v := view{Page: "reset-password"}
	if !m.readPageForm(c, v) {
		return
	}
	v.Token = c.PostForm("token")
	r, err := m.caller(c).call(http.MethodPost, "/password/reset", map[string]string{"token": v.Token, "password": c.PostForm("password")})
	if err != nil || !r.OK() {
		m.failed(c, v, r, err, "password")
		return
	}
	seeOther(c, m.base+"/ui/sign-in", "reset.done")
}

func (m *Module) confirmPost(c *gin.Context) {
	v := view{Page: "confirm-email"}
	if !m.readPageForm(c, v) {
		return
	}
	v.Token = c.PostForm("token")
	r, err := m.caller(c).call(http.MethodPost, "/email/confirm", map[string]string{"token": v.Token})
	if err != nil || !r.OK() {
		m.failed(c, v, r, err, "")
		return
	}
	seeOther(c, m.base+"/ui/sign-in", "confirm.done")
}

func (m *Module) acceptInvitePage(c *gin.Context) {
	v := view{Page: "accept-invite", Token: c.Query("token")}
	if v.Token == "" {
		v.Error = m.message("token.missing")
	}
	m.whoAmI(c, m.caller(c), &v)
	v.Next = c.Request.URL.RequestURI()
	m.render(c, http.StatusOK, v)
}

func (m *Module) acceptInvitePost(c *gin.Context) {
	v := view{Page: "accept-invite"}
	if !m.readPageForm(c, v) {
		return
	}
	v.Token = c.PostForm("token")
	k := m.caller(c)
	m.whoAmI(c, k, &v)
	r, err := k.call(http.MethodPost, "/organizations/invites/accept", map[string]string{"token": v.Token})
	if err != nil || !r.OK() {
		m.failed(c, v, r, err, "")
		return
	}
	body, _ := r.Data().(map[string]any)
	org, _ := body["organization"].(map[string]any)
	id, _ := org["id"].(string)
	seeOther(c, m.base+"/ui/organizations/"+id, "org.switched")
}

func (m *Module) signOutPost(c *gin.Context) {
	if _, err := m.caller(c).call(http.MethodPost, "/sign-out", nil); err != nil {
		m.host.Logger().ErrorContext(c.Request.Context(), "ui: sign-out failed", "err", err)
	}
	seeOther(c, m.base+"/ui/sign-in", "")
}

// whoAmI fills v.SignedIn and v.Email from GET /session (refreshing an
// expired access token); it returns the AuthResponse, nil when signed out.
func (m *Module) whoAmI(c *gin.Context, k *caller, v *view) map[string]any {
	r, err := k.call(http.MethodGet, "/me", nil)
	if err != nil || !r.OK() {
		return nil
	}
	me, _ := r.Data().(map[string]any)
	k.me = me
	if u, ok := me["user"].(map[string]any); ok {
		v.SignedIn = true
		v.Email, _ = u["email"].(string)
		return me
	}
	return nil
}
