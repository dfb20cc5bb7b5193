package tokenverify_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/tokenverify"
)

// wantHits fails unless the issuer has answered n requests.
func wantHits(t *testing.T, is issuer, n int64, when string) {
	t.Helper()
	if got := is.Hits(); got != n {
		t.Fatalf("%s: the JWK Set was fetched %d times, want %d", when, got, n)
	}
}

// TestKeyRotation: a token of a key the verifier does not know yet makes
// it fetch the JWK Set once; another unknown kid within 30 s is refused
// without a fetch, and fetched for after 30 s.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	clk := newClock()
	a, b, c := newKey(t, signingkey.EdDSA), newKey(t, signingkey.ES256), newKey(t, signingkey.EdDSA)
	is := newIssuer(t, a)
	v := is.verifier(t, clk)
	if _, err := verify(t, v, token(t, a, clk)); err != nil {
		t.Fatal(err)
	}
	wantHits(t, is, 1, "start")

	is.publish(t, b, a) // the issuer rotates: b signs, a still verifies
	clk.Advance(time.Second)
	if _, err := verify(t, v, token(t, b, clk)); err != nil {
		t.Fatalf("token of the new key: %v", err)
	}
	wantHits(t, is, 2, "new kid")
	if _, err := verify(t, v, token(t, a, clk)); err != nil {
		t.Fatalf("token of the previous key: %v", err)
	}

	is.publish(t, c, b, a) // a second rotation, 29 s later
	clk.Advance(29 * time.Second)
	if _, err := verify(t, v, token(t, c, clk)); !errors.Is(err, tokenverify.ErrInvalidToken) ||
		!strings.Contains(err.Error(), "unknown key id") {
		t.Fatalf("second unknown kid within 30 s: %v, want ErrInvalidToken (unknown key id)", err)
	}
	wantHits(t, is, 2, "second unknown kid within 30 s")

	clk.Advance(time.Second) // 30 s after the refetch
	if _, err := verify(t, v, token(t, c, clk)); err != nil {
		t.Fatalf("unknown kid 30 s after the last refetch: %v", err)
	}
	wantHits(t, is, 3, "unknown kid after 30 s")

	// Known kids never fetch.
	for _, k := range []*signingkey.Key{a, b, c} {
		if _, err := verify(t, v, token(t, k, clk)); err != nil {
			t.Fatal(err)
		}
	}
	wantHits(t, is, 3, "known kids")
}

// TestRetiredKey: a key the issuer stops publishing stops verifying at
// the next fetch, be it for an unknown kid or the periodic refresh.
func TestRetiredKey(t *testing.T) {
	t.Parallel()
	t.Run("unknown kid", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		old, cur := newKey(t, signingkey.EdDSA), newKey(t, signingkey.EdDSA)
		is := newIssuer(t, old)
		v := is.verifier(t, clk)
		oldToken := token(t, old, clk)
		if _, err := verify(t, v, oldToken); err != nil {
			t.Fatal(err)
		}
		is.publish(t, cur) // old retired
		if _, err := verify(t, v, oldToken); err != nil {
			t.Fatalf("before the next fetch the retired key still verifies: %v", err)
		}
		if _, err := verify(t, v, token(t, cur, clk)); err != nil {
			t.Fatal(err)
		}
		if _, err := verify(t, v, oldToken); !errors.Is(err, tokenverify.ErrInvalidToken) {
			t.Fatalf("token of the retired key after the refetch: %v, want ErrInvalidToken", err)
		}
		wantHits(t, is, 2, "retired")
	})
	t.Run("periodic refresh", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		old, cur := newKey(t, signingkey.ES256), newKey(t, signingkey.ES256)
		is := newIssuer(t, old, cur)
		cfg := is.config(clk)
		cfg.RefreshInterval = 50 * time.Millisecond
		v := newVerifier(t, cfg)
		oldToken := token(t, old, clk)
		if _, err := verify(t, v, oldToken); err != nil {
			t.Fatal(err)
		}
		is.publish(t, cur)
		before := is.Hits()
		deadline := time.Now().Add(10 * time.Second)
		for is.Hits() < before+2 { // a refresh that surely began after publish ended
			if time.Now().After(deadline) {
				t.Fatal("no periodic refresh within 10 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if _, err := verify(t, v, oldToken); !errors.Is(err, tokenverify.ErrInvalidToken) {
			t.Fatalf("token of the retired key after a refresh: %v, want ErrInvalidToken", err)
		}
		if _, err := verify(t, v, token(t, cur, clk)); err != nil {
			t.Fatal(err)
		}
	})
}

// TestNoNetworkPerRequest: verifications use the keys in memory; forged
// kids cannot make the verifier fetch more than once per 30 s.
func TestNoNetworkPerRequest(t *testing.T) {
	t.Parallel()
	clk := newClock()
	ed, es := newKey(t, signingkey.EdDSA), newKey(t, signingkey.ES256)
	is := newIssuer(t, ed, es)
	v := is.verifier(t, clk)
	tokens := []string{token(t, ed, clk), token(t, es, clk)}
	expired := claims(clk.Now().Add(-time.Hour))
	tokens = append(tokens, mint(t, ed, expired)) // refused, but by a known key
	for i := range 1000 {
		_, err := verify(t, v, tokens[i%len(tokens)])
		if (i%len(tokens) == 2) != errors.Is(err, tokenverify.ErrTokenExpired) || (i%len(tokens) != 2 && err != nil) {
			t.Fatalf("verification %d: %v", i, err)
		}
	}
	wantHits(t, is, 1, "1,000 verifications")

	forger := newKey(t, signingkey.EdDSA)
	for i := range 1000 {
		c := claims(clk.Now())
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
		tok.Header["kid"] = forger.ID() + strings.Repeat("x", i%7) + string(rune('a'+i%26))
		s, _ := tok.SignedString(forger.Signer())
		if _, err := verify(t, v, s); !errors.Is(err, tokenverify.ErrInvalidToken) {
			t.Fatalf("forged kid %d: %v", i, err)
		}
		clk.Advance(10 * time.Millisecond) // 1,000 forgeries over 10 s
	}
	wantHits(t, is, 2, "1,000 forged kids within 10 s")
}

// TestConcurrentRotation: many requests with a new kid at once share one
// fetch and all succeed.
func TestConcurrentRotation(t *testing.T) {
	t.Parallel()
	clk := newClock()
	a, b := newKey(t, signingkey.EdDSA), newKey(t, signingkey.EdDSA)
	is := newIssuer(t, a)
	v := is.verifier(t, clk)
	if _, err := verify(t, v, token(t, a, clk)); err != nil {
		t.Fatal(err)
	}
	is.publish(t, b, a)
	release := is.Stall() // all requests arrive while the fetch runs
	tb := token(t, b, clk)
	ta := token(t, a, clk)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		wg.Go(func() {
			tok := tb
			if i%4 == 0 {
				tok = ta // known keys do not wait for the fetch
			}
			_, err := verify(t, v, tok)
			errs <- err
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	for is.Hits() < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the others queue behind the fetch
	release()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	wantHits(t, is, 2, "100 concurrent requests, 75 with a new kid")
}

// TestIssuerDownAtStart: without keys every token is refused with
// ErrKeysUnavailable (never a panic, never a request that hangs); the
// verifier retries with growing waits and verifies as soon as the issuer
// answers.
func TestIssuerDownAtStart(t *testing.T) {
	t.Parallel()
	clk := newClock()
	key := newKey(t, signingkey.EdDSA)
	is := newIssuer(t, key)
	is.Fail(http.StatusServiceUnavailable)
	v, err := tokenverify.NewWithBackoff(t.Context(), is.config(clk), 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	tok := token(t, key, clk)
	for range 50 {
		if _, err := verify(t, v, tok); !errors.Is(err, tokenverify.ErrKeysUnavailable) || !errors.Is(err, tokenverify.ErrInvalidToken) {
			t.Fatalf("issuer down: %v, want ErrKeysUnavailable", err)
		}
	}
	// Retries back off: within ~1 s at most the start, one unknown-kid
	// fetch and retries after 10-20, 20-40, 40-80 ... ms.
	time.Sleep(time.Second)
	hits := is.Hits()
	if hits < 3 || hits > 12 {
		t.Fatalf("%d fetches in a second of downtime; want retries with exponential backoff (3 to 12)", hits)
	}

	is.Fail(0)
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, err := v.Verify(t.Context(), tok)
		if err == nil {
			break
		}
		if !errors.Is(err, tokenverify.ErrKeysUnavailable) || time.Now().After(deadline) {
			t.Fatalf("after the issuer is back: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestIssuerUnreachable: a JWKS URL where nothing listens, or that
// answers something else than a JWK Set.
func TestIssuerUnreachable(t *testing.T) {
	t.Parallel()
	clk := newClock()
	key := newKey(t, signingkey.EdDSA)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, tc := range []struct {
		name string
		url  string
		doc  string
	}{
		{"nothing listens", closed.URL + "/jwks.json", ""},
		{"not JSON", "", "<html>hello</html>"},
		{"no keys member", "", `{"kids":[]}`},
		{"keys not an array", "", `{"keys":{}}`},
	} {
		is := newIssuer(t, key)
		cfg := is.config(clk)
		if tc.url != "" {
			cfg.JWKSURL = tc.url
		} else {
			is.Serve([]byte(tc.doc))
		}
		v := newVerifier(t, cfg)
		if _, err := verify(t, v, token(t, key, clk)); !errors.Is(err, tokenverify.ErrKeysUnavailable) {
			t.Errorf("%s: %v, want ErrKeysUnavailable", tc.name, err)
		}
	}
}

// TestFetchFailureKeepsKeys: once known, keys outlive a failing issuer.
func TestFetchFailureKeepsKeys(t *testing.T) {
	t.Parallel()
	clk := newClock()
	key := newKey(t, signingkey.ES256)
	is := newIssuer(t, key)
	cfg := is.config(clk)
	cfg.RefreshInterval = 20 * time.Millisecond
	v := newVerifier(t, cfg)
	if _, err := verify(t, v, token(t, key, clk)); err != nil {
		t.Fatal(err)
	}
	is.Fail(http.StatusInternalServerError)
	before := is.Hits()
	for is.Hits() < before+3 {
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := verify(t, v, token(t, key, clk)); err != nil {
		t.Fatalf("after failed refreshes: %v", err)
	}
	is.Serve([]byte("{")) // a broken document is a failure too
	is.Fail(0)
	before = is.Hits()
	for is.Hits() < before+2 {
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := verify(t, v, token(t, key, clk)); err != nil {
		t.Fatalf("after a broken document: %v", err)
	}
}

// TestVerifyContext: a verification that waits for a stalled fetch ends
// with its context.
func TestVerifyContext(t *testing.T) {
	t.Parallel()
	clk := newClock()
	key := newKey(t, signingkey.EdDSA)
	is := newIssuer(t, key)
	release := is.Stall()
	defer release()
	v := is.verifier(t, clk)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := v.Verify(ctx, token(t, key, clk))
	if !errors.Is(err, tokenverify.ErrInvalidToken) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stalled fetch: %v, want ErrInvalidToken and the deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Verify waited %v past its context", d)
	}
}

// TestJWKSTooLarge: a document over 1 MiB is refused whole.
func TestJWKSTooLarge(t *testing.T) {
	t.Parallel()
	clk := newClock()
	key := newKey(t, signingkey.EdDSA)
	is := newIssuer(t, key)
	is.Serve([]byte(`{"keys":[],"pad":"` + strings.Repeat("x", 1<<20) + `"}`))
	logs := &logBuffer{}
	cfg := is.config(clk)
	cfg.Logger = logs.logger()
	v := newVerifier(t, cfg)
	if _, err := verify(t, v, token(t, key, clk)); !errors.Is(err, tokenverify.ErrKeysUnavailable) {
		t.Fatalf("oversized JWK Set: %v, want ErrKeysUnavailable", err)
	}
	if !strings.Contains(logs.String(), "larger than 1048576 bytes") {
		t.Fatalf("log: %s", logs)
	}
}
