package audit

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fastauth/fastauth/internal/egress"
	"github.com/fastauth/fastauth/webhook"
)

// Worker defaults.
const (
	DefaultLease        = 2 * time.Minute
	DefaultTimeout      = egress.DefaultTimeout
	DefaultBatchSize    = 16
	DefaultPollInterval = 5 * time.Second
	// leaseMargin is kept between the end of an attempt's deadline and
	// the end of its lease, so that no attempt runs while another worker
	// may take the delivery over.
	leaseMargin = 5 * time.Second
	// recordTimeout bounds the store write of an outcome.
	recordTimeout = 10 * time.Second
)

// Results of an attempt, as DeliveryObserver receives them.
const (
	ResultDelivered = "delivered"
	ResultRetry     = "retry"
	ResultFailed    = "failed"
)

// DeliveryObserver is told about the worker's activity; *metrics.Metrics
// implements it.
type DeliveryObserver interface {
	// WebhookDelivery counts one finished attempt by result: delivered,
	// retry (failed, will be retried) or failed (given up).
	WebhookDelivery(result string)
	// WebhookQueueDepth reports the pending deliveries after a round.
	WebhookQueueDepth(n int)
}

// WorkerConfig configures a Worker. Store and Endpoints are required.
type WorkerConfig struct {
	// Store holds the delivery queue.
	Store DeliveryStore
	// Endpoints are the receivers; deliveries of other endpoint ids stay
	// queued for the workers configured with them.
	Endpoints []Endpoint
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Backoff is the retry schedule (DefaultBackoff when zero).
	Backoff Backoff
	// Lease is how long a claim keeps a delivery from other workers
	// (DefaultLease when zero). It must exceed Timeout by some seconds.
	Lease time.Duration
	// Timeout bounds one attempt, connection to response body
	// (DefaultTimeout when zero).
	Timeout time.Duration
	// BatchSize is the most deliveries claimed, and sent concurrently, at
	// once (DefaultBatchSize when zero).
	BatchSize int
	// PollInterval is how often Run looks for due deliveries when Notify
	// does not wake it (DefaultPollInterval when zero).
	PollInterval time.Duration
	// Name prefixes the lease owner (a host name, say); a random suffix
	// makes each Worker distinct.
	Name string
	// Observer, if set, is told about attempts and the queue depth.
	Observer DeliveryObserver
	// Logger receives one line per failed attempt (endpoint id, event id,
	// attempt, error class; never the URL); nil discards.
	Logger *slog.Logger
}

// Worker sends queued deliveries. Several workers, in one process or in
// several, may run on one store: a delivery is leased to one at a time.
type Worker struct {
	cfg       WorkerConfig
	owner     string
	endpoints map[string]workerEndpoint
	ids       []string
	wake      chan struct{}
}

type workerEndpoint struct {
	Endpoint
	client *http.Client
}

// NewWorker checks cfg and returns a worker; it starts nothing.
func NewWorker(cfg WorkerConfig) (*Worker, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("%w: worker without a store", ErrInvalidConfig)
	}
	if err := validateEndpoints(cfg.Endpoints); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Backoff == (Backoff{}) {
		cfg.Backoff = DefaultBackoff()
	}
	if err := cfg.Backoff.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.Lease < cfg.Timeout+2*leaseMargin {
		return nil, fmt.Errorf("%w: the lease (%v) must exceed the attempt timeout (%v) by %v", ErrInvalidConfig, cfg.Lease, cfg.Timeout, 2*leaseMargin)
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	var suffix [6]byte
	_, _ = rand.Read(suffix[:]) // never fails (crypto/rand, Go 1.24+)
	owner := hex.EncodeToString(suffix[:])
	if cfg.Name != "" {
		owner = cfg.Name + "-" + owner
	}
	if len(owner) > 64 {
		return nil, fmt.Errorf("%w: worker name longer than 50 bytes", ErrInvalidConfig)
	}
	clients := map[bool]*http.Client{}
	w := &Worker{cfg: cfg, owner: owner, endpoints: map[string]workerEndpoint{}, wake: make(chan struct{}, 1)}
	for _, e := range cfg.Endpoints {
		c, ok := clients[e.AllowPrivate]
		if !ok {
			c = egress.New(egress.Config{AllowPrivate: e.AllowPrivate, Timeout: cfg.Timeout})
			clients[e.AllowPrivate] = c
		}
		w.endpoints[e.ID] = workerEndpoint{Endpoint: e, client: c}
		w.ids = append(w.ids, e.ID)
	}
	return w, nil
}

// Owner is the lease owner this worker writes in the deliveries it claims.
func (w *Worker) Owner() string { return w.owner }

// Notify wakes Run to look for due deliveries now (the kernel calls it
// after a transaction that queued deliveries commits). It never blocks.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends due deliveries until ctx ends, then waits for the attempts in
// flight (each bounded by Timeout) and returns nil. Store errors are
// logged and retried at the next poll.
func (w *Worker) Run(ctx context.Context) error {
	if len(w.ids) == 0 {
		<-ctx.Done()
		return nil
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-w.wake:
		}
		n, err := w.Process(ctx)
		if err != nil && ctx.Err() == nil {
			w.cfg.Logger.Warn("webhook worker: claiming deliveries failed", "error", err)
		}
		next := w.cfg.PollInterval
		if err == nil && n == w.cfg.BatchSize {
			next = 0 // more may be due
		}
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
		t.Reset(next)
	}
}

// Process runs one round: it claims up to BatchSize due deliveries, sends
// them concurrently, records each outcome and reports the queue depth to
// the Observer. It returns how many it claimed. Attempts already started
// finish even if ctx ends (bounded by Timeout and the lease).
func (w *Worker) Process(ctx context.Context) (int, error) {
	if len(w.ids) == 0 {
		return 0, nil
	}
	now := w.cfg.Now()
	leaseUntil := now.Add(w.cfg.Lease)
	claimed, err := w.cfg.Store.ClaimDeliveries(ctx, Claim{
		Owner: w.owner, EndpointIDs: w.ids, Now: now, LeaseUntil: leaseUntil, Limit: w.cfg.BatchSize,
	})
	if err != nil {
		return 0, fmt.Errorf("audit: claim deliveries: %w", err)
	}
	var wg sync.WaitGroup
	for _, d := range claimed {
		wg.Go(func() { w.attempt(context.WithoutCancel(ctx), d, now, leaseUntil) })
	}
	wg.Wait()
	if w.cfg.Observer != nil {
		if n, err := w.cfg.Store.PendingDeliveries(ctx, nil); err == nil {
			w.cfg.Observer.WebhookQueueDepth(n)
		}
	}
	return len(claimed), nil
}

// attempt sends one claimed delivery and records the outcome.
func (w *Worker) attempt(ctx context.Context, d Delivery, claimedAt, leaseUntil time.Time) {
	ep := w.endpoints[d.EndpointID]
	// The attempt must end before the lease does, measured on the
	// injected clock's scale from the claim.
	budget := min(w.cfg.Timeout, leaseUntil.Sub(claimedAt)-leaseMargin)
	sendCtx, cancel := context.WithTimeout(ctx, budget)
	status, class := w.send(sendCtx, ep, d.Event)
	cancel()

	end := w.cfg.Now()
	o := Outcome{
		EventID: d.EventID, EndpointID: d.EndpointID, Owner: w.owner, Attempt: d.Attempts,
		At: end, StatusCode: status, Error: class,
	}
	result := ResultDelivered
	switch {
	case class == "":
		o.Status = StatusDelivered
	case status == http.StatusGone:
		o.Status, result = StatusFailed, ResultFailed
	default:
		if next, ok := w.cfg.Backoff.Next(d.Attempts, d.CreatedAt, end); ok {
			o.Status, o.NextAttemptAt, result = StatusPending, next, ResultRetry
		} else {
			o.Status, result = StatusFailed, ResultFailed
		}
	}
	recCtx, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	if err := w.cfg.Store.FinishAttempt(recCtx, o); err != nil {
		w.cfg.Logger.Warn("webhook worker: recording an attempt failed",
			"endpoint", d.EndpointID, "event_id", d.EventID, "attempt", d.Attempts, "error", err)
		return
	}
	if result != ResultDelivered {
		w.cfg.Logger.Info("webhook delivery attempt failed",
			"endpoint", d.EndpointID, "event_id", d.EventID, "attempt", d.Attempts,
			"status", status, "error", class, "result", result)
	}
	if w.cfg.Observer != nil {
		w.cfg.Observer.WebhookDelivery(result)
	}
}

// Body is the JSON body of the webhook for e:
// {"type","timestamp","data":<event>}, the timestamp being when the event
// occurred. It is the same bytes on every attempt.
func Body(e Event) ([]byte, error) {
	e = e.Normalize()
	return json.Marshal(struct {
		Type      string    `json:"type"`
		Timestamp time.Time `json:"timestamp"`
		Data      Event     `json:"data"`
	}{e.Type, e.OccurredAt, e})
}

// send posts e to ep and returns the response status (0 without one) and
// an error class, empty when the receiver answered 2xx.
func (w *Worker) send(ctx context.Context, ep workerEndpoint, e Event) (int, string) {
	body, err := Body(e)
	if err != nil {
		return 0, "cannot encode the event"
	}
	sentAt := w.cfg.Now()
	sigs := make([]string, 0, len(ep.Secrets))
	for _, s := range ep.Secrets {
		sig, err := webhook.Sign(s, e.ID, sentAt, body)
		if err != nil {
			return 0, "cannot sign the event"
		}
		sigs = append(sigs, sig)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return 0, "invalid endpoint URL"
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "fastauth-webhooks/1")
	req.Header.Set(webhook.HeaderID, e.ID)
	req.Header.Set(webhook.HeaderTimestamp, fmt.Sprint(sentAt.Unix()))
	req.Header.Set(webhook.HeaderSignature, strings.Join(sigs, " "))
	resp, err := ep.client.Do(req)
	if err != nil {
		return 0, errorClass(err)
	}
	// The body is drained (at most egress's cap) for the connection's
	// reuse; a 2xx means the receiver has the event whatever follows.
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return resp.StatusCode, fmt.Sprintf("HTTP %d (redirects are not followed)", resp.StatusCode)
	case resp.StatusCode < 200 || resp.StatusCode >= 300:
		return resp.StatusCode, fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, ""
}

// errorClass turns a transport error into a short text without the URL.
func errorClass(err error) string {
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.Is(err, egress.ErrAddress):
		return "destination address refused (private or loopback)"
	case errors.Is(err, egress.ErrScheme):
		return "URL scheme refused"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.As(err, &dnsErr):
		return "name resolution failed"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	case strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509:"):
		return "TLS failure"
	}
	return "connection failed"
}
