package ginauth

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/fastauth/fastauth/mail"
)

// mailSendTimeout bounds one delivery attempt (a Mailer's own timeout, such
// as SMTPConfig.Timeout, may be shorter).
const mailSendTimeout = 30 * time.Second

// confirmEmailLink is the page of Config.MailLinks or the ui module, else
// AppBaseURL + BasePath + "/email/confirm?token=...".
func (a *Auth) confirmEmailLink(token string) string {
	return a.links.URL(MailEmailConfirm, token, a.cfg.AppBaseURL+a.cfg.BasePath+"/email/confirm?token="+url.QueryEscape(token))
}

// resetPasswordLink is that page, else AppBaseURL + "/reset-password?token=...".
func (a *Auth) resetPasswordLink(token string) string {
	return a.links.URL(MailPasswordReset, token, a.cfg.AppBaseURL+"/reset-password?token="+url.QueryEscape(token))
}

// renderMail renders the mail of kind for data with the kernel's renderer.
func (a *Auth) renderMail(kind MailKind, data MailData) (Mail, error) {
	return a.mails.Render(kind, mail.Message{To: data.Email, Link: data.Link, Token: data.Token, Data: data})
}

// sendMail renders the mail of kind for data and delivers it (see deliver).
func (a *Auth) sendMail(ctx context.Context, kind MailKind, data MailData) {
	m, err := a.renderMail(kind, data)
	if err != nil {
		a.log.ErrorContext(ctx, "fastauth: mail template failed, mail not sent", "kind", kind, "err", err)
		return
	}
	a.deliver(ctx, m)
}

// deliver sends m within a bounded context that outlives ctx's
// cancellation (a client hanging up does not abort a delivery under way).
// Delivery failures are logged, never returned: a mail problem never breaks
// the request that caused it.
func (a *Auth) deliver(ctx context.Context, m Mail) {
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), mailSendTimeout)
	defer cancel()
	if err := safeSend(sendCtx, a.mailer, m); err != nil {
		a.log.ErrorContext(ctx, "fastauth: sending mail failed", "kind", m.Kind, "err", err)
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
