package audit_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/conformance"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/webhook"
)

// hookReceiver is an in-process webhook receiver: it verifies every
// request with package webhook, answers 500 to the first attempt of each
// event and 204 afterwards, and counts attempts, deliveries and attempts
// of one event that overlapped in time.
type hookReceiver struct {
	t        *testing.T
	verifier *webhook.Verifier

	mu        sync.Mutex
	attempts  map[string]int
	delivered map[string]int
	inflight  map[string]int
	overlaps  int
	rejected  int
}

func newHookReceiver(t *testing.T, secret webhook.Secret, now func() time.Time) (*hookReceiver, string) {
	r := &hookReceiver{t: t, verifier: &webhook.Verifier{Secrets: []webhook.Secret{secret}, Now: now},
		attempts: map[string]int{}, delivered: map[string]int{}, inflight: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(srv.Close)
	return r, srv.URL + "/hooks"
}

func (r *hookReceiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	id := req.Header.Get(webhook.HeaderID)
	r.mu.Lock()
	r.inflight[id]++
	if r.inflight[id] > 1 {
		r.overlaps++
	}
	r.attempts[id]++
	first := r.attempts[id] == 1
	r.mu.Unlock()
	time.Sleep(5 * time.Millisecond) // widen the window in which a double send would overlap
	defer func() {
		r.mu.Lock()
		r.inflight[id]--
		r.mu.Unlock()
	}()
	if err != nil || r.verifier.Verify(req.Header, body) != nil {
		r.mu.Lock()
		r.rejected++
		r.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if first {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	r.mu.Lock()
	r.delivered[id]++
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (r *hookReceiver) counts() (attempts, delivered map[string]int, overlaps, rejected int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, d := map[string]int{}, map[string]int{}
	for k, v := range r.attempts {
		a[k] = v
	}
	for k, v := range r.delivered {
		d[k] = v
	}
	return a, d, r.overlaps, r.rejected
}

// TestModuleWebhooks runs two instances of a service (two Auth, each with
// the audit module and its running worker) on one database and an
// in-process receiver: every organization event the routes commit
// arrives signed (package webhook verifies it), is retried after the
// receiver's 500 with the same webhook-id, is delivered exactly once and
// never sent by both workers at the same time; when one instance stops
// mid-backoff, the other delivers its retries.
func TestModuleWebhooks(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			st := testdb.Store(t, d.Open(t))
			secret := webhook.GenerateSecret()
			var clocks []*conformance.Clock
			now := func() time.Time { return clocks[0].Now() }
			recv, url := newHookReceiver(t, secret, func() time.Time { return now() })
			ep := audit.Endpoint{ID: "main", URL: url, Secrets: []webhook.Secret{secret}, Types: []string{"organization.*", "member.*"}, AllowPrivate: true}
			cfg := audit.ModuleConfig{Endpoints: []audit.Endpoint{ep}, Worker: audit.WorkerConfig{PollInterval: 10 * time.Millisecond, BatchSize: 4}}
			w1 := newWorldOn(t, st, cfg, nil)
			w2 := newWorldOn(t, st, cfg, nil)
			clocks = []*conformance.Clock{w1.Clock, w2.Clock}
			advance := func(d time.Duration) {
				for _, c := range clocks {
					c.Advance(d)
				}
			}

			var after recorder
			w1.Auth.Subscribe(after.record)
			w2.Auth.Subscribe(after.record)
			owner1, _ := w1.SignUp(t)
			owner2, _ := w2.SignUp(t)
			for i := range 4 {
				createOrganization(t, w1, owner1, "One "+string(rune('a'+i)))
				createOrganization(t, w2, owner2, "Two "+string(rune('a'+i)))
			}
			var want []string
			for _, e := range after.all() {
				if ep.Matches(e.Type) {
					want = append(want, e.ID)
				}
			}
			if len(want) != 8 {
				t.Fatalf("%d selected events, want 8", len(want))
			}

			// First attempts (answered 500) happen without any clock change.
			waitFor(t, "first attempts", func() bool {
				a, _, _, _ := recv.counts()
				return len(a) == len(want)
			})
			// One instance stops mid-backoff; the other delivers the retries.
			if err := w1.module.Close(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "retries", func() bool {
				advance(15 * time.Second) // past the first retry's 10 s ± 10 %
				_, dl, _, _ := recv.counts()
				return len(dl) == len(want)
			})
			waitFor(t, "the outcomes recorded", func() bool {
				for _, id := range want {
					if dl, err := w2.raw.Delivery(t.Context(), id, ep.ID); err != nil || dl.Status == audit.StatusPending {
						return false
					}
				}
				return true
			})
			attempts, delivered, overlaps, rejected := recv.counts()
			if overlaps != 0 || rejected != 0 {
				t.Fatalf("%d overlapping sends of one event, %d rejected signatures", overlaps, rejected)
			}
			for _, id := range want {
				if delivered[id] != 1 || attempts[id] != 2 {
					t.Errorf("event %s: %d deliveries in %d attempts, want 1 in 2", id, delivered[id], attempts[id])
				}
				dl, err := w1.raw.Delivery(t.Context(), id, ep.ID)
				if err != nil || dl.Status != audit.StatusDelivered || dl.Attempts != 2 {
					t.Errorf("delivery of %s: %+v, %v", id, dl, err)
				}
			}
		})
	}
}

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
