package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/models"
	"github.com/fastauth/fastauth/social"
)

// Identities returns the storage of the social sign-in module: provider
// accounts linked to users, in auth_identities. AutoMigrate does not create
// that table; the module's Migrate does.
func (s *Store) Identities() social.Store { return identityStore{s} }

// identityStore implements social.Store.
type identityStore struct{ s *Store }

var _ social.Store = identityStore{}

// Migrate creates or upgrades auth_identities.
func (st identityStore) Migrate(ctx context.Context) error {
	return st.s.migrateModule(ctx, "migrate identities", &models.Identity{})
}

// CreateIdentity inserts the identity; the unique index on (provider,
// subject) lets one of concurrent inserts win.
func (st identityStore) CreateIdentity(ctx context.Context, id social.Identity) error {
	row := models.Identity{
		ID: id.ID, Provider: id.Provider, Subject: id.Subject, UserID: id.UserID,
		Email: strPtr(id.Email), CreatedAt: ts(id.CreatedAt),
	}
	return st.wrap("create identity", st.s.conn(ctx).Create(&row).Error)
}

// IdentityBySubject returns the identity of (provider, subject).
func (st identityStore) IdentityBySubject(ctx context.Context, provider, subject string) (social.Identity, error) {
	var row models.Identity
	if err := first(st.s.conn(ctx).Where("provider = ? AND subject = ?", provider, subject), &row); err != nil {
		return social.Identity{}, st.wrap("identity by subject", err)
	}
	return identityOf(row), nil
}

// Identities returns the user's identities, oldest first.
func (st identityStore) Identities(ctx context.Context, userID string) ([]social.Identity, error) {
	var rows []models.Identity
	if err := st.s.conn(ctx).Where("user_id = ?", userID).Order("created_at ASC, id ASC").Find(&rows).Error; err != nil {
		return nil, st.wrap("identities", err)
	}
	out := make([]social.Identity, 0, len(rows))
	for _, r := range rows {
		out = append(out, identityOf(r))
	}
	return out, nil
}

// DeleteIdentity locks the user's identity rows (FOR UPDATE; SQLite
// serializes writers), so that the count that keepOne checks cannot change
// before the delete commits: of concurrent deletions of a user's last two
// identities, the second to get the lock sees one row left.
func (st identityStore) DeleteIdentity(ctx context.Context, userID, id string, keepOne bool) (social.Identity, error) {
	var deleted models.Identity
	err := st.s.tx(ctx, "delete identity", func(tx *gorm.DB) error {
		var rows []models.Identity
		if err := st.s.forUpdate(tx.Where("user_id = ?", userID).Order("id")).Find(&rows).Error; err != nil {
			return err
		}
		found := false
		for _, r := range rows {
			if r.ID == id {
				deleted, found = r, true
			}
		}
		switch {
		case !found:
			return social.ErrNotFound
		case keepOne && len(rows) < 2:
			return social.ErrLastSignInMethod
		}
		res := tx.Where("id = ? AND user_id = ?", id, userID).Delete(&models.Identity{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return social.ErrNotFound
		}
		return nil
	})
	if err != nil {
		// tx has prefixed the operation already.
		return social.Identity{}, st.wrap("", err)
	}
	return identityOf(deleted), nil
}

// wrap maps err to the social sentinels: missing rows → social.ErrNotFound,
// a taken (provider, subject) → social.ErrIdentityTaken, an unknown user
// (foreign key) → social.ErrUserNotFound, an unreachable database →
// ginauth.ErrStoreUnavailable. The driver error stays in the chain. An
// empty op marks an error that already names its operation.
func (st identityStore) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	prefix := "store: " + op + ": "
	if op == "" {
		prefix = ""
	}
	var se *social.Error
	switch {
	case errors.As(err, &se) || errors.Is(err, ginauth.ErrStoreUnavailable):
		if op == "" {
			return err
		}
		return fmt.Errorf("%s%w", prefix, err)
	case errors.Is(err, gorm.ErrRecordNotFound) || errors.Is(err, ginauth.ErrNotFound):
		return fmt.Errorf("%s%w", prefix, social.ErrNotFound)
	}
	switch st.s.classify(err) {
	case ErrorUnique:
		return fmt.Errorf("%s%w: %w", prefix, social.ErrIdentityTaken, err)
	case ErrorForeignKey:
		return fmt.Errorf("%s%w: %w", prefix, social.ErrUserNotFound, err)
	case ErrorUnavailable, ErrorRetry:
		return fmt.Errorf("%s%w: %w", prefix, ginauth.ErrStoreUnavailable, err)
	}
	if op == "" {
		return err
	}
	return fmt.Errorf("%s%w", prefix, err)
}

// identityOf converts a row.
func identityOf(r models.Identity) social.Identity {
	return social.Identity{
		ID: r.ID, Provider: r.Provider, Subject: r.Subject, UserID: r.UserID,
		Email: deref(r.Email), CreatedAt: r.CreatedAt.UTC(),
	}
}
