package ginauth

import (
	"net/url"

	"github.com/fastauth/fastauth/mail"

	"bytes"
	"context"
	"errors"
	htmltemplate "html/template"
	"log/slog"
	"strings"
	"sync"
	"testing"
	texttemplate "text/template"
	"time"
	"unicode/utf8"
)

// mailRecorder is a Mailer that keeps what it is sent, or fails with err.
type mailRecorder struct {
	mu    sync.Mutex
	mails []Mail
	err   error
}

func (r *mailRecorder) Send(_ context.Context, m Mail) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.mails = append(r.mails, m)
	return nil
}

func (r *mailRecorder) sent() []Mail {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Mail(nil), r.mails...)
}

// syncBuffer is a bytes.Buffer safe for concurrent writes (log output).
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var mailTestNow = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// newMailTestAuth is an Auth with just what rendering, mailing and hooks
// need: the config (defaults applied), a logger writing to the returned
// buffer and the mailer.
func newMailTestAuth(cfg Config, mailer Mailer) (*Auth, *syncBuffer) {
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	cfg.Now = func() time.Time { return mailTestNow }
	cfg.AppBaseURL = "https://app.example/"
	cfg = cfg.withDefaults()
	return &Auth{cfg: cfg, log: cfg.Logger, mailer: mailer, mails: mail.NewRenderer(cfg.Now, cfg.MailTemplates)}, logs
}

func TestBuiltinTemplatesRender(t *testing.T) {
	t.Parallel()
	a, _ := newMailTestAuth(Config{BasePath: "/api/auth"}, nil)
	token := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		kind     MailKind
		data     MailData
		link     string
		contains []string
	}{
		{
			kind: MailEmailConfirm,
			data: MailData{Email: "ada@example.com", Token: token, ExpiresAt: mailTestNow.Add(time.Hour)},
			link: "https://app.example/api/auth/email/confirm?token=" + token,
		},
		{
			kind:     MailPasswordReset,
			data:     MailData{Email: "ada@example.com", Token: token, ExpiresAt: mailTestNow.Add(90 * time.Minute)},
			link:     "https://app.example/reset-password?token=" + token,
			contains: []string{"90 minutes"},
		},
		{
			kind:     MailOrganizationInvite,
			data:     MailData{Email: "bob@example.com", Token: token, OrganizationName: `Acme <b>&</b> "Co"`, Role: RoleAdmin, ExpiresAt: mailTestNow.Add(7 * 24 * time.Hour)},
			link:     "https://app.example/accept-invite?token=" + token,
			contains: []string{"7 days", "admin"},
		},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			switch tc.kind {
			case MailEmailConfirm:
				tc.data.Link = a.confirmEmailLink(token)
			case MailPasswordReset:
				tc.data.Link = a.resetPasswordLink(token)
			default:
				tc.data.Link = a.cfg.AppBaseURL + "/accept-invite?token=" + url.QueryEscape(token) // the organizations module's link
			}
			if tc.data.Link != tc.link {
				t.Fatalf("link %q, want %q", tc.data.Link, tc.link)
			}
			m, err := a.renderMail(tc.kind, tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if m.To != tc.data.Email || m.Kind != tc.kind || m.Link != tc.link || m.Token != token || m.Subject == "" {
				t.Fatalf("mail %+v", m)
			}
			if strings.ContainsAny(m.Subject, "\r\n") {
				t.Fatalf("subject %q spans lines", m.Subject)
			}
			for _, part := range []string{m.Text, m.HTML} {
				if !strings.Contains(part, tc.link) || !strings.Contains(part, tc.data.Email) {
					t.Fatalf("body lacks the link or the email:\n%s", part)
				}
				for _, want := range tc.contains {
					if !strings.Contains(part, want) {
						t.Fatalf("body lacks %q:\n%s", want, part)
					}
				}
			}
			if tc.kind == MailOrganizationInvite {
				if !strings.Contains(m.Subject, `"Acme <b>&</b> \"Co\""`) || !strings.Contains(m.Text, tc.data.OrganizationName) {
					t.Fatalf("invite subject must name the organization quoted, the text verbatim: %q / %q", m.Subject, m.Text)
				}
				if strings.Contains(m.HTML, "<b>") || !strings.Contains(m.HTML, "Acme &lt;b&gt;&amp;&lt;/b&gt; &#34;Co&#34;") {
					t.Fatalf("invite HTML does not escape the organization name:\n%s", m.HTML)
				}
			}
			if !strings.Contains(m.Text, "1 hour") && tc.kind == MailEmailConfirm {
				t.Fatalf("confirmation text lacks the expiry:\n%s", m.Text)
			}
		})
	}
}

func TestCustomTemplatesOverrideOnlyWhatIsSet(t *testing.T) {
	t.Parallel()
	subject := texttemplate.Must(texttemplate.New("s").Parse("Welcome to Acme,\r\n  {{.Email}}"))
	html := htmltemplate.Must(htmltemplate.New("h").Parse(`<a href="{{.Link}}">go</a> {{.OrganizationName}}`))
	a, _ := newMailTestAuth(Config{MailTemplates: &MailTemplates{
		EmailConfirm:       MailTemplate{Subject: subject},
		OrganizationInvite: MailTemplate{HTML: html},
	}}, nil)
	m, err := a.renderMail(MailEmailConfirm, MailData{Email: "ada@example.com", Link: "https://app.example/x?token=t", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Welcome to Acme, ada@example.com" {
		t.Fatalf("custom subject %q (must be one line)", m.Subject)
	}
	builtin, ok := mail.Builtin(MailEmailConfirm)
	if !ok {
		t.Fatal("no built-in email_confirm templates")
	}
	var want bytes.Buffer
	if err := builtin.Text.Execute(&want, MailData{Kind: MailEmailConfirm, Email: "ada@example.com", Link: "https://app.example/x?token=t", Token: "t"}); err != nil {
		t.Fatal(err)
	}
	if m.Text != want.String() {
		t.Fatalf("text not the built-in one:\n%s", m.Text)
	}
	inv, err := a.renderMail(MailOrganizationInvite, MailData{Email: "b@example.com", Link: "https://app.example/i?token=t&x=<1>", OrganizationName: "<Acme>"})
	if err != nil {
		t.Fatal(err)
	}
	if inv.HTML != `<a href="https://app.example/i?token=t&amp;x=%3c1%3e">go</a> &lt;Acme&gt;` {
		t.Fatalf("custom HTML %q", inv.HTML)
	}
	if !strings.HasPrefix(inv.Subject, "You are invited") {
		t.Fatalf("invite subject %q is not the built-in one", inv.Subject)
	}
}

// TestFailingTemplateSendsNothing: a template that fails to execute, or
// renders an unusable mail, is logged and nothing is sent.
func TestFailingTemplateSendsNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		tmpl MailTemplate
	}{
		{"text exec error", MailTemplate{Text: texttemplate.Must(texttemplate.New("t").Parse("{{.NoSuchField}}"))}},
		{"html exec error", MailTemplate{HTML: htmltemplate.Must(htmltemplate.New("h").Parse(`{{template "missing"}}`))}},
		{"subject calls a failing method", MailTemplate{Subject: texttemplate.Must(texttemplate.New("s").Parse(`{{index .Email 99}}`))}},
		{"empty subject", MailTemplate{Subject: texttemplate.Must(texttemplate.New("s").Parse(" \n "))}},
		{"empty text", MailTemplate{Text: texttemplate.Must(texttemplate.New("t").Parse("  "))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &mailRecorder{}
			a, logs := newMailTestAuth(Config{MailTemplates: &MailTemplates{PasswordReset: tc.tmpl}}, rec)
			a.sendMail(context.Background(), MailPasswordReset, MailData{Email: "ada@example.com", Link: "https://app.example/r?token=t", Token: "t"})
			if n := len(rec.sent()); n != 0 {
				t.Fatalf("%d mails sent", n)
			}
			if !strings.Contains(logs.String(), "mail template failed") || !strings.Contains(logs.String(), "level=ERROR") {
				t.Fatalf("failure not logged: %s", logs.String())
			}
			// Other kinds still go out.
			a.sendMail(context.Background(), MailEmailConfirm, MailData{Email: "ada@example.com", Link: "l", Token: "t"})
			if n := len(rec.sent()); n != 1 {
				t.Fatalf("%d mails of another kind sent, want 1", n)
			}
		})
	}
	if _, err := mail.NewRenderer(nil, nil).Render("nonsense", mail.Message{}); err == nil {
		t.Fatal("unknown kind rendered")
	}
}

// TestSendMailFailuresAreLogged: an error or a panic of the mailer is
// logged and does not reach the caller.
func TestSendMailFailuresAreLogged(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		mailer Mailer
		want   string
	}{
		{"error", &mailRecorder{err: errors.New("relay refused")}, "relay refused"},
		{"panic", panicMailer{}, "mailer panicked"},
	} {
		a, logs := newMailTestAuth(Config{}, tc.mailer)
		a.sendMail(context.Background(), MailEmailConfirm, MailData{Email: "ada@example.com", Link: "l", Token: "t"})
		if !strings.Contains(logs.String(), "sending mail failed") || !strings.Contains(logs.String(), tc.want) {
			t.Fatalf("%s: not logged: %s", tc.name, logs.String())
		}
	}
}

type panicMailer struct{}

func (panicMailer) Send(context.Context, Mail) error { panic("boom") }

// TestSendMailBoundedContext: delivery gets a deadline and survives the
// cancellation of the request's context.
func TestSendMailBoundedContext(t *testing.T) {
	t.Parallel()
	var deadline time.Time
	var ctxErr error
	a, _ := newMailTestAuth(Config{}, mailerFunc(func(ctx context.Context, _ Mail) error {
		deadline, _ = ctx.Deadline()
		ctxErr = ctx.Err()
		return nil
	}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a.sendMail(ctx, MailEmailConfirm, MailData{Email: "ada@example.com", Link: "l", Token: "t"})
	if ctxErr != nil {
		t.Fatalf("delivery context canceled with the request: %v", ctxErr)
	}
	if deadline.IsZero() || time.Until(deadline) > mailSendTimeout {
		t.Fatalf("delivery context deadline %v, want within %v", deadline, mailSendTimeout)
	}
}

type mailerFunc func(ctx context.Context, m Mail) error

func (f mailerFunc) Send(ctx context.Context, m Mail) error { return f(ctx, m) }

func TestHumanDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		time.Hour:                    "1 hour",
		2 * time.Hour:                "2 hours",
		90 * time.Minute:             "90 minutes",
		time.Minute:                  "1 minute",
		24 * time.Hour:               "1 day",
		7 * 24 * time.Hour:           "7 days",
		36 * time.Hour:               "36 hours",
		30 * time.Second:             "30 seconds",
		0:                            "1 second",
		time.Minute + 29*time.Second: "1 minute",
	} {
		if got := mail.HumanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestInviteSubjectQuotesTheName: the organization name, chosen by whoever
// invites, is quoted, escaped and cut by characters in the invite subject,
// so that it reads as a name and never makes the mail undeliverable: a
// 100-character name of 3-byte characters (300 bytes) used to render a
// subject over the 250-byte cap, and the mail was dropped.
func TestInviteSubjectQuotesTheName(t *testing.T) {
	t.Parallel()
	rec := &mailRecorder{}
	a, logs := newMailTestAuth(Config{}, rec)
	for _, tc := range []struct {
		name, want string
	}{
		{"Acme", `"Acme"`},
		{`Say "hi" \ bye`, `"Say \"hi\" \\ bye"`},
		{"Bank\u202eknil", `"Bank\u202eknil"`},   // a bidirectional override is shown, not obeyed
		{"Zero\u200bwidth", `"Zero\u200bwidth"`}, // so are invisible characters
		{"Ünïcödé Äg", `"Ünïcödé Äg"`},           // printable letters stay as they are
		{strings.Repeat("x", 50), `"` + strings.Repeat("x", 50) + `"`},
		{strings.Repeat("x", 51), `"` + strings.Repeat("x", 50) + `…"`},
		{strings.Repeat("日本語", 33) + "x", `"` + strings.Repeat("日本語", 16) + `日本…"`},
		{strings.Repeat("\u202e", 60), `"` + strings.Repeat(`\u202e`, 25) + `…"`}, // 160 bytes at most
	} {
		a.sendMail(context.Background(), MailOrganizationInvite, MailData{Email: "bob@example.com", Token: "inv_t", OrganizationName: tc.name, Role: RoleMember, ExpiresAt: mailTestNow.Add(time.Hour)})
		sent := rec.sent()
		if len(sent) == 0 {
			t.Fatalf("no invite mail for %q; logs: %s", tc.name, logs.String())
		}
		m := sent[len(sent)-1]
		if got := strings.TrimPrefix(m.Subject, "You are invited to join "); len(got) > 160 || !utf8.ValidString(got) {
			t.Errorf("quoted name %q: %d bytes or invalid UTF-8", got, len(got))
		}
		if m.Subject != "You are invited to join "+strings.Join(strings.Fields(tc.want), " ") {
			t.Errorf("subject %q for the name %q", m.Subject, tc.name)
		}
		if !strings.Contains(m.Text, tc.name) {
			t.Errorf("the text body does not name %q in full", tc.name)
		}
	}
	if n := len(rec.sent()); n != 9 {
		t.Fatalf("%d invite mails sent, want 9", n)
	}
}

// TestSubjectCutAtCharacterBoundary: a custom subject over 250 bytes is
// cut at a character boundary and marked with "…", never dropped.
func TestSubjectCutAtCharacterBoundary(t *testing.T) {
	t.Parallel()
	for _, src := range []string{strings.Repeat("x", 300), strings.Repeat("é", 200), "Hi " + strings.Repeat("日本語", 100)} {
		rec := &mailRecorder{}
		a, _ := newMailTestAuth(Config{MailTemplates: &MailTemplates{PasswordReset: MailTemplate{Subject: texttemplate.Must(texttemplate.New("s").Parse(src))}}}, rec)
		a.sendMail(context.Background(), MailPasswordReset, MailData{Email: "ada@example.com", Link: "l", Token: "t"})
		sent := rec.sent()
		if len(sent) != 1 {
			t.Fatalf("%d mails sent for a %d-byte subject, want 1", len(sent), len(src))
		}
		subj := sent[0].Subject
		if len(subj) > 250 || !utf8.ValidString(subj) || !strings.HasSuffix(subj, "…") || !strings.HasPrefix(src, strings.TrimSuffix(subj, "…")) {
			t.Fatalf("subject of %d bytes cut to %q (%d bytes)", len(src), subj, len(subj))
		}
		if len(subj) < 250-len("…")-3 {
			t.Fatalf("subject cut too short: %d bytes", len(subj))
		}
	}
}
