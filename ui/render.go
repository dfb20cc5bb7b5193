package ui

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed assets
var assetFiles embed.FS

// contentSecurityPolicy is the CSP of every page: scripts, styles, fetches
// and form posts of this origin only, no inline script or style, no
// framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// pageTitles are the catalog keys of the pages' titles.
var pageTitles = map[string]string{
	"sign-in": "sign_in.title", "sign-up": "sign_up.title", "forgot-password": "forgot.title",
	"reset-password": "reset.title", "confirm-email": "confirm.title", "accept-invite": "invite.title",
	"account": "account.title", "mfa": "sign_in.mfa_title", "organizations": "orgs.title",
	"organization": "org.title", "error": "error.generic",
}

// view is what a page template gets.
// providerLink is a "Continue with" link of the sign-in page.
type providerLink struct {
	Name string // the provider's configured name
	URL  string // its start route, returning to the sign-in page
}

type view struct {
	Page        string // template name, e.g. "sign-in"
	Title       string // catalog key of the title
	Product     string
	Logo        string
	UI          string // e.g. /auth/ui
	API         string // e.g. /auth
	SignedIn    bool
	Email       string
	Notice      string            // catalog key of a notice
	Error       string            // a form-level error (the API's message)
	Field       string            // the field the error belongs to ("" for the form)
	Action      string            // the form (of several on a page) the error belongs to
	Form        map[string]string // values to show again (never secrets)
	Next        string
	Data        map[string]any
	Feature     map[string]bool
	Token       string
	ErrorStatus int
	Providers   []providerLink // social sign-in links (sign-in page)
}

func parseTemplates(messages map[string]string) (*template.Template, error) {
	funcs := template.FuncMap{
		"t": func(key string) string {
			if s, ok := messages[key]; ok {
				return s
			}
			return key
		},
		"time": func(v any) string {
			s, _ := v.(string)
			if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return ts.UTC().Format("2006-01-02 15:04 UTC")
			}
			return s
		},
		"str": func(v any) string {
			s, _ := v.(string)
			return s
		},
		"join": func(v any) string {
			list, _ := v.([]any)
			parts := make([]string, 0, len(list))
			for _, x := range list {
				if s, ok := x.(string); ok {
					parts = append(parts, s)
				}
			}
			return strings.Join(parts, ", ")
		},
		"has": func(list any, s string) bool {
			l, _ := list.([]any)
			for _, x := range l {
				if x == s {
					return true
				}
			}
			return false
		},
		"errfor": func(v view, field string) string {
			if v.Field == field {
				return v.Error
			}
			return ""
		},
		"qs": url.QueryEscape,
		// dataimg passes a PNG data URL (the TOTP QR code) to an img src,
		// which html/template refuses otherwise; anything else is dropped.
		"dataimg": func(v any) template.URL {
			s, _ := v.(string)
			if strings.HasPrefix(s, "data:image/png;base64,") && !strings.ContainsAny(s, "\"'<> ") {
				return template.URL(s) //nolint:gosec // checked: a base64 PNG data URL
			}
			return ""
		},
		"list2": func(a, b any) []any { return []any{a, b} },
		"roles": func() []string { return []string{"member", "admin", "owner"} },
	}
	return template.New("").Funcs(funcs).ParseFS(templateFiles, "templates/*.html")
}

// render writes the page of v with status (200 unless an error page).
func (m *Module) render(c *gin.Context, status int, v view) {
	v.Product, v.Logo, v.UI, v.API = m.cfg.ProductName, m.cfg.LogoURL, m.base+"/ui", m.base
	if v.Title == "" {
		v.Title = pageTitles[v.Page]
	}
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	if v.Data == nil {
		v.Data = map[string]any{}
	}
	if v.Feature == nil {
		v.Feature = map[string]bool{}
	}
	securityHeaders(c)
	var b strings.Builder
	if err := m.pages.ExecuteTemplate(&b, v.Page, v); err != nil {
		m.host.Logger().ErrorContext(c.Request.Context(), "ui: page template failed", "page", v.Page, "err", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte(m.message("error.generic")))
		return
	}
	c.Data(status, "text/html; charset=utf-8", []byte(b.String()))
}

func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
}

// serveAsset serves the embedded assets and the theme stylesheet (the
// brand colour and logo of Config as CSS variables).
func (m *Module) serveAsset(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("file"), "/")
	securityHeaders(c)
	if name == "theme.css" {
		var b strings.Builder
		b.WriteString(":root{")
		if m.cfg.BrandColor != "" && cssSafe(m.cfg.BrandColor) {
			b.WriteString("--brand:" + m.cfg.BrandColor + ";")
		}
		if m.cfg.LogoURL != "" && cssSafe(m.cfg.LogoURL) {
			b.WriteString("--logo:url(\"" + m.cfg.LogoURL + "\");")
		}
		b.WriteString("}\n")
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "text/css; charset=utf-8", []byte(b.String()))
		return
	}
	data, err := fs.ReadFile(assetFiles, "assets/"+name)
	if err != nil || strings.Contains(name, "..") {
		c.Data(http.StatusNotFound, "text/plain; charset=utf-8", []byte(m.message("error.not_found")))
		return
	}
	ct := "application/octet-stream"
	switch {
	case strings.HasSuffix(name, ".css"):
		ct = "text/css; charset=utf-8"
	case strings.HasSuffix(name, ".js"):
		ct = "text/javascript; charset=utf-8"
	case strings.HasSuffix(name, ".svg"):
		ct = "image/svg+xml"
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, ct, data)
}

// cssSafe accepts values that cannot leave a CSS declaration.
func cssSafe(s string) bool {
	return !strings.ContainsAny(s, "\"'\\;{}<>\n\r")
}
