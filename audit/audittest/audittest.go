// Package audittest checks an implementation of audit.Store: the event
// log (append, the two keyset-paged views, retention), the delivery queue
// (claims, leases, outcomes) with real goroutines racing for deliveries,
// and the webhook Worker running on the store against real HTTP receivers
// that verify every signature with package webhook.
//
//	func TestAudit(t *testing.T) {
//		audittest.Run(t, func(t *testing.T) audit.Store {
//			st := openFreshStore(t)
//			if err := st.Migrate(context.Background()); err != nil {
//				t.Fatal(err)
//			}
//			return st
//		})
//	}
//
// open must return a fresh, migrated store on every call; scenarios run in
// parallel, each on its own store.
package audittest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fastauth/fastauth/audit"
)

// Factory returns a fresh, migrated store. It may skip or fail t.
type Factory func(t *testing.T) audit.Store

// Run runs every scenario; subtests are named Log/..., Deliveries/...,
// Race/... and Worker/....
func Run(t *testing.T, open Factory) {
	t.Helper()
	groups := []struct {
		name      string
		scenarios []scenario
	}{
		{"Log", logScenarios},
		{"Deliveries", deliveryScenarios},
		{"Race", raceScenarios},
		{"Worker", workerScenarios},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			for _, s := range g.scenarios {
				t.Run(s.name, func(t *testing.T) {
					t.Parallel()
					s.run(t, open(t))
				})
			}
		})
	}
}

// scenario is one named check on a fresh store.
type scenario struct {
	name string
	run  func(t *testing.T, st audit.Store)
}

// base is the fake clock's start.
var base = time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)

// clock is a fake clock safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: base} }

// Now returns the current fake time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// newID returns a UUIDv7 string.
func newID(t testing.TB) string {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

// event returns a valid event of type typ at at, in org, acting user
// actor, about target user/other.
func event(t testing.TB, typ string, at time.Time, org, actor string, target audit.Target) audit.Event {
	t.Helper()
	data, _ := json.Marshal(map[string]any{"n": at.UnixMicro()})
	return audit.Event{
		ID:             newID(t),
		Type:           typ,
		OccurredAt:     at,
		Actor:          audit.Actor{UserID: actor},
		OrganizationID: org,
		Target:         target,
		IP:             "203.0.113.7",
		UserAgent:      "audittest/1",
		Data:           data,
	}
}

// mustAppend appends e with deliveries to endpoints, failing t on error.
func mustAppend(t testing.TB, st audit.Store, e audit.Event, endpoints ...string) audit.Event {
	t.Helper()
	if err := st.AppendEvent(context.Background(), e, endpoints); err != nil {
		t.Fatalf("AppendEvent(%s): %v", e.Type, err)
	}
	return e.Normalize()
}

// sameEvent compares two events field by field (Data as JSON).
func sameEvent(t testing.TB, got, want audit.Event) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Fatalf("event differs:\n got %s\nwant %s", g, w)
	}
}

// ids lists the ids of events.
func ids(es []audit.Event) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func fmtIDs(s []string) string { return fmt.Sprint(s) }
