package mfa_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/fastauth/fastauth/mfa"
)

// The protocol side of a TOTP setup: a secret for the app, then the first
// code of the app proving it. The Service does the same with a Store.
func ExampleStrategy() {
	master := []byte("an example master secret of at least 32 bytes")
	key, err := mfa.DeriveKey(master)
	if err != nil {
		panic(err)
	}
	s, err := mfa.New(mfa.Config{Issuer: "Acme", Key: key})
	if err != nil {
		panic(err)
	}
	setup, pending, err := s.NewTOTPSetup("user-1", "ada@example.com")
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(setup.OtpauthURL, "otpauth://totp/Acme:ada@example.com?secret="+setup.Secret+"&issuer=Acme&algorithm=SHA1&digits=6&period=30"))

	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	code, _ := mfa.TOTPCode(setup.Secret, now) // what the app shows
	st := mfa.TOTPState{UserID: "user-1", SecretID: pending.SecretID, Secret: pending.Secret}
	step, err := s.VerifyPendingTOTP(st, code, now)
	fmt.Println(step == mfa.TOTPStep(now), err)

	rc := s.NewRecoveryCodes("user-1")
	fmt.Println(len(rc.Codes), len(rc.Codes[0]))
	// Output:
	// true
	// true <nil>
	// 10 11
}
