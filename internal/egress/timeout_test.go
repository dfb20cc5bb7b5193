package egress_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/fastauth/fastauth/internal/egress"
)

// bounded runs f and fails unless it returns a timeout error within
// limit (and not sooner than least, which shows that the intended bound,
// not another, cut it off).
func bounded(t *testing.T, least, limit time.Duration, f func() error) {
	t.Helper()
	start := time.Now()
	err := f()
	took := time.Since(start)
	var ne net.Error
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("after %v: %v, want a timeout", took, err)
	}
	if took < least || took > limit {
		t.Fatalf("cut off after %v, want between %v and %v (%v)", took, least, limit, err)
	}
}

// hanging returns a server whose handler runs hang until the test ends.
func hanging(t *testing.T, hang func(w http.ResponseWriter, done <-chan struct{})) string {
	t.Helper()
	done := make(chan struct{})
	srv, _ := server(t, func(w http.ResponseWriter, _ *http.Request) { hang(w, done) })
	t.Cleanup(func() { close(done) }) // runs before srv.Close, which waits for handlers
	return srv.URL
}

// A server that accepts the request and never answers is cut off by
// ResponseHeaderTimeout.
func TestTimeoutHeadersNeverSent(t *testing.T) {
	t.Parallel()
	u := hanging(t, func(_ http.ResponseWriter, done <-chan struct{}) { <-done })
	c := egress.New(egress.Config{AllowPrivate: true, ResponseHeaderTimeout: 300 * time.Millisecond, Timeout: 10 * time.Second})
	bounded(t, 250*time.Millisecond, 3*time.Second, func() error {
		_, _, err := post(c, u)
		return err
	})
}

// A server that sends its headers and then drips the body a byte at a
// time is cut off by the overall Timeout while the body is read.
func TestTimeoutBodyDripped(t *testing.T) {
	t.Parallel()
	u := hanging(t, func(w http.ResponseWriter, done <-chan struct{}) {
		w.WriteHeader(http.StatusOK)
		for {
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	c := egress.New(egress.Config{AllowPrivate: true, Timeout: 600 * time.Millisecond})
	bounded(t, 500*time.Millisecond, 3*time.Second, func() error {
		resp, err := c.Get(u)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		return err
	})
}

// A server that accepts TCP connections and never speaks TLS is cut off by
// TLSHandshakeTimeout.
func TestTimeoutTLSHandshake(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() { // accept and hold each connection until the listener closes
		var held []net.Conn
		for {
			conn, err := l.Accept()
			if err != nil {
				for _, c := range held {
					_ = c.Close()
				}
				return
			}
			held = append(held, conn)
		}
	}()
	c := egress.New(egress.Config{AllowPrivate: true, TLSHandshakeTimeout: 300 * time.Millisecond, Timeout: 10 * time.Second})
	bounded(t, 250*time.Millisecond, 3*time.Second, func() error {
		_, _, err := post(c, "https://"+l.Addr().String()+"/")
		return err
	})
}
