package mfa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gin-gonic/gin"
)

// Factor is a second factor another module provides (the passkeys module's
// "passkey"), joined to this module with [Module.AddFactor]. The module
// then:
//
//   - lists Method in the `methods` of the 403 mfa_required answer of a
//     password sign-in, and starts that challenge, when the account has the
//     factor (Count above 0);
//   - counts it in GET /mfa (the `passkeys` count for "passkey");
//   - keeps the recovery codes when TOTP is turned off while the account
//     still has the factor;
//   - hands POST /mfa/verify bodies that carry `ceremony_id` (instead of
//     `code`) to Verify, then redeems the mfa_token and signs the account in
//     at aal 2 with amr [first method, Method].
type Factor interface {
	// Method is the factor's amr method and its name in `methods`
	// ("passkey"). It is not "totp" or "recovery_code".
	Method() string
	// Count reports how many of the factor the account has (0: none).
	Count(ctx context.Context, userID string) (int, error)
	// Verify checks the proof of a POST /mfa/verify body for the account
	// of its live mfa_token. A refused proof is an error the host answers
	// (a *fastauth.Error with its status and code); the module counts a
	// 401 (a proof that does not verify) against the mfa_token, as a
	// wrong code, and nothing else (malformed input, a store failure).
	Verify(c *gin.Context, userID string, proof FactorProof) error
}

// FactorProof is the part of a POST /mfa/verify body a [Factor] checks.
type FactorProof struct {
	// CeremonyID names the factor's server-side ceremony.
	CeremonyID string
	// Credential is the factor's answer (a passkey's
	// AuthenticationResponseJSON).
	Credential json.RawMessage
}

// AddFactor joins f to the module. Call it before the server starts
// (another module does from its constructor or its Mount); a second factor
// with the same method, or one named like a method of this package, is an
// error.
func (m *Module) AddFactor(f Factor) error {
	method := f.Method()
	if method == "" || method == MethodTOTP || method == MethodRecoveryCode {
		return fmt.Errorf("mfa: AddFactor: %q is not an external method", method)
	}
	for _, g := range m.factors {
		if g.Method() == method {
			return fmt.Errorf("mfa: AddFactor: a factor %q is already added", method)
		}
	}
	m.factors = append(m.factors, f)
	return nil
}

// factorCounts returns the methods of the external factors userID has and
// how many of method there are.
func (m *Module) factorCounts(ctx context.Context, userID, method string) (methods []string, count int, err error) {
	for _, f := range m.factors {
		n, err := f.Count(ctx, userID)
		if err != nil {
			return nil, 0, fmt.Errorf("mfa: %s count: %w", f.Method(), err)
		}
		if n > 0 {
			methods = append(methods, f.Method())
		}
		if f.Method() == method {
			count = n
		}
	}
	return methods, count, nil
}

// HasSecondFactor reports whether userID has any second factor: TOTP on,
// recovery codes left, or an external factor. Another module uses it to
// require an aal 2 session for a sensitive change (deleting a passkey).
func (m *Module) HasSecondFactor(ctx context.Context, userID string) (bool, error) {
	if m.svc == nil {
		return false, errors.New("mfa: the module is not mounted")
	}
	st, err := m.svc.Status(ctx, userID)
	if err != nil {
		return false, err
	}
	if len(st.Methods()) > 0 {
		return true, nil
	}
	external, _, err := m.factorCounts(ctx, userID, "")
	return len(external) > 0, err
}

// ceremonyFactor returns the factor that takes ceremony bodies at
// /mfa/verify: the first one added.
func (m *Module) ceremonyFactor() (Factor, bool) {
	if len(m.factors) == 0 {
		return nil, false
	}
	return m.factors[0], true
}
