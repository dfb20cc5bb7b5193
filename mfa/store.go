package mfa

import (
	"context"
	"time"
)

// Store is the storage of the second factor. The GORM implementation is
// store.(*Store).MFA(); package mfatest checks any implementation.
//
// Rules every implementation follows:
//   - Time comes from the caller: every method that decides on time takes
//     now, and nothing reads a clock.
//   - Every decision that concurrent requests race for is atomic: a
//     conditional update checked for one affected row, never a read
//     followed by a write. A TOTP step is accepted once, a recovery code
//     used once, an mfa_token redeemed once and never beyond its failures.
//   - A method that takes a Proof consumes it in the same transaction as
//     its change: if the change fails, the proof is not spent, and if the
//     proof is refused, nothing changes.
//   - Errors are this package's sentinels (errors.Is), wrapped; an
//     unreachable database is reported as the kernel's store-unavailable
//     error.
//   - Secrets arrive sealed or hashed; a Store never sees a TOTP secret,
//     recovery code or mfa_token in clear.
type Store interface {
	// Migrate creates or upgrades the tables of the second factor, and
	// only those.
	Migrate(ctx context.Context) error

	// TOTP returns the user's TOTP state. A user without any (never set
	// up, or disabled) gets the zero state with UserID set and no error.
	TOTP(ctx context.Context, userID string) (TOTPState, error)
	// Status returns what GET /auth/mfa and the sign-in gate need.
	Status(ctx context.Context, userID string) (Status, error)
	// SetPendingTOTP stores p as the user's pending secret, replacing a
	// previous pending one. ErrTOTPEnabled if TOTP is on; ErrNotFound if
	// the user does not exist.
	SetPendingTOTP(ctx context.Context, userID string, p PendingTOTP, now time.Time) error
	// EnableTOTP turns the pending secret named pendingID on, records step
	// (the step of the code that proved it) as the last accepted step, and
	// replaces the user's recovery codes with recoveryCodeHashes, all in
	// one transaction. ErrSetupRequired if there is no pending secret or
	// it is not pendingID (a newer setup replaced it, or TOTP is on).
	EnableTOTP(ctx context.Context, userID, pendingID string, step int64, recoveryCodeHashes [][]byte, now time.Time) error
	// DisableTOTP consumes proof and turns TOTP off, deleting the secret,
	// and the recovery codes too when deleteRecoveryCodes is set (the
	// caller sets it when no other second factor remains).
	// ErrTOTPNotEnabled if TOTP is off; the errors of UseProof.
	DisableTOTP(ctx context.Context, userID string, proof Proof, deleteRecoveryCodes bool, now time.Time) error
	// RegenerateRecoveryCodes consumes proof and replaces the user's
	// recovery codes with hashes: the old ones stop working at once.
	RegenerateRecoveryCodes(ctx context.Context, userID string, proof Proof, hashes [][]byte, now time.Time) error
	// UseProof consumes proof (a step-up). A TOTP step at or before the
	// last accepted one gives ErrCodeReplayed, a TOTP proof for a secret
	// that is no longer the enabled one ErrInvalidCode, an unknown or used
	// recovery code ErrInvalidCode, an empty or external proof
	// ErrInvalidCode.
	UseProof(ctx context.Context, userID string, proof Proof, now time.Time) error

	// CreateChallenge stores a new challenge. ErrNotFound if its user does
	// not exist.
	CreateChallenge(ctx context.Context, c Challenge) error
	// Challenge returns the live challenge with that token hash: not
	// consumed, not expired at now, under maxFailures failures; otherwise
	// ErrChallengeInvalid.
	Challenge(ctx context.Context, tokenHash []byte, maxFailures int, now time.Time) (Challenge, error)
	// FailChallenge counts a wrong code against the live challenge and
	// returns its failures so far; once they reach maxFailures it is dead.
	// ErrChallengeInvalid if it was not live. Of concurrent calls at most
	// maxFailures succeed.
	FailChallenge(ctx context.Context, tokenHash []byte, maxFailures int, now time.Time) (int, error)
	// RedeemChallenge consumes the live challenge and proof in one
	// transaction and returns the challenge: of concurrent calls at most
	// one succeeds. A proof the store refuses leaves the challenge live
	// (the caller then counts the failure); a dead challenge gives
	// ErrChallengeInvalid. A Proof of an external method (a passkey
	// assertion its module verified) only consumes the challenge.
	RedeemChallenge(ctx context.Context, tokenHash []byte, maxFailures int, proof Proof, now time.Time) (Challenge, error)
	// DeleteExpiredChallenges deletes the challenges that expired before
	// now, consumed or not, and returns how many.
	DeleteExpiredChallenges(ctx context.Context, now time.Time) (int64, error)
}

// TOTPState is a user's TOTP row: no secret, a pending secret (set up, not
// yet confirmed with a code) or an enabled one.
type TOTPState struct {
	// UserID is the user.
	UserID string
	// SecretID names the current secret (pending or enabled); it changes
	// with every setup, so a proof or an enable made against one secret
	// cannot apply to another. Empty without a secret.
	SecretID string
	// Secret is the sealed secret (Strategy seals and opens it).
	Secret []byte
	// CreatedAt is when the secret was set up.
	CreatedAt time.Time
	// EnabledAt is when the secret was enabled; nil while pending.
	EnabledAt *time.Time
	// LastStep is the last TOTP step accepted for the user; 0 before any.
	LastStep int64
}

// Enabled reports whether TOTP is on.
func (s TOTPState) Enabled() bool { return s.SecretID != "" && s.EnabledAt != nil }

// Pending reports whether a set-up secret awaits its first code.
func (s TOTPState) Pending() bool { return s.SecretID != "" && s.EnabledAt == nil }

// PendingTOTP is a new secret to store as pending.
type PendingTOTP struct {
	// SecretID names the secret (UUIDv7).
	SecretID string
	// Secret is the sealed secret.
	Secret []byte
}

// Status is the second-factor state of an account.
type Status struct {
	// TOTPEnabled reports whether TOTP is on.
	TOTPEnabled bool
	// RecoveryCodesRemaining counts the unused recovery codes.
	RecoveryCodesRemaining int
}

// Methods returns the second-factor methods of this package the account
// can use, in the order of the SPEC's mfa_required body ("totp",
// "recovery_code"); the caller appends "passkey" when the account has
// passkeys. Empty means no second factor: the sign-in needs none.
func (s Status) Methods() []string {
	var m []string
	if s.TOTPEnabled {
		m = append(m, MethodTOTP)
	}
	if s.RecoveryCodesRemaining > 0 {
		m = append(m, MethodRecoveryCode)
	}
	return m
}

// Proof is a second factor the caller verified, for the Store to consume
// atomically with the change it authorizes.
type Proof struct {
	// Method is MethodTOTP, MethodRecoveryCode, or another method (such as
	// "passkey") whose module verified it itself: RedeemChallenge accepts
	// such a proof as it is, every other method refuses it.
	Method string
	// TOTPSecretID and TOTPStep (MethodTOTP): the secret the code was
	// checked against and the step it matched.
	TOTPSecretID string
	TOTPStep     int64
	// RecoveryCodeHashes (MethodRecoveryCode): the keyed hashes of the
	// submitted code under every configured key; the one stored matches.
	RecoveryCodeHashes [][]byte
}

// The second-factor methods of this package, as they appear in amr and in
// the mfa_required body.
const (
	MethodTOTP         = "totp"
	MethodRecoveryCode = "recovery_code"
)
