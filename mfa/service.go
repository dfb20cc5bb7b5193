package mfa

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Service is the second factor as the HTTP handlers use it: one method per
// route, each combining the Strategy's checks with the Store's atomic
// changes, so that a handler only binds the body, calls one method, maps
// the error (see the sentinels) and, on success, issues cookies or mails a
// notice. It is safe for concurrent use.
type Service struct {
	strategy *Strategy
	store    Store
}

// NewService returns the Service of cfg on store.
func NewService(cfg Config, store Store) (*Service, error) {
	if store == nil {
		return nil, errors.New("mfa: NewService: nil Store")
	}
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return &Service{strategy: s, store: store}, nil
}

// Strategy returns the protocol logic the Service uses.
func (s *Service) Strategy() *Strategy { return s.strategy }

// Store returns the storage the Service uses.
func (s *Service) Store() Store { return s.store }

// Status is GET /auth/mfa (without the passkey count, which the passkeys
// module knows).
func (s *Service) Status(ctx context.Context, userID string) (Status, error) {
	return s.store.Status(ctx, userID)
}

// SetupTOTP is POST /auth/mfa/totp/setup: a new pending secret for the
// user, whose address (account) labels it in the app. ErrTOTPEnabled if
// TOTP is on.
func (s *Service) SetupTOTP(ctx context.Context, userID, account string, now time.Time) (TOTPSetup, error) {
	st, err := s.store.TOTP(ctx, userID)
	if err != nil {
		return TOTPSetup{}, err
	}
	if st.Enabled() {
		return TOTPSetup{}, ErrTOTPEnabled
	}
	setup, pending, err := s.strategy.NewTOTPSetup(userID, account)
	if err != nil {
		return TOTPSetup{}, err
	}
	if err := s.store.SetPendingTOTP(ctx, userID, pending, now); err != nil {
		return TOTPSetup{}, err
	}
	return setup, nil
}

// EnableTOTP is POST /auth/mfa/totp/enable: code (of the pending secret)
// turns TOTP on; the returned recovery codes are shown once. The handler
// then raises the session to aal 2 with MethodTOTP and mails a notice.
// ErrSetupRequired without a pending secret (or when a newer setup
// replaced the one the code was checked against); ErrInvalidCode;
// ErrMalformedCode.
func (s *Service) EnableTOTP(ctx context.Context, userID, code string, now time.Time) (RecoveryCodes, error) {
	st, err := s.store.TOTP(ctx, userID)
	if err != nil {
		return RecoveryCodes{}, err
	}
	step, err := s.strategy.VerifyPendingTOTP(st, code, now)
	if err != nil {
		return RecoveryCodes{}, err
	}
	rc := s.strategy.NewRecoveryCodes(userID)
	if err := s.store.EnableTOTP(ctx, userID, st.SecretID, step, rc.Hashes, now); err != nil {
		return RecoveryCodes{}, err
	}
	return rc, nil
}

// DisableTOTP is POST /auth/mfa/totp/disable: code (TOTP or recovery code)
// turns TOTP off, and returns the method of the code (a used recovery code
// is worth its own notice). keepRecoveryCodes keeps the recovery codes
// (set it when the account keeps another second factor, such as passkeys).
// ErrTOTPNotEnabled; ErrInvalidCode, ErrCodeReplayed; ErrMalformedCode.
func (s *Service) DisableTOTP(ctx context.Context, userID, code string, keepRecoveryCodes bool, now time.Time) (string, error) {
	st, err := s.store.TOTP(ctx, userID)
	if err != nil {
		return "", err
	}
	if !st.Enabled() {
		return "", ErrTOTPNotEnabled
	}
	proof, err := s.strategy.Proof(st, code, AcceptAny, now)
	if err != nil {
		return "", err
	}
	if err := s.store.DisableTOTP(ctx, userID, proof, !keepRecoveryCodes, now); err != nil {
		return "", err
	}
	return proof.Method, nil
}

// RegenerateRecoveryCodes is POST /auth/mfa/recovery-codes: a TOTP code
// replaces the recovery codes with a new set, returned to be shown once.
// ErrTOTPNotEnabled; ErrInvalidCode, ErrCodeReplayed; ErrMalformedCode
// (also for a recovery code: this route takes TOTP only).
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, userID, code string, now time.Time) (RecoveryCodes, error) {
	st, err := s.store.TOTP(ctx, userID)
	if err != nil {
		return RecoveryCodes{}, err
	}
	if !st.Enabled() {
		return RecoveryCodes{}, ErrTOTPNotEnabled
	}
	proof, err := s.strategy.Proof(st, code, AcceptTOTP, now)
	if err != nil {
		return RecoveryCodes{}, err
	}
	rc := s.strategy.NewRecoveryCodes(userID)
	if err := s.store.RegenerateRecoveryCodes(ctx, userID, proof, rc.Hashes, now); err != nil {
		return RecoveryCodes{}, err
	}
	return rc, nil
}

// StepUp is POST /auth/mfa/step-up: code (TOTP or recovery code) proves
// the second factor for the current session, and the method is returned
// for the session's amr. ErrInvalidCode, ErrCodeReplayed;
// ErrMalformedCode.
func (s *Service) StepUp(ctx context.Context, userID, code string, now time.Time) (string, error) {
	st, err := s.store.TOTP(ctx, userID)
	if err != nil {
		return "", err
	}
	proof, err := s.strategy.Proof(st, code, AcceptAny, now)
	if err != nil {
		return "", err
	}
	if err := s.store.UseProof(ctx, userID, proof, now); err != nil {
		return "", err
	}
	return proof.Method, nil
}

// StartChallenge is the sign-in gate: after a correct first factor
// (firstMethod, e.g. "password") it returns the second-factor methods of
// the account, this package's followed by external (the methods other
// modules report, such as "passkey"), and, when there is any, a new
// mfa_token to hand out once with 403 mfa_required. No methods: no token,
// the sign-in needs no second factor.
func (s *Service) StartChallenge(ctx context.Context, userID, firstMethod string, external []string, now time.Time) (token string, methods []string, err error) {
	status, err := s.store.Status(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	methods = append(status.Methods(), external...)
	if len(methods) == 0 {
		return "", nil, nil
	}
	token, c, err := s.strategy.NewChallenge(userID, firstMethod, now)
	if err != nil {
		return "", nil, err
	}
	if err := s.store.CreateChallenge(ctx, c); err != nil {
		return "", nil, err
	}
	return token, methods, nil
}

// VerifyChallenge is POST /auth/mfa/verify: code (TOTP or recovery code)
// redeems the mfa_token, and the challenge (its user and first method) and
// the code's method are returned: the handler starts a session with amr
// [first method, method] at aal 2.
//
// A wrong or replayed code counts a failure against the token (the fifth
// kills it) and gives ErrInvalidCode with the challenge, whose UserID the
// handler counts towards the account's lockout. ErrChallengeInvalid: the
// token is malformed, unknown, expired, used or dead. ErrMalformedCode: the
// code has no code's shape (no failure is counted: it cannot be a guess).
func (s *Service) VerifyChallenge(ctx context.Context, token, code string, now time.Time) (Challenge, string, error) {
	hash, err := HashChallengeToken(token)
	if err != nil {
		return Challenge{}, "", err
	}
	maxFailures := s.strategy.cfg.MaxChallengeFailures
	c, err := s.store.Challenge(ctx, hash, maxFailures, now)
	if err != nil {
		return Challenge{}, "", err
	}
	st, err := s.store.TOTP(ctx, c.UserID)
	if err != nil {
		return Challenge{}, "", err
	}
	proof, err := s.strategy.Proof(st, code, AcceptAny, now)
	if err == nil {
		var redeemed Challenge
		redeemed, err = s.store.RedeemChallenge(ctx, hash, maxFailures, proof, now)
		if err == nil {
			return redeemed, proof.Method, nil
		}
	}
	if !errors.Is(err, ErrInvalidCode) {
		return Challenge{}, "", err
	}
	if _, ferr := s.store.FailChallenge(ctx, hash, maxFailures, now); ferr != nil && !errors.Is(ferr, ErrChallengeInvalid) {
		return c, "", fmt.Errorf("%w (counting the failure: %w)", err, ferr)
	}
	return c, "", err
}

// ChallengeUser returns the live challenge of an mfa_token, for another
// module's second factor (the passkeys module binds its ceremony to the
// challenge's user). ErrChallengeInvalid.
func (s *Service) ChallengeUser(ctx context.Context, token string, now time.Time) (Challenge, error) {
	hash, err := HashChallengeToken(token)
	if err != nil {
		return Challenge{}, err
	}
	return s.store.Challenge(ctx, hash, s.strategy.cfg.MaxChallengeFailures, now)
}

// RedeemExternal redeems an mfa_token with a second factor another module
// verified (method, e.g. "passkey"); of concurrent redemptions one wins.
// ErrChallengeInvalid.
func (s *Service) RedeemExternal(ctx context.Context, token, method string, now time.Time) (Challenge, error) {
	hash, err := HashChallengeToken(token)
	if err != nil {
		return Challenge{}, err
	}
	if method == "" || method == MethodTOTP || method == MethodRecoveryCode {
		return Challenge{}, fmt.Errorf("mfa: RedeemExternal: %q is not an external method", method)
	}
	return s.store.RedeemChallenge(ctx, hash, s.strategy.cfg.MaxChallengeFailures, Proof{Method: method}, now)
}

// FailExternal counts a failed external second factor (a refused passkey
// assertion) against an mfa_token. ErrChallengeInvalid once it is dead.
func (s *Service) FailExternal(ctx context.Context, token string, now time.Time) error {
	hash, err := HashChallengeToken(token)
	if err != nil {
		return err
	}
	_, err = s.store.FailChallenge(ctx, hash, s.strategy.cfg.MaxChallengeFailures, now)
	return err
}
