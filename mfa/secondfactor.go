package mfa

import (
	"context"
	"errors"
)

// StartSecondFactor lets a sign-in method of another module require the
// account's second factor (it implements social.SecondFactor): after that
// module's first factor (firstMethod, e.g. "oauth") it returns the
// account's methods and a new mfa_token to redeem at POST /mfa/verify, or
// an empty token when the account has no second factor. The session the
// token leads to has amr [firstMethod, second method] at aal 2. It needs
// the module mounted.
func (m *Module) StartSecondFactor(ctx context.Context, userID, firstMethod string) (token string, methods []string, err error) {
	if m.svc == nil {
		return "", nil, errors.New("mfa: StartSecondFactor before the module is mounted")
	}
	return m.svc.StartChallenge(ctx, userID, firstMethod, nil, m.h.Now())
}
