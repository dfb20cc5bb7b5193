package metrics_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastauth/fastauth/conformance"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/metrics"
)

// TestKernelReports runs the kernel with Config.Observer set to a Metrics
// over real HTTP and checks the series it feeds: sign-ins and refreshes by
// result, replays, password hashing, both token caches (read from the
// kernel's counters), and that no label holds an id, an email or a
// secret.
func TestKernelReports(t *testing.T) {
	t.Parallel()
	m, reg := newMetrics(t)
	h := conformance.NewHarness(t, testdb.Store(t, testdb.SQLite(t)), func(c *ginauth.Config) { c.Observer = m })

	owner, signedUp := h.SignUp(t)
	email := signedUp.User.Email
	h.NewClient().Post(h.Path("/sign-in"), map[string]string{"email": email, "password": "wrong-password-1"}).Expect(t, http.StatusUnauthorized)
	h.NewClient().Post(h.Path("/sign-in"), map[string]string{"email": "nobody@example.com", "password": "wrong-password-1"}).Expect(t, http.StatusUnauthorized)
	second, _ := h.SignInNew(t, email)
	for range 3 {
		second.Get("/api/whoami").Expect(t, http.StatusOK)
	}
	var key conformance.APIKeyBody
	owner.Post(h.Path("/api-keys"), map[string]string{"name": "metrics"}).Expect(t, http.StatusCreated).Decode(t, &key)
	bearer := h.NewClient()
	bearer.Bearer(key.Key)
	for range 3 {
		bearer.Get("/api/whoami").Expect(t, http.StatusOK)
	}
	old := second.RefreshToken()
	second.Refresh().Expect(t, http.StatusOK)
	h.Clock.Advance(h.Config.RefreshReuseGrace + time.Second)
	replay := h.NewClient()
	replay.SetCookie(h.Config.Cookie.RefreshName, old)
	replay.Refresh().Expect(t, http.StatusUnauthorized)
	h.NewClient().Refresh().Expect(t, http.StatusUnauthorized)

	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"fastauth_sign_ins_total", map[string]string{"result": "success"}, 1},
		{"fastauth_sign_ins_total", map[string]string{"result": "invalid_credentials"}, 2},
		{"fastauth_refreshes_total", map[string]string{"result": "success"}, 1},
		{"fastauth_refreshes_total", map[string]string{"result": "replay"}, 1},
		{"fastauth_refreshes_total", map[string]string{"result": "invalid"}, 1},
		{"fastauth_refresh_replays_total", map[string]string{}, 1},
		{"fastauth_token_cache_lookups_total", map[string]string{"cache": "api_key", "result": "miss"}, 1},
		{"fastauth_token_cache_lookups_total", map[string]string{"cache": "api_key", "result": "hit"}, 2},
	} {
		if got := value(t, reg, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// Sign-up, two sign-ins with a password, the dummy verify of the
	// unknown email, the second sign-in.
	if got := value(t, reg, "fastauth_password_hash_seconds", map[string]string{}); got < 4 {
		t.Errorf("%v password hashes observed, want at least 4", got)
	}
	if got := value(t, reg, "fastauth_password_hash_wait_seconds", map[string]string{}); got < 4 {
		t.Errorf("%v hash waits observed, want at least 4", got)
	}
	hits := value(t, reg, "fastauth_token_cache_lookups_total", map[string]string{"cache": "access_token", "result": "hit"})
	misses := value(t, reg, "fastauth_token_cache_lookups_total", map[string]string{"cache": "access_token", "result": "miss"})
	if hits < 2 || hits+misses < 3 {
		t.Errorf("access-token cache: %v hits, %v misses after three requests with one token", hits, misses)
	}
	secrets := []string{signedUp.User.ID, email, key.Key, key.ID, old, conformance.Password}
	for _, mf := range gather(t, reg) {
		for _, s := range mf.GetMetric() {
			for _, lp := range s.GetLabel() {
				for _, secret := range secrets {
					if secret != "" && strings.Contains(lp.GetValue(), secret) {
						t.Errorf("%s has the label %s=%q", mf.GetName(), lp.GetName(), lp.GetValue())
					}
				}
			}
		}
	}
}

// recordingObserver is an Observer without ReadCacheCounts: the kernel
// calls it per lookup.
type recordingObserver struct {
	metrics.Nop
	mu      sync.Mutex
	limited []string
	lookups map[string]int
}

func (r *recordingObserver) RateLimited(route string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.limited = append(r.limited, route)
}

func (r *recordingObserver) TokenCache(cache string, hit bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if hit {
		cache += " hit"
	}
	r.lookups[cache]++
}

// TestKernelReportsPerLookup: an Observer that does not read the counters
// gets a TokenCache call per lookup; rate-limited requests are reported
// by route template.
func TestKernelReportsPerLookup(t *testing.T) {
	t.Parallel()
	r := &recordingObserver{lookups: map[string]int{}}
	h := conformance.NewHarness(t, testdb.Store(t, testdb.SQLite(t)), func(c *ginauth.Config) {
		c.Observer = r
		c.RateLimit = ginauth.RateLimitConfig{PerIP: 1}
	})
	c, _ := h.SignUp(t)
	c.Get("/api/whoami").Expect(t, http.StatusOK)
	c.Get("/api/whoami").Expect(t, http.StatusOK)
	h.NewClient().Post(h.Path("/sign-up"), map[string]string{"email": h.Email(), "password": conformance.Password}).Expect(t, http.StatusTooManyRequests)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lookups["access_token hit"] < 1 || r.lookups["access_token hit"]+r.lookups["access_token"] != 2 {
		t.Errorf("lookups %v, want 2 access-token lookups with a hit", r.lookups)
	}
	if len(r.limited) != 1 || r.limited[0] != h.Config.BasePath+"/sign-up" {
		t.Errorf("rate-limited routes %q", r.limited)
	}
}
