package webhook

import (
	"crypto/hmac"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultTolerance is how far a webhook-timestamp may be from the
// verifier's clock, in either direction, when Verifier.Tolerance is zero.
const DefaultTolerance = 5 * time.Minute

// DefaultMaxBodyBytes caps the body VerifyRequest reads when
// Verifier.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 1 << 20

// A Verifier checks webhooks received from one sender. Set its fields
// before the first use; it is then safe for concurrent use.
type Verifier struct {
	// Secrets are the endpoint's secrets: a webhook verifies when any one
	// of them signed it. List the new secret next to the old one while
	// they are rotated. Zero Secrets are ignored; a Verifier without a
	// non-zero one refuses every message.
	Secrets []Secret
	// Tolerance is how far the webhook-timestamp may be from Now, in
	// either direction. Zero or negative means DefaultTolerance.
	Tolerance time.Duration
	// MaxBodyBytes caps the body VerifyRequest reads. Zero or negative
	// means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Verify checks a webhook's headers and its body, exactly as received
// (before any JSON decoding). It returns nil when the timestamp is within
// the tolerance and one of the v1 signatures in webhook-signature is the
// HMAC of id, timestamp and body under one of the verifier's secrets;
// otherwise an error wrapping ErrMissingHeader, ErrInvalidID,
// ErrInvalidTimestamp, ErrTooOld, ErrTooNew or ErrNoMatch. Signatures of
// other versions (such as v1a) are skipped.
func (v *Verifier) Verify(header http.Header, body []byte) error {
	h, err := v.checkHeaders(header)
	if err != nil {
		return err
	}
	return v.checkSignature(h, body)
}

// signed is what the headers say about a message, checked except for the
// signature.
type signed struct {
	id, ts     string
	sentAt     time.Time
	signatures []string
}

// checkHeaders checks everything that does not need the body, so that
// VerifyRequest refuses a bad request before reading it.
func (v *Verifier) checkHeaders(header http.Header) (signed, error) {
	if !v.hasSecret() {
		return signed{}, errNoSecret
	}
	id := header.Get(HeaderID)
	if id == "" {
		return signed{}, fmt.Errorf("%w: %s", ErrMissingHeader, HeaderID)
	}
	if err := checkID(id); err != nil {
		return signed{}, err
	}
	ts := header.Get(HeaderTimestamp)
	if ts == "" {
		return signed{}, fmt.Errorf("%w: %s", ErrMissingHeader, HeaderTimestamp)
	}
	sentAt, err := parseTimestamp(ts)
	if err != nil {
		return signed{}, err
	}
	var sigs []string
	for _, line := range header.Values(HeaderSignature) {
		sigs = append(sigs, strings.Fields(line)...)
	}
	if len(sigs) == 0 {
		return signed{}, fmt.Errorf("%w: %s", ErrMissingHeader, HeaderSignature)
	}

	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	tolerance := v.Tolerance
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	switch t := now(); {
	case t.Sub(sentAt) > tolerance:
		return signed{}, fmt.Errorf("%w: signed at %d, %v ago", ErrTooOld, sentAt.Unix(), t.Sub(sentAt).Truncate(time.Second))
	case sentAt.Sub(t) > tolerance:
		return signed{}, fmt.Errorf("%w: signed at %d, %v ahead", ErrTooNew, sentAt.Unix(), sentAt.Sub(t).Truncate(time.Second))
	}
	return signed{id: id, ts: ts, sentAt: sentAt, signatures: sigs}, nil
}

// parseTimestamp reads decimal digits only, as strconv.FormatInt writes
// them: no sign, space, fraction or leading zero. The text as received is
// what is signed; being canonical, it is also the text of every other
// implementation, which reformats the number.
func parseTimestamp(ts string) (time.Time, error) {
	for i := 0; i < len(ts); i++ {
		if ts[i] < '0' || ts[i] > '9' || (i == 0 && ts[i] == '0' && len(ts) > 1) {
			return time.Time{}, fmt.Errorf("%w: %q", ErrInvalidTimestamp, ts)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q", ErrInvalidTimestamp, ts)
	}
	return time.Unix(sec, 0), nil
}

// checkSignature compares every v1 signature with the HMAC under every
// secret, in constant time for each comparison.
func (v *Verifier) checkSignature(h signed, body []byte) error {
	var want [][]byte
	for _, s := range v.Secrets {
		if !s.IsZero() {
			want = append(want, mac(s.key, h.id, h.ts, body))
		}
	}
	for _, sig := range h.signatures {
		version, enc, ok := strings.Cut(sig, ",")
		if !ok || version != signatureVersion {
			continue
		}
		got, err := base64.StdEncoding.Strict().DecodeString(enc)
		if err != nil {
			continue
		}
		for _, w := range want {
			if hmac.Equal(got, w) {
				return nil
			}
		}
	}
	return ErrNoMatch
}

func (v *Verifier) hasSecret() bool {
	for _, s := range v.Secrets {
		if !s.IsZero() {
			return true
		}
	}
	return false
}
