package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/models"
)

func userFromModel(m models.User) ginauth.User {
	return ginauth.User{
		ID:                   m.ID,
		Email:                m.Email,
		PasswordHash:         m.PasswordHash,
		EmailConfirmedAt:     utcPtr(m.EmailConfirmedAt),
		ActiveOrganizationID: deref(m.ActiveOrganizationID),
		CredentialVersion:    m.CredentialVersion,
		Name:                 deref(m.Name),
		ImageURL:             deref(m.ImageURL),
		Metadata:             rawJSON(m.Metadata),
		DisabledAt:           utcPtr(m.DisabledAt),
		DisabledReason:       deref(m.DisabledReason),
		CreatedAt:            m.CreatedAt.UTC(),
		UpdatedAt:            m.UpdatedAt.UTC(),
	}
}

// CreateUser implements ginauth.UserStore.
func (s *Store) CreateUser(ctx context.Context, u ginauth.User, workspace ginauth.Organization, owner ginauth.Membership, first *ginauth.NewSession) error {
	if owner.OrganizationID == "" {
		owner.OrganizationID = workspace.ID
	}
	if owner.UserID == "" {
		owner.UserID = u.ID
	}
	if owner.Role == "" {
		owner.Role = ginauth.RoleOwner
	}
	var signIns int64
	if first != nil {
		signIns = 1 // what CreateSession's credential-version check counts
	}
	return s.tx(ctx, "create user", func(tx *gorm.DB) error {
		// The user goes first so a duplicate email fails before anything
		// else is written (and, on MySQL, before other locks are taken).
		if err := tx.Create(&models.User{
			ID:                u.ID,
			Email:             u.Email,
			PasswordHash:      u.PasswordHash,
			EmailConfirmedAt:  tsPtr(u.EmailConfirmedAt),
			CredentialVersion: u.CredentialVersion,
			SignInCount:       signIns,
			Name:              strPtr(u.Name),
			ImageURL:          strPtr(u.ImageURL),
			Metadata:          strPtr(string(u.Metadata)),
			CreatedAt:         ts(u.CreatedAt),
			UpdatedAt:         ts(u.UpdatedAt),
		}).Error; err != nil {
			return err
		}
		if err := tx.Create(organizationModel(workspace)).Error; err != nil {
			return err
		}
		if err := tx.Create(membershipModel(owner)).Error; err != nil {
			return err
		}
		if u.ActiveOrganizationID != "" {
			if err := tx.Model(&models.User{}).Where("id = ?", u.ID).
				UpdateColumn("active_organization_id", u.ActiveOrganizationID).Error; err != nil {
				return err
			}
		}
		if first == nil {
			return nil
		}
		sess, rt, err := newSessionModels(first.Session, first.RefreshToken)
		if err != nil {
			return err
		}
		if err := tx.Create(sess).Error; err != nil {
			return err
		}
		return tx.Create(rt).Error
	})
}

// UserByID implements ginauth.UserStore.
func (s *Store) UserByID(ctx context.Context, id string) (ginauth.User, error) {
	var m models.User
	if err := first(s.conn(ctx).Where("id = ?", id), &m); err != nil {
		return ginauth.User{}, s.wrap("user by id", err)
	}
	return userFromModel(m), nil
}

// UserByEmail implements ginauth.UserStore.
func (s *Store) UserByEmail(ctx context.Context, email string) (ginauth.User, error) {
	var m models.User
	if err := first(s.conn(ctx).Where("email = ?", email), &m); err != nil {
		return ginauth.User{}, s.wrap("user by email", err)
	}
	return userFromModel(m), nil
}

// userMissingOr tells, after a conditional update of the user row matched
// nothing, whether the user is missing (ErrNotFound) or the condition
// failed (err).
func userMissingOr(tx *gorm.DB, userID string, err error) error {
	var n int64
	if e := tx.Model(&models.User{}).Where("id = ?", userID).Count(&n).Error; e != nil {
		return e
	}
	if n == 0 {
		return fmt.Errorf("user %s: %w", userID, ginauth.ErrNotFound)
	}
	return err
}

// ChangePassword implements ginauth.UserStore.
func (s *Store) ChangePassword(ctx context.Context, userID string, expectedVersion int64, newHash, keepSessionID string, now time.Time) error {
	now = ts(now)
	return s.tx(ctx, "change password", func(tx *gorm.DB) error {
		res := tx.Model(&models.User{}).
			Where("id = ? AND credential_version = ?", userID, expectedVersion).
			UpdateColumns(map[string]any{
				"password_hash":      newHash,
				"credential_version": gorm.Expr("credential_version + 1"),
				"updated_at":         now,
			})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return userMissingOr(tx, userID, fmt.Errorf("credential version of user %s changed: %w", userID, ginauth.ErrConflict))
		}
		if err := revokeSessions(tx, userID, keepSessionID, now).Error; err != nil {
			return err
		}
		return voidVerificationTokens(tx, userID, ginauth.ResetPassword, now)
	})
}

// UpgradePasswordHash implements ginauth.UserStore.
func (s *Store) UpgradePasswordHash(ctx context.Context, userID, oldHash, newHash string) error {
	err := s.conn(ctx).Model(&models.User{}).
		Where("id = ? AND password_hash = ?", userID, oldHash).
		UpdateColumn("password_hash", newHash).Error
	return s.wrap("upgrade password hash", err)
}

// SetActiveOrganization implements ginauth.UserStore.
func (s *Store) SetActiveOrganization(ctx context.Context, userID, organizationID string) error {
	return s.tx(ctx, "set active organization", func(tx *gorm.DB) error {
		res := tx.Model(&models.User{}).Where("id = ?", userID).
			UpdateColumn("active_organization_id", strPtr(organizationID))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			// MySQL reports 0 for an unchanged value.
			return userMissingOr(tx, userID, nil)
		}
		return nil
	})
}
