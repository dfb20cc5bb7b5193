package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/models"
	"github.com/fastauth/fastauth/organizations"
	"github.com/fastauth/fastauth/permissions"
)

// The store implements the storage of the organizations module directly:
// organizations.Store, which ginauth.Backend embeds.
var _ organizations.Store = (*Store)(nil)

func organizationModel(o ginauth.Organization) *models.Organization {
	return &models.Organization{
		ID:        o.ID,
		Kind:      string(o.Kind),
		Name:      o.Name,
		CreatedAt: ts(o.CreatedAt),
		UpdatedAt: ts(o.UpdatedAt),
	}
}

func organizationFromModel(m models.Organization) ginauth.Organization {
	return ginauth.Organization{
		ID:        m.ID,
		Kind:      ginauth.OrganizationKind(m.Kind),
		Name:      m.Name,
		CreatedAt: m.CreatedAt.UTC(),
		UpdatedAt: m.UpdatedAt.UTC(),
	}
}

func membershipModel(m ginauth.Membership) *models.Membership {
	return &models.Membership{
		OrganizationID: m.OrganizationID,
		UserID:         m.UserID,
		Role:           string(m.Role),
		CreatedAt:      ts(m.CreatedAt),
	}
}

func membershipFromModel(m models.Membership) ginauth.Membership {
	return ginauth.Membership{
		OrganizationID: m.OrganizationID,
		UserID:         m.UserID,
		Role:           ginauth.Role(m.Role),
		CreatedAt:      m.CreatedAt.UTC(),
	}
}

// CreateOrganization implements ginauth.OrganizationStore.
func (s *Store) CreateOrganization(ctx context.Context, org ginauth.Organization, owner ginauth.Membership) error {
	if owner.OrganizationID == "" {
		owner.OrganizationID = org.ID
	}
	if owner.Role == "" {
		owner.Role = ginauth.RoleOwner
	}
	return s.tx(ctx, "create organization", func(tx *gorm.DB) error {
		if err := tx.Create(organizationModel(org)).Error; err != nil {
			return err
		}
		return tx.Create(membershipModel(owner)).Error
	})
}

// OrganizationByID implements ginauth.OrganizationStore.
func (s *Store) OrganizationByID(ctx context.Context, id string) (ginauth.Organization, error) {
	var m models.Organization
	if err := first(s.conn(ctx).Where("id = ?", id), &m); err != nil {
		return ginauth.Organization{}, s.wrap("organization by id", err)
	}
	return organizationFromModel(m), nil
}

// RenameOrganization implements ginauth.OrganizationStore.
func (s *Store) RenameOrganization(ctx context.Context, id, name string, now time.Time) (ginauth.Organization, error) {
	var m models.Organization
	err := s.tx(ctx, "rename organization", func(tx *gorm.DB) error {
		// Matched-but-unchanged rows count 0 on MySQL: the read decides.
		if err := tx.Model(&models.Organization{}).Where("id = ?", id).
			UpdateColumns(map[string]any{"name": name, "updated_at": ts(now)}).Error; err != nil {
			return err
		}
		return first(tx.Where("id = ?", id), &m)
	})
	if err != nil {
		return ginauth.Organization{}, err
	}
	return organizationFromModel(m), nil
}

// DeleteOrganization implements ginauth.OrganizationStore.
func (s *Store) DeleteOrganization(ctx context.Context, id string) error {
	return s.tx(ctx, "delete organization", func(tx *gorm.DB) error {
		if err := lockOrganization(tx, id); err != nil {
			return err
		}
		// Explicit deletes: correct even where foreign keys are not
		// enforced (a SQLite connection without PRAGMA foreign_keys).
		if err := tx.Model(&models.User{}).Where("active_organization_id = ?", id).
			UpdateColumn("active_organization_id", nil).Error; err != nil {
			return err
		}
		for _, m := range []any{&models.APIKey{}, &models.Invite{}, &models.Membership{}} {
			if err := tx.Where("organization_id = ?", id).Delete(m).Error; err != nil {
				return err
			}
		}
		return tx.Where("id = ?", id).Delete(&models.Organization{}).Error
	})
}

// membershipRow is a membership joined with its organization (and the
// member's email), as scanned from the listing queries.
type membershipRow struct {
	OrganizationID string
	UserID         string
	Role           string
	CreatedAt      time.Time
	Email          string
	OrgKind        string
	OrgName        string
	OrgCreatedAt   time.Time
	OrgUpdatedAt   time.Time
}

func (r membershipRow) membership() ginauth.Membership {
	return ginauth.Membership{
		OrganizationID: r.OrganizationID,
		UserID:         r.UserID,
		Role:           ginauth.Role(r.Role),
		CreatedAt:      r.CreatedAt.UTC(),
	}
}

// Memberships implements ginauth.OrganizationStore.
func (s *Store) Memberships(ctx context.Context, userID string) ([]ginauth.MembershipDetail, error) {
	var rows []membershipRow
	err := s.conn(ctx).Table("auth_memberships AS m").
		Select("m.organization_id, m.user_id, m.role, m.created_at, o.kind AS org_kind, o.name AS org_name, o.created_at AS org_created_at, o.updated_at AS org_updated_at").
		Joins("JOIN auth_organizations o ON o.id = m.organization_id").
		Where("m.user_id = ?", userID).
		Order("CASE WHEN o.kind = 'personal' THEN 0 ELSE 1 END, m.created_at, m.organization_id").
		Scan(&rows).Error
	if err != nil {
		return nil, s.wrap("memberships", err)
	}
	out := make([]ginauth.MembershipDetail, 0, len(rows))
	for _, r := range rows {
		out = append(out, ginauth.MembershipDetail{
			Membership: r.membership(),
			Organization: ginauth.Organization{
				ID:        r.OrganizationID,
				Kind:      ginauth.OrganizationKind(r.OrgKind),
				Name:      r.OrgName,
				CreatedAt: r.OrgCreatedAt.UTC(),
				UpdatedAt: r.OrgUpdatedAt.UTC(),
			},
		})
	}
	return out, nil
}

// Membership implements ginauth.OrganizationStore.
func (s *Store) Membership(ctx context.Context, organizationID, userID string) (ginauth.Membership, error) {
	var m models.Membership
	if err := first(s.conn(ctx).Where("organization_id = ? AND user_id = ?", organizationID, userID), &m); err != nil {
		return ginauth.Membership{}, s.wrap("membership", err)
	}
	return membershipFromModel(m), nil
}

// Members implements ginauth.OrganizationStore.
func (s *Store) Members(ctx context.Context, organizationID string) ([]ginauth.Member, error) {
	var rows []membershipRow
	err := s.conn(ctx).Table("auth_memberships AS m").
		Select("m.organization_id, m.user_id, m.role, m.created_at, u.email").
		Joins("JOIN auth_users u ON u.id = m.user_id").
		Where("m.organization_id = ?", organizationID).
		Order("m.created_at, m.user_id").
		Scan(&rows).Error
	if err != nil {
		return nil, s.wrap("members", err)
	}
	out := make([]ginauth.Member, 0, len(rows))
	for _, r := range rows {
		out = append(out, ginauth.Member{Membership: r.membership(), Email: r.Email})
	}
	return out, nil
}

// lockedMembership reads a membership inside a roster transaction (after
// lockOrganization), with a locking read where the dialect has one so that
// MySQL reads the latest committed row rather than its snapshot.
func (s *Store) lockedMembership(tx *gorm.DB, organizationID, userID string) (models.Membership, error) {
	var m models.Membership
	err := first(s.forUpdate(tx.Where("organization_id = ? AND user_id = ?", organizationID, userID)), &m)
	if err != nil {
		return m, fmt.Errorf("membership of %s in %s: %w", userID, organizationID, err)
	}
	return m, nil
}

// lockedActorRole reads the role of actorID, the member making a roster
// change, inside the roster transaction (after lockOrganization), so that
// the change is decided on the actor's role as it is now. An actor who is
// no longer a member gives ErrForbidden.
func (s *Store) lockedActorRole(tx *gorm.DB, organizationID, actorID string) (ginauth.Role, error) {
	m, err := s.lockedMembership(tx, organizationID, actorID)
	if errors.Is(err, ginauth.ErrNotFound) {
		return "", fmt.Errorf("actor %s is not a member of %s: %w", actorID, organizationID, ginauth.ErrForbidden)
	}
	if err != nil {
		return "", err
	}
	return ginauth.Role(m.Role), nil
}

// ownerCount counts an organization's owners inside a roster transaction.
func (s *Store) ownerCount(tx *gorm.DB, organizationID string) (int, error) {
	var ids []string
	err := s.forUpdate(tx.Model(&models.Membership{}).
		Where("organization_id = ? AND role = ?", organizationID, string(ginauth.RoleOwner))).
		Pluck("user_id", &ids).Error
	return len(ids), err
}

// ChangeMemberRole implements ginauth.OrganizationStore.
func (s *Store) ChangeMemberRole(ctx context.Context, organizationID, actorID, userID string, role ginauth.Role) (ginauth.Membership, error) {
	var m models.Membership
	err := s.tx(ctx, "change member role", func(tx *gorm.DB) error {
		if err := lockOrganization(tx, organizationID); err != nil {
			return err
		}
		actor, err := s.lockedActorRole(tx, organizationID, actorID)
		if err != nil {
			return err
		}
		if actor != ginauth.RoleOwner {
			return fmt.Errorf("%s (%s) changing roles in %s: %w", actorID, actor, organizationID, ginauth.ErrForbidden)
		}
		if err := roleDefined(tx, organizationID, role); err != nil {
			return err
		}
		if m, err = s.lockedMembership(tx, organizationID, userID); err != nil {
			return err
		}
		if m.Role == string(ginauth.RoleOwner) && role != ginauth.RoleOwner {
			n, err := s.ownerCount(tx, organizationID)
			if err != nil {
				return err
			}
			if n <= 1 {
				return fmt.Errorf("demote %s in %s: %w", userID, organizationID, ginauth.ErrLastOwner)
			}
		}
		m.Role = string(role)
		return tx.Model(&models.Membership{}).
			Where("organization_id = ? AND user_id = ?", organizationID, userID).
			UpdateColumn("role", string(role)).Error
	})
	if err != nil {
		return ginauth.Membership{}, err
	}
	return membershipFromModel(m), nil
}

// RemoveMember implements ginauth.OrganizationStore.
func (s *Store) RemoveMember(ctx context.Context, organizationID, actorID, userID string) (ginauth.Membership, error) {
	var m models.Membership
	err := s.tx(ctx, "remove member", func(tx *gorm.DB) error {
		if err := lockOrganization(tx, organizationID); err != nil {
			return err
		}
		actor := ginauth.RoleOwner // leaving: any member may remove themself
		var have []string
		if actorID != userID {
			var (
				ok  bool
				err error
			)
			if actor, err = s.lockedActorRole(tx, organizationID, actorID); err != nil {
				return err
			}
			if ok, have, err = s.actorHolds(tx, organizationID, actor, permissions.MembersManage); err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%s (%s) removing %s from %s: %w", actorID, actor, userID, organizationID, ginauth.ErrForbidden)
			}
		}
		var err error
		if m, err = s.lockedMembership(tx, organizationID, userID); err != nil {
			return err
		}
		ok, err := s.actorOutranks(tx, organizationID, actor, have, ginauth.Role(m.Role))
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%s (%s) removing %s (%s) from %s: %w", actorID, actor, userID, m.Role, organizationID, ginauth.ErrForbidden)
		}
		if m.Role == string(ginauth.RoleOwner) {
			n, err := s.ownerCount(tx, organizationID)
			if err != nil {
				return err
			}
			if n <= 1 {
				return fmt.Errorf("remove %s from %s: %w", userID, organizationID, ginauth.ErrLastOwner)
			}
		}
		if err := tx.Where("organization_id = ? AND created_by_user_id = ?", organizationID, userID).
			Delete(&models.APIKey{}).Error; err != nil {
			return err
		}
		if err := tx.Where("organization_id = ? AND user_id = ?", organizationID, userID).
			Delete(&models.Membership{}).Error; err != nil {
			return err
		}
		return tx.Model(&models.User{}).
			Where("id = ? AND active_organization_id = ?", userID, organizationID).
			UpdateColumn("active_organization_id", nil).Error
	})
	if err != nil {
		return ginauth.Membership{}, err
	}
	return membershipFromModel(m), nil
}
