package ginauth

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

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

// mailSendTimeout bounds one delivery attempt (a Mailer's own timeout, such
// as SMTPConfig.Timeout, may be shorter).
const mailSendTimeout = 30 * time.Second

// The paths of the links in mails. The email-confirmation link points at
// this package's own GET route; the password-reset and invite links point at
// pages of the application (AppBaseURL), which read the token from the query
// string and call POST {BasePath}/password/reset or
// POST {BasePath}/organizations/invites/accept.
const (
	resetPasswordPagePath = "/reset-password"
	acceptInvitePagePath  = "/accept-invite"
)

// confirmEmailLink is AppBaseURL + BasePath + "/email/confirm?token=...".
func (a *Auth) confirmEmailLink(token string) string {
	return a.cfg.AppBaseURL + a.cfg.BasePath + "/email/confirm?token=" + url.QueryEscape(token)
}

// resetPasswordLink is AppBaseURL + "/reset-password?token=...".
func (a *Auth) resetPasswordLink(token string) string {
	return a.cfg.AppBaseURL + resetPasswordPagePath + "?token=" + url.QueryEscape(token)
}

// acceptInviteLink is AppBaseURL + "/accept-invite?token=...".
func (a *Auth) acceptInviteLink(token string) string {
	return a.cfg.AppBaseURL + acceptInvitePagePath + "?token=" + url.QueryEscape(token)
}

// sendMail renders the mail of kind for data and delivers it within a
// bounded context that outlives ctx's cancellation (a client hanging up
// does not abort a delivery under way). Rendering and delivery failures are
// logged, never returned: a mail problem never breaks the request that
// caused it.
func (a *Auth) sendMail(ctx context.Context, kind MailKind, data MailData) {
	m, err := a.renderMail(kind, data)
	if err != nil {
		a.log.ErrorContext(ctx, "fastauth: mail template failed, mail not sent", "kind", kind, "err", err)
		return
	}
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), mailSendTimeout)
	defer cancel()
	if err := safeSend(sendCtx, a.mailer, m); err != nil {
		a.log.ErrorContext(ctx, "fastauth: sending mail failed", "kind", kind, "err", err)
	}
}

// safeSend calls mailer.Send, turning a panic into an error.
func safeSend(ctx context.Context, mailer Mailer, m Mail) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("ginauth: mailer panicked: %v", r)
		}
	}()
	return mailer.Send(ctx, m)
}
