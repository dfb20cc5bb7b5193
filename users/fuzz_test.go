package users_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/users"
)

// FuzzProfileRequest: any body either decodes into a change within the
// limits or is refused with a *fastauth.Error 400 (never a panic, never
// an oversize or non-object value accepted).
func FuzzProfileRequest(f *testing.F) {
	for _, s := range []string{
		`{"name":"Ada","image_url":"https://x.example/a.png","metadata":{"a":1}}`,
		`{"name":null,"image_url":"","metadata":null}`, `{"metadata":[1]}`, `{"image_url":"http://x"}`,
		`{"name":"` + strings.Repeat("é", 101) + `"}`, `{}`, `{"metadata":{"a":{"b":[1,2,{"c":null}]}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req users.ProfileRequest
		if json.Unmarshal(body, &req) != nil {
			return
		}
		p, err := req.Change()
		if err != nil {
			var fe *fastauth.Error
			if !errors.As(err, &fe) || fe.Status != 400 {
				t.Fatalf("refusal %v is not a 400", err)
			}
			return
		}
		if p.Name != nil && (utf8.RuneCountInString(*p.Name) > users.MaxNameLength || !utf8.ValidString(*p.Name)) {
			t.Fatalf("name %q accepted", *p.Name)
		}
		if p.ImageURL != nil && *p.ImageURL != "" {
			u, err := url.Parse(*p.ImageURL)
			if err != nil || u.Scheme != "https" || len(*p.ImageURL) > users.MaxImageURLLength {
				t.Fatalf("image URL %q accepted", *p.ImageURL)
			}
		}
		if p.Metadata != nil && len(*p.Metadata) > 0 {
			var obj map[string]any
			if len(*p.Metadata) > users.MaxMetadataBytes || json.Unmarshal(*p.Metadata, &obj) != nil {
				t.Fatalf("metadata %s accepted", *p.Metadata)
			}
		}
	})
}

// FuzzRouteBodies sends any body to PATCH /me, DELETE /me and the
// disable route through the real server, as a signed-in user and as an
// administrator: the answer is never a 5xx, and a refusal has a code.
func FuzzRouteBodies(f *testing.F) {
	for _, s := range []string{`{"name":"Ada"}`, `{"password":"x"}`, `{"reason":"abuse"}`, `{"metadata":{"a":[1]}}`, `{`, `null`, `[]`, `{"reason":1}`} {
		f.Add([]byte(s))
	}
	um, r, done := exampleApp(ginauth.Hooks{})
	defer done()
	ctx := context.Background()
	if _, err := um.CreateUser(ctx, users.NewUser{Email: "ops@example.com", Password: "correct horse 1", EmailConfirmed: true}); err != nil {
		f.Fatal(err)
	}
	victim, err := um.CreateUser(ctx, users.NewUser{Email: "victim@example.com"})
	if err != nil {
		f.Fatal(err)
	}
	signIn := func() []*http.Cookie {
		req := httptest.NewRequest(http.MethodPost, "/auth/sign-in", strings.NewReader(`{"email":"ops@example.com","password":"correct horse 1"}`))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			f.Fatalf("sign-in: %d %s", w.Code, w.Body)
		}
		return w.Result().Cookies()
	}
	cookies := signIn()
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, route := range [][2]string{{"PATCH", "/auth/me"}, {"DELETE", "/auth/me"}, {"POST", "/auth/admin/users/" + victim.ID + "/disable"}} {
			req := httptest.NewRequest(route[0], route[1], bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			for _, c := range cookies {
				req.AddCookie(c)
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code >= 500 {
				t.Fatalf("%s %s %q: %d %s", route[0], route[1], body, w.Code, w.Body)
			}
			if w.Code >= 400 {
				var e struct{ Code string }
				if json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Code == "" {
					t.Fatalf("%s %s %q: %d without a code: %s", route[0], route[1], body, w.Code, w.Body)
				}
			}
		}
	})
}
