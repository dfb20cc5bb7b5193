package main

import (
	"log/slog"

	"github.com/fastauth/fastauth/ginauth"
)

// newMailer returns the mailer MAIL_OUTBOX selects: an outbox mailer
// appending one JSON line per mail to that file, or, when it is unset, nil,
// which makes fastauth use its log mailer (each link printed to the log).
func newMailer(cfg config, log *slog.Logger) (ginauth.Mailer, error) {
	if cfg.MailOutbox == "" {
		log.Info("MAIL_OUTBOX is not set: mails are written to this log")
		return nil, nil
	}
	m, err := ginauth.NewOutboxMailer(cfg.MailOutbox)
	if err != nil {
		return nil, &envError{name: "MAIL_OUTBOX", value: cfg.MailOutbox, reason: err.Error()}
	}
	log.Info("mails are appended to the outbox", "path", m.Path())
	return m, nil
}
