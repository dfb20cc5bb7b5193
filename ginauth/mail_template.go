package ginauth

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"
)

// MailData is what mail templates are executed with.
type MailData struct {
	// Kind is the kind of mail being rendered.
	Kind MailKind
	// Email is the recipient's address.
	Email string
	// Link is the URL the recipient follows; it contains Token.
	Link string
	// Token is the plaintext token, for templates that show a code.
	Token string
	// OrganizationName and Role are set for organization invites.
	OrganizationName string
	Role             Role
	// QuotedOrganizationName is OrganizationName made safe for a one-line
	// context such as a subject, where a name an inviter chose must not
	// pass for the mail's own words: in double quotes, Go-escaped (quotes,
	// backslashes, control and invisible formatting characters such as
	// bidirectional overrides), cut after 50 characters (runes) or 160
	// bytes with "…". fastauth sets it from OrganizationName.
	QuotedOrganizationName string
	// ExpiresAt is when the link stops working; ExpiresIn says it in words
	// ("1 hour", "7 days").
	ExpiresAt time.Time
	ExpiresIn string
}

// MailTemplate renders one kind of mail: a subject line and a plain-text
// body (text/template), and an HTML body (html/template, which escapes the
// data). A nil field keeps the built-in template for that part.
type MailTemplate struct {
	Subject *texttemplate.Template
	Text    *texttemplate.Template
	HTML    *htmltemplate.Template
}

// MailTemplates overrides the built-in templates of each kind of mail.
// Templates are executed with a MailData. A template that fails to execute
// is logged and the mail is not sent. Every template must be safe for
// concurrent execution, as parsed templates are.
//
//	subject := texttemplate.Must(texttemplate.New("s").Parse("Welcome to Acme, {{.Email}}"))
//	cfg.MailTemplates = &ginauth.MailTemplates{EmailConfirm: ginauth.MailTemplate{Subject: subject}}
type MailTemplates struct {
	EmailConfirm       MailTemplate
	PasswordReset      MailTemplate
	OrganizationInvite MailTemplate
}

// maxSubjectLength caps a rendered subject (in bytes) so a template cannot
// produce an unbounded header; a longer subject is cut at a character
// boundary and ends with "…".
const maxSubjectLength = 250

// The bounds of MailData.QuotedOrganizationName, quotes and "…" included.
const (
	quotedNameRunes = 50
	quotedNameBytes = 160
)

// The built-in templates. They are parsed once and only executed afterwards,
// which is safe for concurrent use.
var builtinMailTemplates = MailTemplates{
	EmailConfirm: MailTemplate{
		Subject: mustText("Confirm your email address"),
		Text: mustText(`Hello,

please confirm your email address {{.Email}} by opening this link:

{{.Link}}

The link works once and expires in {{.ExpiresIn}}. If you did not create an account, ignore this mail.
`),
		HTML: mustHTML(`<!DOCTYPE html>
<html><body style="font-family:sans-serif;line-height:1.5">
<p>Hello,</p>
<p>please confirm your email address <strong>{{.Email}}</strong>:</p>
<p><a href="{{.Link}}" style="display:inline-block;padding:10px 16px;background:#2563eb;color:#fff;text-decoration:none;border-radius:6px">Confirm email address</a></p>
<p>Or paste this link into your browser:<br><a href="{{.Link}}">{{.Link}}</a></p>
<p style="color:#555">The link works once and expires in {{.ExpiresIn}}. If you did not create an account, ignore this mail.</p>
</body></html>
`),
	},
	PasswordReset: MailTemplate{
		Subject: mustText("Reset your password"),
		Text: mustText(`Hello,

someone asked to reset the password of the account {{.Email}}. To choose a new password, open this link:

{{.Link}}

The link works once and expires in {{.ExpiresIn}}. Resetting signs you out everywhere. If you did not ask for this, ignore this mail: your password stays as it is.
`),
		HTML: mustHTML(`<!DOCTYPE html>
<html><body style="font-family:sans-serif;line-height:1.5">
<p>Hello,</p>
<p>someone asked to reset the password of the account <strong>{{.Email}}</strong>.</p>
<p><a href="{{.Link}}" style="display:inline-block;padding:10px 16px;background:#2563eb;color:#fff;text-decoration:none;border-radius:6px">Choose a new password</a></p>
<p>Or paste this link into your browser:<br><a href="{{.Link}}">{{.Link}}</a></p>
<p style="color:#555">The link works once and expires in {{.ExpiresIn}}. Resetting signs you out everywhere. If you did not ask for this, ignore this mail: your password stays as it is.</p>
</body></html>
`),
	},
	OrganizationInvite: MailTemplate{
		Subject: mustText("You are invited to join {{.QuotedOrganizationName}}"),
		Text: mustText(`Hello,

you are invited to join {{.OrganizationName}} as {{.Role}}. To accept, sign in or create an account with {{.Email}} and open this link:

{{.Link}}

The invitation expires in {{.ExpiresIn}}. If you do not want to join, ignore this mail.
`),
		HTML: mustHTML(`<!DOCTYPE html>
<html><body style="font-family:sans-serif;line-height:1.5">
<p>Hello,</p>
<p>you are invited to join <strong>{{.OrganizationName}}</strong> as {{.Role}}. To accept, sign in or create an account with <strong>{{.Email}}</strong> and open this link:</p>
<p><a href="{{.Link}}" style="display:inline-block;padding:10px 16px;background:#2563eb;color:#fff;text-decoration:none;border-radius:6px">Accept the invitation</a></p>
<p>Or paste this link into your browser:<br><a href="{{.Link}}">{{.Link}}</a></p>
<p style="color:#555">The invitation expires in {{.ExpiresIn}}. If you do not want to join, ignore this mail.</p>
</body></html>
`),
	},
}

func mustText(src string) *texttemplate.Template {
	return texttemplate.Must(texttemplate.New("mail").Option("missingkey=error").Parse(src))
}

func mustHTML(src string) *htmltemplate.Template {
	return htmltemplate.Must(htmltemplate.New("mail").Option("missingkey=error").Parse(src))
}

// template returns the templates of kind, the configured ones where set
// and the built-in ones elsewhere.
func (a *Auth) template(kind MailKind) (MailTemplate, error) {
	var builtin, custom MailTemplate
	var t *MailTemplates
	if a.cfg.MailTemplates != nil {
		t = a.cfg.MailTemplates
	}
	switch kind {
	case MailEmailConfirm:
		builtin = builtinMailTemplates.EmailConfirm
		if t != nil {
			custom = t.EmailConfirm
		}
	case MailPasswordReset:
		builtin = builtinMailTemplates.PasswordReset
		if t != nil {
			custom = t.PasswordReset
		}
	case MailOrganizationInvite:
		builtin = builtinMailTemplates.OrganizationInvite
		if t != nil {
			custom = t.OrganizationInvite
		}
	default:
		return MailTemplate{}, fmt.Errorf("ginauth: no template for mail kind %q", kind)
	}
	if custom.Subject == nil {
		custom.Subject = builtin.Subject
	}
	if custom.Text == nil {
		custom.Text = builtin.Text
	}
	if custom.HTML == nil {
		custom.HTML = builtin.HTML
	}
	return custom, nil
}

// renderMail executes the templates of kind with data. Any failure (a
// template error, an empty subject or body) is returned and no mail is made.
func (a *Auth) renderMail(kind MailKind, data MailData) (Mail, error) {
	t, err := a.template(kind)
	if err != nil {
		return Mail{}, err
	}
	data.Kind = kind
	data.QuotedOrganizationName = ""
	if data.OrganizationName != "" {
		data.QuotedOrganizationName = quoteName(data.OrganizationName)
	}
	if data.ExpiresIn == "" && !data.ExpiresAt.IsZero() {
		data.ExpiresIn = humanDuration(data.ExpiresAt.Sub(a.now()))
	}
	var subject, text, html bytes.Buffer
	if err := t.Subject.Execute(&subject, data); err != nil {
		return Mail{}, fmt.Errorf("ginauth: %s subject template: %w", kind, err)
	}
	if err := t.Text.Execute(&text, data); err != nil {
		return Mail{}, fmt.Errorf("ginauth: %s text template: %w", kind, err)
	}
	if err := t.HTML.Execute(&html, data); err != nil {
		return Mail{}, fmt.Errorf("ginauth: %s HTML template: %w", kind, err)
	}
	subj := strings.Join(strings.Fields(subject.String()), " ") // one line, no CR/LF
	if len(subj) > maxSubjectLength {
		subj = truncateUTF8(subj, maxSubjectLength-len(ellipsis)) + ellipsis
	}
	switch {
	case subj == "":
		return Mail{}, fmt.Errorf("ginauth: %s subject template rendered an empty subject", kind)
	case strings.TrimSpace(text.String()) == "":
		return Mail{}, fmt.Errorf("ginauth: %s text template rendered an empty body", kind)
	}
	return Mail{
		To:      data.Email,
		Subject: subj,
		Kind:    kind,
		Link:    data.Link,
		Token:   data.Token,
		Text:    text.String(),
		HTML:    html.String(),
	}, nil
}

// ellipsis ends a shortened name or subject.
const ellipsis = "…"

// quoteName is MailData.QuotedOrganizationName of name.
func quoteName(name string) string {
	var b strings.Builder
	b.WriteByte('"')
	n := 0
	for _, r := range name {
		q := strconv.Quote(string(r))
		q = q[1 : len(q)-1]
		if n == quotedNameRunes || b.Len()+len(q)+len(ellipsis)+1 > quotedNameBytes {
			b.WriteString(ellipsis)
			break
		}
		b.WriteString(q)
		n++
	}
	b.WriteByte('"')
	return b.String()
}

// humanDuration says d in words, rounded to the largest fitting unit:
// "1 hour", "90 minutes", "7 days".
func humanDuration(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return plural(int64(d/(24*time.Hour)), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	case d >= time.Minute:
		return plural(int64((d+30*time.Second)/time.Minute), "minute")
	default:
		return plural(max(int64((d+time.Second/2)/time.Second), 1), "second")
	}
}
