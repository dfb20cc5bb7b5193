package social_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/fastauth/fastauth/internal/oidctest"
	"github.com/fastauth/fastauth/social"
)

// The service starts while the provider is down; discovery fails, is not
// retried before DiscoveryRetry has passed, then succeeds and is cached.
func TestProviderDownAtStartThenUp(t *testing.T) {
	t.Parallel()
	clk := newClock()
	p, cfg := oidcProvider(t, clk, "acme", alice)
	p.SetKnobs(oidctest.Knobs{Down: true})
	s := newStrategy(t, clk, cfg) // no request yet: New does not discover

	if _, err := s.Start(t.Context(), "acme", social.StartRequest{}); !errors.Is(err, social.ErrProviderUnavailable) {
		t.Fatalf("Start while down: %v", err)
	}
	p.SetKnobs(oidctest.Knobs{})
	// Up again, but the failure is remembered until DiscoveryRetry has
	// passed: no request to the provider.
	if _, err := s.Start(t.Context(), "acme", social.StartRequest{}); !errors.Is(err, social.ErrProviderUnavailable) {
		t.Fatalf("Start within the retry interval: %v", err)
	}
	clk.Advance(social.DefaultDiscoveryRetry)
	st, err := s.Start(t.Context(), "acme", social.StartRequest{})
	if err != nil {
		t.Fatalf("Start after the retry interval: %v", err)
	}
	raw := authorize(t, st.URL)

	// Discovery is cached: the provider going down again does not stop a
	// start, but the code exchange then fails as unavailable.
	p.SetKnobs(oidctest.Knobs{Down: true})
	if _, err := s.Start(t.Context(), "acme", social.StartRequest{}); err != nil {
		t.Fatalf("Start with discovery cached: %v", err)
	}
	f, _, err := s.Callback(t.Context(), "acme", raw, st.Cookie)
	if !errors.Is(err, social.ErrProviderUnavailable) || social.Code(err) != "provider_unavailable" || f.RedirectTo != "/" {
		t.Fatalf("callback while down: %v", err)
	}
}

// A callback whose provider was never discovered (the process restarted
// between start and callback) discovers it.
func TestCallbackDiscovers(t *testing.T) {
	t.Parallel()
	clk := newClock()
	_, cfg := oidcProvider(t, clk, "acme", alice)
	first := newStrategy(t, clk, cfg)
	st, err := first.Start(t.Context(), "acme", social.StartRequest{})
	if err != nil {
		t.Fatal(err)
	}
	restarted := newStrategy(t, clk, cfg)
	if _, _, err := restarted.Callback(t.Context(), "acme", authorize(t, st.URL), st.Cookie); err != nil {
		t.Fatal(err)
	}
}

// Concurrent first uses share the discovery.
func TestConcurrentDiscovery(t *testing.T) {
	t.Parallel()
	clk := newClock()
	_, cfg := oidcProvider(t, clk, "acme", alice)
	s := newStrategy(t, clk, cfg)
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Go(func() { _, errs[i] = s.Start(t.Context(), "acme", social.StartRequest{}) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
