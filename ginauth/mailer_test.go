package ginauth_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
)

// TestLogMailerRedactsByDefault: the default log mailer logs each mail at
// Debug with the token replaced in its link, so a log that is read by
// others holds no usable link; with RevealTokens it logs the live link at
// Info. It never logs the body.
func TestLogMailerRedactsByDefault(t *testing.T) {
	t.Parallel()
	for _, reveal := range []bool{false, true} {
		var buf bytes.Buffer
		m := ginauth.NewLogMailer(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
		m.RevealTokens = reveal
		mail := testMail()
		if err := m.Send(context.Background(), mail); err != nil {
			t.Fatal(err)
		}
		var line map[string]any
		if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
			t.Fatalf("log line %q: %v", buf.String(), err)
		}
		if line["to"] != mail.To || line["kind"] != string(mail.Kind) || line["subject"] != mail.Subject {
			t.Fatalf("log line %v lacks the mail's to, kind or subject", line)
		}
		if strings.Contains(buf.String(), "Grüße") {
			t.Fatal("log mailer logged the body")
		}
		switch {
		case reveal && (line["link"] != mail.Link || line["level"] != "INFO"):
			t.Fatalf("RevealTokens: log line %v, want the live link at INFO", line)
		case !reveal && line["level"] != "DEBUG":
			t.Fatalf("default: level %v, want DEBUG", line["level"])
		case !reveal && (strings.Contains(buf.String(), mail.Token) || line["link"] != strings.Replace(mail.Link, mail.Token, "REDACTED", 1)):
			t.Fatalf("default: the token is in the log: %s", buf.String())
		}
	}
	// At the default level (Info) of a logger, the default log mailer
	// writes nothing at all.
	var buf bytes.Buffer
	if err := ginauth.NewLogMailer(slog.New(slog.NewTextHandler(&buf, nil))).Send(context.Background(), testMail()); err != nil || buf.Len() != 0 {
		t.Fatalf("Send = %v, logged %q at the Info level", err, buf.String())
	}
	if ginauth.NewLogMailer(nil) == nil {
		t.Fatal("NewLogMailer(nil) returned nil")
	}
}

// TestRegisterWarnsAboutMailSetup: Register warns when no Mailer is set
// (mails are never delivered) and when a delivering Mailer has no
// AppBaseURL (links would point at http://localhost:8080); a configured
// setup gets no warning.
func TestRegisterWarnsAboutMailSetup(t *testing.T) {
	t.Parallel()
	st, cleanup := newExampleStore(context.Background())
	t.Cleanup(cleanup)
	outbox, err := ginauth.NewOutboxMailer(filepath.Join(t.TempDir(), "outbox.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	revealing := ginauth.NewLogMailer(nil)
	revealing.RevealTokens = true
	for _, tc := range []struct {
		name   string
		mailer ginauth.Mailer
		base   string
		want   string // "" means no warning
	}{
		{"no mailer", nil, "", "no Config.Mailer"},
		{"no mailer, base URL set", nil, "https://app.example", "no Config.Mailer"},
		{"outbox without AppBaseURL", outbox, "", "Config.AppBaseURL is not set: links in mails point at http://localhost:8080"},
		{"outbox with AppBaseURL", outbox, "https://app.example", ""},
		{"log mailer chosen explicitly", revealing, "", ""},
	} {
		var logs bytes.Buffer
		cfg := exampleConfig()
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		cfg.Mailer = tc.mailer
		cfg.AppBaseURL = tc.base
		r := gin.New()
		if err := r.SetTrustedProxies(nil); err != nil {
			t.Fatal(err)
		}
		auth, err := ginauth.Register(r, cfg, st)
		if err != nil {
			t.Fatal(err)
		}
		_ = auth.Close()
		got := logs.String()
		switch {
		case tc.want == "" && strings.Contains(got, "level=WARN"):
			t.Errorf("%s: unexpected warning: %s", tc.name, got)
		case tc.want != "" && (!strings.Contains(got, "level=WARN") || !strings.Contains(got, tc.want)):
			t.Errorf("%s: log %q, want a warning with %q", tc.name, got, tc.want)
		}
	}
}

// outboxEntry is the JSON line format of the outbox mailer (NewOutboxMailer).
type outboxEntry struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Kind    string `json:"kind"`
	Link    string `json:"link"`
	Token   string `json:"token"`
	Text    string `json:"text"`
}

func readOutbox(t *testing.T, path string) []outboxEntry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []outboxEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var keys map[string]any
		if err := json.Unmarshal(sc.Bytes(), &keys); err != nil {
			t.Fatalf("outbox line %q: %v", sc.Text(), err)
		}
		if len(keys) != 6 {
			t.Fatalf("outbox line has keys %v, want exactly to, subject, kind, link, token, text", keys)
		}
		var e outboxEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOutboxMailerAppendsJSONLines(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	m, err := ginauth.NewOutboxMailer(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Path() != path {
		t.Fatalf("Path %q", m.Path())
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("NewOutboxMailer did not create the file: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("outbox mode %v, want 0600 (it holds live tokens)", st.Mode().Perm())
	}
	mail := testMail()
	for i := 0; i < 2; i++ {
		if err := m.Send(context.Background(), mail); err != nil {
			t.Fatal(err)
		}
	}
	// A second mailer on the same file appends too (e.g. after a restart).
	m2, err := ginauth.NewOutboxMailer(path)
	if err != nil {
		t.Fatal(err)
	}
	invite := ginauth.Mail{To: "bob@example.com", Subject: "Join", Kind: ginauth.MailOrganizationInvite, Link: "http://x/accept-invite?token=t", Token: "t", Text: "join\n"}
	if err := m2.Send(context.Background(), invite); err != nil {
		t.Fatal(err)
	}
	got := readOutbox(t, path)
	if len(got) != 3 {
		t.Fatalf("%d lines, want 3", len(got))
	}
	want := outboxEntry{To: mail.To, Subject: mail.Subject, Kind: "email_confirm", Link: mail.Link, Token: mail.Token, Text: mail.Text}
	if got[0] != want || got[1] != want {
		t.Fatalf("line %+v, want %+v", got[0], want)
	}
	if got[2].Kind != "organization_invite" || got[2].Token != "t" {
		t.Fatalf("line 3 %+v", got[2])
	}
}

// TestOutboxMailerConcurrent: concurrent sends from two mailers on one file
// never interleave lines.
func TestOutboxMailerConcurrent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	mailers := make([]*ginauth.OutboxMailer, 2)
	for i := range mailers {
		m, err := ginauth.NewOutboxMailer(path)
		if err != nil {
			t.Fatal(err)
		}
		mailers[i] = m
	}
	const goroutines, each = 16, 25
	big := strings.Repeat("long body line with ümlauts ", 400) // > PIPE_BUF
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*each)
	for g := 0; g < goroutines; g++ {
		wg.Go(func() {
			for i := 0; i < each; i++ {
				mail := ginauth.Mail{To: fmt.Sprintf("u%d-%d@example.com", g, i), Subject: "s", Kind: ginauth.MailPasswordReset, Link: "l", Token: "t", Text: big}
				if err := mailers[g%2].Send(context.Background(), mail); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := readOutbox(t, path)
	if len(got) != goroutines*each {
		t.Fatalf("%d lines, want %d", len(got), goroutines*each)
	}
	seen := map[string]bool{}
	for _, e := range got {
		if e.Text != big || seen[e.To] {
			t.Fatalf("corrupt or duplicate line for %s", e.To)
		}
		seen[e.To] = true
	}
}

func TestOutboxMailerErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := ginauth.NewOutboxMailer(""); !errors.Is(err, ginauth.ErrInvalidConfig) {
		t.Fatalf("empty path: %v", err)
	}
	if _, err := ginauth.NewOutboxMailer(dir); err == nil {
		t.Fatal("a directory was accepted as the outbox")
	}
	if _, err := ginauth.NewOutboxMailer(filepath.Join(dir, "missing", "outbox.jsonl")); err == nil {
		t.Fatal("a path in a missing directory was accepted")
	}
	path := filepath.Join(dir, "outbox.jsonl")
	m, err := ginauth.NewOutboxMailer(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Send(ctx, testMail()); !errors.Is(err, context.Canceled) {
		t.Fatalf("Send with a canceled context: %v", err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), testMail()); err == nil {
		t.Fatal("Send to a path that became a directory succeeded")
	}
}
