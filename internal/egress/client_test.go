package egress_test

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fastauth/fastauth/internal/egress"
)

// server is a real local HTTP server that counts its requests.
func server(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func ok(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "delivered") }

func post(c *http.Client, u string) (int, string, error) {
	resp, err := c.Post(u, "application/json", strings.NewReader(`{"type":"t"}`))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// Local servers are refused by default, before any byte reaches them, and
// reached with AllowPrivate.
func TestRefusesLocalServers(t *testing.T) {
	t.Parallel()
	srv4, hits4 := server(t, ok)
	urls := map[string]*atomic.Int64{srv4.URL: hits4}
	if l, err := net.Listen("tcp6", "[::1]:0"); err == nil { // IPv6 loopback, where the machine has it
		srv6 := httptest.NewUnstartedServer(srv4.Config.Handler)
		srv6.Listener.Close()
		srv6.Listener = l
		srv6.Start()
		t.Cleanup(srv6.Close)
		urls[srv6.URL] = hits4
	}
	for u, hits := range urls {
		before := hits.Load()
		_, _, err := post(egress.New(egress.Config{}), u)
		if !errors.Is(err, egress.ErrAddress) || !strings.Contains(err.Error(), "loopback") {
			t.Fatalf("POST %s: %v, want ErrAddress (loopback)", u, err)
		}
		if hits.Load() != before {
			t.Fatalf("POST %s reached the server", u)
		}
		status, body, err := post(egress.New(egress.Config{AllowPrivate: true}), u)
		if err != nil || status != http.StatusOK || body != "delivered" || hits.Load() != before+1 {
			t.Fatalf("POST %s with AllowPrivate: %d %q %v", u, status, body, err)
		}
	}
}

// The check is on the address a name resolves to, at dial time: localhost
// and a DNS name pointing at 127.0.0.1 (or ::1) are refused like the
// address itself.
func TestRefusesNamesResolvingToPrivate(t *testing.T) {
	t.Parallel()
	srv, hits := server(t, ok)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	resolver := fakeDNS(t, map[string][]netip.Addr{
		"receiver.example": {netip.MustParseAddr("127.0.0.1")},
		"mapped.example":   {netip.MustParseAddr("::ffff:127.0.0.1"), netip.MustParseAddr("127.0.0.1")},
	})
	for _, host := range []string{"localhost", "receiver.example", "mapped.example"} {
		u := fmt.Sprintf("http://%s:%d/hook", host, port)
		if err := egress.CheckURL(u, false); err != nil {
			t.Fatalf("CheckURL(%s) = %v: a name passes the configuration check", u, err)
		}
		_, _, err := post(egress.New(egress.Config{Resolver: resolver}), u)
		if !errors.Is(err, egress.ErrAddress) {
			t.Fatalf("POST %s: %v, want ErrAddress", u, err)
		}
		if hits.Load() != 0 {
			t.Fatalf("POST %s reached the server", u)
		}
	}
	// The same names do reach the server when private addresses are
	// allowed: the refusals above were the address check, nothing else.
	for i, host := range []string{"localhost", "receiver.example", "mapped.example"} {
		u := fmt.Sprintf("http://%s:%d/hook", host, port)
		status, _, err := post(egress.New(egress.Config{Resolver: resolver, AllowPrivate: true}), u)
		if err != nil || status != http.StatusOK || hits.Load() != int64(i+1) {
			t.Fatalf("POST %s with AllowPrivate: %d %v (hits %d)", u, status, err, hits.Load())
		}
	}
}

// A redirect is returned as the response, never followed, whatever its
// target (here a private address a redirect could otherwise smuggle in).
func TestDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	target, targetHits := server(t, ok)
	for _, code := range []int{301, 302, 303, 307, 308} {
		redirector, _ := server(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/elsewhere", code)
		})
		c := egress.New(egress.Config{AllowPrivate: true})
		resp, err := c.Post(redirector.URL, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatalf("%d: %v", code, err)
		}
		resp.Body.Close()
		if resp.StatusCode != code || resp.Header.Get("Location") != target.URL+"/elsewhere" {
			t.Fatalf("%d: got status %d, Location %q", code, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if n := targetHits.Load(); n != 0 {
		t.Fatalf("the redirect target was requested %d times", n)
	}
}

func TestRefusesOtherSchemes(t *testing.T) {
	t.Parallel()
	c := egress.New(egress.Config{AllowPrivate: true})
	for _, u := range []string{"ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1:70/", "ws://127.0.0.1/"} {
		req, err := http.NewRequest(http.MethodPost, u, io.NopCloser(strings.NewReader("{}")))
		if err != nil {
			t.Fatal(err)
		}
		body := &closeRecorder{Reader: strings.NewReader("{}")}
		req.Body = body
		if _, err := c.Do(req); !errors.Is(err, egress.ErrScheme) {
			t.Errorf("%s: %v, want ErrScheme", u, err)
		}
		if !body.closed {
			t.Errorf("%s: request body left open", u)
		}
	}
}

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

// The caller reads at most MaxResponseBytes of a body; past it the read
// fails with ErrResponseTooLarge.
func TestResponseBodyCap(t *testing.T) {
	t.Parallel()
	const limit = 1000
	for _, size := range []int{0, limit - 1, limit, limit + 1, 100 * limit} {
		for _, chunked := range []bool{false, true} {
			srv, _ := server(t, func(w http.ResponseWriter, _ *http.Request) {
				if !chunked {
					w.Header().Set("Content-Length", fmt.Sprint(size))
				}
				_, _ = w.Write(bytes.Repeat([]byte("x"), size))
			})
			c := egress.New(egress.Config{AllowPrivate: true, MaxResponseBytes: limit})
			resp, err := c.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if size <= limit && (err != nil || len(b) != size) {
				t.Errorf("%d bytes (chunked %v): read %d, %v", size, chunked, len(b), err)
			}
			if size > limit && (!errors.Is(err, egress.ErrResponseTooLarge) || len(b) != limit) {
				t.Errorf("%d bytes (chunked %v): read %d, %v; want %d and ErrResponseTooLarge", size, chunked, len(b), err, limit)
			}
		}
	}
	// The default cap.
	srv, _ := server(t, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(bytes.Repeat([]byte("x"), egress.DefaultMaxResponseBytes+1))
	})
	resp, err := egress.New(egress.Config{AllowPrivate: true}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, err := io.ReadAll(resp.Body); !errors.Is(err, egress.ErrResponseTooLarge) || len(b) != egress.DefaultMaxResponseBytes {
		t.Fatalf("default cap: read %d, %v", len(b), err)
	}
}

// Huge response headers are refused.
func TestResponseHeaderCap(t *testing.T) {
	t.Parallel()
	srv, _ := server(t, func(w http.ResponseWriter, _ *http.Request) {
		for i := range 200 {
			w.Header().Set(fmt.Sprintf("X-Pad-%d", i), strings.Repeat("p", 1000))
		}
	})
	if _, err := egress.New(egress.Config{AllowPrivate: true}).Get(srv.URL); err == nil {
		t.Fatal("200 KB of response headers accepted")
	}
}

// HTTPS works, with the server's certificate verified against RootCAs.
func TestTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(ok))
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	status, body, err := post(egress.New(egress.Config{AllowPrivate: true, RootCAs: roots}), srv.URL)
	if err != nil || status != http.StatusOK || body != "delivered" {
		t.Fatalf("POST %s: %d %q %v", srv.URL, status, body, err)
	}
	// Without the test CA, the certificate is refused.
	if _, _, err := post(egress.New(egress.Config{AllowPrivate: true}), srv.URL); err == nil {
		t.Fatal("unknown certificate accepted")
	}
	// And an https URL to a loopback address is refused like http.
	if _, _, err := post(egress.New(egress.Config{RootCAs: roots}), srv.URL); !errors.Is(err, egress.ErrAddress) {
		t.Fatalf("https to loopback: %v, want ErrAddress", err)
	}
}

// No proxy from the environment: with HTTP_PROXY set, the request still
// goes to the destination (whose address is the one checked), not to the
// proxy. Not parallel: it sets the environment, and runs before the
// parallel tests make requests.
func TestIgnoresProxyEnvironment(t *testing.T) {
	proxy, proxyHits := server(t, ok)
	dest, destHits := server(t, ok)
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("http_proxy", proxy.URL)
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	port := dest.Listener.Addr().(*net.TCPAddr).Port
	resolver := fakeDNS(t, map[string][]netip.Addr{"receiver.example": {netip.MustParseAddr("127.0.0.1")}})
	u := (&url.URL{Scheme: "http", Host: fmt.Sprintf("receiver.example:%d", port), Path: "/"}).String()
	if _, _, err := post(egress.New(egress.Config{AllowPrivate: true, Resolver: resolver}), u); err != nil {
		t.Fatal(err)
	}
	if proxyHits.Load() != 0 || destHits.Load() != 1 {
		t.Fatalf("proxy hits %d, destination hits %d; want 0 and 1", proxyHits.Load(), destHits.Load())
	}
}
