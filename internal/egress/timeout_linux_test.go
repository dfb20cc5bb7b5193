package egress_test

import (
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/fastauth/fastauth/internal/egress"
)

// A destination whose TCP connect never completes is cut off by
// DialTimeout. Linux drops the SYNs to a listening socket whose accept
// queue is full: a backlog of 0 and one connection left unaccepted.
func TestTimeoutConnect(t *testing.T) {
	t.Parallel()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	for filled := false; !filled; { // queue connections until one hangs
		conn, err := net.DialTimeout("tcp4", addr, 200*time.Millisecond)
		if err != nil {
			filled = true
			continue
		}
		t.Cleanup(func() { _ = conn.Close() })
	}
	c := egress.New(egress.Config{AllowPrivate: true, DialTimeout: 300 * time.Millisecond, Timeout: 10 * time.Second})
	bounded(t, 250*time.Millisecond, 3*time.Second, func() error {
		_, _, err := post(c, "http://"+addr+"/")
		return err
	})
}
