// Package proxyprobe checks, once, whether a Gin engine takes client IPs
// from X-Forwarded-For and X-Real-IP sent by any client.
package proxyprobe

import (
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/gin-gonic/gin"
)

// Addresses of the probe: documentation ranges (RFC 5737), which no real
// proxy list names.
const (
	probePeer      = "203.0.113.7:443"
	probeForwarded = "198.51.100.9"
)

// Once logs a warning, the first time it is called with done unset, when
// the engine that serves c takes the client IP from X-Forwarded-For or
// X-Real-IP sent by any peer: gin's default until
// Engine.SetTrustedProxies is called. The per-IP rate limits and the IP
// recorded for each session come from Context.ClientIP, so on such an
// engine every client picks its own.
//
// It runs at the first request rather than at start because the engine
// is only known for sure then: the kernel may be given a RouterGroup,
// which does not expose its engine, and an application may configure its
// proxies later. The check asks the engine itself, with a copy of the
// context carrying a request from a public address that claims another
// one in both headers.
func Once(c *gin.Context, done *atomic.Bool, log *slog.Logger) {
	if !done.CompareAndSwap(false, true) {
		return
	}
	probe := c.Copy()
	probe.Request = &http.Request{RemoteAddr: probePeer, Header: http.Header{
		"X-Forwarded-For": {probeForwarded},
		"X-Real-Ip":       {probeForwarded},
	}}
	if probe.ClientIP() == probeForwarded {
		log.WarnContext(c.Request.Context(), "fastauth: the Gin engine takes client IPs from X-Forwarded-For and X-Real-IP "+
			"sent by any client (Engine.SetTrustedProxies was never called, or trusts everyone): every client can choose "+
			"the IP of its per-IP rate limits and of its sessions. Call engine.SetTrustedProxies(nil) when clients connect "+
			"directly, or with the addresses of your proxies")
	}
}
