package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/fastauth/fastauth/apikeys"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/models"
)

// The store implements the storage of the API-key module directly: the
// methods below are those of apikeys.Store, which ginauth.Backend embeds.
var _ apikeys.Store = (*Store)(nil)

func apiKeyFromModel(m models.APIKey) ginauth.APIKey {
	return ginauth.APIKey{
		ID:              m.ID,
		OrganizationID:  m.OrganizationID,
		Name:            m.Name,
		CreatedByUserID: m.CreatedByUserID,
		KeyPrefix:       m.KeyPrefix,
		KeyHash:         hashBytes(m.KeyHash),
		CreatedAt:       m.CreatedAt.UTC(),
		LastUsedAt:      utcPtr(m.LastUsedAt),
		ExpiresAt:       utcPtr(m.ExpiresAt),
		Permissions:     permissionList(m.Permissions),
	}
}

// permissionList reads a stored permission list: nil for NULL, else the
// space-separated names (an empty, non-nil list for "").
func permissionList(s *string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, strings.Fields(*s)...)
}

// permissionColumn is the stored form of a permission list.
func permissionColumn(perms []string) *string {
	if perms == nil {
		return nil
	}
	s := strings.Join(perms, " ")
	return &s
}

// CreateAPIKey implements apikeys.Store.
func (s *Store) CreateAPIKey(ctx context.Context, k ginauth.APIKey) error {
	err := s.conn(ctx).Create(&models.APIKey{
		ID:              k.ID,
		OrganizationID:  k.OrganizationID,
		Name:            k.Name,
		CreatedByUserID: k.CreatedByUserID,
		KeyPrefix:       k.KeyPrefix,
		KeyHash:         hashHex(k.KeyHash),
		CreatedAt:       ts(k.CreatedAt),
		LastUsedAt:      tsPtr(k.LastUsedAt),
		ExpiresAt:       tsPtr(k.ExpiresAt),
		Permissions:     permissionColumn(k.Permissions),
	}).Error
	return s.wrap("create api key", err)
}

// apiKeyRow is an API key joined with its creator and the creator's
// membership in the key's organization (NULL columns when gone).
type apiKeyRow struct {
	ID                   string
	OrganizationID       string
	Name                 string
	CreatedByUserID      string
	KeyPrefix            string
	KeyHash              string
	CreatedAt            time.Time
	LastUsedAt           *time.Time
	ExpiresAt            *time.Time
	Permissions          *string
	UserID               *string
	UserEmail            *string
	UserPasswordHash     *string
	UserEmailConfirmedAt *time.Time
	UserActiveOrgID      *string
	UserCredVersion      *int64
	UserCreatedAt        *time.Time
	UserUpdatedAt        *time.Time
	UserDisabledAt       *time.Time
	MemberRole           *string
	MemberCreatedAt      *time.Time
}

// apiKeyByHashSelect is the column list of APIKeyByHash's single query.
const apiKeyByHashSelect = "k.id, k.organization_id, k.name, k.created_by_user_id, k.key_prefix, k.key_hash, " +
	"k.created_at, k.last_used_at, k.expires_at, k.permissions, " +
	"u.id AS user_id, u.email AS user_email, u.password_hash AS user_password_hash, " +
	"u.email_confirmed_at AS user_email_confirmed_at, u.active_organization_id AS user_active_org_id, " +
	"u.credential_version AS user_cred_version, u.created_at AS user_created_at, u.updated_at AS user_updated_at, " +
	"u.disabled_at AS user_disabled_at, " +
	"m.role AS member_role, m.created_at AS member_created_at"

// APIKeyByHash implements apikeys.Store with one query through the
// unique index on the hash.
func (s *Store) APIKeyByHash(ctx context.Context, keyHash []byte) (ginauth.VerifiedAPIKey, error) {
	var r apiKeyRow
	res := s.conn(ctx).Table("auth_api_keys AS k").
		Select(apiKeyByHashSelect).
		Joins("LEFT JOIN auth_users u ON u.id = k.created_by_user_id").
		Joins("LEFT JOIN auth_memberships m ON m.organization_id = k.organization_id AND m.user_id = k.created_by_user_id").
		Where("k.key_hash = ?", hashHex(keyHash)).
		Scan(&r)
	if res.Error != nil {
		return ginauth.VerifiedAPIKey{}, s.wrap("api key by hash", res.Error)
	}
	if res.RowsAffected == 0 || r.UserID == nil {
		return ginauth.VerifiedAPIKey{}, s.wrap("api key by hash", ginauth.ErrNotFound)
	}
	v := ginauth.VerifiedAPIKey{
		Key: apiKeyFromModel(models.APIKey{
			ID: r.ID, OrganizationID: r.OrganizationID, Name: r.Name, CreatedByUserID: r.CreatedByUserID,
			KeyPrefix: r.KeyPrefix, KeyHash: r.KeyHash, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt, ExpiresAt: r.ExpiresAt,
			Permissions: r.Permissions,
		}),
		User: ginauth.User{
			ID:                   *r.UserID,
			Email:                deref(r.UserEmail),
			PasswordHash:         deref(r.UserPasswordHash),
			EmailConfirmedAt:     utcPtr(r.UserEmailConfirmedAt),
			ActiveOrganizationID: deref(r.UserActiveOrgID),
			DisabledAt:           utcPtr(r.UserDisabledAt),
		},
	}
	if r.UserCredVersion != nil {
		v.User.CredentialVersion = *r.UserCredVersion
	}
	if r.UserCreatedAt != nil {
		v.User.CreatedAt = r.UserCreatedAt.UTC()
	}
	if r.UserUpdatedAt != nil {
		v.User.UpdatedAt = r.UserUpdatedAt.UTC()
	}
	if r.MemberRole != nil {
		m := ginauth.Membership{OrganizationID: r.OrganizationID, UserID: *r.UserID, Role: ginauth.Role(*r.MemberRole)}
		if r.MemberCreatedAt != nil {
			m.CreatedAt = r.MemberCreatedAt.UTC()
		}
		v.Membership = &m
	}
	return v, nil
}

// apiKeySortColumns whitelists the sortable columns; user input only ever
// selects one of these constants.
var apiKeySortColumns = map[string]string{
	"":             "created_at",
	"created_at":   "created_at",
	"name":         "name",
	"last_used_at": "last_used_at",
}

// Default and maximum page size of APIKeys when the caller passes none or
// too many.
const (
	defaultAPIKeyLimit = 20
	maxAPIKeyLimit     = 100
)

// APIKeys implements apikeys.Store. Keys that were never used sort
// after the used ones in both directions of last_used_at; ties break on the
// id in the same direction.
func (s *Store) APIKeys(ctx context.Context, organizationID string, opt ginauth.APIKeyListOptions) ([]ginauth.APIKey, int64, error) {
	col, ok := apiKeySortColumns[opt.SortBy]
	if !ok {
		return nil, 0, s.wrap("api keys", fmt.Errorf("unknown sort column %q", opt.SortBy))
	}
	desc := opt.SortOrder != ginauth.Asc
	limit := opt.Limit
	if limit <= 0 {
		limit = defaultAPIKeyLimit
	}
	limit = min(limit, maxAPIKeyLimit)
	offset := max(opt.Offset, 0)

	var total int64
	if err := s.conn(ctx).Model(&models.APIKey{}).Where("organization_id = ?", organizationID).
		Count(&total).Error; err != nil {
		return nil, 0, s.wrap("api keys", err)
	}
	q := s.conn(ctx).Where("organization_id = ?", organizationID)
	if col == "last_used_at" {
		q = q.Order("CASE WHEN last_used_at IS NULL THEN 1 ELSE 0 END")
	}
	var ms []models.APIKey
	err := q.Order(clause.OrderByColumn{Column: clause.Column{Name: col}, Desc: desc}).
		Order(clause.OrderByColumn{Column: clause.Column{Name: "id"}, Desc: desc}).
		Limit(limit).Offset(offset).
		Find(&ms).Error
	if err != nil {
		return nil, 0, s.wrap("api keys", err)
	}
	out := make([]ginauth.APIKey, 0, len(ms))
	for _, m := range ms {
		out = append(out, apiKeyFromModel(m))
	}
	return out, total, nil
}

// DeleteAPIKey implements apikeys.Store.
func (s *Store) DeleteAPIKey(ctx context.Context, organizationID, id string) (ginauth.APIKey, error) {
	var m models.APIKey
	err := s.tx(ctx, "delete api key", func(tx *gorm.DB) error {
		if err := first(s.forUpdate(tx.Where("id = ? AND organization_id = ?", id, organizationID)), &m); err != nil {
			return fmt.Errorf("api key %s: %w", id, err)
		}
		return tx.Where("id = ? AND organization_id = ?", id, organizationID).Delete(&models.APIKey{}).Error
	})
	if err != nil {
		return ginauth.APIKey{}, err
	}
	return apiKeyFromModel(m), nil
}

// APIKey implements apikeys.Store.
func (s *Store) APIKey(ctx context.Context, organizationID, id string) (ginauth.APIKey, error) {
	var m models.APIKey
	if err := first(s.conn(ctx).Where("id = ? AND organization_id = ?", id, organizationID), &m); err != nil {
		return ginauth.APIKey{}, s.wrap("api key", fmt.Errorf("api key %s: %w", id, err))
	}
	return apiKeyFromModel(m), nil
}

// TouchAPIKeys implements apikeys.Store: one transaction, one
// conditional update per key in id order (a stable lock order), never
// moving last_used_at backwards.
func (s *Store) TouchAPIKeys(ctx context.Context, used map[string]time.Time) error {
	if len(used) == 0 {
		return nil
	}
	ids := make([]string, 0, len(used))
	for id := range used {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return s.tx(ctx, "touch api keys", func(tx *gorm.DB) error {
		for _, id := range ids {
			at := ts(used[id])
			if err := tx.Model(&models.APIKey{}).
				Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", id, at).
				UpdateColumn("last_used_at", at).Error; err != nil {
				return err
			}
		}
		return nil
	})
}
