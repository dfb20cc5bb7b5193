package ui

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"sync"

	"github.com/fastauth/fastauth/ginauth/module"
	"github.com/fastauth/fastauth/mail"
)

// Config configures the pages.
type Config struct {
	// ProductName is the name shown in the page titles and the header.
	// Default "fastauth".
	ProductName string
	// BrandColor is the CSS colour of buttons and links (the --brand
	// variable), e.g. "#2563eb". Default the stylesheet's.
	BrandColor string
	// LogoURL is the address of a logo shown in the header (the --logo
	// variable); it must be allowed by the CSP (same origin, or data:).
	LogoURL string
	// AfterSignIn is the path a sign-in goes to when the page was not
	// opened with a ?next= path. Default the account page.
	AfterSignIn string
	// API answers the in-process calls of the plain form posts and of the
	// page renders: the application's handler (its gin engine). Default
	// the handler of the http.Server that received the request.
	API http.Handler
	// Messages overrides or adds entries of the message catalog (English
	// by default): the place where a translation goes.
	Messages map[string]string
	// Providers are the social sign-in providers (package social, by the
	// names they are configured with, e.g. "google") that the sign-in page
	// offers as "Continue with" links. Each link is a plain GET of
	// {BasePath}/oauth/{name}/start that returns to the sign-in page: on
	// success it goes on to the page after sign-in, an account with a
	// second factor is asked for its code, and a refusal shows the
	// provider's error code's message. Empty: no links.
	Providers []string
}

// Module is the pages module (see the package documentation).
type Module struct {
	cfg      Config
	messages map[string]string
	pages    *template.Template

	mu   sync.Mutex
	host module.Host
	base string // the kernel's base path, e.g. /auth
}

var _ module.Module = (*Module)(nil)

// New returns the pages module.
func New(cfg Config) *Module {
	if cfg.ProductName == "" {
		cfg.ProductName = "fastauth"
	}
	msgs := make(map[string]string, len(catalog)+len(cfg.Messages))
	for k, v := range catalog {
		msgs[k] = v
	}
	for k, v := range cfg.Messages {
		msgs[k] = v
	}
	return &Module{cfg: cfg, messages: msgs}
}

// Name implements module.Module (ginauth.Module).
func (m *Module) Name() string { return "ui" }

// Mount implements module.Module (ginauth.Module): it mounts the pages under
// {BasePath}/ui and points the mailed links at them.
func (m *Module) Mount(h module.Host) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.host != nil {
		return errors.New("ui: the module is already mounted")
	}
	t, err := parseTemplates(m.messages)
	if err != nil {
		return fmt.Errorf("ui: templates: %w", err)
	}
	m.pages = t
	m.host = h
	m.base = h.Routes().BasePath()
	if m.cfg.AfterSignIn == "" {
		m.cfg.AfterSignIn = m.base + "/ui/account"
	}
	for kind, page := range map[mail.Kind]string{
		mail.KindEmailConfirm:       "confirm-email",
		mail.KindPasswordReset:      "reset-password",
		mail.KindOrganizationInvite: "accept-invite",
	} {
		if err := h.MailLinks().SetPage(kind, h.AppBaseURL()+m.base+"/ui/"+page); err != nil {
			return fmt.Errorf("ui: mail links: %w", err)
		}
	}
	m.mountRoutes(h)
	return nil
}
