package webhook_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/fastauth/fastauth/webhook"
)

// A receiver: an HTTP handler that verifies each webhook and acts on its
// event type. The secret comes from the receiver's configuration (here a
// fixed one; in a service, os.Getenv).
func Example_receiver() {
	secret, err := webhook.ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		log.Fatal(err)
	}
	v := &webhook.Verifier{Secrets: []webhook.Secret{secret}}

	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		msg, err := v.VerifyRequest(r)
		switch {
		case errors.Is(err, webhook.ErrBodyTooLarge):
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		case err != nil:
			http.Error(w, "invalid webhook", http.StatusBadRequest)
			return
		}
		// msg.ID is the same on every retry of an event: a receiver that
		// must act once per event skips the ids it has already handled.
		switch msg.Type {
		case "member.added":
			var event struct {
				OrganizationID string `json:"organization_id"`
			}
			if err := json.Unmarshal(msg.Data, &event); err != nil {
				http.Error(w, "bad event", http.StatusBadRequest)
				return
			}
			fmt.Println("member added to", event.OrganizationID)
		}
		w.WriteHeader(http.StatusNoContent) // 2xx: delivered
	})

	// What the sender transmits, for the example.
	send := func(sign bool) int {
		body := []byte(`{"type":"member.added","timestamp":"2026-01-02T03:04:05Z","data":{"organization_id":"org_42"}}`)
		now := time.Now()
		sig := "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
		if sign {
			sig, _ = webhook.Sign(secret, "evt_01", now, body)
		}
		r := httptest.NewRequest(http.MethodPost, "/webhooks/fastauth", bytes.NewReader(body))
		r.Header.Set(webhook.HeaderID, "evt_01")
		r.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
		r.Header.Set(webhook.HeaderSignature, sig)
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		return w.Code
	}
	fmt.Println("signed:", send(true))
	fmt.Println("forged:", send(false))
	// Output:
	// member added to org_42
	// signed: 204
	// forged: 400
}

// The sender's side: sign the exact bytes of the body and send the three
// headers with it.
func ExampleSign() {
	secret, _ := webhook.ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	body := []byte(`{"test": 2432232314}`)
	sig, err := webhook.Sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), body)
	if err != nil {
		log.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, "https://receiver.example/webhooks", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(webhook.HeaderID, "msg_p5jXN8AQM9LWM0D4loKWxJek")
	req.Header.Set(webhook.HeaderTimestamp, "1614265330")
	req.Header.Set(webhook.HeaderSignature, sig)
	fmt.Println(sig)
	// Output: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
}

// A new endpoint secret, in the form to configure on both sides.
func ExampleGenerateSecret() {
	secret := webhook.GenerateSecret()
	text := secret.Reveal() // "whsec_..." : store it like a password
	fmt.Println(strings.HasPrefix(text, "whsec_"), len(text))
	fmt.Println(secret) // a Secret never prints its key
	// Output:
	// true 50
	// webhook.Secret(redacted)
}
