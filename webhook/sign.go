package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"time"
)

// The header names of a webhook (lower case, as the Standard Webhooks
// specification writes them; HTTP header names are case-insensitive).
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// signatureVersion tags an HMAC-SHA256 signature in webhook-signature.
const signatureVersion = "v1"

// Sign returns the value of the webhook-signature header for a message:
// "v1," and the base64 of HMAC-SHA256 over id "." timestamp "." body, the
// timestamp in Unix seconds. Send the same id in webhook-id and the same
// timestamp.Unix() in webhook-timestamp. To sign with several secrets
// while rotating, join their signatures with a space.
//
// The id must be printable ASCII without spaces or full stops (a full
// stop would make the signed text ambiguous); the timestamp must not be
// before 1970; the secret must not be zero.
func Sign(secret Secret, id string, timestamp time.Time, body []byte) (string, error) {
	if secret.IsZero() {
		return "", fmt.Errorf("%w: the zero Secret", ErrInvalidSecret)
	}
	if err := checkID(id); err != nil {
		return "", err
	}
	ts := timestamp.Unix()
	if ts < 0 {
		return "", fmt.Errorf("%w: %v is before 1970", ErrInvalidTimestamp, timestamp)
	}
	sum := mac(secret.key, id, strconv.FormatInt(ts, 10), body)
	return signatureVersion + "," + base64.StdEncoding.EncodeToString(sum), nil
}

// mac is HMAC-SHA256(key, id "." ts "." body).
func mac(key []byte, id, ts string, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	_, _ = io.WriteString(h, id)
	_, _ = io.WriteString(h, ".")
	_, _ = io.WriteString(h, ts)
	_, _ = io.WriteString(h, ".")
	_, _ = h.Write(body)
	return h.Sum(nil)
}

// checkID accepts 1 or more printable ASCII characters other than space
// and full stop.
func checkID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: empty", ErrInvalidID)
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c > '~' || c == '.' {
			return fmt.Errorf("%w: character %q at %d", ErrInvalidID, c, i)
		}
	}
	return nil
}
