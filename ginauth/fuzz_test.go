package ginauth

// Fuzz targets of the parsers that see attacker input. The invariant of
// every target is: no panic, and the answer is one of the documented ones.
// Seed corpora live in testdata/fuzz/<Target>/; `go test` runs the seeds,
// `go test ./ginauth -run '^$' -fuzz '^FuzzX$' -fuzztime 2000x` explores.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth/internal/input"
	"github.com/fastauth/fastauth/internal/secret"
)

// expectErrorBody fails t unless w holds exactly {"code","message"}, both
// non-empty strings.
func expectErrorBody(t *testing.T, body []byte) ErrorBody {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || len(m) != 2 {
		t.Fatalf("error body is not {code,message}: %q", body)
	}
	code, _ := m["code"].(string)
	msg, _ := m["message"].(string)
	if code == "" || msg == "" {
		t.Fatalf("error body with an empty code or message: %q", body)
	}
	return ErrorBody{Code: code, Message: msg}
}

func FuzzEmailNormalize(f *testing.F) {
	for _, s := range []string{
		"ada@example.com", "  Ada.Lovelace+tag@Example.COM ", "a@b", "@example.com", "ada@", "ada@@example.com",
		"\"quoted\"@example.com", "Ada <ada@example.com>", "ada@exa_mple.com", "ada@-example.com", "ada@[127.0.0.1]",
		"ädä@exämple.com", "ada@example.com\x00", "ada\u200b@example.com", strings.Repeat("a", 65) + "@example.com",
		"ada@" + strings.Repeat("a", 250) + ".com", "\xff@example.com", "ada(comment)@example.com", "ada@example..com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := input.Email(raw)
		if err != nil {
			if !errors.Is(err, input.ErrInvalidEmail) || got != "" {
				t.Fatalf("input.Email(%q) = %q, %v; want \"\" and input.ErrInvalidEmail", raw, got, err)
			}
			if msg := errorMessage(err, input.ErrInvalidEmail); msg == "" || len(msg) > 120 {
				t.Fatalf("error message %q is empty or too long (echoes input?)", msg)
			}
			return
		}
		if got != strings.ToLower(got) {
			t.Fatalf("input.Email(%q) = %q: not lowercase", raw, got)
		}
		if len(got) > input.MaxEmailLength || strings.Count(got, "@") < 1 {
			t.Fatalf("input.Email(%q) = %q: too long or no @", raw, got)
		}
		for _, r := range got {
			if unicode.IsSpace(r) || unicode.IsControl(r) {
				t.Fatalf("input.Email(%q) = %q: contains space or control", raw, got)
			}
		}
		if again, err := input.Email(got); err != nil || again != got {
			t.Fatalf("not idempotent: input.Email(%q) = %q, %v", got, again, err)
		}
		if !strings.EqualFold(strings.TrimSpace(raw), got) {
			t.Fatalf("input.Email(%q) = %q: more than trim and lowercase", raw, got)
		}
	})
}

func FuzzTokenVerify(f *testing.F) {
	clock := newTestClock()
	signer := func(t testing.TB) *tokenSigner {
		cfg := Config{Secret: testSecret(0), PreviousSecrets: [][]byte{testSecret(1)}, Now: clock.Now}.withDefaults()
		s, err := newTokenSigner(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := signer(f)
	valid, err := s.sign(testUser, testActive, testSession(testSID))
	if err != nil {
		f.Fatal(err)
	}
	claims := validClaims(clock.Now())
	sign := func(method jwt.SigningMethod, key any, kid string, c jwt.MapClaims) string {
		tok := jwt.NewWithClaims(method, c)
		if kid != "" {
			tok.Header["kid"] = kid
		}
		out, err := tok.SignedString(key)
		if err != nil {
			f.Fatal(err)
		}
		return out
	}
	for _, tok := range []string{
		valid,
		valid[:len(valid)-2],
		valid + "x",
		strings.Replace(valid, ".", "..", 1),
		sign(jwt.SigningMethodHS256, testSecret(1), keyID(testSecret(1)), claims),
		sign(jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), with(claims, "exp", clock.Now().Add(-time.Minute).Unix())),
		sign(jwt.SigningMethodHS256, testSecret(0), "", claims),
		sign(jwt.SigningMethodHS512, testSecret(0), keyID(testSecret(0)), claims),
		sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, keyID(testSecret(0)), claims),
		sign(jwt.SigningMethodHS256, testSecret(2), keyID(testSecret(0)), claims),
		sign(jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), without(claims, "exp")),
		"", ".", "..", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", strings.Repeat("A", 5000),
		signRaw(strings.Split(valid, ".")[0], `{"iss":"fastauth","aud":"fastauth","exp":1e10,"sub":"u","sid":"s","org":"o","org_role":"member","role":"authenticated"}`, testSecret(0)),
		signRaw(strings.Split(valid, ".")[0], `{"exp":"x"}`, testSecret(0)),
		signRaw(strings.Split(valid, ".")[0], `{}`, testSecret(1)),
		sign(jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), with(claims, "iat", clock.Now().Add(30*time.Second).Unix())),
		sign(jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), with(claims, "iat", clock.Now().Add(2*time.Minute).Unix())),
		sign(jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), with(claims, "nbf", clock.Now().Add(30*time.Second).Unix())),
		sign(jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), with(claims, "nbf", clock.Now().Add(2*time.Minute).Unix())),
		sign(jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), with(claims, "exp", clock.Now().Add(-30*time.Second).Unix())),
		sign(jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), with(claims, "aud", "other")),
		sign(jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), with(with(claims, "aal", 2), "amr", []string{"password", "totp"})),
		sign(jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), with(claims, "aal", 3)),
		sign(jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), with(claims, "amr", []string{})),
		sign(jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), with(claims, "amr", "password")),
		sign(jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), without(without(without(claims, "aal"), "amr"), "auth_time")),
		sign(jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), without(claims, "auth_time")),
	} {
		f.Add(tok)
	}
	secrets := map[string][]byte{keyID(testSecret(0)): testSecret(0), keyID(testSecret(1)): testSecret(1)}
	f.Fuzz(func(t *testing.T, token string) {
		// The own-token path and golang-jwt agree on every token the
		// former handles.
		if own, handled, ownErr := s.hs256().verifyOwn(token); handled {
			ref, refErr := s.hs256().verifyJWT(token)
			if verdict(ownErr) != verdict(refErr) || !reflect.DeepEqual(own, ref) {
				t.Fatalf("verifyOwn: %s %+v; golang-jwt: %s %+v", verdict(ownErr), own, verdict(refErr), ref)
			}
		}
		// signedByUs fails t unless token is HS256 under one of our
		// secrets.
		signedByUs := func(what string) {
			parts := strings.Split(token, ".")
			if len(parts) != 3 {
				t.Fatalf("%s a token with %d parts", what, len(parts))
			}
			parsed, _, perr := jwt.NewParser().ParseUnverified(token, jwt.MapClaims{})
			if perr != nil {
				t.Fatalf("%s an unparsable token: %v", what, perr)
			}
			if parsed.Header["alg"] != "HS256" {
				t.Fatalf("%s alg %v", what, parsed.Header["alg"])
			}
			kid, _ := parsed.Header["kid"].(string)
			key, ok := secrets[kid]
			if !ok {
				t.Fatalf("%s unknown kid %q", what, kid)
			}
			sig, derr := base64.RawURLEncoding.DecodeString(parts[2])
			if derr != nil {
				sig, derr = base64.URLEncoding.DecodeString(parts[2])
			}
			m := hmac.New(sha256.New, key)
			m.Write([]byte(parts[0] + "." + parts[1]))
			if derr != nil || !hmac.Equal(sig, m.Sum(nil)) {
				t.Fatalf("%s a token whose signature is not ours", what)
			}
		}
		c, err := s.verify(token)
		if err != nil {
			if !errors.Is(err, errTokenInvalid) && !errors.Is(err, errTokenExpired) {
				t.Fatalf("verify error %v is neither invalid nor expired", err)
			}
			if c != nil {
				t.Fatalf("verify failed but returned claims %+v", c)
			}
			// Rejected (which spares the refresh cookie) only when signed
			// by us.
			if errors.Is(err, errTokenRejected) {
				signedByUs("rejected")
			}
			return
		}
		// Accepted: it must be HS256 under one of our secrets, unexpired,
		// with every fastauth claim.
		signedByUs("accepted")
		if c.ExpiresAt == nil || !c.ExpiresAt.After(clock.Now()) || c.Subject == "" || c.SessionID == "" || !c.OrganizationRole.Valid() {
			t.Fatalf("accepted claims %+v", c)
		}
		// With an assurance level the principal can be guarded by.
		if c.AAL < 1 || c.AAL > 2 || len(c.AMR) == 0 || slices.Contains(c.AMR, "") {
			t.Fatalf("accepted assurance aal %d amr %q", c.AAL, c.AMR)
		}
	})
}

var (
	tokenShape = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// FuzzSecretParsers checks the shape test of verification tokens (email confirm, password reset) against their
// grammar (API keys: apikeys.FuzzKeyShape). Refresh tokens need no parser: any cookie value is only hashed
// and looked up.
func FuzzSecretParsers(f *testing.F) {
	key, _, _ := secret.New("sk-")
	tok, _, _ := secret.New("")
	for _, s := range []string{key, tok, "sk-", "sk-" + strings.ToUpper(tok), "SK-" + tok, key + "0", key[:len(key)-1], "sk-" + tok[:63] + "g", tok + "\n", "", "sk-\x00" + tok[1:]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := wellFormedToken(s), tokenShape.MatchString(s); got != want {
			t.Fatalf("wellFormedToken(%q) = %v, want %v", s, got, want)
		}
	})
}

// fuzzContext is a gin context for one request with a recorder.
func fuzzContext(method, target string, body []byte) (*gin.Context, *httptest.ResponseRecorder, bool) {
	req, err := http.NewRequest(method, "http://fastauth.test/", bytes.NewReader(body))
	if err != nil {
		return nil, nil, false
	}
	req.URL.RawQuery = target
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = req
	return c, w, true
}

func FuzzBindJSON(f *testing.F) {
	for _, s := range []string{
		`{"email":"ada@example.com","password":"correct-horse-42"}`, `{}`, ``, `null`, `[]`, `"x"`, `{"email":1}`,
		`{"email":"a"}{"email":"b"}`, `{"email":"a"} x`, `{"unknown":true}`, `{"email":"a","email":"b"}`,
		`{"nested":{"x":["a",1]}}`, `{"n":1e400}`, `{"n":-0.5}`, `{"email":"\ud800"}`, `{` + strings.Repeat(`"a":1,`, 400) + `"n":1}`,
		strings.Repeat("[", 10000), `{"email":"` + strings.Repeat("x", 2000) + `"}`, "\xef\xbb\xbf{}", `{"EMAIL":"a"}`,
		`{"echo_me_7f3a":1}`, `{"at":"echo-me-7f3a"}`, `{"at":"2030-01-02T03:04:05Z"}`, `{"at":1}`, `{"nested":{"x":[1]}}`, `{"nested":{"echo_me":1}}`,
	} {
		f.Add([]byte(s))
	}
	a := &Auth{cfg: Config{MaxBodyBytes: 1024}}
	gin.SetMode(gin.ReleaseMode)
	f.Fuzz(func(t *testing.T, body []byte) {
		c, w, ok := fuzzContext(http.MethodPost, "", body)
		if !ok {
			return
		}
		c.Request.Header.Set("Content-Type", "application/json")
		var dst struct {
			Email    string `json:"email"`
			Password string `json:"password"`
			N        int    `json:"n"`
			Nested   *struct {
				X []string `json:"x"`
			} `json:"nested"`
			At *time.Time `json:"at"`
		}
		if a.bindJSON(c, &dst) {
			if c.IsAborted() || w.Body.Len() > 0 {
				t.Fatalf("bindJSON accepted %q but answered %d %s", body, w.Code, w.Body)
			}
			if len(body) > 1024 {
				t.Fatalf("bindJSON accepted %d bytes over MaxBodyBytes", len(body))
			}
			return
		}
		if !c.IsAborted() {
			t.Fatalf("bindJSON refused %q without aborting", body)
		}
		e := expectErrorBody(t, w.Body.Bytes())
		switch {
		case w.Code == http.StatusBadRequest && e.Code == CodeInvalidRequest:
		case w.Code == http.StatusRequestEntityTooLarge && e.Code == CodeBodyTooLarge && len(body) > 1024:
		default:
			t.Fatalf("bindJSON(%q) answered %d %s", body, w.Code, w.Body)
		}
		if len(e.Message) > 200 {
			t.Fatalf("message of %d bytes", len(e.Message))
		}
		// No input is echoed: every message is one of a fixed set that
		// no body can add to.
		if !bindMessages[e.Message] {
			t.Fatalf("bindJSON(%q) answered the message %q, not one of the fixed ones", body, e.Message)
		}
	})
}

// bindMessages are every message bindJSON may answer for the fuzz
// target's dst: fixed text, or the JSON names of dst's fields.
var bindMessages = func() map[string]bool {
	m := map[string]bool{
		"request body too large":                                                              true,
		"request body must be a JSON object":                                                  true,
		"malformed JSON body: syntax error":                                                   true,
		"malformed JSON body: body must be a JSON object":                                     true,
		"malformed JSON body: a field has the wrong type":                                     true,
		"malformed JSON body: a time is not in RFC 3339 format":                               true,
		"malformed JSON body: unexpected end of input":                                        true,
		"malformed JSON body: trailing data after the JSON object":                            true,
		"malformed JSON body: the body could not be decoded":                                  true,
		"malformed JSON body: unknown field; accepted fields: email, password, n, nested, at": true,
	}
	for _, f := range []string{"email", "password", "n", "nested", "at"} {
		m["malformed JSON body: field "+f+" has the wrong type"] = true
	}
	return m
}()

// FuzzNumericDate: a date claim decodes through numericDate exactly as
// through golang-jwt's NumericDate (the same instant, or an error from
// both), whatever JSON value the claim holds, and a token's claims decode
// to the same dates either way.
func FuzzNumericDate(f *testing.F) {
	for _, seed := range []string{
		"1700000000", "1700000000.5", "1700000000.999999999", "-1", "0", "-0.5", "1e9", "1.7e9", "1E+09",
		"9223372036854775807", "1e300", "-1e300", "1e400", "0.0000001", `"1700000000"`, `"1.5e9"`, `"x"`,
		"null", "true", `{}`, `[1]`, "01", "1.", "-", "Infinity", `"\u0031\u0037"`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		doc := []byte(`{"exp":` + v + `,"iat":` + v + `}`)
		var theirs struct {
			Exp *jwt.NumericDate `json:"exp"`
			Iat *jwt.NumericDate `json:"iat"`
		}
		var ours struct {
			Exp *numericDate `json:"exp"`
			Iat *numericDate `json:"iat"`
		}
		errTheirs := json.Unmarshal(doc, &theirs)
		errOurs := json.Unmarshal(doc, &ours)
		if (errTheirs == nil) != (errOurs == nil) {
			t.Fatalf("%s: golang-jwt error %v, ours %v", doc, errTheirs, errOurs)
		}
		if errTheirs != nil {
			return
		}
		for _, p := range [][2]any{{theirs.Exp, ours.Exp}, {theirs.Iat, ours.Iat}} {
			a, b := p[0].(*jwt.NumericDate), p[1].(*numericDate)
			if (a == nil) != (b == nil) {
				t.Fatalf("%s: golang-jwt %v, ours %v", doc, a, b)
			}
			if a != nil && (!a.Equal(b.Time) || a.Location() != b.Location() || a.UnixNano() != b.UnixNano()) {
				t.Fatalf("%s: golang-jwt %v (%d ns), ours %v (%d ns)", doc, a.Time, a.UnixNano(), b.Time, b.UnixNano())
			}
		}
	})
}
