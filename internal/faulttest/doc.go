// Package faulttest holds the database fault tests: each starts a
// throwaway PostgreSQL or MariaDB server of its own, kills it under load
// and restarts it, and checks that fastauth answers 503 store_unavailable
// in bounded time, writes nothing half-way and recovers without a restart.
// The package has no code besides its tests (go test ./internal/faulttest).
package faulttest
