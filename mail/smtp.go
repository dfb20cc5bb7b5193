package mail

import (
	"github.com/fastauth/fastauth"

	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPTLSMode says how an SMTPMailer secures its connection.
type SMTPTLSMode int

// The SMTP TLS modes. The zero value is SMTPStartTLS.
const (
	// SMTPStartTLS connects in plain text and upgrades with STARTTLS,
	// failing if the server does not offer it (default port 587).
	SMTPStartTLS SMTPTLSMode = iota
	// SMTPImplicitTLS speaks TLS from the first byte (SMTPS, default
	// port 465).
	SMTPImplicitTLS
	// SMTPNoTLS never encrypts (default port 25). Only for a relay on the
	// same host or a development catcher.
	SMTPNoTLS
)

// String names the mode.
func (m SMTPTLSMode) String() string {
	switch m {
	case SMTPStartTLS:
		return "starttls"
	case SMTPImplicitTLS:
		return "tls"
	case SMTPNoTLS:
		return "none"
	}
	return "SMTPTLSMode(" + strconv.Itoa(int(m)) + ")"
}

// SMTPConfig configures an SMTPMailer.
type SMTPConfig struct {
	// Host is the server's host name (also the TLS server name). Required.
	Host string
	// Port defaults to 587 (STARTTLS), 465 (implicit TLS) or 25 (no TLS).
	Port int
	// Username and Password, when Username is set, authenticate with
	// AUTH PLAIN.
	Username, Password string
	// From is the sender, "no-reply@example.com" or
	// "Example <no-reply@example.com>". Required.
	From string
	// TLS is the TLS mode; default SMTPStartTLS.
	TLS SMTPTLSMode
	// TLSConfig is used for STARTTLS and implicit TLS; nil means the system
	// roots. Its ServerName defaults to Host.
	TLSConfig *tls.Config
	// Timeout bounds one delivery, from dialing to QUIT. Default 30 s.
	Timeout time.Duration
	// LocalName is the name sent with EHLO. Default "localhost".
	LocalName string
	// AllowInsecureAuth permits sending credentials with SMTPNoTLS to a
	// host other than a loopback address. Leave it false.
	AllowInsecureAuth bool
	// Now is the clock of the Date header. Default time.Now.
	Now func() time.Time
}

// SMTPMailer delivers mails over SMTP as multipart/alternative messages
// (plain text and HTML), one connection per mail. It is safe for concurrent
// use.
type SMTPMailer struct {
	cfg    SMTPConfig
	addr   string
	from   *netmail.Address
	domain string // of From, for Message-ID
}

// NewSMTPMailer validates cfg and returns a mailer. It does not connect.
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: smtp: %s", fastauth.ErrInvalidConfig, fmt.Sprintf(format, args...))
	}
	if cfg.Host == "" || strings.ContainsAny(cfg.Host, " \r\n/") {
		return nil, bad("Host %q is not a host name", cfg.Host)
	}
	switch cfg.TLS {
	case SMTPStartTLS, SMTPImplicitTLS, SMTPNoTLS:
	default:
		return nil, bad("unknown TLS mode %d", cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = map[SMTPTLSMode]int{SMTPStartTLS: 587, SMTPImplicitTLS: 465, SMTPNoTLS: 25}[cfg.TLS]
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, bad("Port %d out of range", cfg.Port)
	}
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, bad("From %q: %v", cfg.From, err)
	}
	at := strings.LastIndexByte(from.Address, '@')
	if at < 0 {
		return nil, bad("From %q has no domain", cfg.From)
	}
	if cfg.Timeout < 0 {
		return nil, bad("Timeout must not be negative")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.LocalName == "" {
		cfg.LocalName = "localhost"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Username != "" && cfg.TLS == SMTPNoTLS && !cfg.AllowInsecureAuth && !isLoopbackHost(cfg.Host) {
		return nil, bad("refusing to send credentials without TLS to %s (set AllowInsecureAuth to override)", cfg.Host)
	}
	if cfg.TLSConfig != nil {
		cfg.TLSConfig = cfg.TLSConfig.Clone()
	} else {
		cfg.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if cfg.TLSConfig.ServerName == "" {
		cfg.TLSConfig.ServerName = cfg.Host
	}
	return &SMTPMailer{
		cfg:    cfg,
		addr:   net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)),
		from:   from,
		domain: from.Address[at+1:],
	}, nil
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send delivers m to m.To, within ctx and the configured Timeout.
func (s *SMTPMailer) Send(ctx context.Context, m Mail) error {
	to, err := netmail.ParseAddress(m.To)
	if err != nil || to.Name != "" {
		return fmt.Errorf("mail: smtp: bad recipient %q", m.To)
	}
	msg, err := s.message(to, m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if err := s.deliver(ctx, to.Address, msg); err != nil {
		// A timeout, whether the context's or a connection deadline's,
		// matches context.DeadlineExceeded.
		ctxErr := ctx.Err()
		if ctxErr == nil && errors.Is(err, os.ErrDeadlineExceeded) {
			ctxErr = context.DeadlineExceeded
		}
		if ctxErr != nil && !errors.Is(err, ctxErr) {
			return fmt.Errorf("mail: smtp %s: %w (%w)", s.addr, ctxErr, err)
		}
		return fmt.Errorf("mail: smtp %s: %w", s.addr, err)
	}
	return nil
}

// deliver runs one SMTP session. The connection is closed when ctx ends,
// which aborts whatever command is in flight.
func (s *SMTPMailer) deliver(ctx context.Context, rcpt string, msg []byte) error {
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	var c *smtp.Client
	switch s.cfg.TLS {
	case SMTPImplicitTLS:
		tc := tls.Client(conn, s.cfg.TLSConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return fmt.Errorf("tls handshake: %w", err)
		}
		c = smtp.NewClient(tc)
	case SMTPStartTLS:
		// The EHLO before STARTTLS says "localhost"; the one after it,
		// which the server acts on, says LocalName.
		if c, err = smtp.NewClientStartTLS(conn, s.cfg.TLSConfig); err != nil {
			conn.Close()
			return fmt.Errorf("starttls: %w", err)
		}
	default:
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	c.CommandTimeout = s.cfg.Timeout
	c.SubmissionTimeout = s.cfg.Timeout
	if err := c.Hello(s.cfg.LocalName); err != nil {
		return err
	}
	if s.cfg.Username != "" {
		if !c.SupportsAuth(sasl.Plain) {
			return errors.New("server does not offer AUTH PLAIN")
		}
		if err := c.Auth(sasl.NewPlainClient("", s.cfg.Username, s.cfg.Password)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.SendMail(s.from.Address, []string{rcpt}, bytes.NewReader(msg)); err != nil {
		return err
	}
	return c.Quit()
}

// message builds the RFC 5322 message: headers and a multipart/alternative
// body with a quoted-printable text/plain part and, when m.HTML is set, a
// text/html part. Lines end with CRLF.
func (s *SMTPMailer) message(to *netmail.Address, m Mail) ([]byte, error) {
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, errors.New("mail: smtp: subject contains a line break")
	}
	var id [16]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails (Go 1.24+)
	var buf bytes.Buffer
	header := func(k, v string) { buf.WriteString(k + ": " + v + "\r\n") }
	header("From", s.from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", s.cfg.Now().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id[:])+"@"+s.domain+">")
	header("MIME-Version", "1.0")
	header("Auto-Submitted", "auto-generated")
	if m.Kind != "" {
		header("X-Fastauth-Kind", string(m.Kind))
	}
	mw := multipart.NewWriter(&buf)
	header("Content-Type", `multipart/alternative; boundary="`+mw.Boundary()+`"`)
	buf.WriteString("\r\n")
	parts := []struct{ ctype, body string }{{"text/plain; charset=utf-8", m.Text}}
	if m.HTML != "" {
		parts = append(parts, struct{ ctype, body string }{"text/html; charset=utf-8", m.HTML})
	}
	for _, p := range parts {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.ctype},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, fmt.Errorf("mail: smtp: %w", err)
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write([]byte(p.body)); err != nil {
			return nil, fmt.Errorf("mail: smtp: %w", err)
		}
		if err := qp.Close(); err != nil {
			return nil, fmt.Errorf("mail: smtp: %w", err)
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("mail: smtp: %w", err)
	}
	return buf.Bytes(), nil
}
