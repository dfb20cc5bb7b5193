// Package webhook signs and verifies webhooks in the Standard Webhooks
// format (https://www.standardwebhooks.com), the format in which fastauth
// delivers its events. Receivers use it to check that a request really
// comes from their fastauth service:
//
//	secret, err := webhook.ParseSecret(os.Getenv("FASTAUTH_WEBHOOK_SECRET"))
//	...
//	v := &webhook.Verifier{Secrets: []webhook.Secret{secret}}
//	http.HandleFunc("POST /webhooks/fastauth", func(w http.ResponseWriter, r *http.Request) {
//		msg, err := v.VerifyRequest(r)
//		if err != nil {
//			http.Error(w, "invalid webhook", http.StatusBadRequest)
//			return
//		}
//		// msg.ID is the same on every retry: skip the ids already handled.
//		// msg.Type is the event type ("member.added"), msg.Data the event.
//		w.WriteHeader(http.StatusNoContent)
//	})
//
// A webhook is an HTTP POST whose body is a JSON [Payload]
// {"type","timestamp","data"} and whose headers are
//
//	webhook-id: the event id, identical on every retry of one event
//	webhook-timestamp: when this attempt was signed, in Unix seconds
//	webhook-signature: v1,<base64 of HMAC-SHA256(key, id + "." + timestamp + "." + body)>
//
// The signature header may hold several space-separated signatures, so a
// sender can sign with an old and a new secret while they are rotated;
// likewise a [Verifier] accepts a message signed by any one of its secrets.
// Secrets are written whsec_ followed by the base64 of 24 to 64 random
// bytes ([GenerateSecret] makes 32).
//
// [Verifier.Verify] compares signatures in constant time and refuses a
// timestamp more than [DefaultTolerance] away from its clock, so a captured
// request cannot be replayed later. It does not remember ids: a receiver
// that must act once per event drops the ids it has already handled.
package webhook
