package audit_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/conformance"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/webhook"
)

// world is a conformance harness serving the kernel with the audit module
// on one database.
type world struct {
	*conformance.Harness
	store  audit.Store // the module's store (possibly wrapped)
	raw    audit.Store // the database's audit store
	module *audit.Module
}

// newWorld starts a harness on d's database with the audit module made
// of cfg on its store, wrapped by wrap when not nil.
func newWorld(t *testing.T, d testdb.Dialect, cfg audit.ModuleConfig, wrap func(audit.Store) audit.Store) *world {
	t.Helper()
	return newWorldOn(t, testdb.Store(t, d.Open(t)), cfg, wrap)
}

// newWorldOn is newWorld on the store st, which another world may share
// (two instances of a service on one database).
func newWorldOn(t *testing.T, st *store.Store, cfg audit.ModuleConfig, wrap func(audit.Store) audit.Store) *world {
	t.Helper()
	raw := st.Audit()
	if err := raw.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	w := &world{store: raw, raw: raw}
	if wrap != nil {
		w.store = wrap(raw)
	}
	mod, err := audit.NewModule(w.store, cfg)
	if err != nil {
		t.Fatalf("NewModule: %v", err)
	}
	w.module = mod
	w.Harness = conformance.NewHarness(t, st, func(c *ginauth.Config) { c.Modules = []ginauth.Module{mod} })
	return w
}

// page reads one page of a log route as c.
func (w *world) page(t *testing.T, c *conformance.Client, path string) audit.LogPage {
	t.Helper()
	var p audit.LogPage
	c.Get(w.Path(path)).Expect(t, http.StatusOK).Decode(t, &p)
	return p
}

// join invites a new account into orgID with role and makes it accept.
func (w *world) join(t *testing.T, owner *conformance.Client, orgID, role string) *conformance.Client {
	t.Helper()
	email := w.Email()
	var inv conformance.InviteBody
	owner.Post(w.Path("/organizations/"+orgID+"/invites"), map[string]string{"email": email, "role": role}).
		Expect(t, http.StatusCreated).Decode(t, &inv)
	c, _ := w.SignUpAs(t, email)
	c.Post(w.Path("/organizations/invites/accept"), map[string]string{"token": inv.Token}).Expect(t, http.StatusOK)
	return c
}

func createOrganization(t *testing.T, w *world, c *conformance.Client, name string) string {
	t.Helper()
	var m conformance.MemberBody
	c.Post(w.Path("/organizations"), map[string]string{"name": name}).Expect(t, http.StatusCreated).Decode(t, &m)
	return m.Organization.ID
}

// recorder collects the events the kernel dispatches after their commit.
type recorder struct {
	mu     sync.Mutex
	events []fastauth.Event
}

func (r *recorder) record(_ context.Context, e fastauth.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return nil
}

func (r *recorder) all() []fastauth.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// TestModuleLogsEveryEvent walks through changes of every kind and checks
// that each event the kernel committed is in the log, as it was emitted,
// and that the log routes show it to whom they should.
func TestModuleLogsEveryEvent(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, d, audit.ModuleConfig{NoBackground: true}, nil)
			var after recorder
			w.Auth.Subscribe(after.record)

			owner, signedUp := w.SignUp(t)
			w.NewClient().Post(w.Path("/sign-in"), map[string]string{"email": signedUp.User.Email, "password": "wrong-password-1"}).
				Expect(t, http.StatusUnauthorized)
			orgID := createOrganization(t, w, owner, "Audit Inc")
			owner.Patch(w.Path("/organizations/"+orgID), map[string]string{"name": "Audit Ltd"}).Expect(t, http.StatusOK)
			admin := w.join(t, owner, orgID, "admin")
			member := w.join(t, owner, orgID, "member")
			outsider, _ := w.SignUp(t)
			owner.Post(w.Path("/organizations/current"), map[string]string{"organization_id": orgID}).Expect(t, http.StatusOK)
			var key conformance.APIKeyBody
			owner.Post(w.Path("/api-keys"), map[string]string{"name": "audit"}).Expect(t, http.StatusCreated).Decode(t, &key)

			// Every committed event is stored as it was emitted.
			events := after.all()
			if len(events) < 10 {
				t.Fatalf("only %d events", len(events))
			}
			for _, e := range events {
				got, err := w.raw.Event(t.Context(), e.ID)
				if err != nil {
					t.Errorf("event %s %s not in the log: %v", e.Type, e.ID, err)
					continue
				}
				want, err := audit.FromKernel(e)
				if err != nil {
					t.Fatal(err)
				}
				want = want.Normalize()
				if got.Type != want.Type || !got.OccurredAt.Equal(want.OccurredAt) || got.Actor != want.Actor ||
					got.OrganizationID != want.OrganizationID || got.Target != want.Target || got.IP != want.IP {
					t.Errorf("stored %+v, emitted %+v", got, want)
				}
			}

			// The organization's log, newest first, to its owner and admin.
			base := "/organizations/" + orgID + "/audit-log"
			full := w.page(t, owner, base+"?limit=100")
			if full.NextBefore != nil {
				t.Fatalf("next_before %q on the only page", *full.NextBefore)
			}
			types := map[string]int{}
			for i, e := range full.Items {
				types[e.Type]++
				if e.OrganizationID != orgID {
					t.Errorf("event %s of organization %q in %s's log", e.Type, e.OrganizationID, orgID)
				}
				if i > 0 && audit.CursorOf(e).OccurredAt.After(audit.CursorOf(full.Items[i-1]).OccurredAt) {
					t.Errorf("item %d is newer than item %d", i, i-1)
				}
			}
			for _, typ := range []string{audit.TypeOrganizationCreated, audit.TypeOrganizationUpdated, audit.TypeInviteCreated,
				audit.TypeInviteAccepted, audit.TypeMemberAdded, audit.TypeAPIKeyCreated} {
				if types[typ] == 0 {
					t.Errorf("no %s in the audit log: %v", typ, types)
				}
			}
			if got := w.page(t, admin, base+"?limit=100"); len(got.Items) != len(full.Items) {
				t.Errorf("the admin sees %d events, the owner %d", len(got.Items), len(full.Items))
			}
			apiKey := w.NewClient()
			apiKey.Bearer(key.Key)
			if got := w.page(t, apiKey, base+"?limit=100"); len(got.Items) != len(full.Items) {
				t.Errorf("the owner's API key sees %d events, the owner %d", len(got.Items), len(full.Items))
			}

			// Keyset pages of 2 add up to the full log, in order.
			var walked []string
			next := base + "?limit=2"
			for range 50 {
				p := w.page(t, owner, next)
				for _, e := range p.Items {
					walked = append(walked, e.ID)
				}
				if p.NextBefore == nil {
					break
				}
				if len(p.Items) != 2 {
					t.Fatalf("a page of %d items with a next page", len(p.Items))
				}
				next = base + "?limit=2&before=" + *p.NextBefore
			}
			var ids []string
			for _, e := range full.Items {
				ids = append(ids, e.ID)
			}
			if !slices.Equal(walked, ids) {
				t.Errorf("pages %v\nfull   %v", walked, ids)
			}

			// The type filter.
			members := w.page(t, owner, base+"?type=member.added")
			if len(members.Items) != 2 {
				t.Errorf("%d member.added events, want 2 (admin and member)", len(members.Items))
			}
			for _, e := range members.Items {
				if e.Type != audit.TypeMemberAdded {
					t.Errorf("type filter let %s through", e.Type)
				}
			}

			// Who may read it.
			member.Get(w.Path(base)).Expect(t, http.StatusForbidden, "forbidden")
			outsider.Get(w.Path(base)).Expect(t, http.StatusNotFound, "organization_not_found")
			owner.Get(w.Path("/organizations/00000000-0000-7000-8000-000000000000/audit-log")).Expect(t, http.StatusNotFound, "organization_not_found")
			owner.Get(w.Path("/organizations/NOT-AN-ID/audit-log")).Expect(t, http.StatusNotFound, "organization_not_found")
			w.NewClient().Get(w.Path(base)).Expect(t, http.StatusUnauthorized)
			w.NewClient().Get(w.Path("/me/security-log")).Expect(t, http.StatusUnauthorized)

			// The security log: the account's own events, failed sign-ins included.
			sec := w.page(t, owner, "/me/security-log?limit=100")
			seen := map[string]bool{}
			for _, e := range sec.Items {
				seen[e.Type] = true
				if e.Target.ID != signedUp.User.ID && e.Actor.UserID != signedUp.User.ID {
					t.Errorf("event %s about %+v by %+v in the owner's security log", e.Type, e.Target, e.Actor)
				}
			}
			for _, typ := range []string{audit.TypeUserSignedUp, audit.TypeUserSignInFailed, audit.TypeOrganizationCreated} {
				if !seen[typ] {
					t.Errorf("no %s in the security log: %v", typ, seen)
				}
			}
			failed := w.page(t, owner, "/me/security-log?type=user.sign_in_failed")
			if len(failed.Items) != 1 {
				t.Errorf("%d failed sign-ins in the security log, want 1", len(failed.Items))
			}
			for _, e := range w.page(t, outsider, "/me/security-log?limit=100").Items {
				if e.Target.ID == signedUp.User.ID || e.Actor.UserID == signedUp.User.ID {
					t.Errorf("the owner's event %s in an outsider's security log", e.Type)
				}
			}

			// A replayed refresh token: the revoked session is in the
			// account's security log although nobody signed in made it.
			old := owner.RefreshToken()
			owner.Refresh().Expect(t, http.StatusOK)
			w.Clock.Advance(w.Config.RefreshReuseGrace + time.Second)
			thief := w.NewClient()
			thief.SetCookie(w.Config.Cookie.RefreshName, old)
			thief.Refresh().Expect(t, http.StatusUnauthorized)
			sec = w.page(t, admin, "/me/security-log?type=session.replay_detected")
			if len(sec.Items) != 0 {
				t.Errorf("the owner's replay in the admin's security log")
			}
			var replays []audit.Event
			p, err := w.raw.UserEvents(t.Context(), signedUp.User.ID, audit.Query{Limit: 10, Type: audit.TypeSessionReplayDetected})
			if err == nil {
				replays = p.Events
			}
			if len(replays) != 1 {
				t.Errorf("replays in the owner's security log: %+v, %v", replays, err)
			}
		})
	}
}

// TestModuleBadQueries: junk limit, before and type are 400 invalid_request.
func TestModuleBadQueries(t *testing.T) {
	t.Parallel()
	w := newWorld(t, testdb.Dialect{Name: "sqlite", Open: testdb.SQLite}, audit.ModuleConfig{NoBackground: true}, nil)
	owner, _ := w.SignUp(t)
	orgID := createOrganization(t, w, owner, "Queries")
	for _, path := range []string{"/me/security-log", "/organizations/" + orgID + "/audit-log"} {
		for _, q := range []string{"limit=0", "limit=101", "limit=x", "limit=", "limit=1&limit=2", "before=junk", "before=", "type=member", "type=Member.Added"} {
			owner.Get(w.Path(path+"?"+q)).Expect(t, http.StatusBadRequest, "invalid_request")
		}
	}
}

// failingStore fails AppendEvent for the first event of one type.
type failingStore struct {
	audit.Store
	typ    string
	failed *atomic.Bool
}

var errAppend = errors.New("the event log is down")

func (s failingStore) AppendEvent(ctx context.Context, e audit.Event, endpoints []string) error {
	if e.Type == s.typ && s.failed.CompareAndSwap(false, true) {
		return errAppend
	}
	return s.Store.AppendEvent(ctx, e, endpoints)
}

// TestModuleOutbox proves on every dialect that the event, its deliveries
// and the change commit together: an event write that fails undoes the
// change, and a change that fails after its event was written leaves no
// event and no delivery.
func TestModuleOutbox(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			ep := testEndpoint(t, "https://hooks.example.com/fastauth", "organization.*")
			cfg := audit.ModuleConfig{NoBackground: true, Endpoints: []audit.Endpoint{ep}}

			t.Run("EventFails", func(t *testing.T) {
				t.Parallel()
				w := newWorld(t, d, cfg, func(s audit.Store) audit.Store {
					return failingStore{s, audit.TypeOrganizationCreated, new(atomic.Bool)}
				})
				owner, _ := w.SignUp(t)
				owner.Post(w.Path("/organizations"), map[string]string{"name": "Never"}).Expect(t, http.StatusInternalServerError, "internal_error")
				var orgs []conformance.MemberBody
				owner.Get(w.Path("/organizations")).Expect(t, http.StatusOK).Decode(t, &orgs)
				for _, o := range orgs {
					if o.Organization.Name == "Never" {
						t.Fatal("the organization exists without its event")
					}
				}
				if n, err := w.raw.PendingDeliveries(t.Context(), nil); err != nil || n != 0 {
					t.Fatalf("pending deliveries %d, %v", n, err)
				}
				// The module's log keeps working for other changes.
				orgID := createOrganization(t, w, owner, "Later")
				owner.Patch(w.Path("/organizations/"+orgID), map[string]string{"name": "Later Ltd"}).Expect(t, http.StatusOK)
				if n, err := w.raw.PendingDeliveries(t.Context(), nil); err != nil || n != 2 {
					t.Fatalf("pending deliveries %d, %v; want Later's organization.created and organization.updated", n, err)
				}
			})

			t.Run("ChangeFailsAfterItsEvent", func(t *testing.T) {
				t.Parallel()
				w := newWorld(t, d, cfg, nil)
				owner, signedUp := w.SignUp(t)
				var written []string
				// Registered after the module's handler: the event is in
				// the transaction when this fails it.
				w.Auth.SubscribeTx(func(ctx context.Context, e fastauth.Event) error {
					if e.Type != fastauth.EventOrganizationCreated {
						return nil
					}
					if _, err := w.raw.Event(ctx, e.ID); err != nil {
						t.Errorf("the event is not visible in its own transaction: %v", err)
					}
					written = append(written, e.ID)
					return errors.New("a later subscriber failed")
				})
				owner.Post(w.Path("/organizations"), map[string]string{"name": "Never"}).Expect(t, http.StatusInternalServerError, "internal_error")
				if len(written) == 0 {
					t.Fatal("the failing subscriber never ran")
				}
				for _, id := range written {
					if _, err := w.raw.Event(t.Context(), id); !errors.Is(err, audit.ErrNotFound) {
						t.Errorf("event %s after the rollback: %v, want ErrNotFound", id, err)
					}
					if _, err := w.raw.Delivery(t.Context(), id, ep.ID); !errors.Is(err, audit.ErrNotFound) {
						t.Errorf("delivery of %s after the rollback: %v, want ErrNotFound", id, err)
					}
				}
				if p, err := w.raw.UserEvents(t.Context(), signedUp.User.ID, audit.Query{Limit: 10, Type: audit.TypeOrganizationCreated}); err != nil || len(p.Events) != 0 {
					t.Fatalf("organization.created events after the rollback: %+v, %v", p.Events, err)
				}
				var orgs []conformance.MemberBody
				owner.Get(w.Path("/organizations")).Expect(t, http.StatusOK).Decode(t, &orgs)
				for _, o := range orgs {
					if o.Organization.Name == "Never" {
						t.Fatal("the organization exists although its change failed")
					}
				}
			})

			t.Run("CommitQueuesDeliveries", func(t *testing.T) {
				t.Parallel()
				w := newWorld(t, d, cfg, nil)
				var after recorder
				w.Auth.Subscribe(after.record)
				owner, _ := w.SignUp(t)
				createOrganization(t, w, owner, "Queued")
				for _, e := range after.all() {
					dl, err := w.raw.Delivery(t.Context(), e.ID, ep.ID)
					switch e.Type {
					case fastauth.EventOrganizationCreated:
						if err != nil || dl.Status != audit.StatusPending || !dl.NextAttemptAt.Equal(e.OccurredAt.UTC().Truncate(time.Microsecond)) {
							t.Errorf("delivery of %s: %+v, %v", e.Type, dl, err)
						}
					default: // organization.* only
						if !errors.Is(err, audit.ErrNotFound) {
							t.Errorf("delivery of %s, which the endpoint does not select: %+v, %v", e.Type, dl, err)
						}
					}
				}
			})
		})
	}
}

// TestModuleRetention: the module's pruning job deletes events older than
// the retention period, and Close stops it.
func TestModuleRetention(t *testing.T) {
	t.Parallel()
	w := newWorld(t, testdb.Dialect{Name: "sqlite", Open: testdb.SQLite},
		audit.ModuleConfig{Retention: 24 * time.Hour, RetentionInterval: 20 * time.Millisecond}, nil)
	_, signedUp := w.SignUp(t)
	count := func() int {
		p, err := w.raw.UserEvents(t.Context(), signedUp.User.ID, audit.Query{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return len(p.Events)
	}
	if count() == 0 {
		t.Fatal("no event to prune")
	}
	w.Clock.Advance(23 * time.Hour)
	time.Sleep(100 * time.Millisecond)
	if count() == 0 {
		t.Fatal("an event younger than the retention period was pruned")
	}
	w.Clock.Advance(2 * time.Hour)
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := count()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events older than the retention period remain", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	done := make(chan error, 1)
	go func() { done <- w.module.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop the pruning job")
	}
	if err := w.module.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
}

// TestNewModuleRefuses: bad settings fail at construction, and a module
// mounts once.
func TestNewModuleRefuses(t *testing.T) {
	t.Parallel()
	if _, err := audit.NewModule(nil, audit.ModuleConfig{}); !errors.Is(err, audit.ErrInvalidConfig) {
		t.Errorf("nil store: %v", err)
	}
	st := &memStore{}
	bad := []audit.ModuleConfig{
		{Retention: -time.Hour},
		{Endpoints: []audit.Endpoint{{ID: "x", URL: "http://127.0.0.1/"}}},
		{Worker: audit.WorkerConfig{Timeout: time.Minute, Lease: time.Minute}},
	}
	for _, cfg := range bad {
		if _, err := audit.NewModule(storeOf(st), cfg); !errors.Is(err, audit.ErrInvalidConfig) {
			t.Errorf("NewModule(%+v) = %v, want ErrInvalidConfig", cfg, err)
		}
	}
}

// storeOf makes an audit.Store of an EventStore for constructor tests.
func storeOf(e audit.EventStore) audit.Store {
	return struct {
		audit.EventStore
		audit.DeliveryStore
		migrator
	}{EventStore: e}
}

type migrator struct{}

func (migrator) Migrate(context.Context) error { return nil }

// testEndpoint is an endpoint with a fresh secret that receives types.
func testEndpoint(t *testing.T, url string, types ...string) audit.Endpoint {
	t.Helper()
	return audit.Endpoint{ID: "test", URL: url, Secrets: []webhook.Secret{webhook.GenerateSecret()}, Types: types, AllowPrivate: true}
}

// TestModuleNoBackground: with NoBackground nothing prunes or sends by
// itself; the application runs the module's jobs, on the kernel's clock.
func TestModuleNoBackground(t *testing.T) {
	t.Parallel()
	ep := testEndpoint(t, "https://hooks.example.com/fastauth")
	w := newWorld(t, testdb.Dialect{Name: "sqlite", Open: testdb.SQLite},
		audit.ModuleConfig{NoBackground: true, Retention: time.Hour, RetentionInterval: time.Millisecond, Endpoints: []audit.Endpoint{ep}}, nil)
	_, signedUp := w.SignUp(t)
	w.Clock.Advance(2 * time.Hour)
	time.Sleep(50 * time.Millisecond)
	p, err := w.raw.UserEvents(t.Context(), signedUp.User.ID, audit.Query{Limit: 10})
	if err != nil || len(p.Events) == 0 {
		t.Fatalf("events pruned without a pruning job: %+v, %v", p.Events, err)
	}
	if n, err := w.raw.PendingDeliveries(t.Context(), nil); err != nil || n == 0 {
		t.Fatalf("pending deliveries %d, %v: sent without a worker", n, err)
	}
	if w.module.Worker() == nil {
		t.Fatal("no worker to run")
	}
	n, err := w.module.Retention().Purge(t.Context())
	if err != nil || n == 0 {
		t.Fatalf("Purge on the kernel's clock = %d, %v", n, err)
	}
}
