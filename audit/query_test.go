package audit_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/fastauth/fastauth/audit"
)

func TestParseQuery(t *testing.T) {
	t.Parallel()
	c := audit.Cursor{OccurredAt: time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), ID: "0190a0a0-0000-7000-8000-000000000001"}
	ok := []struct {
		query string
		want  audit.Query
	}{
		{"", audit.Query{Limit: audit.DefaultLimit}},
		{"limit=1", audit.Query{Limit: 1}},
		{"limit=100&type=member.added", audit.Query{Limit: 100, Type: "member.added"}},
		{"before=" + c.String(), audit.Query{Limit: audit.DefaultLimit, Before: &c}},
		{"other=x", audit.Query{Limit: audit.DefaultLimit}},
	}
	for _, k := range ok {
		vals, _ := url.ParseQuery(k.query)
		got, err := audit.ParseQuery(vals)
		if err != nil {
			t.Errorf("ParseQuery(%q) = %v", k.query, err)
			continue
		}
		if got.Limit != k.want.Limit || got.Type != k.want.Type || (got.Before == nil) != (k.want.Before == nil) ||
			(got.Before != nil && (!got.Before.OccurredAt.Equal(c.OccurredAt) || got.Before.ID != c.ID)) {
			t.Errorf("ParseQuery(%q) = %+v, want %+v", k.query, got, k.want)
		}
	}
	for _, bad := range []string{"limit=0", "limit=101", "limit=-1", "limit=1e2", "limit=", "limit=5&limit=6", "limit=%20", "limit=99999999999999999999",
		"before=", "before=junk", "before=" + c.String() + "x", "before=bm90LWEtY3Vyc29y", "before=MTIzOg", "before=LTE6YQ", "before=MDAxOmE",
		"type=", "type=member", "type=MEMBER.ADDED", "type=member.*", "type=a&type=b"} {
		vals, _ := url.ParseQuery(bad)
		if _, err := audit.ParseQuery(vals); !errors.Is(err, audit.ErrInvalidQuery) {
			t.Errorf("ParseQuery(%q) = %v, want ErrInvalidQuery", bad, err)
		}
	}
}

func FuzzParseCursor(f *testing.F) {
	f.Add(audit.Cursor{OccurredAt: time.Unix(1767322800, 123000), ID: "abc"}.String())
	f.Add("MTIzOmFiYw")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := audit.ParseCursor(s)
		if err != nil {
			if !errors.Is(err, audit.ErrInvalidQuery) {
				t.Fatalf("error %v does not wrap ErrInvalidQuery", err)
			}
			return
		}
		back, err := audit.ParseCursor(c.String())
		if err != nil || !back.OccurredAt.Equal(c.OccurredAt) || back.ID != c.ID {
			t.Fatalf("cursor %q does not round-trip: %+v, %v", s, back, err)
		}
	})
}

func TestPageBody(t *testing.T) {
	t.Parallel()
	b, _ := json.Marshal(audit.Page{}.Body())
	if string(b) != `{"items":[],"next_before":null}` {
		t.Fatalf("empty page: %s", b)
	}
	next := audit.Cursor{OccurredAt: time.Unix(10, 0), ID: "x"}
	body := audit.Page{Events: []audit.Event{{ID: "x"}}, Next: &next}.Body()
	if body.NextBefore == nil || *body.NextBefore != next.String() || len(body.Items) != 1 {
		t.Fatalf("page body %+v", body)
	}
}
