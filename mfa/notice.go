package mfa

import (
	"context"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/mail"
)

// KindSecurityNotice is the mail the module sends to an account's address
// when its security changes: TOTP turned on or off, recovery codes
// regenerated or one used, the password changed or reset.
const KindSecurityNotice mail.Kind = "security_notice"

// NoticeData is the data of the security_notice templates.
type NoticeData struct {
	// Email is the account's address.
	Email string
	// Event is the event type that caused the notice (e.g.
	// "mfa.totp_enabled", "password.changed").
	Event string
	// Subject is the change in a few words ("Two-step verification turned
	// on").
	Subject string
	// What is the change in one sentence.
	What string
	// At is when it happened (UTC).
	At time.Time
	// IP and UserAgent describe the request that made it.
	IP        string
	UserAgent string
}

// notice is the subject and sentence of a security notice.
type notice struct{ subject, what string }

// notices names each event the module mails about.
var notices = map[string]notice{
	EventTOTPEnabled:              {"Two-step verification turned on", "Two-step verification with an authenticator app was turned on for your account."},
	EventTOTPDisabled:             {"Two-step verification turned off", "Two-step verification with an authenticator app was turned off for your account."},
	EventRecoveryCodesRegenerated: {"New recovery codes", "New recovery codes were generated for your account; the previous ones no longer work."},
	EventRecoveryCodeUsed:         {"A recovery code was used", "One of your recovery codes was used to verify your identity; it cannot be used again."},
	fastauth.EventPasswordChanged: {"Your password was changed", "The password of your account was changed."},
	fastauth.EventPasswordReset:   {"Your password was reset", "The password of your account was reset with a link sent to this address."},
}

var (
	noticeSubject = texttemplate.Must(texttemplate.New("subject").Parse(`Security notice: {{.Subject}}`))
	noticeText    = texttemplate.Must(texttemplate.New("text").Parse(`{{.What}}

When: {{.At.Format "2006-01-02 15:04:05 UTC"}}
{{- if .IP}}
From: {{.IP}}{{if .UserAgent}} ({{.UserAgent}}){{end}}{{end}}

If this was you, there is nothing to do. If it was not, reset your password
and review the second factors and sessions of your account at once.
`))
	noticeHTML = htmltemplate.Must(htmltemplate.New("html").Parse(`<p>{{.What}}</p>
<p>When: {{.At.Format "2006-01-02 15:04:05 UTC"}}{{if .IP}}<br>From: {{.IP}}{{if .UserAgent}} ({{.UserAgent}}){{end}}{{end}}</p>
<p>If this was you, there is nothing to do. If it was not, reset your password and review the second factors and sessions of your account at once.</p>
`))
)

// mountNotices registers the security_notice kind and subscribes the
// notices to the events that call for one.
func (m *Module) mountNotices() error {
	err := m.h.AddMailKind(KindSecurityNotice, mail.Template{Subject: noticeSubject, Text: noticeText, HTML: noticeHTML})
	if err != nil {
		return fmt.Errorf("mfa: mail kind %s: %w", KindSecurityNotice, err)
	}
	m.h.Subscribe(m.notice)
	return nil
}

// notice mails the security notice of e, if e calls for one, to the
// address of the user it targets.
func (m *Module) notice(ctx context.Context, e fastauth.Event) error {
	n, ok := notices[e.Type]
	if !ok {
		n, ok = m.notices[e.Type]
	}
	if !ok || e.Target.Type != fastauth.TargetUser || e.Target.ID == "" {
		return nil
	}
	u, err := m.h.UserByID(ctx, e.Target.ID)
	if err != nil {
		return fmt.Errorf("mfa: security notice for %s: %w", e.Type, err)
	}
	m.h.SendMail(ctx, KindSecurityNotice, mail.Message{To: u.Email, Data: NoticeData{
		Email: u.Email, Event: e.Type, Subject: n.subject, What: n.what,
		At: e.OccurredAt.UTC(), IP: e.IP, UserAgent: e.UserAgent,
	}})
	return nil
}

// AddNotice makes events of type event (of another module, targeting a
// user) send that user a security_notice mail: subject is the change in a
// few words ("Passkey added"), what the change in one sentence. Call it
// before the server starts; an event the module already mails about is an
// error.
func (m *Module) AddNotice(event, subject, what string) error {
	if _, ok := notices[event]; ok {
		return fmt.Errorf("mfa: AddNotice: %s already has a notice", event)
	}
	if _, ok := m.notices[event]; ok {
		return fmt.Errorf("mfa: AddNotice: %s already has a notice", event)
	}
	if m.notices == nil {
		m.notices = map[string]notice{}
	}
	m.notices[event] = notice{subject: subject, what: what}
	return nil
}
