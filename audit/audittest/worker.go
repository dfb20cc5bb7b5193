package audittest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/webhook"
)

var workerScenarios = []scenario{
	{"SignedDeliveries", testSignedDeliveries},
	{"RetryKeepsTheID", testRetryKeepsID},
	{"HangingReceiverTimesOut", testHangingReceiver},
	{"RedirectIsAFailureGoneIsFinal", testRedirectAndGone},
	{"GivesUpAfterTheSchedule", testGivesUp},
	{"RestartAfterACrashedClaim", testRestartAfterCrash},
	{"RestartMidBackoff", testRestartMidBackoff},
	{"TwoWorkersDeliverEachEventOnce", testTwoWorkers},
	{"PrivateAddressesRefused", testPrivateRefused},
	{"UnknownEndpointsLeftAlone", testUnknownEndpoint},
	{"RunNotifyAndStop", testRunNotifyStop},
	{"StopFinishesAttemptsInFlight", testStopInFlight},
}

// observer counts what a Worker reports.
type observer struct {
	mu      sync.Mutex
	results map[string]int
	depth   int
}

func newObserver() *observer { return &observer{results: map[string]int{}, depth: -1} }

func (o *observer) WebhookDelivery(result string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.results[result]++
}

func (o *observer) WebhookQueueDepth(n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.depth = n
}

func (o *observer) get() (map[string]int, int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := map[string]int{}
	for k, v := range o.results {
		out[k] = v
	}
	return out, o.depth
}

// endpoint returns an endpoint to r (loopback, so AllowPrivate).
func endpoint(id string, r *receiver, secret webhook.Secret, types ...string) audit.Endpoint {
	return audit.Endpoint{ID: id, URL: r.URL(), Secrets: []webhook.Secret{secret}, Types: types, AllowPrivate: true}
}

func newWorker(t *testing.T, cfg audit.WorkerConfig) *audit.Worker {
	t.Helper()
	w, err := audit.NewWorker(cfg)
	if err != nil {
		t.Fatalf("NewWorker: %v", err)
	}
	return w
}

func process(t *testing.T, w *audit.Worker) int {
	t.Helper()
	n, err := w.Process(context.Background())
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	return n
}

func record(t *testing.T, st audit.Store, endpoints []audit.Endpoint, e audit.Event) audit.Event {
	t.Helper()
	l, err := audit.NewLog(st, endpoints)
	if err != nil {
		t.Fatalf("NewLog: %v", err)
	}
	if err := l.Record(context.Background(), e); err != nil {
		t.Fatalf("Record: %v", err)
	}
	return e.Normalize()
}

func delivery(t *testing.T, st audit.Store, eventID, endpointID string) audit.Delivery {
	t.Helper()
	d, err := st.Delivery(context.Background(), eventID, endpointID)
	if err != nil {
		t.Fatalf("Delivery: %v", err)
	}
	return d
}

func memberEvent(t *testing.T, at time.Time) audit.Event {
	return event(t, audit.TypeMemberAdded, at, newID(t), newID(t), audit.Target{Type: audit.TargetUser, ID: newID(t)})
}

func testSignedDeliveries(t *testing.T, st audit.Store) {
	clk := newClock()
	oldSecret, newSecret := webhook.GenerateSecret(), webhook.GenerateSecret()
	members := newReceiver(t, clk, oldSecret, always(http.StatusNoContent))
	all := newReceiver(t, clk, newSecret, always(http.StatusOK))
	// The first endpoint rotates its secret: it signs with both, the
	// receiver knows only the old one.
	epMembers := endpoint("members", members, newSecret, "member.*")
	epMembers.Secrets = append(epMembers.Secrets, oldSecret)
	epAll := endpoint("all", all, newSecret)
	eps := []audit.Endpoint{epMembers, epAll}
	e1 := record(t, st, eps, memberEvent(t, base))
	e2 := record(t, st, eps, event(t, audit.TypeUserSignedIn, base, "", newID(t), audit.Target{Type: audit.TargetUser, ID: newID(t)}))
	obs := newObserver()
	clk.Advance(time.Second)
	w := newWorker(t, audit.WorkerConfig{Store: st, Endpoints: eps, Now: clk.Now, Observer: obs})
	if n := process(t, w); n != 3 {
		t.Fatalf("Process claimed %d, want 3", n)
	}
	gotMembers, _, rejected, _ := members.snapshot()
	gotAll, _, rejected2, _ := all.snapshot()
	if rejected+rejected2 != 0 {
		t.Fatalf("%d requests failed verification", rejected+rejected2)
	}
	if len(gotMembers) != 1 || gotMembers[0].ID != e1.ID {
		t.Fatalf("the member.* endpoint got %+v, want only %s", gotMembers, e1.ID)
	}
	if len(gotMembers[0].Signature) == 0 || len(strings.Split(gotMembers[0].Signature, " ")) != 2 {
		t.Fatalf("a rotating endpoint sends two signatures, got %q", gotMembers[0].Signature)
	}
	if len(gotAll) != 2 {
		t.Fatalf("the catch-all endpoint got %d messages, want 2", len(gotAll))
	}
	for _, got := range append(gotMembers, gotAll...) {
		want := e1
		if got.ID == e2.ID {
			want = e2
		}
		stored, err := st.Event(context.Background(), want.ID)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(stored)
		if got.Payload.Type != want.Type || !got.Payload.Timestamp.Equal(want.OccurredAt) || string(got.Payload.Data) != string(data) {
			t.Fatalf("payload %s, want type %s, timestamp %v, data %s", got.Body, want.Type, want.OccurredAt, data)
		}
		if got.SentAt != strconv.FormatInt(clk.Now().Unix(), 10) {
			t.Fatalf("webhook-timestamp %s, want the attempt's time %d", got.SentAt, clk.Now().Unix())
		}
		var keys map[string]json.RawMessage
		_ = json.Unmarshal(got.Body, &keys)
		if len(keys) != 3 {
			t.Fatalf("body has fields %v, want type, timestamp, data", keys)
		}
	}
	for _, c := range []struct{ ev, ep string }{{e1.ID, "members"}, {e1.ID, "all"}, {e2.ID, "all"}} {
		d := delivery(t, st, c.ev, c.ep)
		if d.Status != audit.StatusDelivered || d.Attempts != 1 || d.DeliveredAt == nil || d.LastError != "" || d.LastStatusCode/100 != 2 {
			t.Fatalf("delivery %s/%s: %+v", c.ev, c.ep, d)
		}
	}
	if _, err := st.Delivery(context.Background(), e2.ID, "members"); !errors.Is(err, audit.ErrNotFound) {
		t.Fatalf("user.signed_in was queued for the member.* endpoint (%v)", err)
	}
	results, depth := obs.get()
	if results[audit.ResultDelivered] != 3 || depth != 0 {
		t.Fatalf("observer saw %v, queue depth %d", results, depth)
	}
}

func testRetryKeepsID(t *testing.T, st audit.Store) {
	clk := newClock()
	secret := webhook.GenerateSecret()
	r := newReceiver(t, clk, secret, func(n int) (int, time.Duration, string) {
		if n == 0 {
			return http.StatusServiceUnavailable, 0, ""
		}
		return http.StatusNoContent, 0, ""
	})
	eps := []audit.Endpoint{endpoint("a", r, secret)}
	e := record(t, st, eps, memberEvent(t, base))
	obs := newObserver()
	w := newWorker(t, audit.WorkerConfig{Store: st, Endpoints: eps, Now: clk.Now, Observer: obs})
	process(t, w)
	d := delivery(t, st, e.ID, "a")
	if d.Status != audit.StatusPending || d.LastStatusCode != 503 || d.LastError != "HTTP 503" {
		t.Fatalf("after a 503: %+v", d)
	}
	if wait := d.NextAttemptAt.Sub(*d.LastAttemptAt); wait <= 0 || wait > time.Minute {
		t.Fatalf("first retry after %v, want within a minute", wait)
	}
	if n := process(t, w); n != 0 {
		t.Fatalf("the retry was claimed %v early", d.NextAttemptAt.Sub(clk.Now()))
	}
	clk.Set(d.NextAttemptAt)
	process(t, w)
	got, requests, _, _ := r.snapshot()
	if requests != 2 || len(got) != 2 || got[0].ID != e.ID || got[1].ID != e.ID {
		t.Fatalf("receiver saw %d requests, ids %+v; want the same webhook-id twice", requests, got)
	}
	if string(got[0].Body) != string(got[1].Body) {
		t.Fatal("a retry sent a different body")
	}
	if got[0].SentAt == got[1].SentAt {
		t.Fatal("a retry kept the old webhook-timestamp")
	}
	if d := delivery(t, st, e.ID, "a"); d.Status != audit.StatusDelivered || d.Attempts != 2 {
		t.Fatalf("after the retry: %+v", d)
	}
	if results, _ := obs.get(); results[audit.ResultRetry] != 1 || results[audit.ResultDelivered] != 1 {
		t.Fatalf("observer saw %v", results)
	}
}

// testHangingReceiver: an attempt on a receiver that never answers ends
// at the timeout and is recorded as a retry; the worker is not stuck (the
// next delivery goes out in the next round, one delivery per round here),
// and the retry after the timeout carries the same webhook-id.
func testHangingReceiver(t *testing.T, st audit.Store) {
	clk := newClock()
	secret := webhook.GenerateSecret()
	r := newReceiver(t, clk, secret, func(n int) (int, time.Duration, string) {
		if n == 0 {
			return 200, time.Minute, ""
		}
		return http.StatusNoContent, 0, ""
	})
	eps := []audit.Endpoint{endpoint("a", r, secret)}
	e1 := record(t, st, eps, memberEvent(t, base))
	e2 := record(t, st, eps, memberEvent(t, base))
	obs := newObserver()
	w := newWorker(t, audit.WorkerConfig{Store: st, Endpoints: eps, Now: clk.Now, Timeout: 300 * time.Millisecond, BatchSize: 1, Observer: obs})
	start := time.Now()
	if n := process(t, w); n != 1 {
		t.Fatalf("Process claimed %d, want 1", n)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("an attempt on a hanging receiver took %v", took)
	}
	hung, other := e1, e2
	if d := delivery(t, st, e1.ID, "a"); d.Attempts == 0 {
		hung, other = e2, e1
	}
	d := delivery(t, st, hung.ID, "a")
	if d.Status != audit.StatusPending || d.LastError != "timeout" || d.LastStatusCode != 0 || d.LeaseOwner != "" || d.Attempts != 1 {
		t.Fatalf("after a timeout: %+v", d)
	}
	if results, _ := obs.get(); results[audit.ResultRetry] != 1 {
		t.Fatalf("observer saw %v, want one retry", results)
	}
	// The worker is not stuck: the other delivery goes out next round.
	if n := process(t, w); n != 1 {
		t.Fatalf("the round after a timeout claimed %d, want the other delivery", n)
	}
	if d := delivery(t, st, other.ID, "a"); d.Status != audit.StatusDelivered || d.Attempts != 1 {
		t.Fatalf("the delivery after the hanging one: %+v", d)
	}
	// The retry after the timeout keeps the webhook-id.
	clk.Set(d.NextAttemptAt)
	if n := process(t, w); n != 1 {
		t.Fatalf("the retry round claimed %d, want 1", n)
	}
	if d := delivery(t, st, hung.ID, "a"); d.Status != audit.StatusDelivered || d.Attempts != 2 {
		t.Fatalf("after the retry: %+v", d)
	}
	got, requests, rejected, _ := r.snapshot()
	if requests != 3 || rejected != 0 || len(got) != 2 || got[0].ID != other.ID || got[1].ID != hung.ID {
		t.Fatalf("receiver saw %d requests (%d rejected), answered %+v; want the hung webhook-id %s again last", requests, rejected, got, hung.ID)
	}
}

func testRedirectAndGone(t *testing.T, st audit.Store) {
	clk := newClock()
	secret := webhook.GenerateSecret()
	redirect := newReceiver(t, clk, secret, func(int) (int, time.Duration, string) { return http.StatusFound, 0, "/elsewhere" })
	gone := newReceiver(t, clk, secret, always(http.StatusGone))
	eps := []audit.Endpoint{endpoint("redirect", redirect, secret), endpoint("gone", gone, secret)}
	e := record(t, st, eps, memberEvent(t, base))
	w := newWorker(t, audit.WorkerConfig{Store: st, Endpoints: eps, Now: clk.Now})
	process(t, w)
	if _, requests, rejected, _ := redirect.snapshot(); requests != 1 || rejected != 0 {
		t.Fatalf("the redirect was followed: %d requests (%d rejected)", requests, rejected)
	}
	if d := delivery(t, st, e.ID, "redirect"); d.Status != audit.StatusPending || d.LastStatusCode != 302 || !strings.Contains(d.LastError, "302") {
		t.Fatalf("after a redirect: %+v", d)
	}
	if d := delivery(t, st, e.ID, "gone"); d.Status != audit.StatusFailed || d.Attempts != 1 || d.LastStatusCode != 410 {
		t.Fatalf("after 410 Gone: %+v", d)
	}
}

func testGivesUp(t *testing.T, st audit.Store) {
	clk := newClock()
	secret := webhook.GenerateSecret()
	r := newReceiver(t, clk, secret, always(http.StatusInternalServerError))
	eps := []audit.Endpoint{endpoint("a", r, secret)}
	e := record(t, st, eps, memberEvent(t, base))
	obs := newObserver()
	w := newWorker(t, audit.WorkerConfig{Store: st, Endpoints: eps, Now: clk.Now, Observer: obs})
	var attemptTimes []time.Time
	for range 50 {
		if n := process(t, w); n != 1 {
			t.Fatalf("Process claimed %d at %v", n, clk.Now())
		}
		attemptTimes = append(attemptTimes, clk.Now())
		d := delivery(t, st, e.ID, "a")
		if d.Status == audit.StatusFailed {
			break
		}
		clk.Set(d.NextAttemptAt)
	}
	d := delivery(t, st, e.ID, "a")
	if d.Status != audit.StatusFailed {
		t.Fatalf("still %s after %d attempts", d.Status, len(attemptTimes))
	}
	last, beforeLast := attemptTimes[len(attemptTimes)-1], attemptTimes[len(attemptTimes)-2]
	if last.Sub(e.OccurredAt) < 24*time.Hour || beforeLast.Sub(e.OccurredAt) >= 24*time.Hour {
		t.Fatalf("attempts at %v: retried until %v after the event, want the last at or after 24h and the one before under it",
			attemptTimes, last.Sub(e.OccurredAt))
	}
	if first := attemptTimes[1].Sub(attemptTimes[0]); first > time.Minute {
		t.Fatalf("first retry after %v", first)
	}
	for i := 2; i < len(attemptTimes)-1; i++ {
		if attemptTimes[i].Sub(attemptTimes[i-1]) < attemptTimes[i-1].Sub(attemptTimes[i-2]) && attemptTimes[i].Sub(attemptTimes[i-1]) < 7*time.Hour {
			t.Fatalf("delays do not grow: %v", attemptTimes)
		}
	}
	got, requests, _, _ := r.snapshot()
	if requests != len(attemptTimes) || d.Attempts != len(attemptTimes) {
		t.Fatalf("%d requests, %d attempts recorded, %d made", requests, d.Attempts, len(attemptTimes))
	}
	for _, g := range got {
		if g.ID != e.ID {
			t.Fatalf("webhook-id changed to %s", g.ID)
		}
	}
	if results, depth := obs.get(); results[audit.ResultFailed] != 1 || results[audit.ResultRetry] != len(attemptTimes)-1 || depth != 0 {
		t.Fatalf("observer saw %v, depth %d", results, depth)
	}
	if n := process(t, w); n != 0 {
		t.Fatal("a failed delivery was claimed again")
	}
	t.Logf("%d attempts over %v", len(attemptTimes), last.Sub(e.OccurredAt))
}

func testRestartAfterCrash(t *testing.T, st audit.Store) {
	clk := newClock()
	secret := webhook.GenerateSecret()
	r := newReceiver(t, clk, secret, always(http.StatusOK))
	eps := []audit.Endpoint{endpoint("a", r, secret)}
	e := record(t, st, eps, memberEvent(t, base))
	// An instance claims the delivery and dies before sending it.
	claimed, err := st.ClaimDeliveries(context.Background(), audit.Claim{Owner: "crashed", EndpointIDs: []string{"a"}, Now: base, LeaseUntil: base.Add(audit.DefaultLease), Limit: 10})
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v, %v", claimed, err)
	}
	w := newWorker(t, audit.WorkerConfig{Store: st, Endpoints: eps, Now: clk.Now})
	if n := process(t, w); n != 0 {
		t.Fatal("a new worker took a delivery under another worker's lease")
	}
	clk.Advance(audit.DefaultLease)
	if n := process(t, w); n != 1 {
		t.Fatalf("after the lease: claimed %d, want 1", n)
	}
	if got, _, _, _ := r.snapshot(); len(got) != 1 || got[0].ID != e.ID {
		t.Fatalf("receiver got %+v", got)
	}
	if d := delivery(t, st, e.ID, "a"); d.Status != audit.StatusDelivered || d.Attempts != 2 {
		t.Fatalf("delivery %+v", d)
	}
}

func testRestartMidBackoff(t *testing.T, st audit.Store) {
	clk := newClock()
	secret := webhook.GenerateSecret()
	r := newReceiver(t, clk, secret, func(n int) (int, time.Duration, string) {
		if n < 2 {
			return http.StatusServiceUnavailable, 0, ""
		}
		return http.StatusOK, 0, ""
	})
	eps := []audit.Endpoint{endpoint("a", r, secret)}
	e := record(t, st, eps, memberEvent(t, base))
	first := newWorker(t, audit.WorkerConfig{Store: st, Endpoints: eps, Now: clk.Now})
	process(t, first)
	clk.Set(delivery(t, st, e.ID, "a").NextAttemptAt)
	process(t, first)
	d := delivery(t, st, e.ID, "a")
	if d.Status != audit.StatusPending || d.Attempts != 2 {
		t.Fatalf("after two 503: %+v", d)
	}
	// The process restarts: a new worker (new owner) reads the state from
	// the store.
	clk.Set(d.NextAttemptAt.Add(time.Second))
	second := newWorker(t, audit.WorkerConfig{Store: st, Endpoints: eps, Now: clk.Now})
	if second.Owner() == first.Owner() {
		t.Fatal("two workers share an owner")
	}
	process(t, second)
	if d := delivery(t, st, e.ID, "a"); d.Status != audit.StatusDelivered || d.Attempts != 3 {
		t.Fatalf("after the restart: %+v", d)
	}
	got, _, _, _ := r.snapshot()
	for _, g := range got {
		if g.ID != e.ID {
			t.Fatalf("webhook-id %s, want %s", g.ID, e.ID)
		}
	}
}

func testTwoWorkers(t *testing.T, st audit.Store) {
	clk := newClock()
	secret := webhook.GenerateSecret()
	r := newReceiver(t, clk, secret, func(int) (int, time.Duration, string) { return http.StatusOK, 5 * time.Millisecond, "" })
	eps := []audit.Endpoint{endpoint("a", r, secret)}
	var evs []audit.Event
	for i := range 40 {
		evs = append(evs, record(t, st, eps, memberEvent(t, base.Add(time.Duration(i)*time.Millisecond))))
	}
	clk.Advance(time.Second)
	var wg sync.WaitGroup
	for range 2 {
		w := newWorker(t, audit.WorkerConfig{Store: st, Endpoints: eps, Now: clk.Now, BatchSize: 3})
		wg.Go(func() {
			for {
				n, err := w.Process(context.Background())
				if err != nil {
					t.Errorf("Process: %v", err)
					return
				}
				if n == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	got, requests, rejected, overlaps := r.snapshot()
	if rejected != 0 || overlaps != 0 {
		t.Fatalf("%d rejected, %d concurrent sends of one id", rejected, overlaps)
	}
	counts := map[string]int{}
	for _, g := range got {
		counts[g.ID]++
	}
	for _, e := range evs {
		if counts[e.ID] != 1 {
			t.Errorf("event %s delivered %d times", e.ID, counts[e.ID])
		}
	}
	if requests != len(evs) {
		t.Fatalf("%d requests for %d events", requests, len(evs))
	}
}

func testPrivateRefused(t *testing.T, st audit.Store) {
	clk := newClock()
	secret := webhook.GenerateSecret()
	r := newReceiver(t, clk, secret, always(http.StatusOK))
	// An IP literal is refused when the worker is configured.
	ep := endpoint("a", r, secret)
	ep.AllowPrivate = false
	if _, err := audit.NewWorker(audit.WorkerConfig{Store: st, Endpoints: []audit.Endpoint{ep}}); !errors.Is(err, audit.ErrInvalidConfig) {
		t.Fatalf("NewWorker with a loopback URL = %v, want ErrInvalidConfig", err)
	}
	// A name is resolved at each connection, and refused then.
	ep.URL = strings.Replace(r.URL(), "127.0.0.1", "localhost", 1)
	eps := []audit.Endpoint{ep}
	e := record(t, st, eps, memberEvent(t, base))
	w := newWorker(t, audit.WorkerConfig{Store: st, Endpoints: eps, Now: clk.Now})
	process(t, w)
	if _, requests, _, _ := r.snapshot(); requests != 0 {
		t.Fatalf("the loopback receiver got %d requests", requests)
	}
	if d := delivery(t, st, e.ID, "a"); d.Status != audit.StatusPending || !strings.Contains(d.LastError, "refused") {
		t.Fatalf("delivery %+v", d)
	}
}

func testUnknownEndpoint(t *testing.T, st audit.Store) {
	clk := newClock()
	secret := webhook.GenerateSecret()
	r := newReceiver(t, clk, secret, always(http.StatusOK))
	e := mustAppend(t, st, memberEvent(t, base), "removed", "a")
	w := newWorker(t, audit.WorkerConfig{Store: st, Endpoints: []audit.Endpoint{endpoint("a", r, secret)}, Now: clk.Now})
	if n := process(t, w); n != 1 {
		t.Fatalf("claimed %d, want only the configured endpoint's delivery", n)
	}
	if d := delivery(t, st, e.ID, "removed"); d.Status != audit.StatusPending || d.Attempts != 0 {
		t.Fatalf("the other endpoint's delivery was touched: %+v", d)
	}
}

func testRunNotifyStop(t *testing.T, st audit.Store) {
	secret := webhook.GenerateSecret()
	realClock := &clock{now: time.Now()}
	r := newReceiver(t, realClock, secret, always(http.StatusOK))
	realClock.Set(time.Now())
	eps := []audit.Endpoint{endpoint("a", r, secret)}
	w := newWorker(t, audit.WorkerConfig{Store: st, Endpoints: eps, PollInterval: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	time.Sleep(50 * time.Millisecond) // Run's first round finds nothing
	e := record(t, st, eps, memberEvent(t, time.Now()))
	w.Notify()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got, _, _, _ := r.snapshot(); len(got) == 1 {
			if got[0].ID != e.ID {
				t.Fatalf("got %s", got[0].ID)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Notify did not wake Run within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

func testStopInFlight(t *testing.T, st audit.Store) {
	secret := webhook.GenerateSecret()
	clk := &clock{now: time.Now()}
	started := make(chan struct{}, 1)
	r := newReceiver(t, clk, secret, func(int) (int, time.Duration, string) {
		started <- struct{}{}
		return http.StatusOK, 300 * time.Millisecond, ""
	})
	eps := []audit.Endpoint{endpoint("a", r, secret)}
	e := record(t, st, eps, memberEvent(t, clk.Now()))
	w := newWorker(t, audit.WorkerConfig{Store: st, Endpoints: eps, PollInterval: time.Hour, Now: clk.Now})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the attempt did not start")
	}
	cancel() // stop while the receiver is still answering
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
	// Run returned only once the attempt in flight was recorded.
	if d := delivery(t, st, e.ID, "a"); d.Status != audit.StatusDelivered || d.LeaseOwner != "" {
		t.Fatalf("after a stop during the attempt: %+v", d)
	}
}
