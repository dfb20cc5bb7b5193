package ginauth

import (
	"net/http"
	"strings"
	"testing"
)

// TestKnownCookie checks the access-token cookie scan against
// http.Request.Cookie on the cases where the known value and the answer
// differ: duplicates, invalid bytes, quotes, too many cookies.
func TestKnownCookie(t *testing.T) {
	t.Parallel()
	const known = "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"
	many := strings.Repeat("a=1; ", maxCookiesFastPath)
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
			got, ok := knownCookie(req, "access_token", func(v string) bool {
				calls++
				fast = v == known
				return fast
			})
			if got != tc.want || ok != tc.wantOK || calls != tc.wantHit || (fast && got == known) != tc.fast {
				t.Fatalf("knownCookie = %q, %v (known called %d times, fast %v); want %q, %v, %d, %v",
					got, ok, calls, fast, tc.want, tc.wantOK, tc.wantHit, tc.fast)
			}
			want, err := req.Cookie("access_token")
			if (err == nil) != ok || (err == nil && want.Value != got) {
				t.Fatalf("net/http: %+v, %v; knownCookie %q, %v", want, err, got, ok)
			}
		})
	}
}

// TestCacheableToken: only compact-JWS bytes enter the token cache, so a
// cached token is always a valid cookie value.
func TestCacheableToken(t *testing.T) {
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
		if got := cacheableToken(tc.token); got != tc.want {
			t.Errorf("cacheableToken(%q) = %v, want %v", tc.token, got, tc.want)
		}
		for b := range 256 {
			if jwsByte[b] && !cookieValueByte[b] {
				t.Fatalf("byte %q is in the JWS alphabet but not a cookie value byte", rune(b))
			}
		}
	}
}

// BenchmarkAccessTokenCookie is the reading of the access-token cookie a
// browser sends among others: the full scan (every byte of the ~700-byte
// token checked, a cache miss) and the known scan (the token cache knows
// it: no byte check).
func BenchmarkAccessTokenCookie(b *testing.B) {
	a := storelessAuth(b, newTestClock(), nil)
	tok := signFor(b, a.tokens, testSID)
	req := browserRequest("/", tok)
	known := func(v string) bool { return len(v) == len(tok) }
	for _, bc := range []struct {
		name  string
		known func(string) bool
	}{{"scan", nil}, {"known", known}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if v, ok := knownCookie(req, "access_token", bc.known); !ok || len(v) != len(tok) {
					b.Fatal("cookie not found")
				}
			}
		})
	}
}
