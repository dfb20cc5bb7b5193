package mfa

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// rfcSecret is the SHA-1 seed of RFC 6238 appendix B.
var rfcSecret = EncodeSecret([]byte("12345678901234567890"))

// TestTOTPRFC6238Vectors checks the SHA-1 test vectors of RFC 6238
// appendix B. The RFC's codes have eight digits; a six-digit code is the
// same truncated value modulo 10^6, so its last six digits.
func TestTOTPRFC6238Vectors(t *testing.T) {
	t.Parallel()
	vectors := []struct {
		unix int64
		code string // eight digits, from the RFC
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	}
	for _, v := range vectors {
		t.Run(fmt.Sprint(v.unix), func(t *testing.T) {
			t.Parallel()
			at := time.Unix(v.unix, 0)
			want := v.code[2:]
			got, err := TOTPCode(rfcSecret, at)
			if err != nil || got != want {
				t.Fatalf("TOTPCode = %q, %v; want %q", got, err, want)
			}
			step, err := verifyTOTP(rfcSecret, want, 0, at)
			if err != nil || step != v.unix/30 {
				t.Fatalf("verifyTOTP = %d, %v; want step %d", step, err, v.unix/30)
			}
		})
	}
}

// TestTOTPWindow checks the steps accepted around now, at step boundaries.
func TestTOTPWindow(t *testing.T) {
	t.Parallel()
	secret := randomSecret(t)
	const step = 60_000_000
	boundary := time.Unix(step*30, 0) // first second of step
	cases := []struct {
		name   string
		codeAt int64     // step of the code
		now    time.Time // verification time
		ok     bool
	}{
		{"same step, first second", step, boundary, true},
		{"same step, last second", step, boundary.Add(29*time.Second + 999*time.Millisecond), true},
		{"previous step", step - 1, boundary, true},
		{"next step", step + 1, boundary, true},
		{"two steps ago", step - 2, boundary, false},
		{"two steps ahead", step + 2, boundary, false},
		{"previous step, one second before the window moves", step - 1, boundary.Add(29 * time.Second), true},
		{"previous step, when the window has moved", step - 1, boundary.Add(30 * time.Second), false},
		{"next step, the last second before its window", step + 2, boundary.Add(29 * time.Second), false},
		{"next step, at its window", step + 2, boundary.Add(30 * time.Second), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, err := totpCodeAt(secret, c.codeAt)
			if err != nil {
				t.Fatal(err)
			}
			got, err := verifyTOTP(secret, code, 0, c.now)
			if c.ok && (err != nil || got != c.codeAt) {
				t.Fatalf("verifyTOTP = %d, %v; want step %d", got, err, c.codeAt)
			}
			if !c.ok && !errors.Is(err, ErrInvalidCode) {
				t.Fatalf("verifyTOTP = %d, %v; want ErrInvalidCode", got, err)
			}
		})
	}
}

// TestTOTPReplay checks that a code is refused for a step at or before
// the last accepted one, and accepted after it.
func TestTOTPReplay(t *testing.T) {
	t.Parallel()
	secret := randomSecret(t)
	now := time.Unix(1_800_000_000, 0)
	step := TOTPStep(now)
	code, _ := totpCodeAt(secret, step)
	for _, c := range []struct {
		last int64
		err  error
	}{
		{0, nil},
		{step - 1, nil},
		{step, ErrCodeReplayed},
		{step + 1, ErrCodeReplayed},
	} {
		got, err := verifyTOTP(secret, code, c.last, now)
		if !errors.Is(err, c.err) || (c.err == nil && got != step) {
			t.Errorf("last step %d: verifyTOTP = %d, %v; want %v", c.last-step, got, err, c.err)
		}
		if c.err != nil && !errors.Is(err, ErrInvalidCode) {
			t.Errorf("ErrCodeReplayed does not match ErrInvalidCode")
		}
	}
}

// TestTOTPDifferential compares verifyTOTP (with no step accepted yet)
// with pquerna/otp's totp.ValidateCustom on random secrets, times and
// codes, half of them valid at a random offset of up to three steps, and
// checks that the step returned is the earliest step hotp.ValidateCustom
// accepts.
func TestTOTPDifferential(t *testing.T) {
	t.Parallel()
	opts := totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	for i := range 3000 {
		secret := randomSecret(t)
		var b [8]byte
		_, _ = rand.Read(b[:])
		now := time.Unix(int64(binary.BigEndian.Uint64(b[:])%(1<<34))+90, 0)
		var code string
		if i%2 == 0 {
			offset := int64(b[0]%7) - 3
			code, _ = totpCodeAt(secret, TOTPStep(now)+offset)
		} else {
			code = fmt.Sprintf("%06d", binary.BigEndian.Uint32(b[4:])%1_000_000)
		}
		want, err := totp.ValidateCustom(code, secret, now, opts)
		if err != nil {
			t.Fatal(err)
		}
		step, err := verifyTOTP(secret, code, 0, now)
		if got := err == nil; got != want {
			t.Fatalf("secret %s code %s at %d: verifyTOTP ok = %v (%v), pquerna = %v", secret, code, now.Unix(), got, err, want)
		}
		if err != nil {
			continue
		}
		for s := TOTPStep(now) - 1; s <= TOTPStep(now)+1; s++ {
			ok, _ := hotp.ValidateCustom(code, uint64(s), secret, hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
			if ok {
				if step != s {
					t.Fatalf("verifyTOTP step = %d, earliest accepted by hotp = %d", step, s)
				}
				break
			}
		}
	}
}

// TestTOTPMalformed checks that input that is not six digits is refused
// before any comparison.
func TestTOTPMalformed(t *testing.T) {
	t.Parallel()
	secret := randomSecret(t)
	now := time.Unix(1_800_000_000, 0)
	code, _ := TOTPCode(secret, now)
	for _, in := range []string{"", " ", "12345", "1234567", "12a456", "12-456", "１２３４５６", "١٢٣٤٥٦", "123456\x00", code + "0"} {
		if _, err := verifyTOTP(secret, in, 0, now); !errors.Is(err, ErrMalformedCode) {
			t.Errorf("verifyTOTP(%q) = %v, want ErrMalformedCode", in, err)
		}
	}
	spaced := code[:3] + " " + code[3:]
	if _, err := verifyTOTP(secret, " "+spaced+" ", 0, now); err != nil {
		t.Errorf("verifyTOTP(%q) = %v, want accepted", spaced, err)
	}
}

// TestTOTPStep checks the step of times around the epoch and boundaries.
func TestTOTPStep(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		unix int64
		step int64
	}{{0, 0}, {29, 0}, {30, 1}, {59, 1}, {-1, -1}, {-30, -1}, {-31, -2}} {
		if got := TOTPStep(time.Unix(c.unix, 0)); got != c.step {
			t.Errorf("TOTPStep(%d) = %d, want %d", c.unix, got, c.step)
		}
	}
}

// TestOtpauthURL checks the exact URL of the contract and that
// pquerna/otp reads back every parameter, also for an issuer and an
// address with characters that need escaping.
func TestOtpauthURL(t *testing.T) {
	t.Parallel()
	secret := randomSecret(t)
	got := otpauthURL("fastauth", "ada@example.com", secret)
	want := "otpauth://totp/fastauth:ada@example.com?secret=" + secret + "&issuer=fastauth&algorithm=SHA1&digits=6&period=30"
	if got != want {
		t.Fatalf("otpauthURL =\n%s\nwant\n%s", got, want)
	}
	for _, c := range []struct{ issuer, account string }{
		{"fastauth", "ada@example.com"},
		{"Acme Co", "ada+mfa@example.com"},
		{"A&B=C+D%E?#/", "o'brien@example.com"},
		{"Ünïcödé", "ada@example.com"},
		{"x", "we:ird@example.com"},
	} {
		u := otpauthURL(c.issuer, c.account, secret)
		key, err := otp.NewKeyFromURL(u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if key.Type() != "totp" || key.Issuer() != c.issuer || key.AccountName() != c.account || key.Secret() != secret ||
			key.Algorithm() != otp.AlgorithmSHA1 || key.Digits() != otp.DigitsSix || key.Period() != 30 {
			t.Errorf("%s read back as type %q issuer %q account %q secret %q alg %v digits %v period %d",
				u, key.Type(), key.Issuer(), key.AccountName(), key.Secret(), key.Algorithm(), key.Digits(), key.Period())
		}
	}
}

// randomSecret returns a fresh base32 secret of TOTPSecretSize bytes.
func randomSecret(t *testing.T) string {
	t.Helper()
	var raw [TOTPSecretSize]byte
	_, _ = rand.Read(raw[:])
	return EncodeSecret(raw[:])
}
