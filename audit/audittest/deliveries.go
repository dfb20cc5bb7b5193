package audittest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/fastauth/fastauth/audit"
)

var deliveryScenarios = []scenario{
	{"QueuedWithTheEvent", testQueued},
	{"ClaimTakesDueDeliveriesOnce", testClaimDue},
	{"LeaseExpiryHandsOver", testLeaseExpiry},
	{"OutcomesAreRecorded", testOutcomes},
	{"InvalidClaimsAndOutcomes", testInvalidClaims},
}

func testQueued(t *testing.T, st audit.Store) {
	ctx := context.Background()
	e := mustAppend(t, st, event(t, audit.TypeMemberAdded, base, newID(t), newID(t), audit.Target{Type: audit.TargetUser, ID: newID(t)}), "b", "a", "b")
	for _, ep := range []string{"a", "b"} {
		d, err := st.Delivery(ctx, e.ID, ep)
		if err != nil {
			t.Fatalf("Delivery(%s): %v", ep, err)
		}
		if d.Status != audit.StatusPending || d.Attempts != 0 || !d.NextAttemptAt.Equal(e.OccurredAt) ||
			!d.CreatedAt.Equal(e.OccurredAt) || d.LeaseOwner != "" || d.LastAttemptAt != nil || d.DeliveredAt != nil {
			t.Fatalf("new delivery %+v", d)
		}
	}
	if _, err := st.Delivery(ctx, e.ID, "c"); !errors.Is(err, audit.ErrNotFound) {
		t.Fatalf("Delivery(c) = %v, want ErrNotFound", err)
	}
	n, err := st.PendingDeliveries(ctx, nil)
	if err != nil || n != 2 {
		t.Fatalf("PendingDeliveries = %d, %v; want 2 (duplicate endpoint ids queue once)", n, err)
	}
	if n, _ := st.PendingDeliveries(ctx, []string{"a"}); n != 1 {
		t.Fatalf("PendingDeliveries(a) = %d, want 1", n)
	}
	mustAppend(t, st, event(t, audit.TypeMemberRemoved, base, newID(t), newID(t), audit.Target{Type: audit.TargetUser, ID: newID(t)}))
	if n, _ := st.PendingDeliveries(ctx, nil); n != 2 {
		t.Fatalf("an event without endpoints queued a delivery: %d pending", n)
	}
}

func testClaimDue(t *testing.T, st audit.Store) {
	ctx := context.Background()
	var evs []audit.Event
	for i := range 5 {
		evs = append(evs, mustAppend(t, st, event(t, audit.TypeMemberAdded, base.Add(time.Duration(i)*time.Minute), newID(t), newID(t),
			audit.Target{Type: audit.TargetUser, ID: newID(t)}), "a", "other"))
	}
	now := base.Add(2 * time.Minute) // events 0, 1 and 2 are due
	claim := audit.Claim{Owner: "w1", EndpointIDs: []string{"a"}, Now: now, LeaseUntil: now.Add(time.Minute), Limit: 2}
	got, err := st.ClaimDeliveries(ctx, claim)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].EventID != evs[0].ID || got[1].EventID != evs[1].ID {
		t.Fatalf("claimed %v, want the two oldest due", deliveryIDs(got))
	}
	for i, d := range got {
		if d.EndpointID != "a" || d.Attempts != 1 || d.LeaseOwner != "w1" || !d.NextAttemptAt.Equal(claim.LeaseUntil) || d.Status != audit.StatusPending {
			t.Fatalf("claimed delivery %+v", d)
		}
		sameEvent(t, d.Event, evs[i])
	}
	claim.Owner, claim.Limit = "w2", 10
	got, err = st.ClaimDeliveries(ctx, claim)
	if err != nil || len(got) != 1 || got[0].EventID != evs[2].ID {
		t.Fatalf("second claim: %v, %v; want only the third event (the others are leased, the rest not due)", deliveryIDs(got), err)
	}
	got, err = st.ClaimDeliveries(ctx, claim)
	if err != nil || len(got) != 0 {
		t.Fatalf("third claim: %v, %v; want nothing", deliveryIDs(got), err)
	}
	claim.EndpointIDs = nil
	if got, err := st.ClaimDeliveries(ctx, claim); err != nil || len(got) != 0 {
		t.Fatalf("a claim for no endpoint: %v, %v", deliveryIDs(got), err)
	}
	if n, _ := st.PendingDeliveries(ctx, []string{"a"}); n != 5 {
		t.Fatalf("leased deliveries stay pending: %d, want 5", n)
	}
}

func testLeaseExpiry(t *testing.T, st audit.Store) {
	ctx := context.Background()
	e := mustAppend(t, st, event(t, audit.TypeMemberAdded, base, newID(t), newID(t), audit.Target{Type: audit.TargetUser, ID: newID(t)}), "a")
	first, err := st.ClaimDeliveries(ctx, audit.Claim{Owner: "w1", EndpointIDs: []string{"a"}, Now: base, LeaseUntil: base.Add(time.Minute), Limit: 1})
	if err != nil || len(first) != 1 {
		t.Fatalf("claim: %v, %v", first, err)
	}
	if got, _ := st.ClaimDeliveries(ctx, audit.Claim{Owner: "w2", EndpointIDs: []string{"a"}, Now: base.Add(time.Minute - time.Microsecond), LeaseUntil: base.Add(2 * time.Minute), Limit: 1}); len(got) != 0 {
		t.Fatal("claimed during another worker's lease")
	}
	later := base.Add(time.Minute)
	second, err := st.ClaimDeliveries(ctx, audit.Claim{Owner: "w2", EndpointIDs: []string{"a"}, Now: later, LeaseUntil: later.Add(time.Minute), Limit: 1})
	if err != nil || len(second) != 1 || second[0].Attempts != 2 || second[0].LeaseOwner != "w2" {
		t.Fatalf("claim after the lease expired: %+v, %v", second, err)
	}
	// The first worker comes back late: its outcome is refused.
	err = st.FinishAttempt(ctx, audit.Outcome{EventID: e.ID, EndpointID: "a", Owner: "w1", Attempt: 1, Status: audit.StatusDelivered, At: later})
	if !errors.Is(err, audit.ErrLeaseLost) {
		t.Fatalf("FinishAttempt of an expired claim = %v, want ErrLeaseLost", err)
	}
	// Same owner, older attempt: refused too.
	err = st.FinishAttempt(ctx, audit.Outcome{EventID: e.ID, EndpointID: "a", Owner: "w2", Attempt: 1, Status: audit.StatusDelivered, At: later})
	if !errors.Is(err, audit.ErrLeaseLost) {
		t.Fatalf("FinishAttempt with the wrong attempt = %v, want ErrLeaseLost", err)
	}
	if err := st.FinishAttempt(ctx, audit.Outcome{EventID: e.ID, EndpointID: "a", Owner: "w2", Attempt: 2, Status: audit.StatusDelivered, At: later, StatusCode: 204}); err != nil {
		t.Fatalf("FinishAttempt of the current claim: %v", err)
	}
	err = st.FinishAttempt(ctx, audit.Outcome{EventID: e.ID, EndpointID: "a", Owner: "w2", Attempt: 2, Status: audit.StatusFailed, At: later})
	if !errors.Is(err, audit.ErrLeaseLost) {
		t.Fatalf("a second FinishAttempt of one claim = %v, want ErrLeaseLost", err)
	}
}

func testOutcomes(t *testing.T, st audit.Store) {
	ctx := context.Background()
	var evs []audit.Event
	for range 3 {
		evs = append(evs, mustAppend(t, st, event(t, audit.TypeMemberAdded, base, newID(t), newID(t), audit.Target{Type: audit.TargetUser, ID: newID(t)}), "a"))
	}
	claimed, err := st.ClaimDeliveries(ctx, audit.Claim{Owner: "w", EndpointIDs: []string{"a"}, Now: base, LeaseUntil: base.Add(time.Minute), Limit: 3})
	if err != nil || len(claimed) != 3 {
		t.Fatalf("claim: %v, %v", claimed, err)
	}
	end := base.Add(2 * time.Second)
	retryAt := base.Add(30 * time.Second)
	outcomes := []audit.Outcome{
		{Status: audit.StatusDelivered, StatusCode: 200},
		{Status: audit.StatusPending, NextAttemptAt: retryAt, StatusCode: 503, Error: "HTTP 503"},
		{Status: audit.StatusFailed, StatusCode: 0, Error: "timeout " + repeat("x", 300)},
	}
	for i, o := range outcomes {
		o.EventID, o.EndpointID, o.Owner, o.Attempt, o.At = claimed[i].EventID, "a", "w", 1, end
		if err := st.FinishAttempt(ctx, o); err != nil {
			t.Fatalf("FinishAttempt(%s): %v", o.Status, err)
		}
	}
	get := func(i int) audit.Delivery {
		d, err := st.Delivery(ctx, claimed[i].EventID, "a")
		if err != nil {
			t.Fatal(err)
		}
		if d.LeaseOwner != "" || d.LastAttemptAt == nil || !d.LastAttemptAt.Equal(end) || d.Attempts != 1 {
			t.Fatalf("finished delivery %+v", d)
		}
		return d
	}
	if d := get(0); d.Status != audit.StatusDelivered || d.DeliveredAt == nil || !d.DeliveredAt.Equal(end) || d.LastStatusCode != 200 || d.LastError != "" {
		t.Fatalf("delivered: %+v", d)
	}
	if d := get(1); d.Status != audit.StatusPending || !d.NextAttemptAt.Equal(retryAt) || d.LastStatusCode != 503 || d.LastError != "HTTP 503" || d.DeliveredAt != nil {
		t.Fatalf("to retry: %+v", d)
	}
	if d := get(2); d.Status != audit.StatusFailed || d.LastError == "" || len(d.LastError) > 255 {
		t.Fatalf("failed: %+v", d)
	}
	if n, _ := st.PendingDeliveries(ctx, nil); n != 1 {
		t.Fatalf("pending = %d, want 1", n)
	}
	// The retry is due at retryAt, not before; finished ones never again.
	if got, _ := st.ClaimDeliveries(ctx, audit.Claim{Owner: "w", EndpointIDs: []string{"a"}, Now: retryAt.Add(-time.Microsecond), LeaseUntil: retryAt.Add(time.Minute), Limit: 10}); len(got) != 0 {
		t.Fatalf("claimed before the retry time: %v", deliveryIDs(got))
	}
	got, err := st.ClaimDeliveries(ctx, audit.Claim{Owner: "w", EndpointIDs: []string{"a"}, Now: retryAt.Add(time.Hour), LeaseUntil: retryAt.Add(2 * time.Hour), Limit: 10})
	if err != nil || len(got) != 1 || got[0].EventID != evs[1].ID || got[0].Attempts != 2 {
		t.Fatalf("claim of the retry: %v, %v", deliveryIDs(got), err)
	}
}

func testInvalidClaims(t *testing.T, st audit.Store) {
	ctx := context.Background()
	for _, c := range []audit.Claim{
		{Owner: "", EndpointIDs: []string{"a"}, Now: base, LeaseUntil: base.Add(time.Minute), Limit: 1},
		{Owner: "w", EndpointIDs: []string{"a"}, Now: base, LeaseUntil: base.Add(time.Minute), Limit: 0},
		{Owner: "w", EndpointIDs: []string{"a"}, Now: base, LeaseUntil: base, Limit: 1},
	} {
		if _, err := st.ClaimDeliveries(ctx, c); err == nil {
			t.Errorf("ClaimDeliveries(%+v) succeeded", c)
		}
	}
	err := st.FinishAttempt(ctx, audit.Outcome{EventID: newID(t), EndpointID: "a", Owner: "w", Attempt: 1, Status: audit.StatusDelivered, At: base})
	if !errors.Is(err, audit.ErrLeaseLost) {
		t.Fatalf("FinishAttempt of an unknown delivery = %v, want ErrLeaseLost", err)
	}
	err = st.FinishAttempt(ctx, audit.Outcome{EventID: newID(t), EndpointID: "a", Owner: "w", Attempt: 1, Status: "lost", At: base})
	if err == nil {
		t.Fatal("FinishAttempt with an unknown status succeeded")
	}
}

func deliveryIDs(ds []audit.Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.EventID + "/" + d.EndpointID
	}
	slices.Sort(out)
	return out
}

func repeat(s string, n int) string {
	out := make([]byte, 0, len(s)*n)
	for range n {
		out = append(out, s...)
	}
	return string(out)
}
