package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/metrics"
	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/webhook"
)

// webhookEndpointID names the AUTH_WEBHOOK_URL endpoint in the delivery
// rows: keep it when the URL changes, so queued deliveries follow.
const webhookEndpointID = "default"

// observability is what the server records and exports beside the auth
// routes: the audit module (event log, security log, webhooks) and, with
// METRICS, the Prometheus metrics.
type observability struct {
	module   *audit.Module
	metrics  *metrics.Metrics     // nil with METRICS=false
	registry *prometheus.Registry // nil with METRICS=false
}

// newObservability migrates the audit tables and builds the audit module
// (its worker posts to AUTH_WEBHOOK_URL, if set) and the metrics. The
// module starts its pruning job and webhook worker when Register mounts
// it; auth.Close stops them.
func newObservability(ctx context.Context, cfg config, st *store.Store) (*observability, error) {
	if err := st.Audit().Migrate(ctx); err != nil {
		return nil, fmt.Errorf("prepare the audit tables: %w", err)
	}
	o := &observability{}
	mc := audit.ModuleConfig{}
	if cfg.Metrics {
		o.registry = prometheus.NewRegistry()
		if err := o.registry.Register(collectors.NewGoCollector()); err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
		m, err := metrics.New(o.registry)
		if err != nil {
			return nil, err
		}
		o.metrics = m
		mc.Worker.Observer = m
	}
	if cfg.WebhookURL != "" {
		mc.Endpoints = []audit.Endpoint{{
			ID: webhookEndpointID, URL: cfg.WebhookURL, Secrets: []webhook.Secret{cfg.WebhookSecret},
			AllowPrivate: cfg.WebhookAllowPrivate,
		}}
	}
	mod, err := audit.NewModule(st.Audit(), mc)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	o.module = mod
	return o, nil
}

// configure adds the audit module and the metrics observer to c.
func (o *observability) configure(c *ginauth.Config) {
	c.Modules = append(c.Modules, o.module)
	if o.metrics != nil {
		c.Observer = o.metrics
	}
}

// mount serves GET /metrics when metrics are on.
func (o *observability) mount(r gin.IRouter) {
	if o.registry != nil {
		r.GET("/metrics", gin.WrapH(metrics.Handler(o.registry)))
	}
}

// logAttrs says what is on, for the startup line: the webhook's host only
// (its path or query may hold a token).
func (o *observability) logAttrs(cfg config) []any {
	hook := "off"
	if u, err := url.Parse(cfg.WebhookURL); err == nil && cfg.WebhookURL != "" {
		hook = u.Scheme + "://" + u.Host
	}
	return []any{slog.Bool("audit_log", true), slog.String("webhook", hook), slog.Bool("metrics", o.registry != nil)}
}
