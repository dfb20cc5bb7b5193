package metrics_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"

	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/metrics"
)

// The webhook worker reports to a Metrics.
var _ audit.DeliveryObserver = (*metrics.Metrics)(nil)

func newMetrics(t *testing.T) (*metrics.Metrics, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	return m, reg
}

// value returns the value of the series name{labels} in reg (0 if absent).
func value(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, lp := range m.GetLabel() {
				got[lp.GetName()] = lp.GetValue()
			}
			if len(got) != len(labels) {
				continue
			}
			for k, v := range labels {
				if got[k] != v {
					continue series
				}
			}
			switch {
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue()
			case m.GetHistogram() != nil:
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return 0
}

func TestObserverCalls(t *testing.T) {
	t.Parallel()
	m, reg := newMetrics(t)
	m.SignIn(metrics.SignInSuccess)
	m.SignIn(metrics.SignInSuccess)
	m.SignIn(metrics.SignInInvalidCredentials)
	m.SignIn("bob@example.com") // not a result: counted as other
	m.Refresh(metrics.RefreshReplay)
	m.RefreshReplay()
	m.RateLimited("/auth/sign-in")
	m.RateLimited("/auth/sign-in")
	m.RateLimited("")
	m.PasswordHash(3*time.Millisecond, 40*time.Millisecond)
	m.TokenCache(metrics.CacheAPIKey, true)
	m.TokenCache(metrics.CacheAPIKey, false)
	m.TokenCache("sk-live-123", true)
	m.WebhookDelivery(audit.ResultDelivered)
	m.WebhookDelivery(audit.ResultRetry)
	m.WebhookDelivery(audit.ResultFailed)
	m.WebhookQueueDepth(7)
	cases := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"fastauth_sign_ins_total", map[string]string{"result": "success"}, 2},
		{"fastauth_sign_ins_total", map[string]string{"result": "invalid_credentials"}, 1},
		{"fastauth_sign_ins_total", map[string]string{"result": "other"}, 1},
		{"fastauth_sign_ins_total", map[string]string{"result": "locked"}, 0},
		{"fastauth_refreshes_total", map[string]string{"result": "replay"}, 1},
		{"fastauth_refresh_replays_total", map[string]string{}, 1},
		{"fastauth_rate_limited_requests_total", map[string]string{"route": "/auth/sign-in"}, 2},
		{"fastauth_rate_limited_requests_total", map[string]string{"route": "unmatched"}, 1},
		{"fastauth_password_hash_seconds", map[string]string{}, 1},
		{"fastauth_password_hash_wait_seconds", map[string]string{}, 1},
		{"fastauth_token_cache_lookups_total", map[string]string{"cache": "api_key", "result": "hit"}, 1},
		{"fastauth_token_cache_lookups_total", map[string]string{"cache": "api_key", "result": "miss"}, 1},
		{"fastauth_token_cache_lookups_total", map[string]string{"cache": "other", "result": "hit"}, 1},
		{"fastauth_webhook_deliveries_total", map[string]string{"result": "delivered"}, 1},
		{"fastauth_webhook_deliveries_total", map[string]string{"result": "retry"}, 1},
		{"fastauth_webhook_deliveries_total", map[string]string{"result": "failed"}, 1},
		{"fastauth_webhook_queue_depth", map[string]string{}, 7},
	}
	for _, c := range cases {
		if got := value(t, reg, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	problems, err := promlint.NewWithMetricFamilies(gather(t, reg)).Lint()
	if err != nil || len(problems) != 0 {
		t.Fatalf("promlint: %v %v", problems, err)
	}
}

func gather(t *testing.T, reg *prometheus.Registry) []*dto.MetricFamily {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	return mfs
}

// TestNoIdentifiersInLabels feeds identifiers where labels come from and
// checks that none reaches a label and that the series stay few.
func TestNoIdentifiersInLabels(t *testing.T) {
	t.Parallel()
	m, reg := newMetrics(t)
	secrets := []string{"0190a0a0-0000-7000-8000-000000000001", "ada@example.com", "sk-abcdef0123456789", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 500 {
				id := fmt.Sprintf("%08x-0000-7000-8000-%012d", i, j)
				m.RateLimited("/auth/organizations/" + id + "/members")
				m.RateLimited(fmt.Sprintf("/auth/users/%d", 100000+j))
				m.RateLimited(fmt.Sprintf("/auth/route-%d-%d", i, j)) // template-like, but too many
				m.SignIn(id)
				m.Refresh(id)
				m.TokenCache(id, j%2 == 0)
				m.WebhookDelivery(id)
			}
		})
	}
	wg.Wait()
	for _, s := range secrets {
		m.RateLimited("/auth/" + s)
		m.SignIn(s)
		m.TokenCache(s, true)
	}
	if n := testutil.CollectAndCount(reg, "fastauth_rate_limited_requests_total"); n > metrics.DefaultMaxRoutes+2 {
		t.Fatalf("%d route series, want at most %d", n, metrics.DefaultMaxRoutes+2)
	}
	rec := httptest.NewRecorder()
	metrics.Handler(reg).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != http.StatusOK || !strings.Contains(string(body), "fastauth_sign_ins_total") {
		t.Fatalf("/metrics answered %d: %.200s", rec.Code, body)
	}
	for _, s := range append(secrets, "8000-0000", "100001", "@") {
		if strings.Contains(string(body), s) {
			t.Errorf("/metrics contains %q", s)
		}
	}
}

func TestRegistration(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	if _, err := metrics.New(reg); err != nil {
		t.Fatal(err)
	}
	if _, err := metrics.New(reg); err == nil {
		t.Fatal("registering twice on one registry succeeded")
	}
	if _, err := metrics.New(prometheus.NewRegistry()); err != nil {
		t.Fatalf("a second registry: %v", err)
	}
	if _, err := metrics.New(nil); err == nil {
		t.Fatal("New(nil) succeeded")
	}
	// Known label values exist at zero before any event.
	_, reg2 := newMetrics(t)
	if n := testutil.CollectAndCount(reg2, "fastauth_sign_ins_total"); n != 7 {
		t.Fatalf("%d sign-in series at start, want 7", n)
	}
	var o metrics.Observer = metrics.Nop{}
	o.SignIn("x")
	o.PasswordHash(0, 0)
}
