package audit

import (
	"context"
	"fmt"
)

// Log records events: the kernel calls Record inside the transaction of
// each change (as a transactional event subscriber), so the event and its
// webhook deliveries commit with the change or not at all.
type Log struct {
	store     EventStore
	endpoints []Endpoint
}

// NewLog returns a Log on store that queues a delivery of each event to
// every endpoint whose Types match it. It refuses invalid endpoints.
func NewLog(store EventStore, endpoints []Endpoint) (*Log, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: nil store", ErrInvalidConfig)
	}
	if err := validateEndpoints(endpoints); err != nil {
		return nil, err
	}
	return &Log{store: store, endpoints: append([]Endpoint(nil), endpoints...)}, nil
}

// Record normalizes and validates e, then appends it with its deliveries
// in the transaction of ctx. An invalid event gives ErrInvalidEvent and
// writes nothing: the caller's change should fail with it, since a change
// without its event is what the log must never hold.
func (l *Log) Record(ctx context.Context, e Event) error {
	e = e.Normalize()
	if err := e.Validate(); err != nil {
		return err
	}
	if err := l.store.AppendEvent(ctx, e, l.EndpointsFor(e.Type)); err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Type, err)
	}
	return nil
}

// EndpointsFor returns the ids of the endpoints that receive events of
// type t.
func (l *Log) EndpointsFor(t string) []string {
	var ids []string
	for _, e := range l.endpoints {
		if e.Matches(t) {
			ids = append(ids, e.ID)
		}
	}
	return ids
}
