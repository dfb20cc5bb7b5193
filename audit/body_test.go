package audit_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/webhook"
)

// TestBody checks the webhook body and that package webhook verifies it
// when signed as the worker signs.
func TestBody(t *testing.T) {
	t.Parallel()
	e := audit.Event{ID: "0190a0a0-0000-7000-8000-000000000001", Type: audit.TypeInviteCreated,
		OccurredAt: time.Date(2026, 1, 2, 3, 0, 0, 123456000, time.UTC), Target: audit.Target{Type: "invite", ID: "i"},
		Data: json.RawMessage(`{"email_domain":"example.com"}`)}
	body, err := audit.Body(e)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(e)
	want := `{"type":"invite.created","timestamp":"2026-01-02T03:00:00.123456Z","data":` + string(data) + `}`
	if string(body) != want {
		t.Fatalf("body\n%s\nwant\n%s", body, want)
	}
	again, _ := audit.Body(e)
	if string(again) != string(body) {
		t.Fatal("the body is not the same bytes twice")
	}
	secret := webhook.GenerateSecret()
	sentAt := e.OccurredAt.Add(time.Minute)
	sig, err := webhook.Sign(secret, e.ID, sentAt, body)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set(webhook.HeaderID, e.ID)
	h.Set(webhook.HeaderTimestamp, "1767322860")
	h.Set(webhook.HeaderSignature, sig)
	v := webhook.Verifier{Secrets: []webhook.Secret{secret}, Now: func() time.Time { return sentAt }}
	if err := v.Verify(h, body); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}
