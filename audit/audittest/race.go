package audittest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fastauth/fastauth/audit"
)

var raceScenarios = []scenario{
	{"ConcurrentClaimsTakeEachDeliveryOnce", testConcurrentClaims},
	{"ConcurrentClaimsOfExpiredLeases", testConcurrentExpired},
}

// claimers is how many goroutines race; each runs its claims on its own
// connection of the store's pool (PostgreSQL and MySQL), so the database
// arbitrates.
const claimers = 8

// claimAll runs claimers goroutines that claim (limit at a time, each
// with its own owner) until a claim comes back empty, finishing what they
// claim when finish is set; it returns how often each delivery was
// claimed.
func claimAll(t *testing.T, st audit.Store, now time.Time, endpoints []string, limit int, finish bool) map[string]int {
	t.Helper()
	ctx := context.Background()
	var (
		mu     sync.Mutex
		counts = map[string]int{}
		wg     sync.WaitGroup
		start  = make(chan struct{})
		errs   = make(chan error, claimers)
	)
	for w := range claimers {
		owner := fmt.Sprintf("worker-%d", w)
		wg.Go(func() {
			<-start
			for {
				got, err := st.ClaimDeliveries(ctx, audit.Claim{Owner: owner, EndpointIDs: endpoints, Now: now, LeaseUntil: now.Add(time.Hour), Limit: limit})
				if err != nil {
					errs <- err
					return
				}
				if len(got) == 0 {
					return
				}
				for _, d := range got {
					if d.LeaseOwner != owner {
						errs <- fmt.Errorf("claim by %s returned lease owner %q", owner, d.LeaseOwner)
						return
					}
					mu.Lock()
					counts[d.EventID+"/"+d.EndpointID]++
					mu.Unlock()
					if finish {
						o := audit.Outcome{EventID: d.EventID, EndpointID: d.EndpointID, Owner: owner, Attempt: d.Attempts, Status: audit.StatusDelivered, At: now}
						if err := st.FinishAttempt(ctx, o); err != nil {
							errs <- fmt.Errorf("FinishAttempt: %w", err)
							return
						}
					}
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return counts
}

// queue appends n events with a delivery to each endpoint.
func queue(t *testing.T, st audit.Store, n int, endpoints ...string) []audit.Event {
	t.Helper()
	evs := make([]audit.Event, n)
	for i := range evs {
		evs[i] = mustAppend(t, st, event(t, audit.TypeMemberAdded, base.Add(time.Duration(i)*time.Millisecond), newID(t), newID(t),
			audit.Target{Type: audit.TargetUser, ID: newID(t)}), endpoints...)
	}
	return evs
}

func checkOnce(t *testing.T, counts map[string]int, evs []audit.Event, endpoints ...string) {
	t.Helper()
	for _, e := range evs {
		for _, ep := range endpoints {
			if n := counts[e.ID+"/"+ep]; n != 1 {
				t.Errorf("delivery %s/%s claimed %d times, want 1", e.ID, ep, n)
			}
		}
	}
	if len(counts) != len(evs)*len(endpoints) {
		t.Errorf("%d deliveries claimed, want %d", len(counts), len(evs)*len(endpoints))
	}
}

func testConcurrentClaims(t *testing.T, st audit.Store) {
	evs := queue(t, st, 40, "a", "b")
	counts := claimAll(t, st, base.Add(time.Second), []string{"a", "b"}, 3, true)
	checkOnce(t, counts, evs, "a", "b")
	if n, _ := st.PendingDeliveries(context.Background(), nil); n != 0 {
		t.Fatalf("%d deliveries still pending", n)
	}
}

func testConcurrentExpired(t *testing.T, st audit.Store) {
	ctx := context.Background()
	evs := queue(t, st, 30, "a")
	// A worker that died holds every delivery; its leases end at base+1m.
	got, err := st.ClaimDeliveries(ctx, audit.Claim{Owner: "dead", EndpointIDs: []string{"a"}, Now: base.Add(time.Second), LeaseUntil: base.Add(time.Minute), Limit: 100})
	if err != nil || len(got) != len(evs) {
		t.Fatalf("first claim: %d, %v", len(got), err)
	}
	counts := claimAll(t, st, base.Add(time.Minute), []string{"a"}, 4, false)
	checkOnce(t, counts, evs, "a")
}
