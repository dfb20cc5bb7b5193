package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/models"
	"github.com/fastauth/fastauth/users"
)

// Users returns the storage of the users module (package users) on s.
// Its columns live on the core's users table: AutoMigrate creates them.
func (s *Store) Users() users.Store { return usersStore{s} }

// usersStore implements users.Store; the kernel's methods are s's.
type usersStore struct{ *Store }

var _ users.Store = usersStore{}

// rawJSON maps a stored JSON text to a json.RawMessage (NULL to nil).
func rawJSON(s *string) json.RawMessage {
	if s == nil || *s == "" {
		return nil
	}
	return json.RawMessage(*s)
}

// UpdateProfile implements users.Store.
func (u usersStore) UpdateProfile(ctx context.Context, userID string, p users.ProfileChange, now time.Time) (fastauth.User, error) {
	cols := map[string]any{"updated_at": ts(now)}
	if p.Name != nil {
		cols["name"] = strPtr(*p.Name)
	}
	if p.ImageURL != nil {
		cols["image_url"] = strPtr(*p.ImageURL)
	}
	if p.Metadata != nil {
		cols["metadata"] = strPtr(string(*p.Metadata))
	}
	var out fastauth.User
	err := u.tx(ctx, "update profile", func(tx *gorm.DB) error {
		res := tx.Model(&models.User{}).Where("id = ?", userID).Updates(cols)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("user %s: %w", userID, ginauth.ErrNotFound)
		}
		var m models.User
		if err := first(tx.Where("id = ?", userID), &m); err != nil {
			return err
		}
		out = userFromModel(m)
		return nil
	})
	return out, err
}

// SetDisabled implements users.Store.
func (u usersStore) SetDisabled(ctx context.Context, userID string, disabled bool, reason string, now time.Time) (fastauth.User, int, error) {
	cols := map[string]any{"updated_at": ts(now), "disabled_at": nil, "disabled_reason": nil}
	if disabled {
		cols["disabled_at"], cols["disabled_reason"] = ts(now), strPtr(reason)
	}
	var out fastauth.User
	var revoked int
	err := u.tx(ctx, "set disabled", func(tx *gorm.DB) error {
		res := tx.Model(&models.User{}).Where("id = ?", userID).Updates(cols)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("user %s: %w", userID, ginauth.ErrNotFound)
		}
		if disabled {
			res := tx.Model(&models.Session{}).
				Where("user_id = ? AND revoked_at IS NULL AND expires_at > ?", userID, ts(now)).
				UpdateColumn("revoked_at", ts(now))
			if res.Error != nil {
				return res.Error
			}
			revoked = int(res.RowsAffected)
		}
		var m models.User
		if err := first(tx.Where("id = ?", userID), &m); err != nil {
			return err
		}
		out = userFromModel(m)
		return nil
	})
	return out, revoked, err
}

// likeEscape escapes the LIKE wildcards of s with '!'.
func likeEscape(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// ListUsers implements users.Store.
func (u usersStore) ListUsers(ctx context.Context, q users.ListQuery) ([]fastauth.User, int64, error) {
	db := u.conn(ctx).Model(&models.User{})
	if q.Query != "" {
		pat := "%" + likeEscape(strings.ToLower(q.Query)) + "%"
		db = db.Where("(email LIKE ? ESCAPE '!' OR LOWER(name) LIKE ? ESCAPE '!')", pat, pat)
	}
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, u.wrap("list users", err)
	}
	var ms []models.User
	if err := db.Order("created_at DESC").Order("id DESC").Limit(q.Limit).Offset(q.Offset).Find(&ms).Error; err != nil {
		return nil, 0, u.wrap("list users", err)
	}
	out := make([]fastauth.User, len(ms))
	for i, m := range ms {
		out[i] = userFromModel(m)
	}
	return out, total, nil
}

// userTable is a table that keeps rows about a user: where selects them
// with every ? bound to the user's id. The users table itself is not one
// (ExportUser's User, DeleteUser's last step).
type userTable struct {
	name  string
	where string
}

// args binds every placeholder of where to userID.
func (t userTable) args(userID string) []any {
	a := make([]any, strings.Count(t.where, "?"))
	for i := range a {
		a[i] = userID
	}
	return a
}

// Subqueries of the user tables.
const (
	personalOrgsOf = "SELECT m.organization_id FROM auth_memberships m JOIN auth_organizations o ON o.id = m.organization_id " +
		"WHERE m.user_id = ? AND o.kind = 'personal'"
	userEventsWhere = "subject_user_id = ? OR organization_id IN (" + personalOrgsOf + ")"
)

// userTables lists, children first, every table of the store and its
// modules that keeps rows about a user. A table of a module that is not
// migrated is skipped. Keep it complete: the store's tests count, after a
// deletion, the rows that still name the user in every table.
var userTables = []userTable{
	{"auth_webhook_deliveries", "event_id IN (SELECT id FROM auth_audit_events WHERE " + userEventsWhere + ")"},
	{"auth_audit_events", userEventsWhere},
	{"auth_mfa_challenges", "user_id = ?"},
	{"auth_mfa_recovery_codes", "user_id = ?"},
	{"auth_mfa_totp", "user_id = ?"},
	{"auth_passkey_ceremonies", "user_id = ?"},
	{"auth_passkeys", "user_id = ?"},
	{"auth_passkey_users", "user_id = ?"},
	{"auth_identities", "user_id = ?"},
	{"auth_refresh_tokens", "session_id IN (SELECT id FROM auth_sessions WHERE user_id = ?)"},
	{"auth_sessions", "user_id = ?"},
	{"auth_verification_tokens", "user_id = ?"},
	{"auth_api_keys", "created_by_user_id = ?"},
	{"auth_invites", "invited_by_user_id = ? OR accepted_by_user_id = ?"},
}

// exportOnly are the tables an export adds to userTables: rows about the
// user that a deletion leaves to their organizations (the shared
// organizations' records) or removes with the user's memberships.
var exportOnly = []userTable{
	{"auth_memberships", "user_id = ?"},
	{"auth_organizations", "id IN (SELECT organization_id FROM auth_memberships WHERE user_id = ?)"},
	{"auth_audit_events", "actor_user_id = ?"},
}

// secretColumn reports whether an export leaves the column out: hashes,
// secrets, tokens, keys' material, ceremony state.
func secretColumn(name string) bool {
	for _, p := range []string{"hash", "secret", "token", "password", "public_key", "credential_id", "session_data", "active_key"} {
		if strings.Contains(name, p) {
			return true
		}
	}
	return false
}

// DeleteUser implements users.Store.
func (u usersStore) DeleteUser(ctx context.Context, userID string, now time.Time) ([]string, error) {
	var left []string
	err := u.tx(ctx, "delete user", func(tx *gorm.DB) error {
		var um models.User
		if err := first(u.forUpdate(tx.Select("id").Where("id = ?", userID)), &um); err != nil {
			return fmt.Errorf("user %s: %w", userID, err)
		}
		var ms []struct {
			OrganizationID string
			Role           string
			Kind           string
		}
		if err := tx.Table("auth_memberships AS m").Select("m.organization_id, m.role, o.kind").
			Joins("JOIN auth_organizations o ON o.id = m.organization_id").
			Where("m.user_id = ?", userID).Order("m.organization_id").Scan(&ms).Error; err != nil {
			return err
		}
		var personal []string
		for _, m := range ms {
			if m.Kind == string(fastauth.KindPersonal) {
				personal = append(personal, m.OrganizationID)
				continue
			}
			left = append(left, m.OrganizationID)
			if m.Role != string(ginauth.RoleOwner) {
				continue
			}
			// In id order, as every roster change locks one organization.
			if err := lockOrganization(tx, m.OrganizationID); err != nil {
				return err
			}
			n, err := u.ownerCount(tx, m.OrganizationID)
			if err != nil {
				return err
			}
			if n <= 1 {
				return fmt.Errorf("delete user %s, last owner of %s: %w", userID, m.OrganizationID, ginauth.ErrLastOwner)
			}
		}
		for _, t := range userTables {
			if !tx.Migrator().HasTable(t.name) {
				continue
			}
			if err := tx.Exec("DELETE FROM "+t.name+" WHERE "+t.where, t.args(userID)...).Error; err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
		if err := tx.Where("user_id = ?", userID).Delete(&models.Membership{}).Error; err != nil {
			return err
		}
		if err := tx.Model(&models.User{}).Where("id = ?", userID).UpdateColumn("active_organization_id", nil).Error; err != nil {
			return err
		}
		if len(personal) > 0 {
			if err := tx.Where("id IN ?", personal).Delete(&models.Organization{}).Error; err != nil {
				return err
			}
		}
		return tx.Where("id = ?", userID).Delete(&models.User{}).Error
	})
	if err != nil {
		return nil, err
	}
	return left, nil
}

// ExportUser implements users.Store.
func (u usersStore) ExportUser(ctx context.Context, userID string) (users.Export, error) {
	var out users.Export
	err := u.tx(ctx, "export user", func(tx *gorm.DB) error {
		var m models.User
		if err := first(tx.Where("id = ?", userID), &m); err != nil {
			return fmt.Errorf("user %s: %w", userID, err)
		}
		usr := userFromModel(m)
		out.User = users.ExportUser{
			ID: usr.ID, Email: usr.Email, EmailConfirmedAt: usr.EmailConfirmedAt, HasPassword: usr.PasswordHash != "",
			Name: usr.Name, ImageURL: usr.ImageURL, Metadata: usr.Metadata,
			DisabledAt: usr.DisabledAt, DisabledReason: usr.DisabledReason, CreatedAt: usr.CreatedAt, UpdatedAt: usr.UpdatedAt,
		}
		out.Tables = map[string][]map[string]any{}
		seen := map[string]bool{}
		for _, t := range slices.Concat(userTables, exportOnly) {
			if t.name == "auth_webhook_deliveries" || !tx.Migrator().HasTable(t.name) {
				continue // deliveries are the application's endpoints' state, not the user's
			}
			var rows []map[string]any
			if err := tx.Table(t.name).Where(t.where, t.args(userID)...).Find(&rows).Error; err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			for _, r := range rows {
				if id, ok := r["id"]; ok {
					k := t.name + "|" + fmt.Sprint(id)
					if seen[k] {
						continue // an audit event both about and by the user
					}
					seen[k] = true
				}
				out.Tables[t.name] = append(out.Tables[t.name], exportRow(r))
			}
		}
		return nil
	})
	return out, err
}

// exportRow is a row as an export shows it: without its secret columns,
// text read as bytes (MySQL) as text, other bytes left out.
func exportRow(r map[string]any) map[string]any {
	out := make(map[string]any, len(r))
	for k, v := range r {
		if secretColumn(k) {
			continue
		}
		switch b := v.(type) {
		case []byte:
			if !utf8.Valid(b) {
				continue
			}
			v = string(b)
		case time.Time:
			v = b.UTC()
		case *time.Time:
			if b != nil {
				v = b.UTC()
			}
		}
		out[k] = v
	}
	return out
}
