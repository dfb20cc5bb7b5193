package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/webhook"
)

var body = []byte(`{"type":"member.added","timestamp":"2026-01-02T03:04:05Z","data":{"organization_id":"org_1"}}`)

func mustSign(t *testing.T, s webhook.Secret, id string, at time.Time, body []byte) string {
	t.Helper()
	sig, err := webhook.Sign(s, id, at, body)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func TestSignRefuses(t *testing.T) {
	t.Parallel()
	s, now := webhook.GenerateSecret(), time.Now()
	tests := []struct {
		name   string
		secret webhook.Secret
		id     string
		at     time.Time
		want   error
	}{
		{"zero secret", webhook.Secret{}, "evt_1", now, webhook.ErrInvalidSecret},
		{"empty id", s, "", now, webhook.ErrInvalidID},
		{"full stop in id", s, "evt.1", now, webhook.ErrInvalidID},
		{"space in id", s, "evt 1", now, webhook.ErrInvalidID},
		{"newline in id", s, "evt\n1", now, webhook.ErrInvalidID},
		{"non-ASCII id", s, "évt", now, webhook.ErrInvalidID},
		{"before 1970", s, "evt_1", time.Unix(-1, 0), webhook.ErrInvalidTimestamp},
	}
	for _, tt := range tests {
		if sig, err := webhook.Sign(tt.secret, tt.id, tt.at, body); !errors.Is(err, tt.want) || sig != "" {
			t.Errorf("%s: Sign = %q, %v; want %v", tt.name, sig, err, tt.want)
		}
	}
	for _, id := range []string{"a", "evt_01J0Z-x", "123e4567-e89b-12d3-a456-426614174000", "msg:~!"} {
		if _, err := webhook.Sign(s, id, now, body); err != nil {
			t.Errorf("Sign with id %q: %v", id, err)
		}
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	s := webhook.GenerateSecret()
	at := time.Unix(1767322800, 0)
	sig := mustSign(t, s, "evt_1", at, body)
	v := &webhook.Verifier{Secrets: []webhook.Secret{s}, Now: func() time.Time { return at }}
	tests := []struct {
		name   string
		modify func(h http.Header, b []byte) []byte
		want   error
	}{
		{"valid", nil, nil},
		{"signature over two header lines", func(h http.Header, b []byte) []byte {
			h.Set(webhook.HeaderSignature, "v1,AAAA")
			h.Add(webhook.HeaderSignature, sig)
			return b
		}, nil},
		{"extra spaces between signatures", func(h http.Header, b []byte) []byte {
			h.Set(webhook.HeaderSignature, "  v1a,AAAA   "+sig+"  ")
			return b
		}, nil},
		{"body changed", func(h http.Header, b []byte) []byte { b[len(b)-3]++; return b }, webhook.ErrNoMatch},
		{"body extended", func(h http.Header, b []byte) []byte { return append(b, ' ') }, webhook.ErrNoMatch},
		{"empty body", func(h http.Header, b []byte) []byte { return nil }, webhook.ErrNoMatch},
		{"id changed", func(h http.Header, b []byte) []byte { h.Set(webhook.HeaderID, "evt_2"); return b }, webhook.ErrNoMatch},
		{"timestamp changed by a second", func(h http.Header, b []byte) []byte {
			h.Set(webhook.HeaderTimestamp, strconv.FormatInt(at.Unix()+1, 10))
			return b
		}, webhook.ErrNoMatch},
		{"signature without version", func(h http.Header, b []byte) []byte { h.Set(webhook.HeaderSignature, sig[3:]); return b }, webhook.ErrNoMatch},
		{"signature with non-zero padding bits", func(h http.Header, b []byte) []byte {
			// The last character before "=" carries 4 bits of the MAC and 2
			// padding bits: flipping its lowest bit keeps the decoded MAC
			// under a lenient decoder. Only the canonical text is accepted,
			// as by implementations that compare the base64 text.
			const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
			i := len(sig) - 2
			h.Set(webhook.HeaderSignature, sig[:i]+string(alphabet[strings.IndexByte(alphabet, sig[i])^1])+"=")
			return b
		}, webhook.ErrNoMatch},
		{"signature truncated", func(h http.Header, b []byte) []byte { h.Set(webhook.HeaderSignature, sig[:len(sig)-4]); return b }, webhook.ErrNoMatch},
		{"only spaces in signature header", func(h http.Header, b []byte) []byte { h.Set(webhook.HeaderSignature, "   "); return b }, webhook.ErrMissingHeader},
		{"full stop in id", func(h http.Header, b []byte) []byte { h.Set(webhook.HeaderID, "evt.1"); return b }, webhook.ErrInvalidID},
		{"control character in id", func(h http.Header, b []byte) []byte { h.Set(webhook.HeaderID, "evt\x001"); return b }, webhook.ErrInvalidID},
		{"timestamp with leading zero", func(h http.Header, b []byte) []byte {
			h.Set(webhook.HeaderTimestamp, "0"+h.Get(webhook.HeaderTimestamp))
			return b
		}, webhook.ErrInvalidTimestamp},
		{"timestamp with plus sign", func(h http.Header, b []byte) []byte {
			h.Set(webhook.HeaderTimestamp, "+"+h.Get(webhook.HeaderTimestamp))
			return b
		}, webhook.ErrInvalidTimestamp},
		{"negative timestamp", func(h http.Header, b []byte) []byte { h.Set(webhook.HeaderTimestamp, "-1"); return b }, webhook.ErrInvalidTimestamp},
		{"fractional timestamp", func(h http.Header, b []byte) []byte {
			h.Set(webhook.HeaderTimestamp, h.Get(webhook.HeaderTimestamp)+".5")
			return b
		}, webhook.ErrInvalidTimestamp},
		{"timestamp in milliseconds", func(h http.Header, b []byte) []byte {
			h.Set(webhook.HeaderTimestamp, h.Get(webhook.HeaderTimestamp)+"000")
			return b
		}, webhook.ErrTooNew},
		{"timestamp overflowing int64", func(h http.Header, b []byte) []byte { h.Set(webhook.HeaderTimestamp, "99999999999999999999"); return b }, webhook.ErrInvalidTimestamp},
		{"zero timestamp", func(h http.Header, b []byte) []byte { h.Set(webhook.HeaderTimestamp, "0"); return b }, webhook.ErrTooOld},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, b := headers("evt_1", at.Unix(), sig), append([]byte(nil), body...)
			if tt.modify != nil {
				b = tt.modify(h, b)
			}
			want := tt.want
			err := v.Verify(h, b)
			if want == nil && err != nil || want != nil && !errors.Is(err, want) {
				t.Fatalf("Verify = %v, want %v", err, want)
			}
		})
	}
}

// The tolerance defaults to five minutes and can be narrowed; the clock
// defaults to time.Now.
func TestVerifyTolerance(t *testing.T) {
	t.Parallel()
	s := webhook.GenerateSecret()
	check := func(v *webhook.Verifier, at time.Time, want error) {
		t.Helper()
		err := v.Verify(headers("evt_1", at.Unix(), mustSign(t, s, "evt_1", at, body)), body)
		if want == nil && err != nil || want != nil && !errors.Is(err, want) {
			t.Errorf("tolerance %v, signed %v from now: Verify = %v, want %v", v.Tolerance, time.Until(at).Round(time.Second), err, want)
		}
	}
	now := time.Now()
	for _, tol := range []time.Duration{0, -time.Second} { // both mean DefaultTolerance
		v := &webhook.Verifier{Secrets: []webhook.Secret{s}, Tolerance: tol}
		check(v, now, nil)
		check(v, now.Add(-webhook.DefaultTolerance+5*time.Second), nil)
		check(v, now.Add(webhook.DefaultTolerance-5*time.Second), nil)
		check(v, now.Add(-webhook.DefaultTolerance-5*time.Second), webhook.ErrTooOld)
		check(v, now.Add(webhook.DefaultTolerance+5*time.Second), webhook.ErrTooNew)
	}
	v := &webhook.Verifier{Secrets: []webhook.Secret{s}, Tolerance: 30 * time.Second}
	check(v, now.Add(-20*time.Second), nil)
	check(v, now.Add(-40*time.Second), webhook.ErrTooOld)
	check(v, now.Add(40*time.Second), webhook.ErrTooNew)
}

// A receiver lists the new and the old secret while they are rotated:
// messages signed by either, or by both, verify; once the old one is
// removed, its messages no longer do.
func TestVerifyRotation(t *testing.T) {
	t.Parallel()
	old, cur, other := webhook.GenerateSecret(), webhook.GenerateSecret(), webhook.GenerateSecret()
	now := time.Now()
	sigOld, sigNew := mustSign(t, old, "evt_1", now, body), mustSign(t, cur, "evt_1", now, body)
	both := &webhook.Verifier{Secrets: []webhook.Secret{cur, old}}
	onlyNew := &webhook.Verifier{Secrets: []webhook.Secret{cur}}
	unrelated := &webhook.Verifier{Secrets: []webhook.Secret{other}}
	for _, tt := range []struct {
		name string
		v    *webhook.Verifier
		sig  string
		ok   bool
	}{
		{"both secrets, signed with the old", both, sigOld, true},
		{"both secrets, signed with the new", both, sigNew, true},
		{"both secrets, signed with both", both, sigOld + " " + sigNew, true},
		{"new secret, signed with both", onlyNew, sigOld + " " + sigNew, true},
		{"new secret, signed with the old", onlyNew, sigOld, false},
		{"unrelated secret, signed with both", unrelated, sigOld + " " + sigNew, false},
	} {
		err := tt.v.Verify(headers("evt_1", now.Unix(), tt.sig), body)
		if tt.ok && err != nil || !tt.ok && !errors.Is(err, webhook.ErrNoMatch) {
			t.Errorf("%s: Verify = %v", tt.name, err)
		}
	}
}

// A Verifier never verifies with an empty key: one without a secret, or
// whose secrets are all zero, refuses everything, including a message
// whose HMAC was computed with the empty key.
func TestVerifyWithoutSecret(t *testing.T) {
	t.Parallel()
	now := time.Now()
	ts := strconv.FormatInt(now.Unix(), 10)
	m := hmac.New(sha256.New, nil)
	m.Write([]byte("evt_1." + ts + "." + string(body)))
	emptyKeySig := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	for _, v := range []*webhook.Verifier{{}, {Secrets: []webhook.Secret{{}}}, {Secrets: []webhook.Secret{{}, {}}}} {
		if err := v.Verify(headers("evt_1", now.Unix(), emptyKeySig), body); err == nil {
			t.Fatalf("Verifier with secrets %v accepted a message signed with the empty key", v.Secrets)
		}
	}
	// A zero secret next to a real one is skipped, the real one still works.
	s := webhook.GenerateSecret()
	v := &webhook.Verifier{Secrets: []webhook.Secret{{}, s}}
	if err := v.Verify(headers("evt_1", now.Unix(), emptyKeySig), body); !errors.Is(err, webhook.ErrNoMatch) {
		t.Fatalf("empty-key signature: %v, want ErrNoMatch", err)
	}
	if err := v.Verify(headers("evt_1", now.Unix(), mustSign(t, s, "evt_1", now, body)), body); err != nil {
		t.Fatal(err)
	}
}
