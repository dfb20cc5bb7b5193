package ginauth_test

import (
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
)

// Timing test parameters. A real leak (an unknown email answered without
// hashing) makes the unknown-email median a small fraction of the
// wrong-password one, far outside timingTolerance.
const (
	timingSamples   = 40   // per kind, interleaved
	timingTolerance = 0.15 // max relative difference of the medians
	timingMinMedian = 5 * time.Millisecond
	timingRounds    = 3 // a noisy machine may spoil one round; a leak spoils all
)

// TestSignInTimingUnknownEmailVsWrongPassword: with the production argon2id
// parameters, a sign-in with an unknown email takes as long as one with a
// known email and a wrong password (same status, same body, same hashing
// work), so response times do not reveal which emails have accounts.
//
// The race detector slows argon2 several times over, so under -race this
// test is skipped; `make timing-test` (run by CI) runs it without -race.
func TestSignInTimingUnknownEmailVsWrongPassword(t *testing.T) {
	skipTimingTest(t)
	st := testdb.Store(t, testdb.SQLite(t))
	url := serveAuth(t, st, timingConfig(ginauth.DefaultArgon2Params)) // production cost on purpose
	if res := post(t, url+"/auth/sign-up", `{"email":"known@example.com","password":"correct-horse-42"}`); res.StatusCode != http.StatusOK {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}
	compareSignInTimings(t, url,
		"unknown email", `{"email":"nobody@example.com","password":"wrong-horse-42"}`,
		"wrong password", `{"email":"known@example.com","password":"wrong-horse-42"}`)
}

// TestSignInTimingOutdatedHash: after the argon2 parameters were raised,
// an account whose stored hash still has the old, cheaper parameters (it
// is upgraded only by a successful sign-in) takes as long to refuse as an
// unknown email, whose dummy verify runs at the new cost: the verify of a
// hash with other parameters is padded to the configured cost.
func TestSignInTimingOutdatedHash(t *testing.T) {
	skipTimingTest(t)
	st := testdb.Store(t, testdb.SQLite(t))
	old := ginauth.Argon2Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true}
	oldURL := serveAuth(t, st, timingConfig(old))
	if res := post(t, oldURL+"/auth/sign-up", `{"email":"old@example.com","password":"correct-horse-42"}`); res.StatusCode != http.StatusOK {
		t.Fatalf("sign-up under the old parameters: %d", res.StatusCode)
	}
	url := serveAuth(t, st, timingConfig(ginauth.DefaultArgon2Params))
	compareSignInTimings(t, url,
		"unknown email", `{"email":"nobody@example.com","password":"wrong-horse-42"}`,
		"wrong password, outdated hash", `{"email":"old@example.com","password":"wrong-horse-42"}`)
}

func skipTimingTest(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("timing test runs without -race: make timing-test")
	}
	if testing.Short() {
		t.Skip("timing test skipped in -short mode")
	}
}

// timingConfig is the Config of the timing tests with the given hashing
// cost and no rate limits.
func timingConfig(p ginauth.Argon2Params) ginauth.Config {
	return ginauth.Config{
		Secret:    []byte("timing-secret-timing-secret-32+++"),
		Cookie:    ginauth.CookieConfig{Insecure: true},
		Argon2:    p,
		RateLimit: ginauth.RateLimitConfig{Disabled: true},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// compareSignInTimings signs in with bodies a and b (both must get 401 with
// the same body), timingSamples of each, interleaved, and fails unless
// their medians are within timingTolerance in one of timingRounds rounds.
func compareSignInTimings(t *testing.T, url, nameA, bodyA, nameB, bodyB string) {
	t.Helper()
	client := &http.Client{}
	signIn := func(body string) (time.Duration, string) {
		start := time.Now()
		res, err := client.Post(url+"/auth/sign-in", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		elapsed := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("sign-in %s: status %d, want 401", body, res.StatusCode)
		}
		return elapsed, string(b)
	}
	// Warm up connections, the dummy hash and the allocator.
	_, first := signIn(bodyA)
	_, second := signIn(bodyB)
	if first != second {
		t.Fatalf("bodies differ: %s %s, %s %s", nameA, first, nameB, second)
	}

	var diff float64
	for round := 1; round <= timingRounds; round++ {
		var as, bs []time.Duration
		for i := range timingSamples {
			// Alternate which kind goes first so drift hits both alike.
			if i%2 == 0 {
				d, _ := signIn(bodyA)
				as = append(as, d)
				d, _ = signIn(bodyB)
				bs = append(bs, d)
			} else {
				d, _ := signIn(bodyB)
				bs = append(bs, d)
				d, _ = signIn(bodyA)
				as = append(as, d)
			}
		}
		ma, mb := median(as), median(bs)
		diff = relDiff(ma, mb)
		t.Logf("round %d: median %s %v, %s %v, difference %.1f%%, P(%s > %s) %.2f",
			round, nameA, ma, nameB, mb, 100*diff, nameA, nameB, probGreater(as, bs))
		if ma < timingMinMedian || mb < timingMinMedian {
			t.Fatalf("medians %v and %v: sign-in is not dominated by hashing (want > %v each)", ma, mb, timingMinMedian)
		}
		if diff <= timingTolerance {
			return
		}
	}
	t.Fatalf("%s and %s medians differ by %.1f%% (> %.0f%%) in %d rounds: sign-in timing reveals accounts",
		nameA, nameB, 100*diff, 100*timingTolerance, timingRounds)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// relDiff is |a-b| relative to the larger of the two.
func relDiff(a, b time.Duration) float64 {
	hi, lo := max(a, b), min(a, b)
	return float64(hi-lo) / float64(hi)
}

// probGreater is the Mann-Whitney common-language effect size: the share
// of (a, b) pairs with a > b (ties count half). 0.5 means no difference.
func probGreater(a, b []time.Duration) float64 {
	var wins float64
	for _, x := range a {
		for _, y := range b {
			switch {
			case x > y:
				wins++
			case x == y:
				wins += 0.5
			}
		}
	}
	return wins / float64(len(a)*len(b))
}
