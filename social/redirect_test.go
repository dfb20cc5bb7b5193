package social_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/social"
)

func TestValidateRedirect(t *testing.T) {
	t.Parallel()
	trusted := []string{"https://app.example", "http://localhost:3000/"}
	for _, c := range []struct {
		in, want string
	}{
		{"", "/"},
		{"/", "/"},
		{"/dashboard", "/dashboard"},
		{"/a/b?c=d#e", "/a/b?c=d#e"},
		{"/%2F%2Fevil.example", "/%2F%2Fevil.example"},
		{"https://app.example/x", "https://app.example/x"},
		{"HTTPS://APP.EXAMPLE/x", "HTTPS://APP.EXAMPLE/x"},
		{"https://app.example", "https://app.example"},
		{"http://localhost:3000/cb", "http://localhost:3000/cb"},
	} {
		got, err := social.ValidateRedirect(c.in, trusted)
		if err != nil || got != c.want {
			t.Errorf("ValidateRedirect(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{
		"//evil.example",
		"/\\evil.example",
		"\\\\evil.example",
		"/\t/evil.example",
		"/\n/evil.example",
		"/ /evil.example",
		"/a\\b",
		"dashboard",
		"./x",
		"https://evil.example/",
		"https://app.example.evil.example/",
		"https://app.example:8443/",
		"http://app.example/",
		"https://user@app.example/",
		"https://app.example@evil.example/",
		"javascript:alert(1)",
		"data:text/html,x",
		"ftp://app.example/",
		"https:app.example",
		"https:/app.example",
		"/" + strings.Repeat("a", 2048),
		"/\x00",
		"/\u2028",
		"/\xff",
	} {
		if got, err := social.ValidateRedirect(in, trusted); !errors.Is(err, social.ErrInvalidRedirect) {
			t.Errorf("ValidateRedirect(%q) = %q, %v; want ErrInvalidRedirect", in, got, err)
		}
	}
}

// Whatever ValidateRedirect accepts, a browser resolving it against the
// app's URL lands on the app's origin or a trusted one.
func FuzzValidateRedirect(f *testing.F) {
	for _, s := range []string{"/", "//x", "/\\x", "https://app.example/", "/a?b#c", "/\t/x", "https://evil/"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://app.example/auth/oauth/google/callback")
	f.Fuzz(func(t *testing.T, in string) {
		out, err := social.ValidateRedirect(in, []string{"https://app.example"})
		if err != nil {
			return
		}
		u, err := url.Parse(out)
		if err != nil {
			t.Fatalf("accepted %q does not parse: %v", out, err)
		}
		r := base.ResolveReference(u)
		if !strings.EqualFold(r.Scheme+"://"+r.Host, "https://app.example") || r.User != nil {
			t.Fatalf("accepted %q resolves to %s", in, r)
		}
	})
}

func TestErrorAndMFARedirect(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"/", "/?auth_error=account_exists"},
		{"/a?b=c#frag", "/a?auth_error=account_exists&b=c#frag"},
		{"/a?auth_error=old", "/a?auth_error=account_exists"},
		{"https://app.example/x", "https://app.example/x?auth_error=account_exists"},
	} {
		if got := social.ErrorRedirect(c.in, "account_exists"); got != c.want {
			t.Errorf("ErrorRedirect(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	got := social.MFARedirect("/a?b=c#old", "tok en", []string{"totp", "recovery_code"})
	if want := "/a?b=c#methods=totp%2Crecovery_code&mfa_token=tok+en"; got != want {
		t.Errorf("MFARedirect = %q, want %q", got, want)
	}
	u, _ := url.Parse(got)
	frag, _ := url.ParseQuery(u.Fragment)
	if frag.Get("mfa_token") != "tok en" || frag.Get("methods") != "totp,recovery_code" || u.RawQuery != "b=c" {
		t.Errorf("MFARedirect does not round-trip: %v", frag)
	}
}
