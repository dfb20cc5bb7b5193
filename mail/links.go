package mail

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
)

// ErrInvalidLink is the error of NewLinks and Links.SetPage for a page URL
// that is not an absolute http or https URL without a fragment.
var ErrInvalidLink = errors.New("mail: invalid link URL")

// Links decides where the links in mails point, per kind: the page that
// opens a mail of that kind, which reads the token from its `token` query
// parameter. Pages come from two places: the application's own front end
// (ginauth.Config.MailLinks, fixed at start), and a module that serves
// pages itself (the ui module sets its pages when it mounts; those take
// precedence). A kind without a page keeps the sender's default link.
// The zero value and nil have no pages. Links is safe for concurrent use.
type Links struct {
	mu      sync.RWMutex
	app     map[Kind]string
	modules map[Kind]string
}

// NewLinks returns the links of an application's front end: pages maps a
// kind to the absolute URL of its page, e.g.
// {KindPasswordReset: "https://app.example/reset-password"}.
func NewLinks(pages map[Kind]string) (*Links, error) {
	l := &Links{app: make(map[Kind]string, len(pages))}
	for kind, page := range pages {
		if err := checkPage(page); err != nil {
			return nil, fmt.Errorf("%s: %w", kind, err)
		}
		l.app[kind] = page
	}
	return l, nil
}

// SetPage makes mails of kind link to page (an absolute URL), over the
// application's page for that kind. A module that serves pages calls it
// when it mounts.
func (l *Links) SetPage(kind Kind, page string) error {
	if err := checkPage(page); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.modules == nil {
		l.modules = map[Kind]string{}
	}
	l.modules[kind] = page
	return nil
}

// Page returns the page of kind: a module's, else the application's.
func (l *Links) Page(kind Kind) (string, bool) {
	if l == nil {
		return "", false
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	if p, ok := l.modules[kind]; ok {
		return p, true
	}
	p, ok := l.app[kind]
	return p, ok
}

// URL returns the link of a mail of kind carrying token: the kind's page
// with token in its `token` query parameter, or fallback (the sender's
// default link, which already carries the token) when kind has no page.
func (l *Links) URL(kind Kind, token, fallback string) string {
	page, ok := l.Page(kind)
	if !ok {
		return fallback
	}
	sep := "?"
	if strings.Contains(page, "?") {
		sep = "&"
	}
	return page + sep + "token=" + url.QueryEscape(token)
}

// checkPage accepts absolute http and https URLs without a fragment.
func checkPage(page string) error {
	u, err := url.Parse(page)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" || strings.Contains(page, "#") {
		return fmt.Errorf("%w: %q", ErrInvalidLink, page)
	}
	return nil
}
