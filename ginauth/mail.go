package ginauth

import "context"

// MailKind says what a mail is for.
type MailKind string

// The kinds of mail fastauth sends.
const (
	MailEmailConfirm       MailKind = "email_confirm"
	MailPasswordReset      MailKind = "password_reset"
	MailOrganizationInvite MailKind = "organization_invite"
)

// Mail is one rendered message.
type Mail struct {
	To      string
	Subject string
	Kind    MailKind
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
