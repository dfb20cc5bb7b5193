package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/fastauth/fastauth/models"
	"github.com/fastauth/fastauth/passkeys"
)

// Passkeys returns the storage of the passkeys module on this store. Its
// tables are not created by AutoMigrate: call its Migrate when the module
// is enabled.
func (s *Store) Passkeys() passkeys.Store { return passkeyStore{s: s} }

// passkeyStore implements passkeys.Store.
type passkeyStore struct{ s *Store }

var _ passkeys.Store = passkeyStore{}

// passkeySentinels are the errors passkeyStore reports as they are.
var passkeySentinels = []error{
	passkeys.ErrNotFound, passkeys.ErrUserNotFound, passkeys.ErrCeremonyNotFound,
	passkeys.ErrCredentialExists, passkeys.ErrTooManyPasskeys, passkeys.ErrSignCountRegressed,
}

// wrap maps err like Store.wrap, but keeps the passkeys sentinels a method
// decided and turns a violated foreign key (the account is gone) into
// passkeys.ErrUserNotFound.
func (p passkeyStore) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	for _, s := range passkeySentinels {
		if errors.Is(err, s) {
			return fmt.Errorf("store: %s: %w", op, err)
		}
	}
	if p.s.classify(err) == ErrorForeignKey {
		return fmt.Errorf("store: %s: %w: %w", op, passkeys.ErrUserNotFound, err)
	}
	return p.s.wrap(op, err)
}

// tx runs fn in a retried transaction (Store.tx) and maps its error with
// wrap. Sentinels fn decides carry the driver's message as text only, so
// that Store.tx does not map them again.
func (p passkeyStore) tx(ctx context.Context, op string, fn func(tx *gorm.DB) error) error {
	return p.wrap(op, p.s.tx(ctx, op, fn))
}

// Migrate creates or upgrades the passkeys tables (models.Passkeys) the way
// AutoMigrate does the core's (see migrateModule).
func (p passkeyStore) Migrate(ctx context.Context) error {
	return p.s.migrateModule(ctx, "migrate passkeys", models.Passkeys()...)
}

// EnsureUserHandle inserts the candidate handle unless the account has one
// (an insert that does nothing on conflict, so concurrent calls cannot
// fail each other) and returns the stored one.
func (p passkeyStore) EnsureUserHandle(ctx context.Context, userID string, candidate []byte) ([]byte, error) {
	row := models.PasskeyUser{UserID: userID, Handle: hex.EncodeToString(candidate)}
	err := p.s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "user_id"}}, DoNothing: true}).Create(&row).Error
	if err != nil {
		return nil, p.wrap("ensure user handle", err)
	}
	return p.UserHandle(ctx, userID)
}

// UserHandle reads the account's handle.
func (p passkeyStore) UserHandle(ctx context.Context, userID string) ([]byte, error) {
	var row models.PasskeyUser
	if err := first(p.s.conn(ctx).Where("user_id = ?", userID), &row); err != nil {
		if isNotFound(err) {
			return nil, p.wrap("user handle", passkeys.ErrUserNotFound)
		}
		return nil, p.wrap("user handle", err)
	}
	h, err := hex.DecodeString(row.Handle)
	if err != nil {
		return nil, p.wrap("user handle", fmt.Errorf("stored handle of %s: %w", userID, err))
	}
	return h, nil
}

// CreateCeremony inserts the ceremony.
func (p passkeyStore) CreateCeremony(ctx context.Context, c passkeys.Ceremony) error {
	row := models.PasskeyCeremony{
		IDHash:      c.IDHash,
		Kind:        string(c.Kind),
		UserID:      strPtr(c.UserID),
		SessionData: c.Session,
		CreatedAt:   ts(c.CreatedAt),
		ExpiresAt:   ts(c.ExpiresAt),
	}
	return p.wrap("create ceremony", p.s.conn(ctx).Create(&row).Error)
}

// TakeCeremony reads the live ceremony and deletes it with the same
// conditions: of concurrent takers only the one whose delete removed the
// row wins.
func (p passkeyStore) TakeCeremony(ctx context.Context, idHash string, kind passkeys.CeremonyKind, userID string, now time.Time) (passkeys.Ceremony, error) {
	match := func(q *gorm.DB) *gorm.DB {
		q = q.Where("id_hash = ? AND kind = ? AND expires_at > ?", idHash, string(kind), ts(now))
		if userID == "" {
			return q.Where("user_id IS NULL")
		}
		return q.Where("user_id = ?", userID)
	}
	var row models.PasskeyCeremony
	if err := first(match(p.s.conn(ctx)), &row); err != nil {
		if isNotFound(err) {
			return passkeys.Ceremony{}, p.wrap("take ceremony", passkeys.ErrCeremonyNotFound)
		}
		return passkeys.Ceremony{}, p.wrap("take ceremony", err)
	}
	res := match(p.s.conn(ctx)).Delete(&models.PasskeyCeremony{})
	if res.Error != nil {
		return passkeys.Ceremony{}, p.wrap("take ceremony", res.Error)
	}
	if res.RowsAffected != 1 {
		return passkeys.Ceremony{}, p.wrap("take ceremony", passkeys.ErrCeremonyNotFound)
	}
	return passkeys.Ceremony{
		IDHash:    row.IDHash,
		Kind:      passkeys.CeremonyKind(row.Kind),
		UserID:    deref(row.UserID),
		Session:   row.SessionData,
		CreatedAt: row.CreatedAt.UTC(),
		ExpiresAt: row.ExpiresAt.UTC(),
	}, nil
}

// DeleteExpiredCeremonies deletes the ceremonies expired at now.
func (p passkeyStore) DeleteExpiredCeremonies(ctx context.Context, now time.Time) (int64, error) {
	res := p.s.conn(ctx).Where("expires_at <= ?", ts(now)).Delete(&models.PasskeyCeremony{})
	if res.Error != nil {
		return 0, p.wrap("delete expired ceremonies", res.Error)
	}
	return res.RowsAffected, nil
}

// CreateCredential counts the passkey on the account's handle row with a
// conditional update (passkey_count < max), which also serializes the
// account's creations and deletions, then inserts it; a clash on the
// credential id's unique index rolls the count back.
func (p passkeyStore) CreateCredential(ctx context.Context, c passkeys.Credential, max int) error {
	row := models.Passkey{
		ID:                c.ID,
		UserID:            c.UserID,
		CredentialIDHash:  credentialIDHash(c.CredentialID),
		CredentialID:      c.CredentialID,
		PublicKey:         c.PublicKey,
		SignCount:         int64(c.SignCount),
		BackupEligible:    c.BackupEligible,
		BackedUp:          c.BackedUp,
		Transports:        strings.Join(c.Transports, ","),
		AAGUID:            c.AAGUID,
		AttestationFormat: c.AttestationFormat,
		Name:              c.Name,
		CreatedAt:         ts(c.CreatedAt),
		LastUsedAt:        tsPtr(c.LastUsedAt),
	}
	return p.tx(ctx, "create passkey", func(tx *gorm.DB) error {
		res := tx.Model(&models.PasskeyUser{}).Where("user_id = ? AND passkey_count < ?", c.UserID, max).
			UpdateColumn("passkey_count", gorm.Expr("passkey_count + 1"))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			var n int64
			if err := tx.Model(&models.PasskeyUser{}).Where("user_id = ?", c.UserID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return passkeys.ErrUserNotFound
			}
			return passkeys.ErrTooManyPasskeys
		}
		if err := tx.Create(&row).Error; err != nil {
			if p.s.classify(err) == ErrorUnique {
				return fmt.Errorf("%w (%v)", passkeys.ErrCredentialExists, err)
			}
			return err
		}
		return nil
	})
}

// Credentials lists the account's passkeys by creation.
func (p passkeyStore) Credentials(ctx context.Context, userID string) ([]passkeys.Credential, error) {
	var rows []models.Passkey
	if err := p.s.conn(ctx).Where("user_id = ?", userID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, p.wrap("list passkeys", err)
	}
	out := make([]passkeys.Credential, len(rows))
	for i := range rows {
		out[i] = passkeyFromRow(&rows[i])
	}
	return out, nil
}

// CredentialByCredentialID finds a passkey by the hash of its credential id.
func (p passkeyStore) CredentialByCredentialID(ctx context.Context, credentialID []byte) (passkeys.Credential, error) {
	return p.one(ctx, "passkey by credential id", p.s.conn(ctx).Where("credential_id_hash = ?", credentialIDHash(credentialID)))
}

// RenameCredential updates the name and reads the passkey back (MySQL
// reports no affected row when the name does not change, so the read,
// not the update, tells whether the passkey exists).
func (p passkeyStore) RenameCredential(ctx context.Context, userID, id, name string) (passkeys.Credential, error) {
	err := p.s.conn(ctx).Model(&models.Passkey{}).Where("id = ? AND user_id = ?", id, userID).UpdateColumn("name", name).Error
	if err != nil {
		return passkeys.Credential{}, p.wrap("rename passkey", err)
	}
	return p.one(ctx, "rename passkey", p.s.conn(ctx).Where("id = ? AND user_id = ?", id, userID))
}

// DeleteCredential takes the account's handle row lock first (the order
// CreateCredential uses), then deletes; a deletion that removed nothing
// rolls the count back and gives ErrNotFound.
func (p passkeyStore) DeleteCredential(ctx context.Context, userID, id string) (passkeys.Credential, error) {
	var out passkeys.Credential
	err := p.tx(ctx, "delete passkey", func(tx *gorm.DB) error {
		res := tx.Model(&models.PasskeyUser{}).Where("user_id = ?", userID).
			UpdateColumn("passkey_count", gorm.Expr("passkey_count - 1"))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return passkeys.ErrNotFound
		}
		var row models.Passkey
		if err := first(tx.Where("id = ? AND user_id = ?", id, userID), &row); err != nil {
			if isNotFound(err) {
				return passkeys.ErrNotFound
			}
			return err
		}
		del := tx.Where("id = ? AND user_id = ?", id, userID).Delete(&models.Passkey{})
		if del.Error != nil {
			return del.Error
		}
		if del.RowsAffected != 1 {
			return passkeys.ErrNotFound
		}
		out = passkeyFromRow(&row)
		return nil
	})
	if err != nil {
		return passkeys.Credential{}, err
	}
	return out, nil
}

// RecordAssertion updates the counter only where the stored one is below
// signCount (a conditional update: the counter decides concurrent
// assertions), or leaves it for a signCount of 0.
func (p passkeyStore) RecordAssertion(ctx context.Context, id string, signCount uint32, backedUp bool, now time.Time) (passkeys.Credential, error) {
	const op = "record assertion"
	q := p.s.conn(ctx).Model(&models.Passkey{}).Where("id = ?", id)
	set := map[string]any{"backed_up": backedUp, "last_used_at": ts(now)}
	if signCount != 0 {
		q = q.Where("sign_count < ?", int64(signCount))
		set["sign_count"] = int64(signCount)
	}
	res := q.UpdateColumns(set)
	if res.Error != nil {
		return passkeys.Credential{}, p.wrap(op, res.Error)
	}
	c, err := p.one(ctx, op, p.s.conn(ctx).Where("id = ?", id))
	if err != nil {
		return passkeys.Credential{}, err
	}
	// A counted assertion that changed nothing lost to a counter at or
	// above its own. (An uncounted one may change nothing on MySQL, which
	// reports changed rows, when it repeats the last use's values.)
	if res.RowsAffected != 1 && signCount != 0 {
		return passkeys.Credential{}, p.wrap(op, passkeys.ErrSignCountRegressed)
	}
	return c, nil
}

// one reads the single passkey q selects, or passkeys.ErrNotFound.
func (p passkeyStore) one(ctx context.Context, op string, q *gorm.DB) (passkeys.Credential, error) {
	var row models.Passkey
	if err := first(q, &row); err != nil {
		if isNotFound(err) {
			return passkeys.Credential{}, p.wrap(op, passkeys.ErrNotFound)
		}
		return passkeys.Credential{}, p.wrap(op, err)
	}
	return passkeyFromRow(&row), nil
}

// credentialIDHash is the indexed form of a credential id.
func credentialIDHash(id []byte) string {
	h := sha256.Sum256(id)
	return hex.EncodeToString(h[:])
}

// passkeyFromRow converts a row.
func passkeyFromRow(r *models.Passkey) passkeys.Credential {
	var transports []string
	if r.Transports != "" {
		transports = strings.Split(r.Transports, ",")
	}
	return passkeys.Credential{
		ID:                r.ID,
		UserID:            r.UserID,
		CredentialID:      r.CredentialID,
		PublicKey:         r.PublicKey,
		SignCount:         uint32(r.SignCount),
		BackupEligible:    r.BackupEligible,
		BackedUp:          r.BackedUp,
		Transports:        transports,
		AAGUID:            r.AAGUID,
		AttestationFormat: r.AttestationFormat,
		Name:              r.Name,
		CreatedAt:         r.CreatedAt.UTC(),
		LastUsedAt:        utcPtr(r.LastUsedAt),
	}
}
