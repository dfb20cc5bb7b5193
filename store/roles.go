package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/models"
	"github.com/fastauth/fastauth/organizations"
	"github.com/fastauth/fastauth/roles"
)

// Roles returns the storage of custom roles (package roles) on the
// store's database. Its table (models.Roles) is created by its Migrate,
// not by AutoMigrate.
func (s *Store) Roles() roles.Store { return rolesStore{s} }

// rolesStore implements roles.Store. Every mutation first locks the
// organization's row (lockOrganization), the lock the roster changes take:
// creations of one name, permission edits, and a deletion against a
// member-role change or an invite (which check that the custom role they
// assign still exists, roleDefined) run one at a time.
type rolesStore struct{ s *Store }

var _ roles.Store = rolesStore{}

// err maps a store error to the roles sentinels.
func (r rolesStore) err(err error) error {
	if err != nil && errors.Is(err, ginauth.ErrNotFound) && !errors.Is(err, roles.ErrNotFound) {
		return fmt.Errorf("%w: %w", roles.ErrNotFound, err)
	}
	return err
}

// Migrate implements roles.Store: it creates or upgrades models.Roles().
func (r rolesStore) Migrate(ctx context.Context) error {
	return r.s.migrateModule(ctx, "roles: migrate", models.Roles()...)
}

func roleFromModel(m models.Role) roles.Role {
	perms := []string{}
	if m.Permissions != "" {
		perms = strings.Fields(m.Permissions)
	}
	return roles.Role{OrganizationID: m.OrganizationID, Name: m.Name, Permissions: perms,
		CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC()}
}

// Roles implements roles.Store.
func (r rolesStore) Roles(ctx context.Context, organizationID string) ([]roles.Role, error) {
	var ms []models.Role
	if err := r.s.conn(ctx).Where("organization_id = ?", organizationID).Order("name").Find(&ms).Error; err != nil {
		return nil, r.s.wrap("roles: list", err)
	}
	out := make([]roles.Role, 0, len(ms))
	for _, m := range ms {
		out = append(out, roleFromModel(m))
	}
	return out, nil
}

// CreateRole implements roles.Store.
func (r rolesStore) CreateRole(ctx context.Context, role roles.Role, limit int) error {
	return r.err(r.s.tx(ctx, "roles: create", func(tx *gorm.DB) error {
		if err := lockOrganization(tx, role.OrganizationID); err != nil {
			return err
		}
		var names []string
		if err := tx.Model(&models.Role{}).Where("organization_id = ?", role.OrganizationID).Pluck("name", &names).Error; err != nil {
			return err
		}
		for _, n := range names {
			if n == role.Name {
				return fmt.Errorf("role %s in %s: %w", role.Name, role.OrganizationID, roles.ErrExists)
			}
		}
		if len(names) >= limit {
			return fmt.Errorf("%d roles in %s: %w", len(names), role.OrganizationID, roles.ErrTooMany)
		}
		return tx.Create(&models.Role{OrganizationID: role.OrganizationID, Name: role.Name,
			Permissions: strings.Join(role.Permissions, " "), CreatedAt: ts(role.CreatedAt), UpdatedAt: ts(role.CreatedAt)}).Error
	}))
}

// UpdateRole implements roles.Store.
func (r rolesStore) UpdateRole(ctx context.Context, organizationID, name string, permissions []string, now time.Time) (roles.Role, error) {
	var m models.Role
	err := r.s.tx(ctx, "roles: update", func(tx *gorm.DB) error {
		if err := lockOrganization(tx, organizationID); err != nil {
			return err
		}
		if err := first(tx.Where("organization_id = ? AND name = ?", organizationID, name), &m); err != nil {
			return err
		}
		m.Permissions, m.UpdatedAt = strings.Join(permissions, " "), ts(now)
		return tx.Model(&models.Role{}).Where("organization_id = ? AND name = ?", organizationID, name).
			UpdateColumns(map[string]any{"permissions": m.Permissions, "updated_at": m.UpdatedAt}).Error
	})
	if err != nil {
		return roles.Role{}, r.err(err)
	}
	return roleFromModel(m), nil
}

// DeleteRole implements roles.Store.
func (r rolesStore) DeleteRole(ctx context.Context, organizationID, name string, now time.Time) error {
	return r.err(r.s.tx(ctx, "roles: delete", func(tx *gorm.DB) error {
		if err := lockOrganization(tx, organizationID); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&models.Membership{}).Where("organization_id = ? AND role = ?", organizationID, name).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			err := tx.Model(&models.Invite{}).Where("organization_id = ? AND role = ? AND active_key IS NOT NULL AND expires_at > ?",
				organizationID, name, ts(now)).Count(&n).Error
			if err != nil {
				return err
			}
		}
		if n > 0 {
			return fmt.Errorf("role %s in %s: %w", name, organizationID, roles.ErrInUse)
		}
		res := tx.Where("organization_id = ? AND name = ?", organizationID, name).Delete(&models.Role{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("role %s in %s: %w", name, organizationID, ginauth.ErrNotFound)
		}
		return nil
	}))
}

// roleDefined checks, inside a transaction holding the organization's
// lock, that a custom role being assigned exists (built-in roles always
// do): organizations.ErrRoleNotDefined otherwise.
func roleDefined(tx *gorm.DB, organizationID string, role fastauth.Role) error {
	if role.Valid() {
		return nil
	}
	var n int64
	if err := tx.Model(&models.Role{}).Where("organization_id = ? AND name = ?", organizationID, string(role)).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("role %s in %s: %w", role, organizationID, organizations.ErrRoleNotDefined)
	}
	return nil
}
