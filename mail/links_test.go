package mail

import (
	"errors"
	"testing"
)

func TestLinks(t *testing.T) {
	t.Parallel()
	app, err := NewLinks(map[Kind]string{
		KindPasswordReset:      "https://app.example/reset",
		KindOrganizationInvite: "https://app.example/join?src=mail",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.SetPage(KindOrganizationInvite, "https://app.example/auth/ui/accept-invite"); err != nil {
		t.Fatal(err)
	}
	var none *Links
	for _, tc := range []struct {
		name  string
		links *Links
		kind  Kind
		want  string
	}{
		{"application page", app, KindPasswordReset, "https://app.example/reset?token=a+b%2F"},
		{"module page over the application's", app, KindOrganizationInvite, "https://app.example/auth/ui/accept-invite?token=a+b%2F"},
		{"no page: the default", app, KindEmailConfirm, "default"},
		{"nil links: the default", none, KindPasswordReset, "default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.links.URL(tc.kind, "a b/", "default"); got != tc.want {
				t.Errorf("URL = %q, want %q", got, tc.want)
			}
		})
	}
	query, _ := NewLinks(map[Kind]string{KindPasswordReset: "https://app.example/reset?from=mail"})
	if got := query.URL(KindPasswordReset, "t", ""); got != "https://app.example/reset?from=mail&token=t" {
		t.Errorf("page with a query: %q", got)
	}
}

func TestLinksRefuseBadPages(t *testing.T) {
	t.Parallel()
	for _, page := range []string{"", "/reset", "javascript:alert(1)", "ftp://x.example/r", "https://x.example/r#frag", "https:///r"} {
		t.Run(page, func(t *testing.T) {
			t.Parallel()
			if _, err := NewLinks(map[Kind]string{KindPasswordReset: page}); !errors.Is(err, ErrInvalidLink) {
				t.Errorf("NewLinks(%q) = %v, want ErrInvalidLink", page, err)
			}
			if err := (&Links{}).SetPage(KindPasswordReset, page); !errors.Is(err, ErrInvalidLink) {
				t.Errorf("SetPage(%q) = %v, want ErrInvalidLink", page, err)
			}
		})
	}
}
