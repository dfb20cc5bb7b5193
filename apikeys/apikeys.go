// Package apikeys is the API-key module of fastauth: machine credentials
// ("sk-" and 64 hex characters) that act as their creator with the
// creator's current role in one organization. It mounts the management
// routes (POST, GET and DELETE /api-keys, on the caller's active
// organization) and plugs the verification of `Authorization: Bearer
// sk-...` into the kernel's base middleware as its bearer authenticator.
//
// ginauth.Register mounts it by default on the Backend it is given (which
// embeds Store), with Config.APIKeyCacheTTL and Config.APIKeyTouchInterval;
// an application does not mount it itself.
package apikeys

import (
	"context"
	"errors"
	"time"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth/module"
)

// Config holds the module's settings.
type Config struct {
	// CacheTTL is how long a verified key is trusted without a store read
	// (0 means 10 s; negative disables the cache). Deletions, role changes
	// and removals made through this process evict at once.
	CacheTTL time.Duration
	// TouchInterval is the least time between two last_used_at writes of
	// one key (0 means one minute).
	TouchInterval time.Duration
}

// Module is the API-key module. Create it with New.
type Module struct {
	store Store
	cfg   Config
	host  module.Host
	v     *verifier
}

var _ module.Module = (*Module)(nil)

// New returns the module on st.
func New(st Store, cfg Config) *Module {
	if cfg.CacheTTL == 0 {
		cfg.CacheTTL = 10 * time.Second
	}
	if cfg.TouchInterval <= 0 {
		cfg.TouchInterval = time.Minute
	}
	return &Module{store: st, cfg: cfg}
}

// Name implements module.Module.
func (m *Module) Name() string { return "apikeys" }

// Mount implements module.Module: the routes, the bearer authenticator,
// the cache's eviction (an event subscriber) and the usage writer, which
// the kernel's Close stops after a last flush.
func (m *Module) Mount(h module.Host) error {
	if m.v != nil {
		return errors.New("apikeys: module mounted twice")
	}
	m.host = h
	m.v = newVerifier(m.store, m.cfg, h.Now, h.StoreContext, h.Logger())
	m.v.lookups = h.CacheLookups(cacheName)
	if err := h.SetBearerAuthenticator(m.v); err != nil {
		return err
	}
	h.Subscribe(m.v.evictOn)
	// Deletions and membership changes made on other instances (revocation
	// mode immediate) evict too.
	h.SubscribeRevocations(m.v.evictOn)
	h.OnClose(m.v.close)
	m.mountRoutes(h)
	return nil
}

// errAPIKeyNotFound is the answer for a key that does not exist in the
// caller's active organization.
var errAPIKeyNotFound = fastauth.NewError(404, fastauth.CodeAPIKeyNotFound, "API key not found")

// storeContext is the type of module.Host.StoreContext.
type storeContext = func(context.Context) (context.Context, context.CancelFunc)
