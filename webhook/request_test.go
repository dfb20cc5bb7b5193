package webhook_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/webhook"
)

type result struct {
	msg *webhook.Message
	err error
}

// receiver is a real HTTP server whose handler calls VerifyRequest and
// hands over what it returned.
func receiver(t *testing.T, v *webhook.Verifier) (string, <-chan result) {
	t.Helper()
	got := make(chan result, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		msg, err := v.VerifyRequest(r)
		got <- result{msg, err}
		if err != nil {
			http.Error(w, "invalid webhook", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, got
}

func TestVerifyRequest(t *testing.T) {
	t.Parallel()
	s := webhook.GenerateSecret()
	const limit = 256
	at := time.Now().Truncate(time.Second)
	valid := `{"type":"member.added","timestamp":"2026-01-02T03:04:05.123456Z","data":{"organization_id":"org_1","role":"admin"},"extra":1}`
	atLimit := `{"type":"t","data":"` + strings.Repeat("x", limit-len(`{"type":"t","data":""}`)) + `"}`
	tests := []struct {
		name    string
		body    string
		chunked bool   // send without Content-Length
		sig     string // "" means a valid signature of body
		want    error
	}{
		{name: "valid", body: valid},
		{name: "body of exactly MaxBodyBytes", body: atLimit},
		{name: "body over MaxBodyBytes by Content-Length", body: atLimit + " ", want: webhook.ErrBodyTooLarge},
		{name: "body over MaxBodyBytes, chunked", body: atLimit + " ", chunked: true, want: webhook.ErrBodyTooLarge},
		{name: "valid, chunked", body: valid, chunked: true},
		{name: "wrong signature", body: valid, sig: "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", want: webhook.ErrNoMatch},
		{name: "signed body that is not JSON", body: "type=member.added", want: webhook.ErrInvalidPayload},
		{name: "signed JSON array", body: `[1,2]`, want: webhook.ErrInvalidPayload},
		{name: "signed JSON without type", body: `{"data":{}}`, want: webhook.ErrInvalidPayload},
		{name: "signed JSON with a bad timestamp", body: `{"type":"t","timestamp":"yesterday"}`, want: webhook.ErrInvalidPayload},
		{name: "signed empty body", body: "", want: webhook.ErrInvalidPayload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url, got := receiver(t, &webhook.Verifier{Secrets: []webhook.Secret{s}, MaxBodyBytes: limit})
			var rd io.Reader = strings.NewReader(tt.body)
			if tt.chunked {
				rd = io.MultiReader(rd) // hides the length: sent chunked
			}
			req, _ := http.NewRequest(http.MethodPost, url, rd)
			sig := tt.sig
			if sig == "" {
				sig = mustSign(t, s, "evt_1", at, []byte(tt.body))
			}
			req.Header = headers("evt_1", at.Unix(), sig)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			r := <-got
			if tt.want != nil {
				if !errors.Is(r.err, tt.want) || r.msg != nil || resp.StatusCode != http.StatusBadRequest {
					t.Fatalf("VerifyRequest = %+v, %v (status %d); want %v", r.msg, r.err, resp.StatusCode, tt.want)
				}
				return
			}
			if r.err != nil || resp.StatusCode != http.StatusNoContent {
				t.Fatalf("VerifyRequest: %v (status %d)", r.err, resp.StatusCode)
			}
			var p webhook.Payload
			if err := json.Unmarshal([]byte(tt.body), &p); err != nil {
				t.Fatal(err)
			}
			if r.msg.ID != "evt_1" || !r.msg.SentAt.Equal(at) || r.msg.Type != p.Type || !r.msg.Timestamp.Equal(p.Timestamp) || !bytes.Equal(r.msg.Data, p.Data) {
				t.Fatalf("message %+v, want id evt_1, sent at %v, payload %+v", r.msg, at, p)
			}
		})
	}
}

// A request whose headers fail is refused before its body is read.
func TestVerifyRequestChecksHeadersFirst(t *testing.T) {
	t.Parallel()
	s := webhook.GenerateSecret()
	v := &webhook.Verifier{Secrets: []webhook.Secret{s}}
	now := time.Now()
	sig := mustSign(t, s, "evt_1", now, body)
	for _, tt := range []struct {
		name string
		h    http.Header
		want error
	}{
		{"no headers", http.Header{}, webhook.ErrMissingHeader},
		{"stale", headers("evt_1", now.Add(-time.Hour).Unix(), sig), webhook.ErrTooOld},
		{"bad id", headers("evt.1", now.Unix(), sig), webhook.ErrInvalidID},
	} {
		rd := &countingReader{r: bytes.NewReader(body)}
		req := httptest.NewRequest(http.MethodPost, "/hook", rd)
		req.Header = tt.h
		if _, err := v.VerifyRequest(req); !errors.Is(err, tt.want) || rd.n != 0 {
			t.Errorf("%s: VerifyRequest = %v after reading %d bytes; want %v before reading", tt.name, err, rd.n, tt.want)
		}
	}
	// A request without a body is verified as an empty body.
	req := httptest.NewRequest(http.MethodPost, "/hook", nil)
	req.Body = nil
	req.Header = headers("evt_1", now.Unix(), mustSign(t, s, "evt_1", now, nil))
	if _, err := v.VerifyRequest(req); !errors.Is(err, webhook.ErrInvalidPayload) {
		t.Errorf("nil body: %v, want ErrInvalidPayload", err)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// The default body cap is DefaultMaxBodyBytes.
func TestVerifyRequestDefaultLimit(t *testing.T) {
	t.Parallel()
	s := webhook.GenerateSecret()
	v := &webhook.Verifier{Secrets: []webhook.Secret{s}}
	now := time.Now()
	for _, size := range []int{webhook.DefaultMaxBodyBytes, webhook.DefaultMaxBodyBytes + 1} {
		b := []byte(`{"type":"t","data":"` + strings.Repeat("x", size-len(`{"type":"t","data":""}`)) + `"}`)
		req := httptest.NewRequest(http.MethodPost, "/hook", io.MultiReader(bytes.NewReader(b)))
		req.Header = headers("evt_"+strconv.Itoa(size), now.Unix(), mustSign(t, s, "evt_"+strconv.Itoa(size), now, b))
		_, err := v.VerifyRequest(req)
		if size <= webhook.DefaultMaxBodyBytes && err != nil || size > webhook.DefaultMaxBodyBytes && !errors.Is(err, webhook.ErrBodyTooLarge) {
			t.Errorf("%d bytes: %v", size, err)
		}
	}
}
