package social_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/social"
)

func TestParseCallback(t *testing.T) {
	t.Parallel()
	p, err := social.ParseCallback("code=c%2B1&state=s&scope=openid+email&session_state=x&iss=https%3A%2F%2Fidp")
	if err != nil || p != (social.CallbackParams{Code: "c+1", State: "s"}) {
		t.Fatalf("%+v %v", p, err)
	}
	p, err = social.ParseCallback("error=access_denied&error_description=no+thanks&state=s")
	if err != nil || p != (social.CallbackParams{Error: "access_denied", ErrorDescription: "no thanks", State: "s"}) {
		t.Fatalf("%+v %v", p, err)
	}
	for _, q := range []string{
		"code=a&code=b",
		"state=a&state=a",
		"error=a&error=b",
		"error_description=a&error_description=b",
		"code=%zz",
		"code=a;state=b",
		"code=" + strings.Repeat("a", 8192),
		strings.Repeat("p=1&", 2100),
		func() string {
			v := url.Values{}
			for i := range 33 {
				v.Set("k"+string(rune('a'+i%26))+string(rune('a'+i/26)), "1")
			}
			return v.Encode()
		}(),
	} {
		if _, err := social.ParseCallback(q); !errors.Is(err, social.ErrInvalidCallback) {
			t.Errorf("ParseCallback(%.40q) = %v, want ErrInvalidCallback", q, err)
		}
	}
}

// ParseCallback never panics, and what it accepts is what url.ParseQuery
// reads, each parameter once.
func FuzzParseCallback(f *testing.F) {
	for _, s := range []string{"code=a&state=b", "error=access_denied", "code=a&code=b", "%zz", "a=1;b=2", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := social.ParseCallback(raw)
		if err != nil {
			if !errors.Is(err, social.ErrInvalidCallback) {
				t.Fatalf("error %v is not ErrInvalidCallback", err)
			}
			return
		}
		q, err := url.ParseQuery(raw)
		if err != nil {
			t.Fatalf("accepted %q that url.ParseQuery refuses: %v", raw, err)
		}
		for k, v := range map[string]string{"code": p.Code, "state": p.State, "error": p.Error, "error_description": p.ErrorDescription} {
			if len(q[k]) > 1 || q.Get(k) != v {
				t.Fatalf("%s: got %q from %q", k, v, raw)
			}
		}
	})
}
