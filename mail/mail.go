// Package mail renders and delivers the mails of fastauth and of its
// modules: the Mailer interface with a log mailer (the default), a JSON-lines
// outbox mailer and an SMTP mailer, and a Renderer that keeps the templates
// of an open set of mail kinds. The kernel registers its three kinds
// (email confirmation, password reset, organization invite); a module adds
// its own kinds with their templates and data of any type.
package mail

import "context"

// Kind says what a mail is for. The kernel's kinds are below; modules add
// their own (use a prefix of the module's name, e.g. "mfa_disabled").
type Kind string

// The kinds of mail the kernel sends.
const (
	KindEmailConfirm       Kind = "email_confirm"
	KindPasswordReset      Kind = "password_reset"
	KindOrganizationInvite Kind = "organization_invite"
)

// Mail is one rendered message.
type Mail struct {
	To      string
	Subject string
	Kind    Kind
	// Link is the URL the recipient follows; Token is the plaintext token
	// inside it (outbox mailers record it for tests).
	Link  string
	Token string
	// Text and HTML are the two bodies.
	Text string
	HTML string
}

// Mailer delivers mails. Send must be safe for concurrent use. A failing
// Send is logged and never breaks the request that caused it.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}
