// Package egress provides the HTTP client with which fastauth calls URLs
// that its users configure, such as webhook endpoints: a client that
// cannot be turned against the network it runs in (server-side request
// forgery) and that a slow or hostile server cannot hold up.
//
// The client
//   - connects only to public unicast addresses (CheckAddr) unless
//     Config.AllowPrivate is set. The address is checked at dial time, on
//     the IP address the name resolved to, for every connection, so a
//     name that resolves to 127.0.0.1, or that is re-pointed there after
//     a first check (DNS rebinding), is refused all the same. No proxy
//     from the environment is used: the check applies to the destination
//     itself;
//   - speaks only http and https (ErrScheme);
//   - never follows a redirect: a 3xx response is returned as it is, for
//     the caller to record as a failure;
//   - bounds the time to connect, to complete the TLS handshake, to
//     receive the response headers and, overall, to read the whole
//     response (Config's timeouts), and the size of the response headers;
//   - reads at most Config.MaxResponseBytes of a response body: reading
//     past it fails with ErrResponseTooLarge.
package egress

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Defaults of the zero Config.
const (
	DefaultDialTimeout           = 5 * time.Second
	DefaultTLSHandshakeTimeout   = 5 * time.Second
	DefaultResponseHeaderTimeout = 10 * time.Second
	DefaultTimeout               = 15 * time.Second
	DefaultMaxResponseBytes      = 64 << 10
	// maxResponseHeaderBytes caps the response headers (net/http's
	// default is 1 MiB).
	maxResponseHeaderBytes = 64 << 10
)

var (
	// ErrScheme: the URL's scheme is not http or https.
	ErrScheme = errors.New("egress: URL scheme must be http or https")
	// ErrResponseTooLarge: the response body is longer than
	// Config.MaxResponseBytes; the bytes up to the limit were read.
	ErrResponseTooLarge = errors.New("egress: response body too large")
)

// Config sets up a client. The zero Config is the safe default.
type Config struct {
	// AllowPrivate also allows loopback, private, link-local, CGNAT and
	// unique-local destinations (see CheckAddr): for development, tests
	// and receivers inside the operator's own network.
	AllowPrivate bool
	// DialTimeout bounds name resolution and the TCP connect.
	DialTimeout time.Duration
	// TLSHandshakeTimeout bounds the TLS handshake.
	TLSHandshakeTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for the response headers
	// once the request is written.
	ResponseHeaderTimeout time.Duration
	// Timeout bounds the whole exchange, from dialling to the end of
	// reading the response body.
	Timeout time.Duration
	// MaxResponseBytes caps the response body the caller can read.
	MaxResponseBytes int64
	// Resolver resolves host names; nil means net.DefaultResolver.
	Resolver *net.Resolver
	// RootCAs verifies servers' certificates; nil means the system roots.
	RootCAs *x509.CertPool
}

// New returns a client for cfg; zero fields take the defaults above.
// Clients are safe for concurrent use and keep connections alive: make
// one and reuse it.
func New(cfg Config) *http.Client {
	orDefault := func(d, def time.Duration) time.Duration {
		if d > 0 {
			return d
		}
		return def
	}
	limit := cfg.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	dialer := &net.Dialer{
		Timeout:   orDefault(cfg.DialTimeout, DefaultDialTimeout),
		KeepAlive: 30 * time.Second,
		Resolver:  cfg.Resolver,
		Control: func(network, address string, _ syscall.RawConn) error {
			return checkDial(network, address, cfg.AllowPrivate)
		},
	}
	base := &http.Transport{
		Proxy:                  nil, // never a proxy from the environment: the dial check must see the destination
		DialContext:            dialer.DialContext,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: cfg.RootCAs},
		TLSHandshakeTimeout:    orDefault(cfg.TLSHandshakeTimeout, DefaultTLSHandshakeTimeout),
		ResponseHeaderTimeout:  orDefault(cfg.ResponseHeaderTimeout, DefaultResponseHeaderTimeout),
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: maxResponseHeaderBytes,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		IdleConnTimeout:        90 * time.Second,
	}
	return &http.Client{
		Transport: &transport{base: base, limit: limit},
		Timeout:   orDefault(cfg.Timeout, DefaultTimeout),
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// checkDial runs after name resolution, before connecting: address is
// the IP address and port about to be dialled.
func checkDial(network, address string, allowPrivate bool) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot parse %s address %q", ErrAddress, network, address)
	}
	return CheckAddr(ap.Addr(), allowPrivate)
}

// CheckURL reports whether raw is a URL the client can be given: absolute,
// http or https, with a host, and, when the host is an IP address, one
// that CheckAddr allows. Host names are not resolved here (they are at
// every connection): use it to refuse a bad configuration early.
func CheckURL(raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("egress: invalid URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%w, not %q", ErrScheme, u.Scheme)
	}
	host := u.Hostname()
	if host == "" {
		return errors.New("egress: URL without a host")
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		return CheckAddr(addr, allowPrivate)
	}
	return nil
}

// transport refuses other schemes and caps response bodies.
type transport struct {
	base  *http.Transport
	limit int64
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if s := req.URL.Scheme; s != "http" && s != "https" {
		if req.Body != nil {
			_ = req.Body.Close() // a RoundTripper closes the body, even on error
		}
		return nil, fmt.Errorf("%w, not %q", ErrScheme, s)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &cappedBody{rc: resp.Body, left: t.limit}
	return resp, nil
}

// cappedBody returns at most left bytes, then ErrResponseTooLarge if the
// body goes on.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
	err  error
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.left <= 0 {
		var one [1]byte
		n, err := b.rc.Read(one[:])
		switch {
		case n > 0:
			b.err = ErrResponseTooLarge
		case err != nil:
			b.err = err
		}
		return 0, b.err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if err != nil {
		b.err = err
	}
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }
