package mfa

import (
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// The TOTP parameters (RFC 6238 with the values every authenticator app
// supports).
const (
	// TOTPDigits is the length of a code.
	TOTPDigits = 6
	// TOTPPeriod is the length of a step.
	TOTPPeriod = 30 * time.Second
	// TOTPSkew is how many steps of drift are accepted either way.
	TOTPSkew = 1
	// TOTPSecretSize is the size of a secret in bytes (160 bits).
	TOTPSecretSize = 20
)

// totpOpts are the HOTP options of every code: SHA-1, six digits.
var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// secretEncoding is base32 without padding, as otpauth URLs carry secrets.
var secretEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// EncodeSecret returns a raw TOTP secret in the form users and otpauth URLs
// see: base32 without padding.
func EncodeSecret(raw []byte) string { return secretEncoding.EncodeToString(raw) }

// TOTPStep is the RFC 6238 time step of t: the number of whole periods
// since the Unix epoch.
func TOTPStep(t time.Time) int64 {
	u := t.Unix()
	p := int64(TOTPPeriod / time.Second)
	s := u / p
	if u%p < 0 {
		s--
	}
	return s
}

// TOTPCode returns the code of a base32 secret at t, as an authenticator
// app shows it. Tests and examples use it to act as the user's app.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totpCodeAt(secret, TOTPStep(t))
}

// totpCodeAt returns the code of a base32 secret for a step, computed by
// pquerna/otp.
func totpCodeAt(secret string, step int64) (string, error) {
	if step < 0 {
		return "", fmt.Errorf("mfa: negative TOTP step %d", step)
	}
	code, err := hotp.GenerateCodeCustom(secret, uint64(step), totpOpts)
	if err != nil {
		return "", fmt.Errorf("mfa: TOTP code: %w", err)
	}
	return code, nil
}

// normalizeTOTPCode returns the six digits of a TOTP code, ignoring spaces
// (apps show "123 456"), or ErrMalformedCode.
func normalizeTOTPCode(code string) (string, error) {
	if len(code) > maxCodeInput {
		return "", fmt.Errorf("%w: too long", ErrMalformedCode)
	}
	var buf [TOTPDigits]byte
	n := 0
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == ' ':
			continue
		case c < '0' || c > '9':
			return "", fmt.Errorf("%w: a TOTP code has digits only", ErrMalformedCode)
		case n == TOTPDigits:
			return "", fmt.Errorf("%w: a TOTP code has %d digits", ErrMalformedCode, TOTPDigits)
		}
		buf[n] = c
		n++
	}
	if n != TOTPDigits {
		return "", fmt.Errorf("%w: a TOTP code has %d digits", ErrMalformedCode, TOTPDigits)
	}
	return string(buf[:]), nil
}

// verifyTOTP checks a code against a base32 secret at now, accepting the
// steps within TOTPSkew of now's, and returns the earliest matching step
// later than lastStep. A code that matches only steps at or before
// lastStep gives ErrCodeReplayed, one that matches none ErrInvalidCode.
// Every step of the window is computed and compared in constant time, so
// the time taken does not tell which step matched.
//
// The step it returns is what the Store records as the user's last
// accepted step; the Store, not this check, decides between concurrent
// uses of one code.
func verifyTOTP(secret, code string, lastStep int64, now time.Time) (int64, error) {
	code, err := normalizeTOTPCode(code)
	if err != nil {
		return 0, err
	}
	cur := TOTPStep(now)
	accepted, replayed := int64(-1), false
	for step := cur - TOTPSkew; step <= cur+TOTPSkew; step++ {
		if step < 0 {
			continue
		}
		want, err := totpCodeAt(secret, step)
		if err != nil {
			return 0, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) != 1 {
			continue
		}
		switch {
		case step <= lastStep:
			replayed = true
		case accepted < 0:
			accepted = step
		}
	}
	switch {
	case accepted >= 0:
		return accepted, nil
	case replayed:
		return 0, ErrCodeReplayed
	}
	return 0, ErrInvalidCode
}

// otpauthURL is the key URI authenticator apps scan:
// otpauth://totp/<issuer>:<account>?secret=..&issuer=..&algorithm=SHA1&digits=6&period=30,
// with issuer and account percent-encoded.
func otpauthURL(issuer, account, secret string) string {
	var b strings.Builder
	b.WriteString("otpauth://totp/")
	b.WriteString(uriEscape(issuer))
	b.WriteByte(':')
	b.WriteString(uriEscape(account))
	b.WriteString("?secret=")
	b.WriteString(secret)
	b.WriteString("&issuer=")
	b.WriteString(uriEscape(issuer))
	fmt.Fprintf(&b, "&algorithm=SHA1&digits=%d&period=%d", TOTPDigits, int(TOTPPeriod/time.Second))
	return b.String()
}

// uriEscape percent-encodes every byte of s but the RFC 3986 unreserved
// characters and '@' (kept for readable email addresses), so that s is
// safe in the label and in a query value: a space is %20, never '+', which
// authenticator apps would show.
func uriEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '@' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
