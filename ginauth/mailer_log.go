package ginauth

import (
	"context"
	"log/slog"
)

// LogMailer is the default Mailer: it delivers nothing and logs each mail's
// recipient, kind, subject and link at level Info. The link carries a live
// token, so use it in development only; production configures an
// SMTPMailer (or its own Mailer).
type LogMailer struct {
	log *slog.Logger
}

// NewLogMailer returns a LogMailer writing to l (slog.Default() when nil).
func NewLogMailer(l *slog.Logger) *LogMailer {
	if l == nil {
		l = slog.Default()
	}
	return &LogMailer{log: l}
}

// Send logs m. It never fails.
func (m *LogMailer) Send(ctx context.Context, mail Mail) error {
	m.log.InfoContext(ctx, "fastauth: mail (log mailer, not delivered)",
		"to", mail.To, "kind", string(mail.Kind), "subject", mail.Subject, "link", mail.Link)
	return nil
}
