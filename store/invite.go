package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/models"
	"github.com/fastauth/fastauth/permissions"
)

// inviteRow is an invite joined with its organization's name.
type inviteRow struct {
	models.Invite
	OrganizationName string
}

func (r inviteRow) invite() ginauth.Invite {
	return ginauth.Invite{
		ID:               r.ID,
		OrganizationID:   r.OrganizationID,
		OrganizationName: r.OrganizationName,
		Email:            r.Email,
		Role:             ginauth.Role(r.Role),
		TokenHash:        hashBytes(r.TokenHash),
		InvitedByUserID:  r.InvitedByUserID,
		CreatedAt:        r.CreatedAt.UTC(),
		ExpiresAt:        r.ExpiresAt.UTC(),
		RevokedAt:        utcPtr(r.RevokedAt),
		AcceptedAt:       utcPtr(r.AcceptedAt),
		AcceptedByUserID: deref(r.AcceptedByUserID),
	}
}

// inviteQuery selects invites with their organization's name.
func inviteQuery(q *gorm.DB) *gorm.DB {
	return q.Table("auth_invites AS i").
		Select("i.*, o.name AS organization_name").
		Joins("JOIN auth_organizations o ON o.id = i.organization_id")
}

// oneInvite loads the single invite q selects, or ErrNotFound.
func oneInvite(q *gorm.DB) (ginauth.Invite, error) {
	var r inviteRow
	res := inviteQuery(q).Limit(1).Scan(&r)
	if res.Error != nil {
		return ginauth.Invite{}, res.Error
	}
	if res.RowsAffected == 0 {
		return ginauth.Invite{}, ginauth.ErrNotFound
	}
	return r.invite(), nil
}

// CreateInvite implements ginauth.InviteStore.
func (s *Store) CreateInvite(ctx context.Context, inv ginauth.Invite, now time.Time) error {
	now = ts(now)
	key := models.InviteActiveKey(inv.OrganizationID, inv.Email)
	return s.tx(ctx, "create invite", func(tx *gorm.DB) error {
		// Serializes invite creation per organization, with the roster
		// changes; the unique index on active_key would refuse a second
		// pending invite anyway.
		if err := lockOrganization(tx, inv.OrganizationID); err != nil {
			return err
		}
		inviter, err := s.lockedActorRole(tx, inv.OrganizationID, inv.InvitedByUserID)
		if err != nil {
			return err
		}
		ok, have, err := s.actorHolds(tx, inv.OrganizationID, inviter, permissions.InvitesManage)
		if err == nil && ok {
			ok, err = s.actorOutranks(tx, inv.OrganizationID, inviter, have, inv.Role)
		}
		if err == nil && ok {
			ok, err = s.inviteWithin(tx, inv, inviter, have)
		}
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%s (%s) inviting a %s into %s: %w", inv.InvitedByUserID, inviter, inv.Role, inv.OrganizationID, ginauth.ErrForbidden)
		}
		if err := roleDefined(tx, inv.OrganizationID, inv.Role); err != nil {
			return err
		}
		// Replace the pending invite: revoked if still valid, merely
		// deactivated if it had expired.
		if err := tx.Model(&models.Invite{}).Where("active_key = ? AND expires_at > ?", key, now).
			UpdateColumns(map[string]any{"active_key": nil, "revoked_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&models.Invite{}).Where("active_key = ?", key).
			UpdateColumn("active_key", nil).Error; err != nil {
			return err
		}
		return tx.Create(&models.Invite{
			ID:              inv.ID,
			OrganizationID:  inv.OrganizationID,
			Email:           inv.Email,
			Role:            string(inv.Role),
			TokenHash:       hashHex(inv.TokenHash),
			InvitedByUserID: inv.InvitedByUserID,
			CreatedAt:       ts(inv.CreatedAt),
			ExpiresAt:       ts(inv.ExpiresAt),
			ActiveKey:       &key,
		}).Error
	})
}

// Invites implements ginauth.InviteStore.
func (s *Store) Invites(ctx context.Context, organizationID string) ([]ginauth.Invite, error) {
	var rows []inviteRow
	err := inviteQuery(s.conn(ctx)).Where("i.organization_id = ?", organizationID).
		Order("i.created_at DESC, i.id DESC").Scan(&rows).Error
	if err != nil {
		return nil, s.wrap("invites", err)
	}
	out := make([]ginauth.Invite, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.invite())
	}
	return out, nil
}

// InviteByTokenHash implements ginauth.InviteStore.
func (s *Store) InviteByTokenHash(ctx context.Context, tokenHash []byte) (ginauth.Invite, error) {
	inv, err := oneInvite(s.conn(ctx).Where("i.token_hash = ?", hashHex(tokenHash)))
	if err != nil {
		return ginauth.Invite{}, s.wrap("invite by token hash", err)
	}
	return inv, nil
}

// RevokeInvite implements ginauth.InviteStore.
func (s *Store) RevokeInvite(ctx context.Context, organizationID, inviteID string, now time.Time) (ginauth.Invite, error) {
	now = ts(now)
	var inv ginauth.Invite
	err := s.tx(ctx, "revoke invite", func(tx *gorm.DB) error {
		res := tx.Model(&models.Invite{}).
			Where("id = ? AND organization_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
				inviteID, organizationID, now).
			UpdateColumns(map[string]any{"revoked_at": now, "active_key": nil})
		if res.Error != nil {
			return res.Error
		}
		var err error
		inv, err = oneInvite(tx.Where("i.id = ? AND i.organization_id = ?", inviteID, organizationID))
		if err != nil {
			return fmt.Errorf("invite %s: %w", inviteID, err)
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("invite %s is no longer pending: %w", inviteID, ginauth.ErrConflict)
		}
		return nil
	})
	if err != nil {
		return ginauth.Invite{}, err
	}
	return inv, nil
}

// AcceptInvite implements ginauth.InviteStore.
func (s *Store) AcceptInvite(ctx context.Context, tokenHash []byte, userID string, now time.Time) (ginauth.Invite, ginauth.Membership, error) {
	now = ts(now)
	h := hashHex(tokenHash)
	var (
		inv ginauth.Invite
		mem models.Membership
	)
	err := s.tx(ctx, "accept invite", func(tx *gorm.DB) error {
		// Lock order organization → invite, as in CreateInvite.
		var target models.Invite
		if err := first(tx.Select("organization_id").Where("token_hash = ?", h), &target); err != nil {
			return fmt.Errorf("invite: %w", err)
		}
		if err := lockOrganization(tx, target.OrganizationID); err != nil {
			return err
		}
		res := tx.Model(&models.Invite{}).
			Where("token_hash = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", h, now).
			UpdateColumns(map[string]any{"accepted_at": now, "accepted_by_user_id": userID, "active_key": nil})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("invite is not pending: %w", ginauth.ErrNotFound)
		}
		var err error
		if inv, err = oneInvite(tx.Where("i.token_hash = ?", h)); err != nil {
			return err
		}
		switch mem, err = s.lockedMembership(tx, inv.OrganizationID, userID); {
		case err == nil:
			if inv.Role.AtLeast(ginauth.Role(mem.Role)) && string(inv.Role) != mem.Role {
				mem.Role = string(inv.Role)
				if err := tx.Model(&models.Membership{}).
					Where("organization_id = ? AND user_id = ?", inv.OrganizationID, userID).
					UpdateColumn("role", mem.Role).Error; err != nil {
					return err
				}
			}
		case isNotFound(err):
			mem = models.Membership{OrganizationID: inv.OrganizationID, UserID: userID, Role: string(inv.Role), CreatedAt: now}
			if err := tx.Create(&mem).Error; err != nil {
				return err
			}
		default:
			return err
		}
		// The membership's foreign key proved the user exists.
		return tx.Model(&models.User{}).Where("id = ?", userID).
			UpdateColumn("active_organization_id", inv.OrganizationID).Error
	})
	if err != nil {
		return ginauth.Invite{}, ginauth.Membership{}, err
	}
	return inv, membershipFromModel(mem), nil
}
