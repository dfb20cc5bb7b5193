package ginauth

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/internal/secret"
)

// Event is one change; see fastauth.Event.
type Event = fastauth.Event

// EventHandler receives events; see fastauth.EventHandler.
type EventHandler = fastauth.EventHandler

// eventBus holds the event subscribers of an Auth.
type eventBus struct {
	mu    sync.RWMutex
	tx    []EventHandler // SubscribeTx: inside the change's transaction
	after []EventHandler // Subscribe: after the commit
}

// Subscribe adds h to the handlers that receive every event after the
// change that emitted it has committed, synchronously, before the
// response is written. An error or a panic of h is logged and changes
// nothing. It is safe to call while requests are served.
func (a *Auth) Subscribe(h EventHandler) {
	a.bus.mu.Lock()
	a.bus.after = append(a.bus.after, h)
	a.bus.mu.Unlock()
}

// SubscribeTx adds h to the handlers that receive every event inside the
// transaction of the change that emitted it: an error of h rolls the
// change back (the request fails with 500). With such a handler each
// change runs in a Backend transaction, so that there is no change
// without its event and no event without its change (an audit log, an
// outbox of webhook deliveries). h must use the context it is given for
// its store calls, and may run more than once when the database retries
// the transaction.
func (a *Auth) SubscribeTx(h EventHandler) {
	a.bus.mu.Lock()
	a.bus.tx = append(a.bus.tx, h)
	a.bus.mu.Unlock()
}

// handlers returns the current handlers.
func (b *eventBus) handlers() (tx, after []EventHandler) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.tx, b.after
}

// pendingKey is the context key of the events of the change under way.
type pendingKey struct{ a *Auth }

// pendingEvents collects the events of one change until it commits.
type pendingEvents struct{ events []Event }

// change runs fn as one change of the store, bounded by StoreTimeout, and
// then hands the events fn emitted to the Subscribe handlers, with ctx
// (the request's context: handlers are not bound by the store's timeout).
// With SubscribeTx handlers fn runs in a Backend transaction (fn's store
// calls must use the context they get); without, it runs as it is, each
// store call its own transaction, as no handler could observe the
// difference. A change inside a change joins the outer one.
func (a *Auth) change(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, nested := ctx.Value(pendingKey{a}).(*pendingEvents); nested {
		return fn(ctx)
	}
	sctx, cancel := context.WithTimeout(ctx, a.cfg.StoreTimeout)
	defer cancel()
	var p *pendingEvents
	run := func(ctx context.Context) error {
		p = &pendingEvents{} // afresh on every attempt of a retried transaction
		return fn(context.WithValue(ctx, pendingKey{a}, p))
	}
	tx, _ := a.bus.handlers()
	var err error
	if len(tx) > 0 {
		err = a.store.Transaction(sctx, run)
	} else {
		err = run(sctx)
	}
	if err != nil {
		return err
	}
	a.dispatch(ctx, p.events)
	return nil
}

// emit completes e (id, time) and runs the SubscribeTx handlers; their
// first error is returned and must fail the change. Inside a change the
// event waits for the commit; outside one it is dispatched at once.
func (a *Auth) emit(ctx context.Context, e Event) error {
	if e.ID == "" {
		id, err := secret.NewID()
		if err != nil {
			return err
		}
		e.ID = id
	}
	if e.OccurredAt.IsZero() {
		e.OccurredAt = a.now()
	}
	tx, _ := a.bus.handlers()
	for _, h := range tx {
		if err := h(ctx, e); err != nil {
			return fmt.Errorf("ginauth: event %s: %w", e.Type, err)
		}
	}
	if p, ok := ctx.Value(pendingKey{a}).(*pendingEvents); ok {
		p.events = append(p.events, e)
		return nil
	}
	a.dispatch(ctx, []Event{e})
	return nil
}

// dispatch runs the Subscribe handlers on each event, logging their errors
// and panics.
func (a *Auth) dispatch(ctx context.Context, events []Event) {
	_, after := a.bus.handlers()
	for _, e := range events {
		for _, h := range after {
			a.runHandler(ctx, e, h)
		}
	}
}

// runHandler calls h, logging its error or recovering and logging its panic.
func (a *Auth) runHandler(ctx context.Context, e Event, h EventHandler) {
	defer func() {
		if r := recover(); r != nil {
			a.log.ErrorContext(ctx, "fastauth: event handler panicked", "event", e.Type, "event_id", e.ID,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	if err := h(ctx, e); err != nil {
		a.log.ErrorContext(ctx, "fastauth: event handler failed", "event", e.Type, "event_id", e.ID, "err", err)
	}
}

// event returns an event of type typ made by the request's caller (if
// any), from its address and user agent.
func (a *Auth) event(c *gin.Context, typ, organizationID string, target fastauth.Target) Event {
	e := Event{
		Type:           typ,
		OrganizationID: organizationID,
		Target:         target,
		IP:             c.ClientIP(),
		UserAgent:      truncateUTF8(c.Request.UserAgent(), maxUserAgentBytes),
	}
	if p, ok := PrincipalFrom(c); ok {
		e.Actor = fastauth.Actor{UserID: p.UserID, APIKeyID: p.APIKeyID}
	}
	return e
}

// changed runs do as a change (Auth.change) and emits the events that
// events makes of its result; do's error is returned as it is.
func changed[T any](ctx context.Context, a *Auth, do func(ctx context.Context) (T, error), events func(T) []Event) (T, error) {
	var out T
	err := a.change(ctx, func(ctx context.Context) error {
		v, err := do(ctx)
		if err != nil {
			return err
		}
		out = v
		for _, e := range events(v) {
			if err := a.emit(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// target is a fastauth.Target.
func target(typ, id string) fastauth.Target { return fastauth.Target{Type: typ, ID: id} }
