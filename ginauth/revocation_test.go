package ginauth

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
)

// listenBroadcaster is a Broadcaster that carries nothing and keeps what
// Listen is given, so a test can play the broadcast.
type listenBroadcaster struct {
	deliver func(Revocation)
	health  func(bool)
}

func (*listenBroadcaster) Publish(context.Context, Revocation) error { return nil }
func (b *listenBroadcaster) Listen(deliver func(Revocation), health func(bool)) error {
	b.deliver, b.health = deliver, health
	return nil
}
func (*listenBroadcaster) Close() error { return nil }

// immediateAuth is a storeless Auth in RevocationImmediate mode with the
// broadcast up and revocations of other users and sessions in its set.
func immediateAuth(b testing.TB) *Auth { return immediateAuthWith(b, nil) }

// immediateAuthWith is immediateAuth with adjust applied to its Config
// first (another token algorithm, say).
func immediateAuthWith(b testing.TB, adjust func(*Config)) *Auth {
	bc := &listenBroadcaster{}
	clock := newTestClock()
	a := storelessAuth(b, clock, func(c *Config) {
		if adjust != nil {
			adjust(c)
		}
		c.Revocation = RevocationConfig{Mode: RevocationImmediate, Broadcaster: bc}
	})
	if err := a.listenRevocations(); err != nil {
		b.Fatal(err)
	}
	bc.health(true)
	now := a.now()
	bc.deliver(Revocation{Event: fastauth.EventSessionRevoked, At: now, Target: target(fastauth.TargetSession, "another-session")})
	bc.deliver(Revocation{Event: fastauth.EventMemberRoleChanged, At: now, Target: target(fastauth.TargetUser, "another-user")})
	if !a.RevocationBroadcastUp() {
		b.Fatal("the broadcast is not up")
	}
	// Tokens signed from now on are of a later second than the set's
	// start: the set alone decides (no store check, which a storeless
	// Auth could not make).
	clock.Advance(time.Second)
	return a
}

// TestImmediateWarmAllocations: in RevocationImmediate mode the base
// middleware's work on a warm cookie allocates what it does in
// RevocationExpiry mode.
func TestImmediateWarmAllocations(t *testing.T) {
	expiry := storelessAuth(t, newTestClock(), nil)
	immediate := immediateAuth(t)
	allocs := func(a *Auth) float64 {
		req := browserRequest("/", signFor(t, a.tokens, testSID))
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = req
		a.authenticate(c) // warm the cache
		return testing.AllocsPerRun(100, func() {
			c.Keys = nil
			a.authenticate(c)
			if _, ok := PrincipalFrom(c); !ok {
				t.Fatal("no principal")
			}
		})
	}
	if e, i := allocs(expiry), allocs(immediate); i != e {
		t.Fatalf("warm cookie allocates %v times in immediate mode, %v in expiry mode", i, e)
	}
}
