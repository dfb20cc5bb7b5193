package main

import (
	"log/slog"

	"github.com/fastauth/fastauth/ginauth"
)

// newMailer returns the mailer MAIL_OUTBOX selects: an outbox mailer
// appending one JSON line per mail to that file, or, when it is unset, the
// log mailer with RevealTokens, so that the zero-setup flow works from the
// log alone: each mail's live link is printed at Info. That is for a
// developer's own machine only; the startup log says so.
func newMailer(cfg config, log *slog.Logger) (ginauth.Mailer, error) {
	if cfg.MailOutbox == "" {
		log.Warn("MAIL_OUTBOX is not set: mails are not delivered but written to this log with their live links " +
			"(confirmation, password reset, invite), which anyone reading the log can use; for development only")
		m := ginauth.NewLogMailer(log)
		m.RevealTokens = true
		return m, nil
	}
	m, err := ginauth.NewOutboxMailer(cfg.MailOutbox)
	if err != nil {
		return nil, &envError{name: "MAIL_OUTBOX", value: cfg.MailOutbox, reason: err.Error()}
	}
	log.Info("mails are appended to the outbox", "path", m.Path())
	return m, nil
}
