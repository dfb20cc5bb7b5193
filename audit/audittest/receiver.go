package audittest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastauth/fastauth/webhook"
)

// received is one request a receiver verified.
type received struct {
	ID        string
	SentAt    string
	Payload   webhook.Payload
	Body      []byte
	Signature string
}

// answer decides a receiver's response to its n-th request (from 0):
// the status, how long to stall first, and a Location header.
type answer func(n int) (status int, stall time.Duration, location string)

func always(status int) answer {
	return func(int) (int, time.Duration, string) { return status, 0, "" }
}

// receiver is a real HTTP server that verifies every request with
// webhook.Verifier and with an independent HMAC computation, records
// what it got, and notices two requests with one webhook-id in flight at
// once.
type receiver struct {
	t        *testing.T
	srv      *httptest.Server
	verifier *webhook.Verifier
	key      []byte // for the independent check: the first secret's bytes
	answer   answer

	mu       sync.Mutex
	got      []received
	requests int
	rejected int
	inflight map[string]int
	overlaps int
}

func newReceiver(t *testing.T, clk *clock, secret webhook.Secret, ans answer) *receiver {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret.Reveal(), webhook.SecretPrefix))
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{
		t:        t,
		verifier: &webhook.Verifier{Secrets: []webhook.Secret{secret}, Now: clk.Now},
		key:      key,
		answer:   ans,
		inflight: map[string]int{},
	}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) URL() string { return r.srv.URL + "/hook" }

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	id := req.Header.Get(webhook.HeaderID)
	r.mu.Lock()
	n := r.requests
	r.requests++
	r.inflight[id]++
	if r.inflight[id] > 1 {
		r.overlaps++
	}
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.inflight[id]--
		r.mu.Unlock()
	}()
	if err != nil || req.Method != http.MethodPost || req.URL.Path != "/hook" || req.Header.Get("Content-Type") != "application/json" {
		r.reject(w)
		return
	}
	if err := r.verifier.Verify(req.Header, body); err != nil || !r.independentCheck(req.Header, body) {
		r.reject(w)
		return
	}
	var p webhook.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		r.reject(w)
		return
	}
	status, stall, location := r.answer(n)
	if stall > 0 {
		select {
		case <-req.Context().Done():
			return
		case <-time.After(stall):
		}
	}
	r.mu.Lock()
	r.got = append(r.got, received{ID: id, SentAt: req.Header.Get(webhook.HeaderTimestamp), Payload: p, Body: body, Signature: req.Header.Get(webhook.HeaderSignature)})
	r.mu.Unlock()
	if location != "" {
		w.Header().Set("Location", location)
	}
	w.WriteHeader(status)
}

// independentCheck recomputes the Standard Webhooks signature without
// package webhook: base64(HMAC-SHA256(key, id "." timestamp "." body)),
// one of the space-separated "v1,<sig>" entries.
func (r *receiver) independentCheck(h http.Header, body []byte) bool {
	m := hmac.New(sha256.New, r.key)
	m.Write([]byte(h.Get("Webhook-Id") + "." + h.Get("Webhook-Timestamp") + "."))
	m.Write(body)
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	for _, s := range strings.Split(h.Get("Webhook-Signature"), " ") {
		if hmac.Equal([]byte(s), []byte(want)) {
			return true
		}
	}
	return false
}

func (r *receiver) reject(w http.ResponseWriter) {
	r.mu.Lock()
	r.rejected++
	r.mu.Unlock()
	w.WriteHeader(http.StatusBadRequest)
}

// snapshot returns what the receiver accepted, how many requests it saw,
// rejected, and the overlaps.
func (r *receiver) snapshot() (got []received, requests, rejected, overlaps int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...), r.requests, r.rejected, r.overlaps
}
