package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/mfa"
	"github.com/fastauth/fastauth/models"
)

// MFA returns the storage of the second factor (package mfa) on the
// store's database. Its tables (models.MFA) are created by its Migrate,
// not by AutoMigrate.
func (s *Store) MFA() mfa.Store { return mfaStore{s} }

// mfaStore implements mfa.Store.
//
// Single winners: a TOTP step is accepted by the update that raises
// last_step above it; a recovery code is used by the update that sets its
// used_at; an mfa_token is redeemed by the update that sets consumed_at
// and killed by the update that raises failures to the limit; each checked
// for an affected row, and each changing a value (MySQL counts changed
// rows). The mutations of one user's factors (setup, enable, disable,
// regenerate) first lock the user's row, so they run one at a time and
// always take their locks in the same order: user, TOTP row, recovery
// codes.
type mfaStore struct{ s *Store }

var _ mfa.Store = mfaStore{}

// err maps a store error to the mfa sentinels: a missing row or a
// violated foreign key (an unknown user) also matches mfa.ErrNotFound.
func (m mfaStore) err(err error) error {
	if err != nil && errors.Is(err, ginauth.ErrNotFound) && !errors.Is(err, mfa.ErrNotFound) {
		return fmt.Errorf("%w: %w", mfa.ErrNotFound, err)
	}
	return err
}

// tx runs fn in a transaction (Store.tx) and maps its error.
func (m mfaStore) tx(ctx context.Context, op string, fn func(tx *gorm.DB) error) error {
	return m.err(m.s.tx(ctx, "mfa: "+op, fn))
}

// wrap maps the error of a statement outside a transaction.
func (m mfaStore) wrap(op string, err error) error { return m.err(m.s.wrap("mfa: "+op, err)) }

// Migrate implements mfa.Store: it creates or upgrades models.MFA().
func (m mfaStore) Migrate(ctx context.Context) error {
	return m.s.migrateModule(ctx, "mfa: migrate", models.MFA()...)
}

// lockUser takes the row lock of a user for the rest of the transaction
// (SQLite serializes writers already); ErrNotFound if there is no user.
func (m mfaStore) lockUser(tx *gorm.DB, userID string) error {
	var u models.User
	if err := first(m.s.forUpdate(tx.Select("id").Where("id = ?", userID)), &u); err != nil {
		return fmt.Errorf("user %s: %w", userID, err)
	}
	return nil
}

func totpFromModel(r models.MFATOTP) mfa.TOTPState {
	return mfa.TOTPState{
		UserID:    r.UserID,
		SecretID:  r.SecretID,
		Secret:    r.Secret,
		CreatedAt: r.CreatedAt.UTC(),
		EnabledAt: utcPtr(r.EnabledAt),
		LastStep:  r.LastStep,
	}
}

// TOTP implements mfa.Store.
func (m mfaStore) TOTP(ctx context.Context, userID string) (mfa.TOTPState, error) {
	var r models.MFATOTP
	err := first(m.s.conn(ctx).Where("user_id = ?", userID), &r)
	if isNotFound(err) {
		return mfa.TOTPState{UserID: userID}, nil
	}
	if err != nil {
		return mfa.TOTPState{}, m.wrap("totp", err)
	}
	return totpFromModel(r), nil
}

// Status implements mfa.Store.
func (m mfaStore) Status(ctx context.Context, userID string) (mfa.Status, error) {
	var enabled, remaining int64
	db := m.s.conn(ctx)
	if err := db.Model(&models.MFATOTP{}).Where("user_id = ? AND enabled_at IS NOT NULL", userID).Count(&enabled).Error; err != nil {
		return mfa.Status{}, m.wrap("status", err)
	}
	if err := db.Model(&models.MFARecoveryCode{}).Where("user_id = ? AND used_at IS NULL", userID).Count(&remaining).Error; err != nil {
		return mfa.Status{}, m.wrap("status", err)
	}
	return mfa.Status{TOTPEnabled: enabled > 0, RecoveryCodesRemaining: int(remaining)}, nil
}

// SetPendingTOTP implements mfa.Store.
func (m mfaStore) SetPendingTOTP(ctx context.Context, userID string, p mfa.PendingTOTP, now time.Time) error {
	now = ts(now)
	return m.tx(ctx, "set pending totp", func(tx *gorm.DB) error {
		if err := m.lockUser(tx, userID); err != nil {
			return err
		}
		var r models.MFATOTP
		err := first(m.s.forUpdate(tx.Where("user_id = ?", userID)), &r)
		switch {
		case isNotFound(err):
			return tx.Create(&models.MFATOTP{UserID: userID, SecretID: p.SecretID, Secret: p.Secret, CreatedAt: now, UpdatedAt: now}).Error
		case err != nil:
			return err
		case r.EnabledAt != nil:
			return mfa.ErrTOTPEnabled
		}
		return tx.Model(&models.MFATOTP{}).Where("user_id = ? AND enabled_at IS NULL", userID).
			UpdateColumns(map[string]any{"secret_id": p.SecretID, "secret": p.Secret, "created_at": now, "updated_at": now}).Error
	})
}

// EnableTOTP implements mfa.Store.
func (m mfaStore) EnableTOTP(ctx context.Context, userID, pendingID string, step int64, recoveryCodeHashes [][]byte, now time.Time) error {
	now = ts(now)
	return m.tx(ctx, "enable totp", func(tx *gorm.DB) error {
		if err := m.lockUser(tx, userID); err != nil {
			return err
		}
		res := tx.Model(&models.MFATOTP{}).Where("user_id = ? AND secret_id = ? AND enabled_at IS NULL", userID, pendingID).
			UpdateColumns(map[string]any{"enabled_at": now, "last_step": step, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return mfa.ErrSetupRequired
		}
		return replaceRecoveryCodes(tx, userID, recoveryCodeHashes, now)
	})
}

// DisableTOTP implements mfa.Store.
func (m mfaStore) DisableTOTP(ctx context.Context, userID string, proof mfa.Proof, deleteRecoveryCodes bool, now time.Time) error {
	now = ts(now)
	return m.tx(ctx, "disable totp", func(tx *gorm.DB) error {
		if err := m.lockUser(tx, userID); err != nil {
			return err
		}
		var r models.MFATOTP
		err := first(m.s.forUpdate(tx.Where("user_id = ? AND enabled_at IS NOT NULL", userID)), &r)
		if isNotFound(err) {
			return mfa.ErrTOTPNotEnabled
		}
		if err != nil {
			return err
		}
		if err := acceptProof(tx, userID, proof, false, now); err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", userID).Delete(&models.MFATOTP{}).Error; err != nil {
			return err
		}
		if deleteRecoveryCodes {
			return tx.Where("user_id = ?", userID).Delete(&models.MFARecoveryCode{}).Error
		}
		return nil
	})
}

// RegenerateRecoveryCodes implements mfa.Store.
func (m mfaStore) RegenerateRecoveryCodes(ctx context.Context, userID string, proof mfa.Proof, hashes [][]byte, now time.Time) error {
	now = ts(now)
	return m.tx(ctx, "regenerate recovery codes", func(tx *gorm.DB) error {
		if err := m.lockUser(tx, userID); err != nil {
			return err
		}
		if err := acceptProof(tx, userID, proof, false, now); err != nil {
			return err
		}
		return replaceRecoveryCodes(tx, userID, hashes, now)
	})
}

// UseProof implements mfa.Store.
func (m mfaStore) UseProof(ctx context.Context, userID string, proof mfa.Proof, now time.Time) error {
	now = ts(now)
	return m.tx(ctx, "use proof", func(tx *gorm.DB) error {
		return acceptProof(tx, userID, proof, false, now)
	})
}

// replaceRecoveryCodes deletes the user's recovery codes and stores hashes
// as the new set.
func replaceRecoveryCodes(tx *gorm.DB, userID string, hashes [][]byte, now time.Time) error {
	if err := tx.Where("user_id = ?", userID).Delete(&models.MFARecoveryCode{}).Error; err != nil {
		return err
	}
	if len(hashes) == 0 {
		return nil
	}
	rows := make([]models.MFARecoveryCode, len(hashes))
	for i, h := range hashes {
		rows[i] = models.MFARecoveryCode{UserID: userID, CodeHash: hashHex(h), CreatedAt: now}
	}
	return tx.Create(&rows).Error
}

// acceptProof consumes a second factor of userID in tx: a TOTP step by
// raising last_step above it (for the enabled secret the proof names), a
// recovery code by setting its used_at. A proof of another method is
// accepted as it is only where external is true (RedeemChallenge); its
// module verified it.
func acceptProof(tx *gorm.DB, userID string, proof mfa.Proof, external bool, now time.Time) error {
	switch proof.Method {
	case mfa.MethodTOTP:
		if proof.TOTPStep <= 0 || proof.TOTPSecretID == "" {
			return fmt.Errorf("%w: incomplete TOTP proof", mfa.ErrInvalidCode)
		}
		res := tx.Model(&models.MFATOTP{}).
			Where("user_id = ? AND secret_id = ? AND enabled_at IS NOT NULL AND last_step < ?", userID, proof.TOTPSecretID, proof.TOTPStep).
			UpdateColumns(map[string]any{"last_step": proof.TOTPStep, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			return nil
		}
		var r models.MFATOTP
		err := first(tx.Where("user_id = ? AND secret_id = ? AND enabled_at IS NOT NULL", userID, proof.TOTPSecretID), &r)
		if isNotFound(err) {
			return fmt.Errorf("%w: the TOTP secret is no longer enabled", mfa.ErrInvalidCode)
		}
		if err != nil {
			return err
		}
		return mfa.ErrCodeReplayed
	case mfa.MethodRecoveryCode:
		if len(proof.RecoveryCodeHashes) == 0 {
			return fmt.Errorf("%w: incomplete recovery-code proof", mfa.ErrInvalidCode)
		}
		candidates := make([]string, len(proof.RecoveryCodeHashes))
		for i, h := range proof.RecoveryCodeHashes {
			candidates[i] = hashHex(h)
		}
		res := tx.Model(&models.MFARecoveryCode{}).
			Where("user_id = ? AND used_at IS NULL AND code_hash IN ?", userID, candidates).
			UpdateColumn("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("%w: unknown or used recovery code", mfa.ErrInvalidCode)
		}
		return nil
	case "":
		return fmt.Errorf("%w: no proof", mfa.ErrInvalidCode)
	}
	if !external {
		return fmt.Errorf("%w: a %s proof is not accepted here", mfa.ErrInvalidCode, proof.Method)
	}
	return nil
}

func challengeFromModel(r models.MFAChallenge) mfa.Challenge {
	return mfa.Challenge{
		ID:          r.ID,
		UserID:      r.UserID,
		TokenHash:   hashBytes(r.TokenHash),
		FirstMethod: r.FirstMethod,
		CreatedAt:   r.CreatedAt.UTC(),
		ExpiresAt:   r.ExpiresAt.UTC(),
		ConsumedAt:  utcPtr(r.ConsumedAt),
		Failures:    r.Failures,
	}
}

// CreateChallenge implements mfa.Store.
func (m mfaStore) CreateChallenge(ctx context.Context, c mfa.Challenge) error {
	err := m.s.conn(ctx).Create(&models.MFAChallenge{
		ID:          c.ID,
		UserID:      c.UserID,
		TokenHash:   hashHex(c.TokenHash),
		FirstMethod: c.FirstMethod,
		CreatedAt:   ts(c.CreatedAt),
		ExpiresAt:   ts(c.ExpiresAt),
		ConsumedAt:  tsPtr(c.ConsumedAt),
		Failures:    c.Failures,
	}).Error
	return m.wrap("create challenge", err)
}

// liveChallenge restricts q to the live challenge with that token hash.
func liveChallenge(q *gorm.DB, tokenHash []byte, maxFailures int, now time.Time) *gorm.DB {
	return q.Where("token_hash = ? AND consumed_at IS NULL AND expires_at > ? AND failures < ?", hashHex(tokenHash), now, maxFailures)
}

// Challenge implements mfa.Store.
func (m mfaStore) Challenge(ctx context.Context, tokenHash []byte, maxFailures int, now time.Time) (mfa.Challenge, error) {
	var r models.MFAChallenge
	err := first(liveChallenge(m.s.conn(ctx), tokenHash, maxFailures, ts(now)), &r)
	if isNotFound(err) {
		return mfa.Challenge{}, mfa.ErrChallengeInvalid
	}
	if err != nil {
		return mfa.Challenge{}, m.wrap("challenge", err)
	}
	return challengeFromModel(r), nil
}

// FailChallenge implements mfa.Store.
func (m mfaStore) FailChallenge(ctx context.Context, tokenHash []byte, maxFailures int, now time.Time) (int, error) {
	now = ts(now)
	var r models.MFAChallenge
	err := m.tx(ctx, "fail challenge", func(tx *gorm.DB) error {
		res := liveChallenge(tx.Model(&models.MFAChallenge{}), tokenHash, maxFailures, now).
			UpdateColumn("failures", gorm.Expr("failures + 1"))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return mfa.ErrChallengeInvalid
		}
		return first(tx.Where("token_hash = ?", hashHex(tokenHash)), &r)
	})
	if err != nil {
		return 0, err
	}
	return r.Failures, nil
}

// RedeemChallenge implements mfa.Store.
func (m mfaStore) RedeemChallenge(ctx context.Context, tokenHash []byte, maxFailures int, proof mfa.Proof, now time.Time) (mfa.Challenge, error) {
	now = ts(now)
	var r models.MFAChallenge
	err := m.tx(ctx, "redeem challenge", func(tx *gorm.DB) error {
		res := liveChallenge(tx.Model(&models.MFAChallenge{}), tokenHash, maxFailures, now).
			UpdateColumn("consumed_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return mfa.ErrChallengeInvalid
		}
		if err := first(tx.Where("token_hash = ?", hashHex(tokenHash)), &r); err != nil {
			return err
		}
		return acceptProof(tx, r.UserID, proof, true, now)
	})
	if err != nil {
		return mfa.Challenge{}, err
	}
	return challengeFromModel(r), nil
}

// DeleteExpiredChallenges implements mfa.Store.
func (m mfaStore) DeleteExpiredChallenges(ctx context.Context, now time.Time) (int64, error) {
	res := m.s.conn(ctx).Where("expires_at <= ?", ts(now)).Delete(&models.MFAChallenge{})
	if res.Error != nil {
		return 0, m.wrap("delete expired challenges", res.Error)
	}
	return res.RowsAffected, nil
}
