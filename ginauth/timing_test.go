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
	if raceEnabled {
		t.Skip("timing test runs without -race: make timing-test")
	}
	if testing.Short() {
		t.Skip("timing test skipped in -short mode")
	}
	st := testdb.Store(t, testdb.SQLite(t))
	cfg := ginauth.Config{
		Secret:    []byte("timing-secret-timing-secret-32+++"),
		Cookie:    ginauth.CookieConfig{Insecure: true},
		Argon2:    ginauth.DefaultArgon2Params, // production cost on purpose
		RateLimit: ginauth.RateLimitConfig{Disabled: true},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	url := serveAuth(t, st, cfg)
	if res := post(t, url+"/auth/sign-up", `{"email":"known@example.com","password":"correct-horse-42"}`); res.StatusCode != http.StatusOK {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}

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
	const (
		unknown = `{"email":"nobody@example.com","password":"wrong-horse-42"}`
		wrong   = `{"email":"known@example.com","password":"wrong-horse-42"}`
	)
	// Warm up connections, the dummy hash and the allocator.
	_, unknownBody := signIn(unknown)
	_, wrongBody := signIn(wrong)
	if unknownBody != wrongBody {
		t.Fatalf("bodies differ: unknown email %s, wrong password %s", unknownBody, wrongBody)
	}

	var diff float64
	for round := 1; round <= timingRounds; round++ {
		var u, w []time.Duration
		for i := range timingSamples {
			// Alternate which kind goes first so drift hits both alike.
			if i%2 == 0 {
				d, _ := signIn(unknown)
				u = append(u, d)
				d, _ = signIn(wrong)
				w = append(w, d)
			} else {
				d, _ := signIn(wrong)
				w = append(w, d)
				d, _ = signIn(unknown)
				u = append(u, d)
			}
		}
		mu, mw := median(u), median(w)
		diff = relDiff(mu, mw)
		t.Logf("round %d: median unknown email %v, wrong password %v, difference %.1f%%, P(unknown > wrong) %.2f",
			round, mu, mw, 100*diff, probGreater(u, w))
		if mu < timingMinMedian || mw < timingMinMedian {
			t.Fatalf("medians %v and %v: sign-in is not dominated by hashing (want > %v each)", mu, mw, timingMinMedian)
		}
		if diff <= timingTolerance {
			return
		}
	}
	t.Fatalf("unknown email and wrong password medians differ by %.1f%% (> %.0f%%) in %d rounds: sign-in timing reveals accounts",
		100*diff, 100*timingTolerance, timingRounds)
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
