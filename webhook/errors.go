package webhook

import "errors"

// The errors of this package. Functions wrap them with detail; test for
// them with errors.Is. Every error from Verify and VerifyRequest means the
// request must be refused.
var (
	// ErrInvalidSecret: a secret that is not "whsec_" and the base64 of
	// 24 to 64 bytes, or the zero Secret given to Sign.
	ErrInvalidSecret = errors.New("webhook: invalid secret")
	// ErrMissingHeader: webhook-id, webhook-timestamp or webhook-signature
	// is absent or empty.
	ErrMissingHeader = errors.New("webhook: missing header")
	// ErrInvalidID: the webhook-id holds a full stop, a space or a
	// character that is not printable ASCII.
	ErrInvalidID = errors.New("webhook: invalid webhook-id")
	// ErrInvalidTimestamp: the webhook-timestamp is not a number of
	// seconds since 1970 written in decimal digits.
	ErrInvalidTimestamp = errors.New("webhook: invalid webhook-timestamp")
	// ErrTooOld: the webhook-timestamp is further in the past than the
	// verifier's tolerance (a replayed or long-delayed request).
	ErrTooOld = errors.New("webhook: timestamp too old")
	// ErrTooNew: the webhook-timestamp is further in the future than the
	// verifier's tolerance.
	ErrTooNew = errors.New("webhook: timestamp too far in the future")
	// ErrNoMatch: no v1 signature in webhook-signature matches the body
	// under any of the verifier's secrets.
	ErrNoMatch = errors.New("webhook: no matching signature")
	// ErrBodyTooLarge: the body is larger than the verifier's
	// MaxBodyBytes (answer 413).
	ErrBodyTooLarge = errors.New("webhook: body too large")
	// ErrInvalidPayload: the signed body is not a JSON object with a
	// non-empty "type" (and, if present, an RFC 3339 "timestamp").
	ErrInvalidPayload = errors.New("webhook: invalid payload")
)

// errNoSecret: a Verifier without a usable secret verifies nothing.
var errNoSecret = errors.New("webhook: the Verifier has no secret")
