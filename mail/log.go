package mail

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
)

// LogMailer is the default Mailer: it delivers nothing and logs each mail's
// recipient, kind, subject and link. By default it logs at level Debug
// with the token in the link redacted, since whoever reads a live link can
// confirm, reset or join in the recipient's place: the mail is visible
// when debugging and nobody can use it. A development setup that wants to
// follow links from the log sets RevealTokens. Production configures an
// SMTPMailer (or its own Mailer).
type LogMailer struct {
	// RevealTokens logs each mail at level Info with its live link. Set it
	// only where nobody but the developer reads the log (a local
	// zero-setup run, as the example server does when no mail transport
	// is configured), never in production.
	RevealTokens bool

	log *slog.Logger
}

// NewLogMailer returns a LogMailer writing to l (slog.Default() when nil).
func NewLogMailer(l *slog.Logger) *LogMailer {
	if l == nil {
		l = slog.Default()
	}
	return &LogMailer{log: l}
}

// redactedToken replaces the token in the links of a LogMailer without
// RevealTokens.
const redactedToken = "REDACTED"

// Send logs m. It never fails.
func (m *LogMailer) Send(ctx context.Context, mail Mail) error {
	if m.RevealTokens {
		m.log.InfoContext(ctx, "fastauth: mail (log mailer, not delivered)",
			"to", mail.To, "kind", string(mail.Kind), "subject", mail.Subject, "link", mail.Link)
		return nil
	}
	link := mail.Link
	if mail.Token != "" {
		link = strings.ReplaceAll(link, mail.Token, redactedToken)
		link = strings.ReplaceAll(link, url.QueryEscape(mail.Token), redactedToken)
	}
	m.log.DebugContext(ctx, "fastauth: mail (log mailer, not delivered; token redacted, see LogMailer.RevealTokens)",
		"to", mail.To, "kind", string(mail.Kind), "subject", mail.Subject, "link", link)
	return nil
}
