// Package audit is fastauth's record of who did what, when: the event log
// that every change writes in its own transaction, the two views of it
// (an organization's audit log and an account's security log), its
// retention, and the delivery of each event to the configured webhook
// endpoints in the Standard Webhooks format.
//
// The pieces, each in its own file:
//
//   - Event (event.go): the stored record, whose JSON form is the one the
//     log routes answer and the webhooks carry as data. Types lists the
//     event types.
//   - Store (store.go): the storage contract, implemented for GORM by
//     package store (st.Audit()) and checked by package audittest on every
//     dialect.
//   - Log (log.go): what the kernel calls inside the transaction of a
//     change: it validates the event and appends it together with one
//     pending delivery per matching Endpoint (endpoint.go).
//   - Query, Cursor and LogPage (query.go): the keyset pagination of the
//     log routes.
//   - Worker (worker.go): claims due deliveries with a lease, signs them
//     with package webhook, posts them through the SSRF-guarded egress
//     client and records the outcome; Backoff (backoff.go) schedules the
//     retries.
//   - Retention (retention.go): deletes events older than the retention
//     period.
//
// No event carries a secret: tokens, passwords, codes and keys never enter
// Event.Data, and the worker logs and stores endpoint ids and short error
// classes, never URLs or response bodies.
package audit
