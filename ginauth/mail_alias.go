package ginauth

import (
	"log/slog"

	"github.com/fastauth/fastauth/mail"
)

// The mail types live in package mail; these names keep the ones
// applications wrote before it existed.
type (
	// MailKind says what a mail is for; see mail.Kind.
	MailKind = mail.Kind
	// Mail is one rendered message; see mail.Mail.
	Mail = mail.Mail
	// Mailer delivers mails; see mail.Mailer.
	Mailer = mail.Mailer
	// MailData is what the kernel's mail templates are executed with; see mail.Data.
	MailData = mail.Data
	// MailTemplate renders one kind of mail; see mail.Template.
	MailTemplate = mail.Template
	// MailTemplates overrides the built-in templates; see mail.Templates.
	MailTemplates = mail.Templates
	// LogMailer is the default Mailer; see mail.LogMailer.
	LogMailer = mail.LogMailer
	// OutboxMailer appends mails to a JSON-lines file; see mail.OutboxMailer.
	OutboxMailer = mail.OutboxMailer
	// SMTPMailer delivers over SMTP; see mail.SMTPMailer.
	SMTPMailer = mail.SMTPMailer
	// SMTPConfig configures an SMTPMailer; see mail.SMTPConfig.
	SMTPConfig = mail.SMTPConfig
	// SMTPTLSMode says how an SMTPMailer secures its connection; see mail.SMTPTLSMode.
	SMTPTLSMode = mail.SMTPTLSMode
)

// The kinds of mail the kernel sends.
const (
	MailEmailConfirm       = mail.KindEmailConfirm
	MailPasswordReset      = mail.KindPasswordReset
	MailOrganizationInvite = mail.KindOrganizationInvite
)

// The SMTP TLS modes; see mail.SMTPStartTLS.
const (
	SMTPStartTLS    = mail.SMTPStartTLS
	SMTPImplicitTLS = mail.SMTPImplicitTLS
	SMTPNoTLS       = mail.SMTPNoTLS
)

// NewLogMailer returns a LogMailer writing to l; see mail.NewLogMailer.
func NewLogMailer(l *slog.Logger) *LogMailer { return mail.NewLogMailer(l) }

// NewOutboxMailer returns an OutboxMailer appending to path; see mail.NewOutboxMailer.
func NewOutboxMailer(path string) (*OutboxMailer, error) { return mail.NewOutboxMailer(path) }

// NewSMTPMailer returns an SMTPMailer; see mail.NewSMTPMailer.
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) { return mail.NewSMTPMailer(cfg) }
