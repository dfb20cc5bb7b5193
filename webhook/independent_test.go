package webhook_test

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/webhook"
)

// An independent implementation of the Standard Webhooks scheme, written
// from the specification's text and shaped like the reference libraries
// (format the signed string, compare base64 text), sharing no code with
// the package: the package must agree with it both ways.

// refSign returns "v1,<base64 HMAC-SHA256(secret, id.ts.body)>".
func refSign(secret, id string, ts int64, body string) string {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		panic(err)
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.%s", id, ts, body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// refVerify checks the headers and body at Unix time now with a tolerance
// of five minutes.
func refVerify(secret string, h http.Header, body string, now int64) bool {
	id, tsText, sigs := h.Get("Webhook-Id"), h.Get("Webhook-Timestamp"), h.Get("Webhook-Signature")
	if id == "" || tsText == "" || sigs == "" {
		return false
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil || now-ts > 300 || ts-now > 300 {
		return false
	}
	expected := strings.TrimPrefix(refSign(secret, id, ts, body), "v1,")
	for _, s := range strings.Split(sigs, " ") {
		version, sig, ok := strings.Cut(s, ",")
		if ok && version == "v1" && subtle.ConstantTimeCompare([]byte(sig), []byte(expected)) == 1 {
			return true
		}
	}
	return false
}

func randomText(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Random secrets, ids, times and bodies: Sign equals the independent
// signature; Verify accepts the independent signature and the independent
// verifier accepts Sign's; a changed body, id or timestamp fails both.
func TestAgainstIndependentImplementation(t *testing.T) {
	t.Parallel()
	for i := range 500 {
		s := webhook.GenerateSecret()
		secret := s.Reveal()
		id := "evt_" + randomText(1+i%20)
		ts := time.Now().Unix() - int64(i%600) + 300
		bodyText := fmt.Sprintf(`{"type":"member.added","timestamp":"2026-01-02T03:04:05Z","data":{"n":%d,"s":%q}}`, i, randomText(i%64))
		v := &webhook.Verifier{Secrets: []webhook.Secret{s}, Now: func() time.Time { return time.Unix(ts, 0) }}

		ours, err := webhook.Sign(s, id, time.Unix(ts, 0), []byte(bodyText))
		if err != nil {
			t.Fatal(err)
		}
		theirs := refSign(secret, id, ts, bodyText)
		if ours != theirs {
			t.Fatalf("Sign = %q, independent %q (id %q ts %d)", ours, theirs, id, ts)
		}
		h := headers(id, ts, theirs)
		if err := v.Verify(h, []byte(bodyText)); err != nil {
			t.Fatalf("Verify of the independent signature: %v", err)
		}
		if !refVerify(secret, headers(id, ts, ours), bodyText, ts) {
			t.Fatalf("the independent verifier refuses Sign's signature")
		}

		tampered := []struct {
			h    http.Header
			body string
		}{
			{headers(id, ts, theirs), bodyText[:len(bodyText)-1] + " "},
			{headers(id+"x", ts, theirs), bodyText},
			{headers(id, ts+1, theirs), bodyText},
		}
		for j, c := range tampered {
			if err := v.Verify(c.h, []byte(c.body)); err == nil {
				t.Fatalf("case %d: Verify accepted a tampered message", j)
			}
			if refVerify(secret, c.h, c.body, ts) {
				t.Fatalf("case %d: the independent verifier accepted a tampered message", j)
			}
		}
	}
}

// Whatever Verify accepts, the independent verifier accepts too: the
// package is never more lenient than the specification.
func FuzzVerify(f *testing.F) {
	v0 := publishedVectors[0]
	f.Add(v0.id, strconv.FormatInt(v0.ts, 10), v0.signature, v0.body)
	f.Add(v0.id, strconv.FormatInt(v0.ts, 10), "v1a,x "+v0.signature+" v1,", v0.body)
	f.Add(v0.id, "0"+strconv.FormatInt(v0.ts, 10), v0.signature, v0.body)
	f.Add("", "", "", "")
	f.Add("a.b", "1", "v1,,,", "{}")
	secret := v0.secret
	s, err := webhook.ParseSecret(secret)
	if err != nil {
		f.Fatal(err)
	}
	v := &webhook.Verifier{Secrets: []webhook.Secret{s}, Now: func() time.Time { return time.Unix(v0.ts, 0) }}
	f.Fuzz(func(t *testing.T, id, ts, sig, body string) {
		h := http.Header{}
		h.Set(webhook.HeaderID, id)
		h.Set(webhook.HeaderTimestamp, ts)
		h.Set(webhook.HeaderSignature, sig)
		if v.Verify(h, []byte(body)) == nil && !refVerify(secret, h, body, v0.ts) {
			t.Fatalf("Verify accepted id %q ts %q sig %q body %q; the specification does not", id, ts, sig, body)
		}
	})
}
