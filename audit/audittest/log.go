package audittest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/audit"
)

var logScenarios = []scenario{
	{"RoundTrip", testRoundTrip},
	{"InvalidEventsAreRefused", testInvalidEvents},
	{"DuplicateIDIsRefused", testDuplicateID},
	{"OrganizationPages", testOrganizationPages},
	{"TypeFilter", testTypeFilter},
	{"SecurityLog", testSecurityLog},
	{"InvalidQueries", testInvalidQueries},
	{"Retention", testRetention},
}

func testRoundTrip(t *testing.T, st audit.Store) {
	ctx := context.Background()
	full := audit.Event{
		ID:             newID(t),
		Type:           audit.TypeAPIKeyCreated,
		OccurredAt:     base.Add(123456789 * time.Nanosecond), // stored to the microsecond
		Actor:          audit.Actor{UserID: newID(t), APIKeyID: newID(t)},
		OrganizationID: newID(t),
		Target:         audit.Target{Type: "api_key", ID: newID(t)},
		IP:             "2001:db8::1",
		UserAgent:      "Mozilla/5.0 " + strings.Repeat("é", 400), // cut to 512 bytes at a rune boundary
		Data:           json.RawMessage(`{"name":"ci","scopes":["a","b"]}`),
	}
	bare := audit.Event{ID: newID(t), Type: audit.TypeUserSignInFailed, OccurredAt: base, Target: audit.Target{Type: audit.TargetUser}}
	for _, e := range []audit.Event{full, bare} {
		want := mustAppend(t, st, e)
		got, err := st.Event(ctx, e.ID)
		if err != nil {
			t.Fatalf("Event: %v", err)
		}
		sameEvent(t, got, want)
		if len(got.UserAgent) > audit.MaxUserAgentLen {
			t.Fatalf("user agent of %d bytes stored", len(got.UserAgent))
		}
	}
	got, _ := st.Event(ctx, bare.ID)
	b, _ := json.Marshal(got)
	for _, null := range []string{`"user_id":null`, `"api_key_id":null`, `"organization_id":null`, `"id":null`, `"ip":null`, `"user_agent":null`, `"data":{}`} {
		if !strings.Contains(string(b), null) {
			t.Errorf("JSON of an event without optional fields lacks %s: %s", null, b)
		}
	}
	if _, err := st.Event(ctx, newID(t)); !errors.Is(err, audit.ErrNotFound) {
		t.Fatalf("Event(unknown) = %v, want ErrNotFound", err)
	}
}

func testInvalidEvents(t *testing.T, st audit.Store) {
	ctx := context.Background()
	good := event(t, audit.TypeMemberAdded, base, newID(t), newID(t), audit.Target{Type: audit.TargetUser, ID: newID(t)})
	cases := map[string]func(e *audit.Event){
		"no id":          func(e *audit.Event) { e.ID = "" },
		"id with a dot":  func(e *audit.Event) { e.ID = "a.b" },
		"type":           func(e *audit.Event) { e.Type = "Member Added" },
		"one-word type":  func(e *audit.Event) { e.Type = "member" },
		"no time":        func(e *audit.Event) { e.OccurredAt = time.Time{} },
		"no target type": func(e *audit.Event) { e.Target.Type = "" },
		"array data":     func(e *audit.Event) { e.Data = json.RawMessage(`[1]`) },
		"broken data":    func(e *audit.Event) { e.Data = json.RawMessage(`{"a":`) },
		"long ip":        func(e *audit.Event) { e.IP = strings.Repeat("1", 65) },
		"huge data": func(e *audit.Event) {
			e.Data = json.RawMessage(`{"a":"` + strings.Repeat("x", audit.MaxDataBytes) + `"}`)
		},
		"long actor":       func(e *audit.Event) { e.Actor.UserID = strings.Repeat("a", 37) },
		"long target id":   func(e *audit.Event) { e.Target.ID = strings.Repeat("a", 256) },
		"long org":         func(e *audit.Event) { e.OrganizationID = strings.Repeat("a", 37) },
		"long target type": func(e *audit.Event) { e.Target.Type = strings.Repeat("a", 33) },
	}
	for name, mutate := range cases {
		e := good
		e.ID = newID(t)
		mutate(&e)
		if err := st.AppendEvent(ctx, e, []string{"ep"}); !errors.Is(err, audit.ErrInvalidEvent) {
			t.Errorf("%s: AppendEvent = %v, want ErrInvalidEvent", name, err)
		}
		if e.ID != "" && !strings.Contains(e.ID, ".") {
			if _, err := st.Event(ctx, e.ID); !errors.Is(err, audit.ErrNotFound) {
				t.Errorf("%s: the refused event was stored (%v)", name, err)
			}
		}
	}
	if n, err := st.PendingDeliveries(ctx, nil); err != nil || n != 0 {
		t.Fatalf("refused events queued %d deliveries (%v)", n, err)
	}
}

func testDuplicateID(t *testing.T, st audit.Store) {
	ctx := context.Background()
	e := mustAppend(t, st, event(t, audit.TypeOrganizationCreated, base, newID(t), newID(t), audit.Target{Type: "organization", ID: newID(t)}), "ep")
	dup := event(t, audit.TypeOrganizationDeleted, base.Add(time.Second), newID(t), newID(t), audit.Target{Type: "organization", ID: newID(t)})
	dup.ID = e.ID
	if err := st.AppendEvent(ctx, dup, []string{"ep", "other"}); err == nil {
		t.Fatal("a second event with the same id was stored")
	}
	got, err := st.Event(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameEvent(t, got, e)
	if _, err := st.Delivery(ctx, e.ID, "other"); !errors.Is(err, audit.ErrNotFound) {
		t.Fatalf("the refused duplicate queued a delivery (%v)", err)
	}
}

// sortNewestFirst orders events as the logs do.
func sortNewestFirst(es []audit.Event) {
	slices.SortFunc(es, func(a, b audit.Event) int {
		if c := b.OccurredAt.Compare(a.OccurredAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
}

// pageAll reads every page of list with limit, checking page sizes.
func pageAll(t *testing.T, limit int, list func(q audit.Query) (audit.Page, error), typ string) []audit.Event {
	t.Helper()
	var all []audit.Event
	q := audit.Query{Limit: limit, Type: typ}
	for range 100 {
		p, err := list(q)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		if len(p.Events) > limit {
			t.Fatalf("page of %d events for limit %d", len(p.Events), limit)
		}
		all = append(all, p.Events...)
		if p.Next == nil {
			return all
		}
		if len(p.Events) != limit {
			t.Fatalf("a page of %d (limit %d) has a next cursor", len(p.Events), limit)
		}
		// The cursor goes through its string form, as it does over HTTP.
		c, err := audit.ParseCursor(p.Next.String())
		if err != nil {
			t.Fatalf("ParseCursor(next): %v", err)
		}
		q.Before = &c
	}
	t.Fatal("more than 100 pages")
	return nil
}

func testOrganizationPages(t *testing.T, st audit.Store) {
	ctx := context.Background()
	orgA, orgB := newID(t), newID(t)
	var wantA []audit.Event
	for i := range 25 {
		at := base.Add(time.Duration(i/3) * time.Second) // groups of three share a time: the id breaks the tie
		e := mustAppend(t, st, event(t, audit.TypeMemberAdded, at, orgA, newID(t), audit.Target{Type: audit.TargetUser, ID: newID(t)}))
		wantA = append(wantA, e)
		if i%5 == 0 {
			mustAppend(t, st, event(t, audit.TypeMemberAdded, at, orgB, newID(t), audit.Target{Type: audit.TargetUser, ID: newID(t)}))
		}
	}
	mustAppend(t, st, event(t, audit.TypeUserSignedIn, base, "", newID(t), audit.Target{Type: audit.TargetUser, ID: newID(t)}))
	sortNewestFirst(wantA)
	list := func(q audit.Query) (audit.Page, error) { return st.OrganizationEvents(ctx, orgA, q) }
	for _, limit := range []int{1, 7, 10, 25, 100} {
		got := pageAll(t, limit, list, "")
		if !slices.Equal(ids(got), ids(wantA)) {
			t.Fatalf("limit %d: pages give\n%s\nwant\n%s", limit, fmtIDs(ids(got)), fmtIDs(ids(wantA)))
		}
	}
	p, err := st.OrganizationEvents(ctx, orgA, audit.Query{Limit: 25})
	if err != nil || len(p.Events) != 25 || p.Next != nil {
		t.Fatalf("a page holding the whole log: %d events, next %v, err %v", len(p.Events), p.Next, err)
	}
	sameEvent(t, p.Events[0], wantA[0])
	p, err = st.OrganizationEvents(ctx, newID(t), audit.Query{Limit: 10})
	if err != nil || len(p.Events) != 0 || p.Next != nil {
		t.Fatalf("an organization without events: %+v, %v", p, err)
	}
	// A cursor past the oldest event gives an empty last page.
	last := audit.CursorOf(wantA[len(wantA)-1])
	p, err = st.OrganizationEvents(ctx, orgA, audit.Query{Limit: 10, Before: &last})
	if err != nil || len(p.Events) != 0 || p.Next != nil {
		t.Fatalf("after the oldest event: %+v, %v", p, err)
	}
}

func testTypeFilter(t *testing.T, st audit.Store) {
	ctx := context.Background()
	org := newID(t)
	var invites []audit.Event
	for i := range 12 {
		typ := audit.TypeMemberAdded
		if i%3 == 0 {
			typ = audit.TypeInviteCreated
		}
		e := mustAppend(t, st, event(t, typ, base.Add(time.Duration(i)*time.Minute), org, newID(t), audit.Target{Type: "invite", ID: newID(t)}))
		if typ == audit.TypeInviteCreated {
			invites = append(invites, e)
		}
	}
	sortNewestFirst(invites)
	got := pageAll(t, 3, func(q audit.Query) (audit.Page, error) { return st.OrganizationEvents(ctx, org, q) }, audit.TypeInviteCreated)
	if !slices.Equal(ids(got), ids(invites)) {
		t.Fatalf("type filter gives %v, want %v", ids(got), ids(invites))
	}
	p, err := st.OrganizationEvents(ctx, org, audit.Query{Limit: 10, Type: "role.created"})
	if err != nil || len(p.Events) != 0 {
		t.Fatalf("a type without events: %+v, %v", p, err)
	}
}

func testSecurityLog(t *testing.T, st audit.Store) {
	ctx := context.Background()
	u, v, org := newID(t), newID(t), newID(t)
	at := func(i int) time.Time { return base.Add(time.Duration(i) * time.Minute) }
	e1 := mustAppend(t, st, event(t, audit.TypeUserSignedIn, at(1), org, u, audit.Target{Type: audit.TargetUser, ID: u}))
	e2 := mustAppend(t, st, event(t, audit.TypeUserSignInFailed, at(2), "", "", audit.Target{Type: audit.TargetUser, ID: u}))
	e3 := mustAppend(t, st, event(t, audit.TypeMemberRoleChanged, at(3), org, v, audit.Target{Type: audit.TargetUser, ID: u}))
	e4 := mustAppend(t, st, event(t, audit.TypeAPIKeyCreated, at(4), org, u, audit.Target{Type: "api_key", ID: newID(t)}))
	e5 := mustAppend(t, st, event(t, audit.TypeOrganizationUpdated, at(5), org, v, audit.Target{Type: "organization", ID: org}))
	mustAppend(t, st, event(t, audit.TypeUserSignInFailed, at(6), "", "", audit.Target{Type: audit.TargetUser}))
	check := func(user string, want ...audit.Event) {
		t.Helper()
		got := pageAll(t, 2, func(q audit.Query) (audit.Page, error) { return st.UserEvents(ctx, user, q) }, "")
		if !slices.Equal(ids(got), ids(want)) {
			t.Fatalf("security log of %s: %v, want %v", user, ids(got), ids(want))
		}
	}
	check(u, e4, e3, e2, e1) // failed sign-in and a change by someone else included
	check(v, e5)
	check(newID(t))
	p, err := st.UserEvents(ctx, "", audit.Query{Limit: 10})
	if err != nil || len(p.Events) != 0 {
		t.Fatalf("events of no user: %+v, %v", p, err)
	}
	got := pageAll(t, 10, func(q audit.Query) (audit.Page, error) { return st.UserEvents(ctx, u, q) }, audit.TypeUserSignInFailed)
	if !slices.Equal(ids(got), ids([]audit.Event{e2})) {
		t.Fatalf("security log filtered by type: %v", ids(got))
	}
}

func testInvalidQueries(t *testing.T, st audit.Store) {
	ctx := context.Background()
	for _, q := range []audit.Query{{Limit: 0}, {Limit: audit.MaxLimit + 1}, {Limit: 5, Type: "x"}, {Limit: 5, Before: &audit.Cursor{}}} {
		if _, err := st.OrganizationEvents(ctx, newID(t), q); !errors.Is(err, audit.ErrInvalidQuery) {
			t.Errorf("OrganizationEvents(%+v) = %v, want ErrInvalidQuery", q, err)
		}
		if _, err := st.UserEvents(ctx, newID(t), q); !errors.Is(err, audit.ErrInvalidQuery) {
			t.Errorf("UserEvents(%+v) = %v, want ErrInvalidQuery", q, err)
		}
	}
}

func testRetention(t *testing.T, st audit.Store) {
	ctx := context.Background()
	org := newID(t)
	now := base.Add(400 * 24 * time.Hour)
	var old, kept []audit.Event
	const day = 24 * time.Hour
	for _, age := range []time.Duration{800 * day, 500 * day, 366 * day, 365*day + time.Hour, 364 * day, time.Hour, 0} {
		e := mustAppend(t, st, event(t, audit.TypeMemberAdded, now.Add(-age), org, newID(t), audit.Target{Type: "member", ID: newID(t)}), "ep")
		if age > audit.DefaultRetention {
			old = append(old, e)
		} else {
			kept = append(kept, e)
		}
	}
	n, err := audit.Retention{Store: st, Now: func() time.Time { return now }, Batch: 2}.Purge(ctx)
	if err != nil || n != len(old) {
		t.Fatalf("Purge = %d, %v; want %d", n, err, len(old))
	}
	for _, e := range old {
		if _, err := st.Event(ctx, e.ID); !errors.Is(err, audit.ErrNotFound) {
			t.Errorf("event of %v survived the purge", e.OccurredAt)
		}
		if _, err := st.Delivery(ctx, e.ID, "ep"); !errors.Is(err, audit.ErrNotFound) {
			t.Errorf("delivery of a purged event survived (%v)", err)
		}
	}
	for _, e := range kept {
		if _, err := st.Event(ctx, e.ID); err != nil {
			t.Errorf("event of %v purged: %v", e.OccurredAt, err)
		}
	}
	if n, err := st.PurgeEvents(ctx, now, 0); err == nil || n != 0 {
		t.Fatalf("PurgeEvents with limit 0 = %d, %v", n, err)
	}
}
