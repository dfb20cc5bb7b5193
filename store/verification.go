package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/models"
)

// voidVerificationTokens marks the user's unconsumed tokens of kind
// consumed at now, so they can no longer be used.
func voidVerificationTokens(tx *gorm.DB, userID string, kind ginauth.VerificationKind, now time.Time) error {
	return tx.Model(&models.VerificationToken{}).
		Where("user_id = ? AND kind = ? AND consumed_at IS NULL", userID, string(kind)).
		UpdateColumn("consumed_at", ts(now)).Error
}

// CreateVerificationToken implements ginauth.VerificationStore. The
// previous tokens are voided at t.CreatedAt.
func (s *Store) CreateVerificationToken(ctx context.Context, t ginauth.VerificationToken) error {
	return s.tx(ctx, "create verification token", func(tx *gorm.DB) error {
		// Serialize token issuance per user so that of two concurrent
		// issues the later voids the earlier.
		var u models.User
		if err := first(s.forUpdate(tx.Select("id").Where("id = ?", t.UserID)), &u); err != nil {
			return fmt.Errorf("user %s: %w", t.UserID, err)
		}
		if err := voidVerificationTokens(tx, t.UserID, t.Kind, t.CreatedAt); err != nil {
			return err
		}
		return tx.Create(&models.VerificationToken{
			ID:         t.ID,
			UserID:     t.UserID,
			Kind:       string(t.Kind),
			TokenHash:  hashHex(t.TokenHash),
			CreatedAt:  ts(t.CreatedAt),
			ExpiresAt:  ts(t.ExpiresAt),
			ConsumedAt: tsPtr(t.ConsumedAt),
		}).Error
	})
}

// consumeVerificationToken consumes the unconsumed, unexpired token of kind
// with that hash and returns its user id, or ErrNotFound.
func consumeVerificationToken(tx *gorm.DB, tokenHash []byte, kind ginauth.VerificationKind, now time.Time) (string, error) {
	h := hashHex(tokenHash)
	res := tx.Model(&models.VerificationToken{}).
		Where("token_hash = ? AND kind = ? AND consumed_at IS NULL AND expires_at > ?", h, string(kind), now).
		UpdateColumn("consumed_at", now)
	if res.Error != nil {
		return "", res.Error
	}
	if res.RowsAffected != 1 {
		return "", fmt.Errorf("%s token: %w", kind, ginauth.ErrNotFound)
	}
	var t models.VerificationToken
	if err := first(tx.Where("token_hash = ?", h), &t); err != nil {
		return "", err
	}
	return t.UserID, nil
}

// ConfirmEmail implements ginauth.VerificationStore.
func (s *Store) ConfirmEmail(ctx context.Context, tokenHash []byte, now time.Time) (ginauth.User, error) {
	now = ts(now)
	var u models.User
	err := s.tx(ctx, "confirm email", func(tx *gorm.DB) error {
		userID, err := consumeVerificationToken(tx, tokenHash, ginauth.VerifyEmail, now)
		if err != nil {
			return err
		}
		if err := tx.Model(&models.User{}).Where("id = ? AND email_confirmed_at IS NULL", userID).
			UpdateColumns(map[string]any{"email_confirmed_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		return first(tx.Where("id = ?", userID), &u)
	})
	if err != nil {
		return ginauth.User{}, err
	}
	return userFromModel(u), nil
}

// ResetPassword implements ginauth.VerificationStore.
func (s *Store) ResetPassword(ctx context.Context, tokenHash []byte, newHash string, deleteAPIKeys bool, now time.Time) (ginauth.User, int, error) {
	now = ts(now)
	var u models.User
	var deleted int64
	err := s.tx(ctx, "reset password", func(tx *gorm.DB) error {
		userID, err := consumeVerificationToken(tx, tokenHash, ginauth.ResetPassword, now)
		if err != nil {
			return err
		}
		if err := tx.Model(&models.User{}).Where("id = ?", userID).
			UpdateColumns(map[string]any{
				"password_hash":      newHash,
				"credential_version": gorm.Expr("credential_version + 1"),
				"updated_at":         now,
			}).Error; err != nil {
			return err
		}
		if err := revokeSessions(tx, userID, "", now).Error; err != nil {
			return err
		}
		if err := voidVerificationTokens(tx, userID, ginauth.ResetPassword, now); err != nil {
			return err
		}
		if deleteAPIKeys {
			res := tx.Where("created_by_user_id = ?", userID).Delete(&models.APIKey{})
			if res.Error != nil {
				return res.Error
			}
			deleted = res.RowsAffected
		}
		return first(tx.Where("id = ?", userID), &u)
	})
	if err != nil {
		return ginauth.User{}, 0, err
	}
	return userFromModel(u), int(deleted), nil
}
