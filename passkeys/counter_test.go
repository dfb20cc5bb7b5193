package passkeys_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/fastauth/fastauth/internal/webauthntest"
	"github.com/fastauth/fastauth/passkeys"
)

// TestCounterRuleAgainstGoWebAuthn compares the store's counter decision
// with go-webauthn's clone detection (Authenticator.UpdateCounter, which
// only raises CloneWarning): they agree on every pair of stored and
// reported counters except the one the SPEC decides otherwise, a reported 0
// after a counter (refused by the WebAuthn recommendation, accepted here as
// an authenticator without a counter; the stored counter is kept, so a
// later lower counter is still refused).
func TestCounterRuleAgainstGoWebAuthn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	values := []uint32{0, 1, 2, 7, 1<<31 - 1, 1 << 31, 1<<32 - 1}
	for _, stored := range values {
		for _, reported := range values {
			t.Run(fmt.Sprintf("%d_then_%d", stored, reported), func(t *testing.T) {
				acc := f.account(t)
				_, reg := f.mustRegister(t, acc, webauthntest.Config{})
				if stored != 0 {
					if _, err := f.st.Passkeys().RecordAssertion(t.Context(), reg.ID, stored, false, t0); err != nil {
						t.Fatal(err)
					}
				}
				lib := webauthn.Authenticator{SignCount: stored}
				lib.UpdateCounter(reported)
				got, err := f.st.Passkeys().RecordAssertion(t.Context(), reg.ID, reported, false, t0)
				refused := errors.Is(err, passkeys.ErrSignCountRegressed)
				if err != nil && !refused {
					t.Fatal(err)
				}
				spec := reported == 0 && stored != 0
				switch {
				case spec && (refused || got.SignCount != stored):
					t.Fatalf("reported 0 after %d: refused %v, stored %d; want accepted and %d kept", stored, refused, got.SignCount, stored)
				case !spec && refused != lib.CloneWarning:
					t.Fatalf("refused %v, go-webauthn's clone warning %v", refused, lib.CloneWarning)
				case !spec && !refused && got.SignCount != lib.SignCount:
					t.Fatalf("stored %d, go-webauthn keeps %d", got.SignCount, lib.SignCount)
				}
			})
		}
	}
}
