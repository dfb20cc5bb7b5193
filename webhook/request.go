package webhook

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Payload is the JSON body of a webhook.
type Payload struct {
	// Type is the event type, such as "member.added".
	Type string `json:"type"`
	// Timestamp is when the event occurred (not when it was sent).
	Timestamp time.Time `json:"timestamp"`
	// Data is the event itself, to decode into the receiver's own type.
	Data json.RawMessage `json:"data"`
}

// Message is a verified webhook.
type Message struct {
	// ID is the webhook-id: the event's id, identical on every retry of
	// one event. Receivers that must act once per event drop the ids they
	// have already handled.
	ID string
	// SentAt is the webhook-timestamp: when this attempt was signed.
	SentAt time.Time
	// Payload is the decoded body.
	Payload
}

// VerifyRequest reads a webhook from an HTTP request: it checks the
// headers, reads the body (at most MaxBodyBytes), verifies the signature
// as Verify does and decodes the body. Call it first in the handler, with
// the untouched request; answer 2xx only once the message is handled, and
// 4xx when it returns an error (the sender retries non-2xx answers, which
// is harmless for a forged request).
//
// Besides the errors of Verify it returns ErrBodyTooLarge and
// ErrInvalidPayload (the signature matched but the body is not a
// Payload), and the error of reading the body.
func (v *Verifier) VerifyRequest(r *http.Request) (*Message, error) {
	h, err := v.checkHeaders(r.Header)
	if err != nil {
		return nil, err
	}
	limit := v.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	if r.ContentLength > limit {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrBodyTooLarge, r.ContentLength, limit)
	}
	var body []byte
	if r.Body != nil {
		body, err = io.ReadAll(io.LimitReader(r.Body, limit+1))
		if err != nil {
			return nil, fmt.Errorf("webhook: reading the body: %w", err)
		}
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, limit)
	}
	if err := v.checkSignature(h, body); err != nil {
		return nil, err
	}
	m := &Message{ID: h.id, SentAt: h.sentAt}
	if err := json.Unmarshal(body, &m.Payload); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidPayload, err)
	}
	if m.Type == "" {
		return nil, fmt.Errorf("%w: no type", ErrInvalidPayload)
	}
	return m, nil
}
