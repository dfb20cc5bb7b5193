package metrics

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fastauth/fastauth"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every series.
const namespace = "fastauth"

// Histogram buckets, in seconds.
var (
	// hashBuckets spans argon2id's usual 10 to 100 ms and its outliers.
	hashBuckets = []float64{.005, .01, .02, .03, .05, .075, .1, .15, .25, .5, 1, 2.5}
	// waitBuckets spans no wait to a saturated hashing pool.
	waitBuckets = []float64{.0001, .001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}
)

// Metrics holds fastauth's collectors and implements Observer. It is safe
// for concurrent use.
type Metrics struct {
	signIns     *prometheus.CounterVec
	refreshes   *prometheus.CounterVec
	replays     prometheus.Counter
	rateLimited *prometheus.CounterVec
	hashTime    prometheus.Histogram
	hashWait    prometheus.Histogram
	tokenCache  *cacheCollector
	webhooks    *prometheus.CounterVec
	queueDepth  prometheus.Gauge
	routes      *routeSet
}

// New makes the collectors and registers them on reg (a
// prometheus.NewRegistry() of the application's, or
// prometheus.DefaultRegisterer if it wants the global one). Registering
// twice on one registry fails. The series of every known label value
// start at zero, so dashboards see them before the first event.
func New(reg prometheus.Registerer) (*Metrics, error) {
	if reg == nil {
		return nil, errors.New("metrics: nil Registerer")
	}
	m := &Metrics{
		signIns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "sign_ins_total", Help: "Password sign-in attempts by result.",
		}, []string{"result"}),
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "refreshes_total", Help: "Refresh-token rotations by result.",
		}, []string{"result"}),
		replays: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "refresh_replays_total", Help: "Reuses of an already consumed refresh token (session.replay_detected).",
		}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "rate_limited_requests_total", Help: "Requests answered 429 rate_limited, by route template.",
		}, []string{"route"}),
		hashTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Name: "password_hash_seconds", Help: "Time to compute one argon2id password hash.", Buckets: hashBuckets,
		}),
		hashWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Name: "password_hash_wait_seconds", Help: "Time a password hash waited for a free hashing slot.", Buckets: waitBuckets,
		}),
		tokenCache: newCacheCollector(),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "webhook_deliveries_total", Help: "Finished webhook delivery attempts by result: delivered, retry (failed, retried later) or failed (given up).",
		}, []string{"result"}),
		queueDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "webhook_queue_depth", Help: "Pending webhook deliveries, as of the worker's last round.",
		}),
		routes: &routeSet{max: DefaultMaxRoutes, seen: map[string]bool{}},
	}
	for _, c := range []prometheus.Collector{m.signIns, m.refreshes, m.replays, m.rateLimited, m.hashTime, m.hashWait, m.tokenCache, m.webhooks, m.queueDepth} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("metrics: register: %w", err)
		}
	}
	for _, r := range signInResults {
		m.signIns.WithLabelValues(r)
	}
	for _, r := range refreshResults {
		m.refreshes.WithLabelValues(r)
	}
	for _, r := range webhookResults {
		m.webhooks.WithLabelValues(r)
	}
	return m, nil
}

// Handler serves the metrics gathered by g in the Prometheus text format
// (promhttp.HandlerFor): mount it at /metrics.
func Handler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{})
}

// SignIn implements Observer.
func (m *Metrics) SignIn(result string) {
	m.signIns.WithLabelValues(oneOf(result, signInResults)).Inc()
}

// Refresh implements Observer.
func (m *Metrics) Refresh(result string) {
	m.refreshes.WithLabelValues(oneOf(result, refreshResults)).Inc()
}

// RefreshReplay implements Observer.
func (m *Metrics) RefreshReplay() { m.replays.Inc() }

// RateLimited implements Observer.
func (m *Metrics) RateLimited(route string) {
	m.rateLimited.WithLabelValues(m.routes.label(route)).Inc()
}

// PasswordHash implements Observer.
func (m *Metrics) PasswordHash(wait, took time.Duration) {
	m.hashWait.Observe(wait.Seconds())
	m.hashTime.Observe(took.Seconds())
}

// TokenCache implements Observer.
func (m *Metrics) TokenCache(cache string, hit bool) {
	m.tokenCache.count(cache, hit)
}

// ReadCacheCounts implements fastauth.CacheCountsReader: the kernel
// (ginauth.Register with Config.Observer set to m) hands m the reader of
// its token caches' atomic counters, which m adds to
// token_cache_lookups_total whenever it is scraped. Nothing is called per
// lookup. Several kernels may share m: their counts add up.
func (m *Metrics) ReadCacheCounts(read func() fastauth.CacheCounts) {
	m.tokenCache.addReader(read)
}

// WebhookDelivery implements Observer and audit.DeliveryObserver.
func (m *Metrics) WebhookDelivery(result string) {
	m.webhooks.WithLabelValues(oneOf(result, webhookResults)).Inc()
}

// WebhookQueueDepth implements Observer and audit.DeliveryObserver.
func (m *Metrics) WebhookQueueDepth(n int) { m.queueDepth.Set(float64(n)) }
