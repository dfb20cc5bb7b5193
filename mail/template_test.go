package mail

import (
	"errors"
	"strings"
	"testing"
	texttemplate "text/template"
	"time"
	"unicode/utf8"

	"github.com/fastauth/fastauth"
)

func TestQuoteName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, want string }{
		{"Acme", `"Acme"`},
		{`Say "hi" \ bye`, `"Say \"hi\" \\ bye"`},
		{"Bank\u202eknil", `"Bank\u202eknil"`},
		{strings.Repeat("x", 51), `"` + strings.Repeat("x", 50) + `…"`},
		{strings.Repeat("\u202e", 60), `"` + strings.Repeat(`\u202e`, 25) + `…"`},
	} {
		got := quoteName(tc.name)
		if got != tc.want {
			t.Errorf("quoteName(%q) = %q, want %q", tc.name, got, tc.want)
		}
		if len(got) > quotedNameBytes || !utf8.ValidString(got) {
			t.Errorf("quoteName(%q) = %q: %d bytes or invalid UTF-8", tc.name, got, len(got))
		}
	}
}

// TestRendererModuleKind: a module adds a kind of its own with data of its
// own type; the kind cannot be registered twice, needs a subject and a
// text body, and renders without an HTML template.
func TestRendererModuleKind(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	r := NewRenderer(func() time.Time { return now }, nil)
	type hello struct{ Name string }
	tmpl := Template{
		Subject: texttemplate.Must(texttemplate.New("s").Parse("Hello {{.Name}}")),
		Text:    texttemplate.Must(texttemplate.New("t").Parse("Hi {{.Name}}, welcome.\n")),
	}
	if err := r.Add("hello_welcome", tmpl); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		kind Kind
		t    Template
	}{
		{"hello_welcome", tmpl},
		{KindEmailConfirm, tmpl},
		{"", tmpl},
		{"no_text", Template{Subject: tmpl.Subject}},
	} {
		if err := r.Add(bad.kind, bad.t); !errors.Is(err, fastauth.ErrInvalidConfig) {
			t.Errorf("Add(%q) = %v, want ErrInvalidConfig", bad.kind, err)
		}
	}
	m, err := r.Render("hello_welcome", Message{To: "ada@example.com", Data: hello{Name: "Ada"}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != "hello_welcome" || m.To != "ada@example.com" || m.Subject != "Hello Ada" || m.Text != "Hi Ada, welcome.\n" || m.HTML != "" {
		t.Fatalf("rendered %+v", m)
	}
	if _, err := r.Render("unknown", Message{}); err == nil {
		t.Fatal("an unknown kind rendered")
	}
	// The kernel's kinds fill in what their templates need.
	m, err = r.Render(KindOrganizationInvite, Message{To: "b@example.com", Link: "l", Token: "t",
		Data: Data{Email: "b@example.com", Link: "l", OrganizationName: "Acme", Role: fastauth.RoleAdmin, ExpiresAt: now.Add(7 * 24 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != `You are invited to join "Acme"` || !strings.Contains(m.Text, "expires in 7 days") || m.Token != "t" {
		t.Fatalf("invite rendered %+v", m)
	}
}
