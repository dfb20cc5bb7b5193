package ui

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth/module"
)

// maxFormBytes caps a plain form post.
const maxFormBytes = 64 << 10

func (m *Module) mountRoutes(h module.Host) {
	g := h.Routes().Group("/ui")
	g.GET("", m.home)
	g.GET("/", m.home)
	g.GET("/assets/*file", m.serveAsset)
	g.GET("/sign-in", m.signInPage)
	g.POST("/sign-in", m.signInPost)
	g.POST("/mfa-verify", m.mfaVerifyPost)
	g.GET("/sign-up", m.signUpPage)
	g.POST("/sign-up", m.signUpPost)
	g.GET("/forgot-password", m.simplePage("forgot-password"))
	g.POST("/forgot-password", m.forgotPost)
	g.GET("/reset-password", m.tokenPage("reset-password"))
	g.POST("/reset-password", m.resetPost)
	g.GET("/confirm-email", m.tokenPage("confirm-email"))
	g.POST("/confirm-email", m.confirmPost)
	g.GET("/accept-invite", m.acceptInvitePage)
	g.POST("/accept-invite", m.acceptInvitePost)
	g.POST("/sign-out", m.signOutPost)
	g.GET("/account", m.accountPage)
	g.POST("/account/:action", m.accountPost)
	g.GET("/organizations", m.organizationsPage)
	g.POST("/organizations", m.createOrganizationPost)
	g.GET("/organizations/:organization_id", m.organizationPage)
	g.POST("/organizations/:organization_id/:action", m.organizationPost)
}

// home sends people to their account, or to the sign-in page.
func (m *Module) home(c *gin.Context) {
	c.Redirect(http.StatusSeeOther, m.base+"/ui/account")
}

// readForm parses a plain form post (size-capped); false when it is not
// one.
func readForm(c *gin.Context) bool {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxFormBytes)
	return c.Request.ParseForm() == nil
}

// readPageForm is readForm for a post of page v: when the body is not a
// form it answers 400 with the page and its error, and returns false.
func (m *Module) readPageForm(c *gin.Context, v view) bool {
	if !readForm(c) {
		m.failed(c, v, reply{Status: http.StatusBadRequest}, nil, "")
		return false
	}
	return true
}

// safeNext accepts a relative path of this site (a / then neither / nor \)
// as the page to go to after a sign-in; anything else is "".
func safeNext(s string) string {
	if len(s) < 1 || s[0] != '/' || (len(s) > 1 && (s[1] == '/' || s[1] == '\\')) || strings.ContainsAny(s, "\r\n") {
		return ""
	}
	return s
}

// notice reads a notice key from the query: only keys of the catalog show.
func (m *Module) notice(c *gin.Context) string {
	k := c.Query("notice")
	if _, ok := m.messages[k]; ok {
		return k
	}
	return ""
}

// seeOther answers a plain post that succeeded with a redirect to path,
// carrying a notice key.
func seeOther(c *gin.Context, path, notice string) {
	if notice != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "notice=" + notice
	}
	c.Redirect(http.StatusSeeOther, path)
}

// failed renders v again with the API's error of r (or a generic one when
// the call itself failed), with the API's status when it is a 4xx.
func (m *Module) failed(c *gin.Context, v view, r reply, err error, field string) {
	status := http.StatusBadRequest
	v.Error, v.Field = m.message("error.generic"), ""
	if err != nil {
		m.host.Logger().ErrorContext(c.Request.Context(), "ui: in-process API call failed", "err", err)
		status = http.StatusInternalServerError
	} else {
		if r.Message() != "" {
			v.Error = r.Message()
		}
		if r.Status >= 400 && r.Status < 500 {
			status = r.Status
		} else if r.Status >= 500 {
			status = http.StatusServiceUnavailable
		}
		v.Field = fieldOf(r.Code(), field)
	}
	m.render(c, status, v)
}

// fieldOf names the field an error code belongs to (the API's codes are
// stable); fallback is the form's main field.
func fieldOf(code, fallback string) string {
	switch code {
	case "invalid_email", "user_already_exists", "email_not_confirmed":
		return "email"
	case "weak_password":
		if strings.Contains(fallback, "password") {
			return fallback
		}
		return "password"
	case "invalid_mfa_code":
		return "code"
	}
	return fallback
}
