package tokenverify_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/tokenverify"
)

// handlerTransport serves requests with a handler in process, so that
// the verifier's fetches run inside a synctest bubble (fake time).
type handlerTransport struct{ h http.Handler }

func (ht handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	ht.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// TestRefreshSchedule follows the background fetches on a fake clock:
// while the issuer is down, retries after about 1, 2, 4 ... s, never
// more than 30 s apart; once it answers, a refresh every
// RefreshInterval; when the context ends, every goroutine of the
// verifier exits (synctest fails the test otherwise).
func TestRefreshSchedule(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		key := newKey(t, signingkey.EdDSA)
		doc, _ := json.Marshal(signingkey.NewJWKSet([]*signingkey.Key{key}))
		var (
			mu    sync.Mutex
			down  = true
			times []time.Time
		)
		client := &http.Client{Transport: handlerTransport{http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			times = append(times, time.Now())
			if down {
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			}
			_, _ = w.Write(doc)
		})}}
		ctx, cancel := context.WithCancel(t.Context())
		start := time.Now()
		v, err := tokenverify.New(ctx, tokenverify.Config{
			JWKSURL:    "https://auth.test/auth/.well-known/jwks.json",
			Issuer:     testIssuer,
			Audience:   testAudience,
			HTTPClient: client,
			Logger:     quietLogger(),
		})
		if err != nil {
			t.Fatal(err)
		}

		time.Sleep(3 * time.Minute)
		synctest.Wait()
		mu.Lock()
		retries := append([]time.Time(nil), times...)
		down = false
		mu.Unlock()
		if !retries[0].Equal(start) {
			t.Fatalf("first fetch at +%v, want at once", retries[0].Sub(start))
		}
		for i := 1; i < len(retries); i++ {
			d := min(time.Second<<(i-1), 30*time.Second)
			if gap := retries[i].Sub(retries[i-1]); gap < d/2 || gap > d {
				t.Fatalf("retry %d came %v after the previous one, want %v to %v", i, gap, d/2, d)
			}
		}
		if n := len(retries); n < 9 || n > 16 {
			t.Fatalf("%d fetches in 3 minutes of downtime", n)
		}

		// The issuer is back: the next retry (within 30 s) gets the keys.
		time.Sleep(30 * time.Second)
		synctest.Wait()
		tok := mint(t, key, claims(time.Now()))
		if _, err := v.Verify(t.Context(), tok); err != nil {
			t.Fatalf("after the issuer came back: %v", err)
		}
		mu.Lock()
		back := times[len(times)-1]
		n := len(times)
		mu.Unlock()

		// Then one refresh per RefreshInterval (five minutes).
		time.Sleep(time.Hour - time.Nanosecond)
		synctest.Wait()
		mu.Lock()
		refreshes := times[n:]
		mu.Unlock()
		if len(refreshes) != 12 {
			t.Fatalf("%d refreshes in the hour after the keys came, want 12", len(refreshes))
		}
		for i, at := range refreshes {
			if want := back.Add(time.Duration(i+1) * tokenverify.DefaultRefreshInterval); !at.Equal(want) {
				t.Fatalf("refresh %d at %v, want %v", i+1, at.Sub(back), want.Sub(back))
			}
		}

		cancel()
		synctest.Wait()
		// With its context over, the verifier still verifies with the keys
		// it has, and refuses unknown kids without waiting.
		if _, err := v.Verify(t.Context(), mint(t, key, claims(time.Now()))); err != nil {
			t.Fatalf("after cancel: %v", err)
		}
		other := newKey(t, signingkey.EdDSA)
		if _, err := v.Verify(t.Context(), mint(t, other, claims(time.Now()))); !errors.Is(err, tokenverify.ErrInvalidToken) {
			t.Fatalf("unknown kid after cancel: %v", err)
		}
	})
}
