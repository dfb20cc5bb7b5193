package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// stalledClient opens a raw connection to srv and sends request, then
// neither sends nor reads anything more until the test ends.
func stalledClient(t *testing.T, srv *httptest.Server, request string) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
}

// handlerResult waits for the handler's outcome.
func handlerResult(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the handler is still blocked on the stalled client after 10 s")
		return nil
	}
}

// TestBodyDeadlineStopsDrippedBodies: a client that announces a body and
// stops sending it cannot hold the handler past the body deadline, though
// the server has no ReadTimeout.
func TestBodyDeadlineStopsDrippedBodies(t *testing.T) {
	t.Parallel()
	const d = 200 * time.Millisecond
	done := make(chan error, 1)
	r := gin.New()
	r.Use(bodyDeadline(d))
	r.POST("/upload", func(c *gin.Context) {
		start := time.Now()
		_, err := io.ReadAll(c.Request.Body)
		if err == nil {
			err = fmt.Errorf("read the whole body")
		} else if time.Since(start) < d/2 {
			err = fmt.Errorf("failed before the deadline: %w", err)
		} else {
			err = nil
		}
		done <- err
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	stalledClient(t, srv, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":")
	if err := handlerResult(t, done); err != nil {
		t.Fatal(err)
	}
}

// TestWriteDeadlineStopsStalledReaders: a client that requests a large
// body and stops reading cannot hold the handler past the write deadline.
func TestWriteDeadlineStopsStalledReaders(t *testing.T) {
	t.Parallel()
	done := make(chan error, 1)
	r := gin.New()
	r.GET("/big", writeDeadline(200*time.Millisecond), func(c *gin.Context) {
		chunk := []byte(strings.Repeat("x", 1<<20))
		c.Status(http.StatusOK)
		for range 1024 { // 1 GiB: far more than any socket buffer
			if _, err := c.Writer.Write(chunk); err != nil {
				done <- nil
				return
			}
		}
		done <- fmt.Errorf("wrote 1 GiB to a client that reads nothing")
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	stalledClient(t, srv, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
	if err := handlerResult(t, done); err != nil {
		t.Fatal(err)
	}
}

// TestDeadlinesLeaveOtherRequestsAlone: a request without a body gets no
// read deadline from bodyDeadline (its handler can take longer than the
// body deadline and still answer), and writeDeadline is only on the
// routes it is given to.
func TestDeadlinesLeaveOtherRequestsAlone(t *testing.T) {
	t.Parallel()
	const d = 100 * time.Millisecond
	r := gin.New()
	r.Use(bodyDeadline(d))
	slow := func(c *gin.Context) {
		time.Sleep(3 * d)
		c.String(http.StatusOK, "late but fine")
	}
	r.GET("/slow", slow)
	r.POST("/slow", slow) // a body read at once, then slow work
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	for _, req := range []func() (*http.Response, error){
		func() (*http.Response, error) { return http.Get(srv.URL + "/slow") },
		func() (*http.Response, error) {
			return http.Post(srv.URL+"/slow", "text/plain", strings.NewReader("x"))
		},
	} {
		resp, err := req()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != "late but fine" {
			t.Fatalf("got %d %q", resp.StatusCode, body)
		}
	}
}
