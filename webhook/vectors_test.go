package webhook_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/webhook"
)

// The published test vectors of the Standard Webhooks reference libraries
// (github.com/standard-webhooks/standard-webhooks, libraries/*): the
// "sign function works" case shared by the Go, JavaScript, Python, C# and
// Java test suites, and the Rust library's test_sign.
var publishedVectors = []struct {
	name, secret, id string
	ts               int64
	body, signature  string
}{
	{
		name:      "Go/JS/Python/C#/Java sign test",
		secret:    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		id:        "msg_p5jXN8AQM9LWM0D4loKWxJek",
		ts:        1614265330,
		body:      `{"test": 2432232314}`,
		signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
	},
	{
		name:      "Rust test_sign",
		secret:    "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
		id:        "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
		ts:        1649367553,
		body:      `{"email":"test@example.com","username":"test_user"}`,
		signature: "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
	},
}

func headers(id string, ts int64, sig string) http.Header {
	h := http.Header{}
	h.Set(webhook.HeaderID, id)
	h.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts, 10))
	h.Set(webhook.HeaderSignature, sig)
	return h
}

func verifierAt(t *testing.T, secret string, now int64) *webhook.Verifier {
	t.Helper()
	s, err := webhook.ParseSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	return &webhook.Verifier{Secrets: []webhook.Secret{s}, Now: func() time.Time { return time.Unix(now, 0) }}
}

func TestPublishedVectorsSign(t *testing.T) {
	t.Parallel()
	for _, v := range publishedVectors {
		s, err := webhook.ParseSecret(v.secret)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		got, err := webhook.Sign(s, v.id, time.Unix(v.ts, 0), []byte(v.body))
		if err != nil || got != v.signature {
			t.Errorf("%s: Sign = %q, %v; want %q", v.name, got, err, v.signature)
		}
		if err := verifierAt(t, v.secret, v.ts).Verify(headers(v.id, v.ts, v.signature), []byte(v.body)); err != nil {
			t.Errorf("%s: Verify of the published signature: %v", v.name, err)
		}
	}
}

// The reference suites' verification cases, on the first vector.
func TestPublishedVectorsVerify(t *testing.T) {
	t.Parallel()
	v := publishedVectors[0]
	const tolerance = 5 * 60
	tests := []struct {
		name   string
		now    int64 // the verifier's clock
		modify func(http.Header)
		want   error
	}{
		{"valid signature is valid", v.ts, nil, nil},
		{"missing id", v.ts, func(h http.Header) { h.Del("webhook-id") }, webhook.ErrMissingHeader},
		{"missing timestamp", v.ts, func(h http.Header) { h.Del("webhook-timestamp") }, webhook.ErrMissingHeader},
		{"missing signature", v.ts, func(h http.Header) { h.Del("webhook-signature") }, webhook.ErrMissingHeader},
		{"invalid timestamp", v.ts, func(h http.Header) { h.Set("webhook-timestamp", "hello") }, webhook.ErrInvalidTimestamp},
		{"invalid signature (Go, C#)", v.ts, func(h http.Header) {
			h.Set("webhook-signature", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=")
		}, webhook.ErrNoMatch},
		{"invalid signature (Python: last character changed)", v.ts, func(h http.Header) {
			h.Set("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=")
		}, webhook.ErrNoMatch},
		{"invalid signature (C#: tail changed)", v.ts, func(h http.Header) {
			h.Set("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLawdd")
		}, webhook.ErrNoMatch},
		{"invalid signature (JS: not a MAC)", v.ts, func(h http.Header) { h.Set("webhook-signature", "v1,dawfeoifkpqwoekfpqoekf") }, webhook.ErrNoMatch},
		{"partial signature (JS)", v.ts, func(h http.Header) { h.Set("webhook-signature", v.signature[:8]) }, webhook.ErrNoMatch},
		{"empty v1 signature (JS)", v.ts, func(h http.Header) { h.Set("webhook-signature", "v1,") }, webhook.ErrNoMatch},
		{"right MAC under another version", v.ts, func(h http.Header) {
			h.Set("webhook-signature", "v2,"+strings.TrimPrefix(v.signature, "v1,"))
		}, webhook.ErrNoMatch},
		{"valid multi sig is valid (Go, JS, Python, C#)", v.ts, func(h http.Header) {
			h.Set("webhook-signature", strings.Join([]string{
				"v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
				"v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
				v.signature,
				"v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
			}, " "))
		}, nil},
		{"multi sig without the valid one (Rust)", v.ts, func(h http.Header) {
			h.Set("webhook-signature", strings.Join([]string{
				"v1,tFtCZ5RDCPxzWQRWXWPgrCgE2frDBe9gjpbWQxnVfsQ=",
				"v1,Mm7xgUVICxZfQ3bgf0h0Dof65L/IFx+PnZvnDWPCX6Q=",
				"v1,9DfC1c3eeOrXB6w/5dIDydLNQaEyww5KalE5jLBZucE=",
			}, " "))
		}, webhook.ErrNoMatch},
		{"old timestamp fails", v.ts + tolerance + 1, nil, webhook.ErrTooOld},
		{"new timestamp fails", v.ts - tolerance - 1, nil, webhook.ErrTooNew},
		{"oldest accepted", v.ts + tolerance, nil, nil},
		{"newest accepted", v.ts - tolerance, nil, nil},
		{"timestamp from 2000 fails", v.ts, func(h http.Header) { h.Set("webhook-timestamp", "946684800") }, webhook.ErrTooOld},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := headers(v.id, v.ts, v.signature)
			if tt.modify != nil {
				tt.modify(h)
			}
			err := verifierAt(t, v.secret, tt.now).Verify(h, []byte(v.body))
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}
