package audit_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/webhook"
)

func TestEndpointMatches(t *testing.T) {
	t.Parallel()
	cases := []struct {
		types []string
		typ   string
		want  bool
	}{
		{nil, "member.added", true},
		{[]string{"*"}, "user.signed_in", true},
		{[]string{"member.*"}, "member.role_changed", true},
		{[]string{"member.*"}, "members.added", false},
		{[]string{"member.*"}, "member", false},
		{[]string{"member.added"}, "member.added", true},
		{[]string{"member.added"}, "member.removed", false},
		{[]string{"invite.*", "api_key.created"}, "api_key.created", true},
		{[]string{"invite.*", "api_key.created"}, "api_key.deleted", false},
	}
	for _, c := range cases {
		if got := (audit.Endpoint{Types: c.types}).Matches(c.typ); got != c.want {
			t.Errorf("Endpoint{Types: %q}.Matches(%q) = %v", c.types, c.typ, got)
		}
	}
}

func TestEndpointValidate(t *testing.T) {
	t.Parallel()
	secret := webhook.GenerateSecret()
	good := audit.Endpoint{ID: "default", URL: "https://hooks.example.com/fastauth?token=abc", Secrets: []webhook.Secret{secret}, Types: []string{"member.*"}}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(e *audit.Endpoint){
		"no id":            func(e *audit.Endpoint) { e.ID = "" },
		"upper-case id":    func(e *audit.Endpoint) { e.ID = "Default" },
		"long id":          func(e *audit.Endpoint) { e.ID = strings.Repeat("a", 65) },
		"no secret":        func(e *audit.Endpoint) { e.Secrets = nil },
		"zero secret":      func(e *audit.Endpoint) { e.Secrets = []webhook.Secret{{}} },
		"ftp":              func(e *audit.Endpoint) { e.URL = "ftp://example.com/x" },
		"no host":          func(e *audit.Endpoint) { e.URL = "https:///x" },
		"loopback literal": func(e *audit.Endpoint) { e.URL = "http://127.0.0.1:8080/x" },
		"private literal":  func(e *audit.Endpoint) { e.URL = "http://10.1.2.3/x" },
		"bad pattern":      func(e *audit.Endpoint) { e.Types = []string{"member*"} },
		"star only prefix": func(e *audit.Endpoint) { e.Types = []string{".*"} },
	}
	for name, mutate := range cases {
		e := good
		mutate(&e)
		err := e.Validate()
		if !errors.Is(err, audit.ErrInvalidConfig) {
			t.Errorf("%s: Validate = %v, want ErrInvalidConfig", name, err)
			continue
		}
		if strings.Contains(err.Error(), "token=abc") || strings.Contains(err.Error(), secret.Reveal()) {
			t.Errorf("%s: the error repeats a secret: %v", name, err)
		}
	}
	private := good
	private.URL, private.AllowPrivate = "http://127.0.0.1:8080/x", true
	if err := private.Validate(); err != nil {
		t.Fatalf("an allowed private endpoint: %v", err)
	}
	if _, err := audit.NewLog(nil, nil); !errors.Is(err, audit.ErrInvalidConfig) {
		t.Fatalf("NewLog(nil) = %v", err)
	}
	if _, err := audit.NewWorker(audit.WorkerConfig{Endpoints: []audit.Endpoint{good}}); !errors.Is(err, audit.ErrInvalidConfig) {
		t.Fatalf("NewWorker without a store = %v", err)
	}
}

// memStore is just enough of an EventStore to see what Log appends.
type memStore struct {
	audit.EventStore
	events    []audit.Event
	endpoints [][]string
}

func (m *memStore) AppendEvent(_ context.Context, e audit.Event, endpoints []string) error {
	m.events = append(m.events, e)
	m.endpoints = append(m.endpoints, endpoints)
	return nil
}

func TestLogRecord(t *testing.T) {
	t.Parallel()
	secret := webhook.GenerateSecret()
	eps := []audit.Endpoint{
		{ID: "members", URL: "https://a.example.com/", Secrets: []webhook.Secret{secret}, Types: []string{"member.*"}},
		{ID: "all", URL: "https://b.example.com/", Secrets: []webhook.Secret{secret}},
	}
	m := &memStore{}
	l, err := audit.NewLog(m, eps)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 999, time.UTC)
	for _, typ := range []string{audit.TypeMemberAdded, audit.TypeUserSignedIn} {
		if err := l.Record(context.Background(), audit.Event{ID: "id-" + typ[:4], Type: typ, OccurredAt: at, Target: audit.Target{Type: "user"}}); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(m.endpoints[0], ",") != "members,all" || strings.Join(m.endpoints[1], ",") != "all" {
		t.Fatalf("endpoints %q", m.endpoints)
	}
	if m.events[0].OccurredAt.Nanosecond() != 0 || string(m.events[0].Data) != "{}" {
		t.Fatalf("Record did not normalize: %+v", m.events[0])
	}
	if err := l.Record(context.Background(), audit.Event{ID: "x", Type: "bad", OccurredAt: at, Target: audit.Target{Type: "user"}}); !errors.Is(err, audit.ErrInvalidEvent) || len(m.events) != 2 {
		t.Fatalf("Record(invalid) = %v, %d appended", err, len(m.events))
	}
	dup := append(eps, eps[0])
	if _, err := audit.NewLog(m, dup); !errors.Is(err, audit.ErrInvalidConfig) {
		t.Fatalf("NewLog with a duplicate id = %v", err)
	}
}
