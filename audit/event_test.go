package audit_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fastauth/fastauth/audit"
)

func TestEventJSON(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.FixedZone("x", 3600))
	cases := []struct {
		name string
		e    audit.Event
		want string
	}{
		{"full", audit.Event{
			ID: "0190a0a0-0000-7000-8000-000000000001", Type: audit.TypeMemberAdded, OccurredAt: at,
			Actor: audit.Actor{UserID: "u1", APIKeyID: "k1"}, OrganizationID: "o1",
			Target: audit.Target{Type: "user", ID: "u2"}, IP: "203.0.113.7", UserAgent: "ua", Data: json.RawMessage(`{"role":"admin"}`),
		}, `{"id":"0190a0a0-0000-7000-8000-000000000001","type":"member.added","occurred_at":"2026-01-02T02:04:05.123456Z",` +
			`"actor":{"user_id":"u1","api_key_id":"k1"},"organization_id":"o1","target":{"type":"user","id":"u2"},` +
			`"ip":"203.0.113.7","user_agent":"ua","data":{"role":"admin"}}`},
		{"empty optionals are null", audit.Event{ID: "e", Type: audit.TypeUserSignInFailed, OccurredAt: at, Target: audit.Target{Type: "user"}},
			`{"id":"e","type":"user.sign_in_failed","occurred_at":"2026-01-02T02:04:05.123456Z","actor":{"user_id":null,"api_key_id":null},` +
				`"organization_id":null,"target":{"type":"user","id":null},"ip":null,"user_agent":null,"data":{}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(c.e)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != c.want {
				t.Fatalf("got  %s\nwant %s", b, c.want)
			}
			var back audit.Event
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			b2, _ := json.Marshal(back)
			if string(b2) != string(b) {
				t.Fatalf("round trip changed %s into %s", b, b2)
			}
		})
	}
}

func TestValidType(t *testing.T) {
	t.Parallel()
	for _, typ := range audit.Types() {
		if !audit.ValidType(typ) {
			t.Errorf("ValidType(%q) = false", typ)
		}
	}
	if n := len(audit.Types()); n != 35 {
		t.Errorf("%d types, the specification lists 30 and the users module adds 5", n)
	}
	for _, bad := range []string{"", "member", ".member", "member.", "member..added", "Member.added", "member.added!", "1member.added",
		"member.1added", "member._added", "member added", strings.Repeat("a", 60) + ".added"} {
		if audit.ValidType(bad) {
			t.Errorf("ValidType(%q) = true", bad)
		}
	}
	if !audit.ValidType("billing.plan_changed.v2") {
		t.Error("a module's own three-word type refused")
	}
}

func TestNormalizeAndValidate(t *testing.T) {
	t.Parallel()
	e := audit.Event{ID: "id", Type: audit.TypeUserSignedIn, OccurredAt: time.Unix(0, 1500).In(time.FixedZone("y", -7200)),
		Target: audit.Target{Type: "user"}, UserAgent: strings.Repeat("ü", 300)}
	n := e.Normalize()
	if n.OccurredAt.Location() != time.UTC || n.OccurredAt.Nanosecond() != 1000 {
		t.Fatalf("time %v, want UTC to the microsecond", n.OccurredAt)
	}
	if len(n.UserAgent) > audit.MaxUserAgentLen || !utf8.ValidString(n.UserAgent) || len(n.UserAgent) < audit.MaxUserAgentLen-1 {
		t.Fatalf("user agent cut to %d bytes, valid UTF-8 %v", len(n.UserAgent), utf8.ValidString(n.UserAgent))
	}
	if string(n.Data) != "{}" {
		t.Fatalf("empty data normalized to %s", n.Data)
	}
	if err := n.Validate(); err != nil {
		t.Fatal(err)
	}
	n.Data = json.RawMessage(`"secret"`)
	if err := n.Validate(); !errors.Is(err, audit.ErrInvalidEvent) {
		t.Fatalf("Validate(data string) = %v", err)
	}
}

func TestSubject(t *testing.T) {
	t.Parallel()
	cases := []struct {
		e    audit.Event
		want string
	}{
		{audit.Event{Actor: audit.Actor{UserID: "a"}, Target: audit.Target{Type: "user", ID: "b"}}, "b"},
		{audit.Event{Target: audit.Target{Type: "user", ID: "b"}}, "b"},
		{audit.Event{Actor: audit.Actor{UserID: "a"}, Target: audit.Target{Type: "api_key", ID: "k"}}, "a"},
		{audit.Event{Actor: audit.Actor{UserID: "a"}, Target: audit.Target{Type: "user"}}, "a"},
		{audit.Event{Target: audit.Target{Type: "user"}}, ""},
		{audit.Event{Target: audit.Target{Type: "session", ID: "s"}, Data: json.RawMessage(`{"user_id":"u"}`)}, "u"},
		{audit.Event{Actor: audit.Actor{UserID: "a"}, Target: audit.Target{Type: "session", ID: "s"}, Data: json.RawMessage(`{"user_id":"u"}`)}, "a"},
		{audit.Event{Target: audit.Target{Type: "session", ID: "s"}, Data: json.RawMessage(`{"user_id":1}`)}, ""},
		{audit.Event{Target: audit.Target{Type: "session", ID: "s"}, Data: json.RawMessage(`{"user_id":"` + strings.Repeat("x", 37) + `"}`)}, ""},
	}
	for _, c := range cases {
		if got := c.e.Subject(); got != c.want {
			t.Errorf("Subject(%+v) = %q, want %q", c.e, got, c.want)
		}
	}
}
