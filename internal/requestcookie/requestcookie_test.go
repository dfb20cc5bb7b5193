package requestcookie

import (
	"net/http"
	"strings"
	"testing"
)

// TestKnown checks Known against http.Request.Cookie on the cases where
// the known value and the answer differ: duplicates, invalid bytes,
// quotes, too many cookies.
func TestKnown(t *testing.T) {
	t.Parallel()
	const known = "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"
	many := strings.Repeat("a=1; ", maxFastPath)
	for _, tc := range []struct {
		name    string
		lines   []string
		want    string
		wantOK  bool
		fast    bool // answered by the known value, no byte check
		wantHit int  // calls of known
	}{
		{"known", []string{"theme=dark; access_token=" + known + "; _ga=1"}, known, true, true, 1},
		{"quoted known", []string{`access_token="` + known + `"`}, known, true, true, 1},
		{"unknown valid", []string{"access_token=other"}, "other", true, false, 1},
		{"unknown invalid then known", []string{"access_token=bad\\x; access_token=" + known}, known, true, false, 1},
		{"unknown invalid then valid", []string{"access_token=bad\\x", "access_token=good"}, "good", true, false, 1},
		{"known then other", []string{"access_token=" + known + "; access_token=second"}, known, true, true, 1},
		{"other then known", []string{"access_token=first; access_token=" + known}, "first", true, false, 1},
		{"invalid only", []string{"access_token=a b\x7f"}, "", false, false, 1},
		{"absent", []string{"theme=dark"}, "", false, false, 0},
		{"no header", nil, "", false, false, 0},
		{"too many cookies", []string{many + "access_token=" + known}, known, true, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := &http.Request{Header: http.Header{}}
			if tc.lines != nil {
				req.Header["Cookie"] = tc.lines
			}
			calls, fast := 0, false
			got, ok := Known(req, "access_token", func(v string) bool {
				calls++
				fast = v == known
				return fast
			})
			if got != tc.want || ok != tc.wantOK || calls != tc.wantHit || (fast && got == known) != tc.fast {
				t.Fatalf("Known = %q, %v (known called %d times, fast %v); want %q, %v, %d, %v",
					got, ok, calls, fast, tc.want, tc.wantOK, tc.wantHit, tc.fast)
			}
			want, err := req.Cookie("access_token")
			if (err == nil) != ok || (err == nil && want.Value != got) {
				t.Fatalf("net/http: %+v, %v; Known %q, %v", want, err, got, ok)
			}
		})
	}
}

// TestTokenSafe: only compact-JWS bytes are token-safe, and they are all
// valid cookie-value bytes.
func TestTokenSafe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		token string
		want  bool
	}{
		{"eyJhbGciOiJIUzI1NiJ9.e30.c2ln-_", true},
		{"abc.def.gh\nij", false},
		{"abc.def.gh\rij", false},
		{"abc.def.gh=", false},
		{"abc.def.gh+/", false},
		{`"abc.def.ghi"`, false},
		{"abc.def.gh i", false},
	} {
		if got := TokenSafe(tc.token); got != tc.want {
			t.Errorf("TokenSafe(%q) = %v, want %v", tc.token, got, tc.want)
		}
		for b := range 256 {
			if jwsByte[b] && !cookieValueByte[b] {
				t.Fatalf("byte %q is in the JWS alphabet but not a cookie value byte", rune(b))
			}
		}
	}
}

// BenchmarkKnown is the reading of an access-token cookie (a ~700-byte
// JWT) a browser sends among others: the full scan (every byte of the
// token checked, a cache miss) and the known scan (the cache knows it: no
// byte check).
func BenchmarkKnown(b *testing.B) {
	tok := "eyJhbGciOiJIUzI1NiIsImtpZCI6IjEiLCJ0eXAiOiJKV1QifQ." + strings.Repeat("eyJzdWIiOiIwMTkzYTFiMi0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDEi", 10) + ".c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2ln"
	req := &http.Request{Header: http.Header{"Cookie": {"theme=dark; access_token=" + tok + "; _ga=GA1.1.123456789.1700000000"}}}
	for _, bc := range []struct {
		name  string
		known func(string) bool
	}{{"scan", nil}, {"known", func(v string) bool { return len(v) == len(tok) }}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if v, ok := Known(req, "access_token", bc.known); !ok || len(v) != len(tok) {
					b.Fatal("cookie not found")
				}
			}
		})
	}
}

// FuzzRequestCookie checks Get against
// net/http's http.Request.Cookie: for any header lines and any cookie
// name the two find the same value, or both find none.
func FuzzRequestCookie(f *testing.F) {
	for _, s := range [][2]string{
		{"access_token=abc.def.ghi", ""},
		{"theme=dark; access_token=abc; _ga=GA1.1", ""},
		{"access_token=\"quoted\"", ""},
		{"access_token=\"", ""},
		{"access_token=bad\\value; access_token=good", ""},
		{" access_token = spaced ;x=y", ""},
		{"access_token", ""},
		{"access_token=", "access_token=second"},
		{"a=b;;; ;access_token=v", "access_token=w"},
		{"access_token=v\x7f", "access_token=w"},
		{"access_token=tab\tinside", ""},
		{"access_token=a,b c", ""},
		{"\taccess_token=x\t", ""},
		{"Access_Token=case", ""},
	} {
		f.Add(s[0], s[1], "access_token")
	}
	f.Add("x y=1; x y=2", "", "x y")
	f.Add(strings.Repeat("a=1;", 1200)+"access_token=many", "", "access_token")
	f.Fuzz(func(t *testing.T, line1, line2, name string) {
		req := &http.Request{Header: http.Header{"Cookie": {line1}}}
		if line2 != "" {
			req.Header["Cookie"] = append(req.Header["Cookie"], line2)
		}
		got, gotOK := Get(req, name)
		want, err := req.Cookie(name)
		// Get trusts name to be a token (Config.Validate makes
		// sure); net/http finds nothing for any other name.
		if (&http.Cookie{Name: name}).Valid() != nil {
			return
		}
		if gotOK != (err == nil) || (err == nil && got != want.Value) {
			t.Fatalf("Get(%q, %q) = %q, %v; net/http: %+v, %v", req.Header["Cookie"], name, got, gotOK, want, err)
		}
	})
}

// FuzzAccessTokenCookie checks the base middleware's reading of the
// access-token cookie (Known, the byte check skipped for a value the
// token cache knows) against net/http's http.Request.Cookie: for any
// header lines and cookie name, and a cache that knows the token tok (or,
// with all, every value it would admit), the two find the same value, or
// both find none.
func FuzzAccessTokenCookie(f *testing.F) {
	const tok = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	for _, s := range [][2]string{
		{"access_token=" + tok, ""},
		{"theme=dark; access_token=" + tok + "; _ga=GA1.1", ""},
		{`access_token="` + tok + `"`, ""},
		{"access_token=bad\\value; access_token=" + tok, ""},
		{"access_token=" + tok + "\x7f", "access_token=" + tok},
		{"access_token=first", "access_token=" + tok},
		{" access_token = " + tok + " ;x=y", ""},
		{"access_token", "access_token=" + tok},
		{"Access_Token=" + tok, ""},
	} {
		f.Add(s[0], s[1], "access_token", tok, false)
		f.Add(s[0], s[1], "access_token", tok, true)
	}
	f.Add(strings.Repeat("a=1;", 1200)+"access_token="+tok, "", "access_token", tok, true)
	f.Fuzz(func(t *testing.T, line1, line2, name, tok string, all bool) {
		req := &http.Request{Header: http.Header{"Cookie": {line1}}}
		if line2 != "" {
			req.Header["Cookie"] = append(req.Header["Cookie"], line2)
		}
		known := func(v string) bool { return TokenSafe(v) && (all || v == tok) }
		got, gotOK := Known(req, name, known)
		want, err := req.Cookie(name)
		if (&http.Cookie{Name: name}).Valid() != nil {
			return // not a cookie name: net/http finds nothing
		}
		if gotOK != (err == nil) || (err == nil && got != want.Value) {
			t.Fatalf("Known(%q, %q, known %q/%v) = %q, %v; net/http: %+v, %v",
				req.Header["Cookie"], name, tok, all, got, gotOK, want, err)
		}
	})
}
