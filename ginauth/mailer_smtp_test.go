package ginauth_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/fastauth/fastauth/ginauth"
)

// testCert is a self-signed certificate for 127.0.0.1 and localhost, made
// in the test, and a pool trusting it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "fastauth test SMTP"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// received is one message the test server accepted.
type received struct {
	from, to string
	authUser string
	tls      bool
	data     []byte
}

// smtpServer is a real go-smtp server on a loopback port.
type smtpServer struct {
	port     int
	mu       sync.Mutex
	messages []received
	// requireAuth refuses MAIL before a successful AUTH PLAIN.
	requireAuth bool
	user, pass  string
}

func (s *smtpServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{srv: s, conn: c}, nil
}

func (s *smtpServer) all() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.messages...)
}

type smtpSession struct {
	srv  *smtpServer
	conn *smtp.Conn
	msg  received
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.srv.user || password != s.srv.pass {
			return errors.New("invalid credentials")
		}
		s.msg.authUser = username
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.requireAuth && s.msg.authUser == "" {
		return smtp.ErrAuthRequired
	}
	s.msg.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.to = to
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, s.msg.tls = s.conn.TLSConnectionState()
	s.msg.data = data
	s.srv.mu.Lock()
	s.srv.messages = append(s.srv.messages, s.msg)
	s.srv.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset()        { s.msg = received{authUser: s.msg.authUser} }
func (s *smtpSession) Logout() error { return nil }

// startSMTP starts a server. With implicitTLS the listener speaks TLS from
// the first byte; otherwise serverTLS (when not nil) enables STARTTLS.
func startSMTP(t *testing.T, be *smtpServer, serverTLS *tls.Config, implicitTLS bool) {
	t.Helper()
	s := smtp.NewServer(be)
	s.Domain = "localhost"
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	s.ErrorLog = log.New(io.Discard, "", 0)
	s.AllowInsecureAuth = serverTLS == nil
	s.TLSConfig = serverTLS
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicitTLS {
		l = tls.NewListener(l, serverTLS)
	}
	be.port = l.Addr().(*net.TCPAddr).Port
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
}

var testDate = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func testMail() ginauth.Mail {
	link := "https://app.example/auth/email/confirm?token=" + strings.Repeat("ab", 32)
	return ginauth.Mail{
		To:      "ada@example.com",
		Subject: "Bestätigen Sie Ihre Adresse",
		Kind:    ginauth.MailEmailConfirm,
		Link:    link,
		Token:   strings.Repeat("ab", 32),
		Text:    "Grüße,\n\nopen " + link + "\n\nA line that is long enough to need a soft line break in quoted-printable encoding, which wraps at 76.\n",
		HTML:    `<p>Grüße, <a href="` + link + `">confirm</a></p>`,
	}
}

func TestSMTPMailerDelivers(t *testing.T) {
	t.Parallel()
	cert, pool := testCert(t)
	serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	for _, tc := range []struct {
		name        string
		mode        ginauth.SMTPTLSMode
		serverTLS   *tls.Config
		implicitTLS bool
		auth        bool
		wantTLS     bool
	}{
		{name: "STARTTLS+AUTH PLAIN", mode: ginauth.SMTPStartTLS, serverTLS: serverTLS, auth: true, wantTLS: true},
		{name: "implicit TLS+AUTH PLAIN", mode: ginauth.SMTPImplicitTLS, serverTLS: serverTLS, implicitTLS: true, auth: true, wantTLS: true},
		{name: "STARTTLS without auth", mode: ginauth.SMTPStartTLS, serverTLS: serverTLS, wantTLS: true},
		{name: "plain text to loopback", mode: ginauth.SMTPNoTLS},
		{name: "plain text AUTH to loopback", mode: ginauth.SMTPNoTLS, auth: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			be := &smtpServer{requireAuth: tc.auth, user: "mailer", pass: "s3cret"}
			startSMTP(t, be, tc.serverTLS, tc.implicitTLS)
			cfg := ginauth.SMTPConfig{
				Host:      "127.0.0.1",
				Port:      be.port,
				From:      "Fästauth <no-reply@fastauth.example>",
				TLS:       tc.mode,
				TLSConfig: &tls.Config{RootCAs: pool},
				Timeout:   10 * time.Second,
				LocalName: "app.fastauth.example",
				Now:       func() time.Time { return testDate },
			}
			if tc.auth {
				cfg.Username, cfg.Password = "mailer", "s3cret"
			}
			m, err := ginauth.NewSMTPMailer(cfg)
			if err != nil {
				t.Fatal(err)
			}
			want := testMail()
			if err := m.Send(context.Background(), want); err != nil {
				t.Fatalf("Send: %v", err)
			}
			msgs := be.all()
			if len(msgs) != 1 {
				t.Fatalf("server received %d messages, want 1", len(msgs))
			}
			got := msgs[0]
			if got.from != "no-reply@fastauth.example" || got.to != "ada@example.com" {
				t.Fatalf("envelope %q -> %q", got.from, got.to)
			}
			if got.tls != tc.wantTLS {
				t.Fatalf("TLS = %v, want %v", got.tls, tc.wantTLS)
			}
			if tc.auth && got.authUser != "mailer" {
				t.Fatalf("authenticated as %q, want mailer", got.authUser)
			}
			checkMessage(t, got.data, want)
		})
	}
}

var messageIDRE = regexp.MustCompile(`^<[0-9a-f]{32}@fastauth\.example>$`)

// checkMessage parses a delivered message and checks its headers and both
// parts.
func checkMessage(t *testing.T, data []byte, want ginauth.Mail) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) {
		t.Fatal("message has a bare LF line ending")
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, data)
	}
	h := msg.Header
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Address != "no-reply@fastauth.example" || from[0].Name != "Fästauth" {
		t.Fatalf("From %q (%v)", h.Get("From"), err)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != want.To {
		t.Fatalf("To %q (%v)", h.Get("To"), err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != want.Subject {
		t.Fatalf("Subject %q decodes to %q (%v), want %q", h.Get("Subject"), subject, err, want.Subject)
	}
	date, err := h.Date()
	if err != nil || !date.Equal(testDate) {
		t.Fatalf("Date %q (%v), want %v", h.Get("Date"), err, testDate)
	}
	if id := h.Get("Message-ID"); !messageIDRE.MatchString(id) {
		t.Fatalf("Message-ID %q", id)
	}
	if v := h.Get("MIME-Version"); v != "1.0" {
		t.Fatalf("MIME-Version %q", v)
	}
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" || params["boundary"] == "" {
		t.Fatalf("Content-Type %q (%v)", h.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	parts := map[string]string{}
	var order []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("part: %v", err)
		}
		ct, ctParams, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil || ctParams["charset"] != "utf-8" {
			t.Fatalf("part Content-Type %q (%v)", p.Header.Get("Content-Type"), err)
		}
		body, err := io.ReadAll(p) // multipart decodes quoted-printable
		if err != nil {
			t.Fatal(err)
		}
		parts[ct] = string(body)
		order = append(order, ct)
	}
	if len(order) != 2 || order[0] != "text/plain" || order[1] != "text/html" {
		t.Fatalf("parts %v, want text/plain then text/html", order)
	}
	if got := strings.ReplaceAll(parts["text/plain"], "\r\n", "\n"); got != want.Text {
		t.Fatalf("text part %q, want %q", got, want.Text)
	}
	if parts["text/html"] != want.HTML {
		t.Fatalf("HTML part %q, want %q", parts["text/html"], want.HTML)
	}
	for ct, body := range parts {
		if !strings.Contains(body, want.Link) {
			t.Fatalf("%s part lacks the link", ct)
		}
	}
}

func TestSMTPMailerFailures(t *testing.T) {
	t.Parallel()
	cert, pool := testCert(t)
	serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}}
	newMailer := func(t *testing.T, cfg ginauth.SMTPConfig) *ginauth.SMTPMailer {
		t.Helper()
		cfg.Host, cfg.From, cfg.Timeout = "127.0.0.1", "no-reply@fastauth.example", 5*time.Second
		m, err := ginauth.NewSMTPMailer(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	t.Run("STARTTLS required but not offered", func(t *testing.T) {
		t.Parallel()
		be := &smtpServer{}
		startSMTP(t, be, nil, false)
		err := newMailer(t, ginauth.SMTPConfig{Port: be.port, TLS: ginauth.SMTPStartTLS}).Send(context.Background(), testMail())
		if err == nil || len(be.all()) != 0 {
			t.Fatalf("Send = %v with %d messages; want an error and nothing sent", err, len(be.all()))
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		t.Parallel()
		be := &smtpServer{}
		startSMTP(t, be, serverTLS, false)
		err := newMailer(t, ginauth.SMTPConfig{Port: be.port, TLS: ginauth.SMTPStartTLS}).Send(context.Background(), testMail())
		if err == nil || len(be.all()) != 0 {
			t.Fatalf("Send = %v; want a certificate error and nothing sent", err)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		t.Parallel()
		be := &smtpServer{requireAuth: true, user: "mailer", pass: "s3cret"}
		startSMTP(t, be, serverTLS, true)
		err := newMailer(t, ginauth.SMTPConfig{Port: be.port, TLS: ginauth.SMTPImplicitTLS, TLSConfig: &tls.Config{RootCAs: pool}, Username: "mailer", Password: "wrong"}).
			Send(context.Background(), testMail())
		if err == nil || len(be.all()) != 0 {
			t.Fatalf("Send = %v; want an auth error and nothing sent", err)
		}
	})
	t.Run("server requires auth", func(t *testing.T) {
		t.Parallel()
		be := &smtpServer{requireAuth: true, user: "mailer", pass: "s3cret"}
		startSMTP(t, be, serverTLS, false)
		err := newMailer(t, ginauth.SMTPConfig{Port: be.port, TLSConfig: &tls.Config{RootCAs: pool}}).Send(context.Background(), testMail())
		if err == nil || len(be.all()) != 0 {
			t.Fatalf("Send = %v; want an error and nothing sent", err)
		}
	})
	t.Run("bad recipient or subject", func(t *testing.T) {
		t.Parallel()
		be := &smtpServer{}
		startSMTP(t, be, nil, false)
		m := newMailer(t, ginauth.SMTPConfig{Port: be.port, TLS: ginauth.SMTPNoTLS})
		for _, mutate := range []func(*ginauth.Mail){
			func(m *ginauth.Mail) { m.To = "ada@example.com\r\nBcc: eve@example.com" },
			func(m *ginauth.Mail) { m.To = "Ada <ada@example.com>" },
			func(m *ginauth.Mail) { m.To = "" },
			func(m *ginauth.Mail) { m.Subject = "hi\r\nBcc: eve@example.com" },
		} {
			mail := testMail()
			mutate(&mail)
			if err := m.Send(context.Background(), mail); err == nil {
				t.Fatalf("Send(%+v) succeeded", mail)
			}
		}
		if n := len(be.all()); n != 0 {
			t.Fatalf("%d messages sent", n)
		}
	})
}

// TestSMTPMailerTimeout: a server that accepts and never speaks does not
// hold Send beyond the Timeout, nor beyond the context.
func TestSMTPMailerTimeout(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	t.Cleanup(func() { l.Close(); conns.Wait() })
	conns.Add(1)
	go func() {
		defer conns.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() { defer conns.Done(); _, _ = io.Copy(io.Discard, c); c.Close() }()
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port
	for _, tc := range []struct {
		name    string
		timeout time.Duration
		ctx     time.Duration
	}{
		{"Timeout", 200 * time.Millisecond, time.Minute},
		{"context", time.Minute, 200 * time.Millisecond},
	} {
		m, err := ginauth.NewSMTPMailer(ginauth.SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@fastauth.example", TLS: ginauth.SMTPNoTLS, Timeout: tc.timeout})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), tc.ctx)
		start := time.Now()
		err = m.Send(ctx, testMail())
		cancel()
		if err == nil || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: Send = %v, want a deadline error", tc.name, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("%s: Send took %v", tc.name, d)
		}
	}
}

func TestNewSMTPMailerValidates(t *testing.T) {
	t.Parallel()
	ok := ginauth.SMTPConfig{Host: "smtp.example.com", From: "no-reply@example.com"}
	for _, tc := range []struct {
		name   string
		mutate func(*ginauth.SMTPConfig)
	}{
		{"no host", func(c *ginauth.SMTPConfig) { c.Host = "" }},
		{"host with CRLF", func(c *ginauth.SMTPConfig) { c.Host = "smtp.example.com\r\n" }},
		{"no from", func(c *ginauth.SMTPConfig) { c.From = "" }},
		{"bad from", func(c *ginauth.SMTPConfig) { c.From = "not an address" }},
		{"bad port", func(c *ginauth.SMTPConfig) { c.Port = 70000 }},
		{"bad mode", func(c *ginauth.SMTPConfig) { c.TLS = 9 }},
		{"negative timeout", func(c *ginauth.SMTPConfig) { c.Timeout = -time.Second }},
		{"credentials in clear to a remote host", func(c *ginauth.SMTPConfig) { c.TLS = ginauth.SMTPNoTLS; c.Username = "u"; c.Password = "p" }},
	} {
		cfg := ok
		tc.mutate(&cfg)
		if _, err := ginauth.NewSMTPMailer(cfg); !errors.Is(err, ginauth.ErrInvalidConfig) {
			t.Errorf("%s: NewSMTPMailer = %v, want ErrInvalidConfig", tc.name, err)
		}
	}
	for _, mode := range []ginauth.SMTPTLSMode{ginauth.SMTPStartTLS, ginauth.SMTPImplicitTLS, ginauth.SMTPNoTLS} {
		cfg := ok
		cfg.TLS = mode
		if _, err := ginauth.NewSMTPMailer(cfg); err != nil {
			t.Errorf("mode %v: %v", mode, err)
		}
	}
	insecure := ok
	insecure.TLS, insecure.Username, insecure.AllowInsecureAuth = ginauth.SMTPNoTLS, "u", true
	if _, err := ginauth.NewSMTPMailer(insecure); err != nil {
		t.Errorf("AllowInsecureAuth: %v", err)
	}
	if got := ginauth.SMTPImplicitTLS.String() + "," + ginauth.SMTPStartTLS.String() + "," + ginauth.SMTPNoTLS.String(); got != "tls,starttls,none" {
		t.Errorf("mode names %q", got)
	}
}
