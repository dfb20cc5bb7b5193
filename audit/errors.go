package audit

import "errors"

var (
	// ErrNotFound: the event or delivery does not exist.
	ErrNotFound = errors.New("audit: not found")
	// ErrLeaseLost: the delivery is no longer leased to the worker that
	// tries to record its outcome (the lease was taken over after it
	// expired, or the delivery is finished).
	ErrLeaseLost = errors.New("audit: delivery lease lost")
	// ErrInvalidEvent: an event that cannot be stored (no id, a malformed
	// type, data that is not a JSON object, fields too long).
	ErrInvalidEvent = errors.New("audit: invalid event")
	// ErrInvalidQuery: a log query parameter is out of range or malformed;
	// the routes answer 400 invalid_request with the error's text.
	ErrInvalidQuery = errors.New("audit: invalid query")
	// ErrInvalidConfig: an endpoint, worker or retention configuration
	// that cannot work.
	ErrInvalidConfig = errors.New("audit: invalid configuration")
)
