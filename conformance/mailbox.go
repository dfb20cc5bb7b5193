package conformance

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
)

// Mailbox is an in-memory ginauth.Mailer that records every mail.
type Mailbox struct {
	mu    sync.Mutex
	mails []ginauth.Mail
}

// Send records m.
func (m *Mailbox) Send(_ context.Context, mail ginauth.Mail) error {
	m.mu.Lock()
	m.mails = append(m.mails, mail)
	m.mu.Unlock()
	return nil
}

// To returns the mails sent to addr of the given kind, oldest first.
func (m *Mailbox) To(addr string, kind ginauth.MailKind) []ginauth.Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []ginauth.Mail
	for _, mail := range m.mails {
		if mail.To == addr && mail.Kind == kind {
			out = append(out, mail)
		}
	}
	return out
}

// WaitFor waits (up to 5 s of real time, for mailers that send in the
// background) until at least n mails of kind went to addr, and returns the
// newest. It fails t if they do not arrive.
func (m *Mailbox) WaitFor(t *testing.T, addr string, kind ginauth.MailKind, n int) ginauth.Mail {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if got := m.To(addr, kind); len(got) >= n {
			return got[len(got)-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailbox: want %d %s mail(s) to %s, have %d", n, kind, addr, len(m.To(addr, kind)))
		}
		time.Sleep(5 * time.Millisecond)
	}
}
