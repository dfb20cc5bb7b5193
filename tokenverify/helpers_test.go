package tokenverify_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth/internal/issuertest"
	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/tokenverify"
)

// The iss and aud of the test tokens.
const (
	testIssuer   = issuertest.Iss
	testAudience = issuertest.Aud
)

// clock is a settable clock for Config.Now.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}

func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// issuer is an issuertest.Issuer that fails the test on errors and closes
// with it.
type issuer struct{ *issuertest.Issuer }

func newIssuer(t testing.TB, keys ...*signingkey.Key) issuer {
	t.Helper()
	is, err := issuertest.Start(keys...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(is.Close)
	return issuer{is}
}

func (is issuer) publish(t testing.TB, keys ...*signingkey.Key) {
	t.Helper()
	if err := is.Publish(keys...); err != nil {
		t.Fatal(err)
	}
}

// config is the verifier configuration for is and clk.
func (is issuer) config(clk *clock) tokenverify.Config {
	return tokenverify.Config{
		JWKSURL:    is.JWKSURL(),
		Issuer:     testIssuer,
		Audience:   testAudience,
		HTTPClient: is.Client(),
		Now:        clk.Now,
		Logger:     quietLogger(),
	}
}

// verifier returns a verifier of is, living as long as the test.
func (is issuer) verifier(t testing.TB, clk *clock) *tokenverify.Verifier {
	t.Helper()
	return newVerifier(t, is.config(clk))
}

func newVerifier(t testing.TB, cfg tokenverify.Config) *tokenverify.Verifier {
	t.Helper()
	v, err := tokenverify.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// quietLogger discards the verifier's logs.
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// logBuffer is a logger whose output the test reads.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// newKey generates a signing key.
func newKey(t testing.TB, alg signingkey.Algorithm) *signingkey.Key {
	t.Helper()
	k, err := signingkey.Generate(alg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// claims are the claims of a fastauth access token issued at now.
func claims(now time.Time) jwt.MapClaims { return issuertest.Claims(now) }

// mint signs c with k under k's kid, as the fastauth server does.
func mint(t testing.TB, k *signingkey.Key, c jwt.MapClaims) string {
	t.Helper()
	s, err := issuertest.Mint(k, c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// token is a valid token of k at clk's time.
func token(t testing.TB, k *signingkey.Key, clk *clock) string {
	t.Helper()
	return mint(t, k, claims(clk.Now()))
}

// verify is v.Verify with the test's context.
func verify(t testing.TB, v *tokenverify.Verifier, tok string) (tokenverify.Principal, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	return v.Verify(ctx, tok)
}
