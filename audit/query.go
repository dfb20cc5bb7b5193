package audit

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Page sizes of the log routes.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Query selects one page of a log: the newest events first, at most Limit
// of them, older than Before when it is set, of one Type when it is set.
type Query struct {
	// Limit is the page size, 1 to MaxLimit.
	Limit int
	// Before continues a listing: only events that sort after it (older,
	// or as old with a smaller id). Nil starts with the newest.
	Before *Cursor
	// Type keeps only events of this type; empty keeps all.
	Type string
}

// Cursor is a position in a log, ordered by (OccurredAt, ID): the last
// event of a page. Its String form is the next_before of the log routes,
// opaque to clients.
type Cursor struct {
	// OccurredAt is the event's time, to the microsecond.
	OccurredAt time.Time
	// ID is the event's id, which breaks ties between events of the same
	// microsecond.
	ID string
}

// CursorOf is the position of e.
func CursorOf(e Event) Cursor {
	return Cursor{OccurredAt: e.OccurredAt.UTC().Truncate(time.Microsecond), ID: e.ID}
}

// String encodes c as the unpadded base64url of "<unix microseconds>:<id>".
func (c Cursor) String() string {
	raw := strconv.FormatInt(c.OccurredAt.UnixMicro(), 10) + ":" + c.ID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// ParseCursor reads a cursor written by Cursor.String; anything else is
// an error wrapping ErrInvalidQuery.
func ParseCursor(s string) (Cursor, error) {
	bad := fmt.Errorf("%w: before is not a cursor from next_before", ErrInvalidQuery)
	if s == "" || len(s) > 128 {
		return Cursor{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	micros, id, ok := strings.Cut(string(raw), ":")
	if !ok || id == "" || len(id) > MaxIDLen || !printable(id) {
		return Cursor{}, bad
	}
	n, err := strconv.ParseInt(micros, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != micros {
		return Cursor{}, bad
	}
	return Cursor{OccurredAt: time.UnixMicro(n).UTC(), ID: id}, nil
}

// ParseQuery reads the query string of the log routes: limit (1 to
// MaxLimit, default DefaultLimit), before (a next_before) and type (an
// event type). Repeated, empty or malformed values give an error wrapping
// ErrInvalidQuery whose text the routes answer with 400 invalid_request.
// Other parameters are ignored.
func ParseQuery(values url.Values) (Query, error) {
	q := Query{Limit: DefaultLimit}
	one := func(name string) (string, bool, error) {
		v, ok := values[name]
		if !ok {
			return "", false, nil
		}
		if len(v) != 1 || v[0] == "" {
			return "", false, fmt.Errorf("%w: %s must be given once, not empty", ErrInvalidQuery, name)
		}
		return v[0], true, nil
	}
	if v, ok, err := one("limit"); err != nil {
		return Query{}, err
	} else if ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			return Query{}, fmt.Errorf("%w: limit must be an integer from 1 to %d", ErrInvalidQuery, MaxLimit)
		}
		q.Limit = n
	}
	if v, ok, err := one("before"); err != nil {
		return Query{}, err
	} else if ok {
		c, err := ParseCursor(v)
		if err != nil {
			return Query{}, err
		}
		q.Before = &c
	}
	if v, ok, err := one("type"); err != nil {
		return Query{}, err
	} else if ok {
		if !ValidType(v) {
			return Query{}, fmt.Errorf("%w: type must be an event type such as member.added", ErrInvalidQuery)
		}
		q.Type = v
	}
	return q, nil
}

// Validate reports whether a Query built in code is within range (the
// stores refuse others with ErrInvalidQuery).
func (q Query) Validate() error {
	if q.Limit < 1 || q.Limit > MaxLimit {
		return fmt.Errorf("%w: limit must be from 1 to %d", ErrInvalidQuery, MaxLimit)
	}
	if q.Type != "" && !ValidType(q.Type) {
		return fmt.Errorf("%w: malformed type", ErrInvalidQuery)
	}
	if q.Before != nil && (q.Before.ID == "" || len(q.Before.ID) > MaxIDLen) {
		return fmt.Errorf("%w: malformed cursor", ErrInvalidQuery)
	}
	return nil
}

// Page is one page of a log as a store returns it.
type Page struct {
	// Events are the page's events, newest first.
	Events []Event
	// Next is where the following page starts; nil on the last page.
	Next *Cursor
}

// LogPage is the response body of the audit-log and security-log routes:
// {"items":[newest first],"next_before"}.
type LogPage struct {
	// Items are the events, newest first.
	Items []Event `json:"items"`
	// NextBefore is the before of the next page; null on the last page.
	NextBefore *string `json:"next_before" extensions:"x-nullable"`
} //	@name	AuditLogPage

// Body is p as the routes answer it.
func (p Page) Body() LogPage {
	body := LogPage{Items: p.Events}
	if body.Items == nil {
		body.Items = []Event{}
	}
	if p.Next != nil {
		s := p.Next.String()
		body.NextBefore = &s
	}
	return body
}
