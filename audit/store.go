package audit

import (
	"context"
	"time"
)

// Store is the storage of the event log and of the webhook delivery
// queue. Package store implements it for GORM (st.Audit()); package
// audittest checks an implementation.
//
// Writes that belong to a change (AppendEvent) join the transaction that
// ctx carries, so that the event commits or rolls back with the change.
// Times come from the caller: a Store never reads a clock. Missing rows
// give ErrNotFound, a lost lease ErrLeaseLost; other errors are wrapped
// store errors.
type Store interface {
	EventStore
	DeliveryStore
	// Migrate creates or upgrades the tables of the event log and the
	// delivery queue (and nothing else).
	Migrate(ctx context.Context) error
}

// EventStore holds the event log.
type EventStore interface {
	// AppendEvent stores e (normalized and valid, see Event.Validate) and
	// one pending delivery of it, due at e.OccurredAt, for each endpoint
	// id, atomically and in the transaction of ctx when it carries one.
	// An id already stored gives a conflict error.
	AppendEvent(ctx context.Context, e Event, endpointIDs []string) error
	// Event returns the event with this id, or ErrNotFound.
	Event(ctx context.Context, id string) (Event, error)
	// OrganizationEvents returns one page of the organization's events,
	// newest first (by occurred_at, then id).
	OrganizationEvents(ctx context.Context, organizationID string, q Query) (Page, error)
	// UserEvents returns one page of the events whose Subject is the user,
	// newest first: that account's security log.
	UserEvents(ctx context.Context, userID string, q Query) (Page, error)
	// PurgeEvents deletes at most limit of the events that occurred
	// before cutoff, oldest first, with their deliveries, and returns how
	// many it deleted.
	PurgeEvents(ctx context.Context, cutoff time.Time, limit int) (int, error)
}

// DeliveryStatus is the state of a delivery.
type DeliveryStatus string

// The delivery states: pending until it succeeds or the worker gives up.
const (
	StatusPending   DeliveryStatus = "pending"
	StatusDelivered DeliveryStatus = "delivered"
	StatusFailed    DeliveryStatus = "failed"
)

// Delivery is one event to send to one endpoint, identified by the pair
// (EventID, EndpointID).
type Delivery struct {
	// EventID is the event to send; its id is the webhook-id.
	EventID string
	// EndpointID names the Endpoint.
	EndpointID string
	// Status is pending, delivered or failed.
	Status DeliveryStatus
	// Attempts counts the claims so far (each claim is one attempt).
	Attempts int
	// NextAttemptAt is when the delivery is due: the first attempt, the
	// next retry, or the end of the current lease.
	NextAttemptAt time.Time
	// LeaseOwner is the worker that holds the current lease, if any.
	LeaseOwner string
	// LastAttemptAt, LastStatusCode and LastError describe the last
	// finished attempt (status code 0 when no response came; the error is
	// a short class such as "timeout" or "HTTP 503", never a URL).
	LastAttemptAt  *time.Time
	LastStatusCode int
	LastError      string
	// CreatedAt is when the delivery was queued (the event's time).
	CreatedAt time.Time
	// DeliveredAt is when a receiver accepted it.
	DeliveredAt *time.Time
	// Event is the event, loaded by ClaimDeliveries.
	Event Event
}

// Claim asks for due deliveries.
type Claim struct {
	// Owner identifies the claiming worker.
	Owner string
	// EndpointIDs restricts the claim to these endpoints.
	EndpointIDs []string
	// Now decides what is due: pending deliveries with NextAttemptAt <= Now
	// (a delivery whose lease has expired is due again).
	Now time.Time
	// LeaseUntil ends the lease: until then no other claim returns the
	// delivery. It becomes the delivery's NextAttemptAt.
	LeaseUntil time.Time
	// Limit is the most deliveries to claim (at least 1).
	Limit int
}

// Outcome records the end of one attempt.
type Outcome struct {
	// EventID and EndpointID name the delivery.
	EventID    string
	EndpointID string
	// Owner and Attempt are those of the claim (Delivery.LeaseOwner and
	// Delivery.Attempts as ClaimDeliveries returned them): a claim taken
	// over by another worker no longer matches.
	Owner   string
	Attempt int
	// Status is the new status: pending for a retry at NextAttemptAt,
	// delivered or failed.
	Status DeliveryStatus
	// NextAttemptAt is when to retry (Status pending).
	NextAttemptAt time.Time
	// At is when the attempt ended.
	At time.Time
	// StatusCode is the response status, 0 without a response.
	StatusCode int
	// Error is a short class of the failure, empty on success.
	Error string
}

// DeliveryStore holds the delivery queue.
type DeliveryStore interface {
	// ClaimDeliveries leases up to c.Limit due deliveries to c.Owner,
	// oldest due first, and returns them with their events and Attempts
	// incremented. Of concurrent claims (in this process or others) each
	// due delivery goes to one only: the claim is a conditional update
	// checked row by row.
	ClaimDeliveries(ctx context.Context, c Claim) ([]Delivery, error)
	// FinishAttempt records an attempt's outcome and releases the lease.
	// It gives ErrLeaseLost unless the delivery is still pending under the
	// claim o names.
	FinishAttempt(ctx context.Context, o Outcome) error
	// Delivery returns one delivery (without its event), or ErrNotFound.
	Delivery(ctx context.Context, eventID, endpointID string) (Delivery, error)
	// PendingDeliveries counts the pending deliveries of these endpoints
	// (of all when none are named): the queue depth.
	PendingDeliveries(ctx context.Context, endpointIDs []string) (int, error)
}
