package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
)

// DefaultReadTimeout bounds the store reads of one log request.
const DefaultReadTimeout = 5 * time.Second

// ModuleConfig configures the audit module. The zero value keeps events
// for DefaultRetention and sends no webhooks.
type ModuleConfig struct {
	// Endpoints receive the events as Standard Webhooks; none: the log
	// only.
	Endpoints []Endpoint
	// Retention is how long events are kept (DefaultRetention when zero).
	Retention time.Duration
	// RetentionInterval is how often the pruning job runs
	// (DefaultRetentionInterval when zero).
	RetentionInterval time.Duration
	// Worker tunes the webhook worker the module runs: Backoff, Lease,
	// Timeout, BatchSize, PollInterval, Name, Observer. Its Store,
	// Endpoints, Now and Logger are the module's and the kernel's.
	Worker WorkerConfig
	// NoBackground keeps the module from starting its background jobs
	// (the pruning job and the webhook worker): an application that runs
	// them elsewhere (Retention.Run, Worker.Run, say in one instance
	// only) sets it. Events and deliveries are recorded either way.
	NoBackground bool
	// ReadTimeout bounds the store reads of one log request
	// (DefaultReadTimeout when zero).
	ReadTimeout time.Duration
}

// Module is the audit module: mounted through ginauth.Config.Modules, it
// records every event of the kernel and of the other modules in the
// event log inside the transaction of its change (a SubscribeTx handler)
// together with its webhook deliveries (the outbox), serves the log
// routes, and runs the pruning job and the webhook worker until Close
// (Auth.Close calls it).
//
// Routes, under the kernel's base path:
//
//	GET /organizations/{organization_id}/audit-log?limit=&before=&type=
//	GET /me/security-log?limit=&before=&type=
type Module struct {
	store Store
	cfg   ModuleConfig
	log   *Log

	mu      sync.Mutex
	host    ginauth.Host
	worker  *Worker
	cancel  context.CancelFunc
	jobs    sync.WaitGroup
	mounted bool
}

var _ ginauth.Module = (*Module)(nil)

// NewModule returns the audit module on store (st.Audit() of package
// store, migrated by its Migrate). It refuses invalid endpoints and a
// worker configuration that cannot work.
func NewModule(store Store, cfg ModuleConfig) (*Module, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: nil store", ErrInvalidConfig)
	}
	l, err := NewLog(store, cfg.Endpoints)
	if err != nil {
		return nil, err
	}
	if cfg.Retention < 0 || cfg.RetentionInterval < 0 || cfg.ReadTimeout < 0 {
		return nil, fmt.Errorf("%w: negative retention, interval or read timeout", ErrInvalidConfig)
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	cfg.Endpoints = append([]Endpoint(nil), cfg.Endpoints...)
	m := &Module{store: store, cfg: cfg, log: l}
	if _, err := m.newWorker(time.Now, nil); err != nil { // check the settings now
		return nil, err
	}
	return m, nil
}

// Name implements ginauth.Module.
func (m *Module) Name() string { return "audit" }

// Mount implements ginauth.Module: it subscribes the log to the kernel's
// events, mounts the log routes and starts the background jobs (unless
// NoBackground). A Module mounts once.
func (m *Module) Mount(h ginauth.Host) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.mounted {
		return errors.New("audit: the module is already mounted")
	}
	w, err := m.newWorker(h.Now, h.Logger())
	if err != nil {
		return err
	}
	m.mounted, m.host, m.worker = true, h, w
	h.SubscribeTx(m.record)
	if len(m.cfg.Endpoints) > 0 {
		h.Subscribe(m.notify)
	}
	m.mountRoutes(h)
	h.OnClose(m.Close)
	if !m.cfg.NoBackground {
		m.start(h)
	}
	return nil
}

// newWorker makes the webhook worker of the module's endpoints on the
// clock now.
func (m *Module) newWorker(now func() time.Time, logger *slog.Logger) (*Worker, error) {
	wc := m.cfg.Worker
	wc.Store, wc.Endpoints, wc.Now, wc.Logger = m.store, m.cfg.Endpoints, now, logger
	return NewWorker(wc)
}

// start runs the pruning job and, with endpoints, the webhook worker.
func (m *Module) start(h ginauth.Host) {
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	r := m.Retention(h)
	m.jobs.Go(func() { _ = r.Run(ctx) })
	if len(m.cfg.Endpoints) > 0 {
		w := m.worker
		m.jobs.Go(func() { _ = w.Run(ctx) })
	}
}

// Retention is the module's pruning job on h's clock and logger, for
// applications that run it themselves (NoBackground).
func (m *Module) Retention(h ginauth.Host) Retention {
	return Retention{Store: m.store, Period: m.cfg.Retention, Interval: m.cfg.RetentionInterval, Now: h.Now, Logger: h.Logger()}
}

// Worker is the module's webhook worker once mounted (nil before), for
// applications that run it themselves (NoBackground) and for tests.
func (m *Module) Worker() *Worker {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.worker
}

// Close stops the background jobs and waits for them: the worker
// finishes the attempts in flight (each bounded by its timeout). It is
// safe to call more than once, and before Mount.
func (m *Module) Close() error {
	m.mu.Lock()
	cancel := m.cancel
	m.cancel = nil
	m.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	m.jobs.Wait()
	return nil
}

// record writes e in the log with its deliveries, in the transaction of
// the change that emitted it (ctx carries it).
func (m *Module) record(ctx context.Context, e fastauth.Event) error {
	ae, err := FromKernel(e)
	if err != nil {
		return err
	}
	return m.log.Record(ctx, ae)
}

// notify wakes the worker after a change whose event some endpoint
// receives has committed.
func (m *Module) notify(_ context.Context, e fastauth.Event) error {
	if len(m.log.EndpointsFor(e.Type)) > 0 {
		m.worker.Notify()
	}
	return nil
}

// FromKernel converts an event of the kernel's bus into the stored form:
// Data becomes its JSON object, Payload (in-process only) is dropped.
func FromKernel(e fastauth.Event) (Event, error) {
	data := json.RawMessage("{}")
	if len(e.Data) > 0 {
		b, err := json.Marshal(e.Data)
		if err != nil {
			return Event{}, fmt.Errorf("%w: data of %s: %w", ErrInvalidEvent, e.Type, err)
		}
		data = b
	}
	return Event{
		ID:             e.ID,
		Type:           e.Type,
		OccurredAt:     e.OccurredAt,
		Actor:          Actor{UserID: e.Actor.UserID, APIKeyID: e.Actor.APIKeyID},
		OrganizationID: e.OrganizationID,
		Target:         Target{Type: e.Target.Type, ID: e.Target.ID},
		IP:             e.IP,
		UserAgent:      e.UserAgent,
		Data:           data,
	}, nil
}
