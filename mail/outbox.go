package mail

import (
	"github.com/fastauth/fastauth"

	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// OutboxMailer appends every mail to a file as one JSON line
// {"to","subject","kind","link","token","text"}, for development and
// end-to-end tests that read the links back. It is safe for concurrent use:
// each line is written with a single write to a file opened with O_APPEND,
// under a mutex, so lines never interleave (also across processes sharing
// the file, on local file systems).
type OutboxMailer struct {
	path string
	mu   sync.Mutex
}

// outboxLine is the JSON form of one mail in the outbox.
type outboxLine struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Kind    Kind   `json:"kind"`
	Link    string `json:"link"`
	Token   string `json:"token"`
	Text    string `json:"text"`
}

// NewOutboxMailer returns an OutboxMailer appending to path. It creates the
// file (mode 0600) if it is missing and fails if it cannot be opened for
// appending.
func NewOutboxMailer(path string) (*OutboxMailer, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: outbox path is empty", fastauth.ErrInvalidConfig)
	}
	f, err := openOutbox(path)
	if err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("mail: outbox %s: %w", path, err)
	}
	return &OutboxMailer{path: path}, nil
}

// Path returns the file the mailer appends to.
func (m *OutboxMailer) Path() string { return m.path }

// Send appends m as one JSON line.
func (m *OutboxMailer) Send(ctx context.Context, mail Mail) error {
	line, err := json.Marshal(outboxLine{To: mail.To, Subject: mail.Subject, Kind: mail.Kind, Link: mail.Link, Token: mail.Token, Text: mail.Text})
	if err != nil {
		return fmt.Errorf("mail: outbox: %w", err)
	}
	line = append(line, '\n')
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mail: outbox: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f, err := openOutbox(m.path)
	if err != nil {
		return err
	}
	_, werr := f.Write(line)
	cerr := f.Close()
	if werr != nil {
		return fmt.Errorf("mail: outbox %s: %w", m.path, werr)
	}
	if cerr != nil {
		return fmt.Errorf("mail: outbox %s: %w", m.path, cerr)
	}
	return nil
}

func openOutbox(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("mail: outbox: %w", err)
	}
	return f, nil
}
