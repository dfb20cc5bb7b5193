package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/internal/truncate"
)

// Data is what mail templates are executed with.
type Data struct {
	// Kind is the kind of mail being rendered.
	Kind Kind
	// Email is the recipient's address.
	Email string
	// Link is the URL the recipient follows; it contains Token.
	Link string
	// Token is the plaintext token, for templates that show a code.
	Token string
	// OrganizationName and Role are set for organization invites.
	OrganizationName string
	Role             fastauth.Role
	// QuotedOrganizationName is OrganizationName made safe for a one-line
	// context such as a subject, where a name an inviter chose must not
	// pass for the mail's own words: in double quotes, Go-escaped (quotes,
	// backslashes, control and invisible formatting characters such as
	// bidirectional overrides), cut after 50 characters (runes) or 160
	// bytes with "…". Renderer.Render sets it from OrganizationName.
	QuotedOrganizationName string
	// ExpiresAt is when the link stops working; ExpiresIn says it in words
	// ("1 hour", "7 days"; Renderer.Render sets it from ExpiresAt when empty).
	ExpiresAt time.Time
	ExpiresIn string
}

// Template renders one kind of mail: a subject line and a plain-text
// body (text/template), and an HTML body (html/template, which escapes the
// data). A nil field keeps the built-in template for that part.
type Template struct {
	Subject *texttemplate.Template
	Text    *texttemplate.Template
	HTML    *htmltemplate.Template
}

// Templates overrides the built-in templates of each kind of mail.
// Templates are executed with a Data. A template that fails to execute
// is logged and the mail is not sent. Every template must be safe for
// concurrent execution, as parsed templates are.
//
//	subject := texttemplate.Must(texttemplate.New("s").Parse("Welcome to Acme, {{.Email}}"))
//	cfg.Templates = &ginauth.Templates{EmailConfirm: ginauth.Template{Subject: subject}}
type Templates struct {
	EmailConfirm       Template
	PasswordReset      Template
	OrganizationInvite Template
}

// maxSubjectLength caps a rendered subject (in bytes) so a template cannot
// produce an unbounded header; a longer subject is cut at a character
// boundary and ends with "…".
const maxSubjectLength = 250

// The bounds of Data.QuotedOrganizationName, quotes and "…" included.
const (
	quotedNameRunes = 50
	quotedNameBytes = 160
)

// The built-in templates. They are parsed once and only executed afterwards,
// which is safe for concurrent use.
var builtinTemplates = Templates{
	EmailConfirm: Template{
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
	PasswordReset: Template{
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
	OrganizationInvite: Template{
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

// Renderer renders the mails of an open set of kinds: the kernel's three,
// with the application's overrides, and the kinds modules add. It is safe
// for concurrent use.
type Renderer struct {
	now   func() time.Time
	mu    sync.RWMutex
	kinds map[Kind]Template
}

// NewRenderer returns a Renderer with the kernel's kinds, their built-in
// templates overridden by the non-nil parts of custom (which may be nil).
// now is the clock that turns Data.ExpiresAt into Data.ExpiresIn.
func NewRenderer(now func() time.Time, custom *Templates) *Renderer {
	r := &Renderer{now: now, kinds: make(map[Kind]Template, 8)}
	var c Templates
	if custom != nil {
		c = *custom
	}
	r.kinds[KindEmailConfirm] = c.EmailConfirm.over(builtinTemplates.EmailConfirm)
	r.kinds[KindPasswordReset] = c.PasswordReset.over(builtinTemplates.PasswordReset)
	r.kinds[KindOrganizationInvite] = c.OrganizationInvite.over(builtinTemplates.OrganizationInvite)
	return r
}

// over returns t with its nil parts taken from def.
func (t Template) over(def Template) Template {
	if t.Subject == nil {
		t.Subject = def.Subject
	}
	if t.Text == nil {
		t.Text = def.Text
	}
	if t.HTML == nil {
		t.HTML = def.HTML
	}
	return t
}

// Builtin returns the built-in templates of one of the kernel's kinds.
func Builtin(kind Kind) (Template, bool) {
	switch kind {
	case KindEmailConfirm:
		return builtinTemplates.EmailConfirm, true
	case KindPasswordReset:
		return builtinTemplates.PasswordReset, true
	case KindOrganizationInvite:
		return builtinTemplates.OrganizationInvite, true
	}
	return Template{}, false
}

// Add registers a new kind with its templates, as a module does when it
// mounts. The subject and the text body are required; a nil HTML template
// sends a text-only mail. A kind already registered is refused.
func (r *Renderer) Add(kind Kind, t Template) error {
	if kind == "" || t.Subject == nil || t.Text == nil {
		return fmt.Errorf("%w: mail kind %q needs a name, a subject and a text template", fastauth.ErrInvalidConfig, kind)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.kinds[kind]; dup {
		return fmt.Errorf("%w: mail kind %q is already registered", fastauth.ErrInvalidConfig, kind)
	}
	r.kinds[kind] = t
	return nil
}

// Message is what Render turns into a Mail: the recipient, the link and
// its token (recorded on the Mail for outbox mailers), and the data the
// templates are executed with: a Data for the kernel's kinds, any value
// for a module's.
type Message struct {
	To    string
	Link  string
	Token string
	Data  any
}

// Render executes the templates of kind with msg.Data. A Data gets its
// Kind, QuotedOrganizationName and (from ExpiresAt) ExpiresIn filled in.
// Any failure (an unknown kind, a template error, an empty subject or
// body) is returned and no mail is made. The subject is one line of at
// most 250 bytes, cut at a character boundary.
func (r *Renderer) Render(kind Kind, msg Message) (Mail, error) {
	r.mu.RLock()
	t, ok := r.kinds[kind]
	r.mu.RUnlock()
	if !ok {
		return Mail{}, fmt.Errorf("mail: no template for mail kind %q", kind)
	}
	data := msg.Data
	if d, ok := data.(Data); ok {
		d.Kind = kind
		d.QuotedOrganizationName = ""
		if d.OrganizationName != "" {
			d.QuotedOrganizationName = quoteName(d.OrganizationName)
		}
		if d.ExpiresIn == "" && !d.ExpiresAt.IsZero() && r.now != nil {
			d.ExpiresIn = HumanDuration(d.ExpiresAt.Sub(r.now()))
		}
		data = d
	}
	var subject, text, html bytes.Buffer
	if err := t.Subject.Execute(&subject, data); err != nil {
		return Mail{}, fmt.Errorf("mail: %s subject template: %w", kind, err)
	}
	if err := t.Text.Execute(&text, data); err != nil {
		return Mail{}, fmt.Errorf("mail: %s text template: %w", kind, err)
	}
	if t.HTML != nil {
		if err := t.HTML.Execute(&html, data); err != nil {
			return Mail{}, fmt.Errorf("mail: %s HTML template: %w", kind, err)
		}
	}
	subj := strings.Join(strings.Fields(subject.String()), " ") // one line, no CR/LF
	if len(subj) > maxSubjectLength {
		subj = truncate.UTF8(subj, maxSubjectLength-len(ellipsis)) + ellipsis
	}
	switch {
	case subj == "":
		return Mail{}, fmt.Errorf("mail: %s subject template rendered an empty subject", kind)
	case strings.TrimSpace(text.String()) == "":
		return Mail{}, fmt.Errorf("mail: %s text template rendered an empty body", kind)
	}
	return Mail{
		To:      msg.To,
		Subject: subj,
		Kind:    kind,
		Link:    msg.Link,
		Token:   msg.Token,
		Text:    text.String(),
		HTML:    html.String(),
	}, nil
}

// ellipsis ends a shortened name or subject.
const ellipsis = "…"

// quoteName is Data.QuotedOrganizationName of name.
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

// HumanDuration says d in words, rounded to the largest fitting unit:
// "1 hour", "90 minutes", "7 days".
func HumanDuration(d time.Duration) string {
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
