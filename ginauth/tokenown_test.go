package ginauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// sameAsJWT fails t unless verifyOwn handles token (when mustHandle) and
// reaches the verdict, and the claims, that golang-jwt reaches.
func sameAsJWT(t *testing.T, s *tokenSigner, token string, mustHandle bool) string {
	t.Helper()
	own, handled, ownErr := s.hs256().verifyOwn(token)
	ref, refErr := s.hs256().verifyJWT(token)
	if !handled {
		if mustHandle {
			t.Fatalf("verifyOwn did not handle %q", token)
		}
		return verdict(refErr)
	}
	if verdict(ownErr) != verdict(refErr) {
		t.Fatalf("verifyOwn says %s (%v), golang-jwt says %s (%v) for %q", verdict(ownErr), ownErr, verdict(refErr), refErr, token)
	}
	if !reflect.DeepEqual(own, ref) {
		t.Fatalf("verifyOwn claims %+v, golang-jwt claims %+v", own, ref)
	}
	return verdict(ownErr)
}

// signRaw signs an arbitrary payload under header with secret, as any
// holder of the secret could.
func signRaw(header, payloadJSON string, secret []byte) string {
	signing := header + "." + base64.RawURLEncoding.EncodeToString([]byte(payloadJSON))
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// TestVerifyOwnMatchesGolangJWT: on every token with our header, the
// own-token path reaches golang-jwt's verdict and claims, at instants
// around iat and exp, for our current and previous secrets, and for
// claims only a holder of the secret could write.
func TestVerifyOwnMatchesGolangJWT(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	s := testSigner(t, clock, testSecret(0), testSecret(1))
	now := clock.Now()
	kid0, kid1 := keyID(testSecret(0)), keyID(testSecret(1))
	valid := validClaims(now)
	header := func(kid string) string {
		h, _, _ := strings.Cut(forge(t, jwt.SigningMethodHS256, testSecret(0), kid, valid), ".")
		return h
	}
	signed, err := s.sign(testUser, testActive, testSession(testSID))
	if err != nil {
		t.Fatal(err)
	}
	tampered := []byte(signed)
	tampered[len(header(kid0))+5] ^= 1
	cases := []struct {
		name, token, want string
	}{
		{"signed by sign", signed, "ok"},
		{"forged with our key and kid", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, valid), "ok"},
		{"previous secret", forge(t, jwt.SigningMethodHS256, testSecret(1), kid1, valid), "ok"},
		{"our kid, other secret", forge(t, jwt.SigningMethodHS256, testSecret(2), kid0, valid), "invalid"},
		{"previous kid, current secret", forge(t, jwt.SigningMethodHS256, testSecret(0), kid1, valid), "invalid"},
		{"payload tampered", string(tampered), "invalid"},
		{"expired", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "exp", now.Add(-time.Second).Unix())), "expired"},
		{"expired within the skew", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "exp", now.Add(-30*time.Second).Unix())), "expired"},
		{"expired beyond the skew", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "exp", now.Add(-2*time.Minute).Unix())), "expired"},
		{"exp missing", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, without(valid, "exp")), "rejected"},
		{"exp not a number", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "exp", "soon")), "invalid"},
		{"iat 1.5 s ahead (another instance's clock)", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "iat", float64(now.Add(1500*time.Millisecond).UnixMilli())/1000)), "ok"},
		{"iat ahead by the skew", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "iat", now.Add(time.Minute).Unix())), "ok"},
		{"iat beyond the skew", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "iat", now.Add(61*time.Second).Unix())), "rejected"},
		{"nbf in the past", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "nbf", now.Add(-time.Minute).Unix())), "ok"},
		{"nbf within the skew", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "nbf", now.Add(30*time.Second).Unix())), "ok"},
		{"nbf beyond the skew", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "nbf", now.Add(2*time.Minute).Unix())), "rejected"},
		{"nbf not a number", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "nbf", "later")), "invalid"},
		{"expired and nbf beyond the skew", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(with(valid, "exp", now.Add(-time.Hour).Unix()), "nbf", now.Add(time.Hour).Unix())), "rejected"},
		{"iat missing", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, without(valid, "iat")), "ok"},
		{"wrong issuer", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "iss", "other")), "rejected"},
		{"issuer missing", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, without(valid, "iss")), "rejected"},
		{"wrong audience", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "aud", "other")), "rejected"},
		{"audience missing", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, without(valid, "aud")), "rejected"},
		{"audience empty", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "aud", "")), "rejected"},
		{"audience as a list", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "aud", []string{"fastauth"})), "invalid"},
		{"expired and wrong issuer", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(with(valid, "exp", now.Add(-time.Hour).Unix()), "iss", "x")), "rejected"},
		{"expired within the skew and wrong issuer", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(with(valid, "exp", now.Add(-time.Second).Unix()), "iss", "x")), "rejected"},
		{"expired and iat in the future", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(with(valid, "exp", now.Add(-time.Hour).Unix()), "iat", now.Add(time.Hour).Unix())), "rejected"},
		{"fastauth claims missing (verify refuses later)", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, without(valid, "sub")), "ok"},
		{"fractional dates", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(with(valid, "exp", float64(now.Unix())+60.5), "iat", float64(now.Unix())-0.25)), "ok"},
		{"payload not JSON", signRaw(header(kid0), "not json", testSecret(0)), "invalid"},
		{"payload a JSON array", signRaw(header(kid0), "[1,2]", testSecret(0)), "invalid"},
		{"duplicate and differently cased keys", signRaw(header(kid0), `{"iss":"x","iss":"fastauth","AUD":"fastauth","exp":`+itoa(now.Add(time.Hour).Unix())+`,"sub":"u"}`, testSecret(0)), "ok"},
		{"aal 2 with two methods", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(with(valid, "aal", 2), "amr", []string{"password", "totp"})), "ok"},
		{"assurance claims absent (verify reads aal 1)", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, without(without(without(valid, "aal"), "amr"), "auth_time")), "ok"},
		{"aal out of range (verify refuses later)", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "aal", 7)), "ok"},
		{"aal not a number", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "aal", "2")), "invalid"},
		{"aal fractional", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "aal", 1.5)), "invalid"},
		{"amr a string", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "amr", "password")), "invalid"},
		{"amr with a number", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "amr", []any{"password", 2})), "invalid"},
		{"amr null", signRaw(header(kid0), `{"iss":"fastauth","aud":"fastauth","exp":`+itoa(now.Add(time.Hour).Unix())+`,"aal":1,"amr":null}`, testSecret(0)), "ok"},
		{"auth_time not a number", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "auth_time", "now")), "invalid"},
		{"auth_time fractional", forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "auth_time", float64(now.Unix())-0.5)), "ok"},
		{"trailing data after the claims", signRaw(header(kid0), `{"iss":"fastauth","aud":"fastauth","exp":`+itoa(now.Add(time.Hour).Unix())+`} {}`, testSecret(0)), "invalid"},
	}
	for _, tc := range cases {
		if got := sameAsJWT(t, s, tc.token, true); got != tc.want {
			t.Errorf("%s: verdict %s, want %s", tc.name, got, tc.want)
		}
	}

	// The time checks at the edges of the token's life, with the default
	// skew (60 s) and with none: around iat less the skew, at iat, around
	// exp and exp plus the skew (golang-jwt's leeway reaches that far on
	// exp, verifyJWT's strict check does not), and long after. A token
	// with an nbf later than its iat has its edge there.
	edge := forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, valid)
	nbf := forge(t, jwt.SigningMethodHS256, testSecret(0), kid0, with(valid, "nbf", now.Add(time.Minute).Unix()))
	iat := time.Unix(now.Unix(), 0)
	exp := time.Unix(now.Add(15*time.Minute).Unix(), 0)
	for _, skew := range []time.Duration{0, time.Minute} {
		for _, at := range []time.Time{
			iat.Add(-skew - time.Nanosecond), iat.Add(-skew), iat.Add(-time.Nanosecond), iat,
			iat.Add(time.Minute - skew - time.Nanosecond), iat.Add(time.Minute - skew),
			exp.Add(-time.Nanosecond), exp, exp.Add(time.Nanosecond),
			exp.Add(skew - time.Nanosecond), exp.Add(skew), exp.Add(skew + time.Nanosecond), exp.Add(24 * time.Hour),
		} {
			c := &testClock{now: at}
			es := skewSigner(t, c, skew)
			for _, tok := range []string{edge, nbf} {
				sameAsJWT(t, es, tok, true)
			}
		}
	}
	// The verdicts at those edges are the documented ones.
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{iat.Add(-time.Minute - time.Nanosecond), "rejected"}, {iat.Add(-time.Minute), "ok"},
		{exp.Add(-time.Nanosecond), "ok"}, {exp, "expired"}, {exp.Add(30 * time.Second), "expired"}, {exp.Add(time.Hour), "expired"},
	} {
		if got := sameAsJWT(t, skewSigner(t, &testClock{now: tc.at}, time.Minute), edge, true); got != tc.want {
			t.Errorf("at %s (iat %s, exp %s): verdict %s, want %s", tc.at, iat, exp, got, tc.want)
		}
	}

	// Signature segments golang-jwt decodes to the same bytes (the last
	// character carries 2 unused bits) and ones that are not base64.
	body := signed[:strings.LastIndexByte(signed, '.')+1]
	sig := signed[len(body):]
	for _, last := range "AQgwBCDEFghijk_-" {
		sameAsJWT(t, s, body+sig[:len(sig)-1]+string(last), false)
	}
	for _, bad := range []string{sig[:len(sig)-1], sig + "A", sig[:len(sig)-1] + ".", sig[:10] + "*" + sig[11:], sig + "=="} {
		if v := sameAsJWT(t, s, body+bad, false); v != "invalid" {
			t.Errorf("signature %q: verdict %s, want invalid", bad, v)
		}
	}
}

// TestVerifyOwnLeavesOtherHeadersToGolangJWT: tokens whose header is not
// one sign writes never take the own-token path.
func TestVerifyOwnLeavesOtherHeadersToGolangJWT(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	s := testSigner(t, clock, testSecret(0))
	valid := validClaims(clock.Now())
	for name, tok := range map[string]string{
		"no kid":                forge(t, jwt.SigningMethodHS256, testSecret(0), "", valid),
		"HS512":                 forge(t, jwt.SigningMethodHS512, testSecret(0), keyID(testSecret(0)), valid),
		"alg none":              forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, keyID(testSecret(0)), valid),
		"unknown kid":           forge(t, jwt.SigningMethodHS256, testSecret(0), "0123456789abcdef", valid),
		"garbage":               "a.b.c",
		"our header, oversized": signRaw(strings.Split(forge(t, jwt.SigningMethodHS256, testSecret(0), keyID(testSecret(0)), valid), ".")[0], `{"pad":"`+strings.Repeat("x", maxOwnTokenLen)+`"}`, testSecret(0)),
	} {
		if _, handled, _ := s.hs256().verifyOwn(tok); handled {
			t.Errorf("%s: handled by verifyOwn", name)
		}
		if _, err := s.verify(tok); !errors.Is(err, errTokenInvalid) {
			t.Errorf("%s: verify = %v, want invalid", name, err)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// skewSigner is a signer of testSecret(0), with testSecret(1) as previous
// secret, allowing skew on iat and nbf (0: none).
func skewSigner(t *testing.T, clock *testClock, skew time.Duration) *tokenSigner {
	t.Helper()
	if skew == 0 {
		skew = -1
	}
	cfg := Config{Secret: testSecret(0), PreviousSecrets: [][]byte{testSecret(1)}, ClockSkew: skew, Now: clock.Now}.withDefaults()
	s, err := newTokenSigner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
