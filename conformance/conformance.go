// Package conformance is the reusable test suite of fastauth backends.
//
// Run drives the whole HTTP contract of ginauth (the routes, bodies and
// codes of docs/swagger.yaml and the rules of docs/architecture.md and
// SECURITY.md) scenario by scenario against a backend: a real net/http server, clients
// with real cookie jars, a fake clock (no sleeps) and an in-memory mailer.
// RunBackend exercises the Backend interface directly, domain by domain,
// including its race rules with real goroutines. A custom backend proves
// itself with a test like:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, func(t *testing.T) ginauth.Backend { return newFreshBackend(t) })
//	}
//
// The factory must return a fresh, migrated backend on every call: each
// scenario gets its own.
package conformance

import (
	"testing"

	"github.com/fastauth/fastauth/ginauth"
)

// Factory returns a fresh, migrated backend. It is called once per scenario
// and may call t.Skip or t.Fatal.
type Factory func(t *testing.T) ginauth.Backend

// scenario is one rule of the contract, checked against a fresh harness.
type scenario struct {
	name string
	// config adjusts the harness's Config before Register (optional).
	config func(c *ginauth.Config)
	// setup adjusts it with the scenario's backend at hand, after config
	// (optional): a module scenario mounts its module on the backend's
	// storage. It may call t.Skip when the backend lacks that storage.
	setup func(t *testing.T, b ginauth.Backend, c *ginauth.Config)
	run   func(t *testing.T, h *Harness)
}

// group is the scenarios of one domain.
type group struct {
	name      string
	scenarios []scenario
}

// groups lists every scenario group of the HTTP suite.
func groups() []group {
	return []group{
		{"Accounts", accountScenarios()},
		{"Sessions", sessionScenarios()},
		{"SessionAssurance", assuranceScenarios()},
		{"SessionCheck", sessionCheckScenarios()},
		{"Tokens", tokenScenarios()},
		{"JWKS", jwksScenarios()},
		{"Guards", guardScenarios()},
		{"Races", raceScenarios()},
		{"Organizations", organizationScenarios()},
		{"Invites", inviteScenarios()},
		{"APIKeys", apiKeyScenarios()},
		{"Mail", mailScenarios()},
		{"RateLimits", rateLimitScenarios()},
		{"CrossOrigin", crossOriginScenarios()},
		{"Addresses", addressScenarios()},
		{"Events", eventScenarios()},
		{"Modules", moduleScenarios()},
		{"MFA", mfaScenarios()},
		{"Passkeys", passkeyScenarios()},
		{"Social", socialScenarios()},
		{"Users", usersScenarios()},
		{"Roles", rolesScenarios()},
	}
}

// Run runs the HTTP conformance suite against backends made by newBackend.
// Scenarios run in parallel, each on its own backend, server and clock.
func Run(t *testing.T, newBackend Factory) {
	t.Helper()
	for _, g := range groups() {
		t.Run(g.name, func(t *testing.T) {
			for _, s := range g.scenarios {
				t.Run(s.name, func(t *testing.T) {
					t.Parallel()
					b := newBackend(t)
					adjust := s.config
					if s.setup != nil {
						adjust = func(c *ginauth.Config) {
							if s.config != nil {
								s.config(c)
							}
							s.setup(t, b, c)
						}
					}
					h := NewHarness(t, b, adjust)
					s.run(t, h)
				})
			}
		})
	}
}
