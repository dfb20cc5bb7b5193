package store

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/models"
)

// hashHex is the stored form of a secret's SHA-256.
func hashHex(h []byte) string { return hex.EncodeToString(h) }

// hashBytes decodes a stored hash.
func hashBytes(h string) []byte {
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil
	}
	return b
}

func sessionFromModel(m models.Session) ginauth.Session {
	return ginauth.Session{
		ID:         m.ID,
		UserID:     m.UserID,
		CreatedAt:  m.CreatedAt.UTC(),
		LastUsedAt: m.LastUsedAt.UTC(),
		ExpiresAt:  m.ExpiresAt.UTC(),
		RevokedAt:  utcPtr(m.RevokedAt),
		UserAgent:  m.UserAgent,
		IP:         m.IP,
		AAL:        max(m.AAL, 1),
		AMR:        amrFromColumn(m.AMR),
		AuthTime:   authTime(m),
	}
}

// amrFromColumn reads the space-separated amr column; an empty one (which
// no write produces) reads as password, like the rows of before the column.
func amrFromColumn(v string) []string {
	amr := strings.Fields(v)
	if len(amr) == 0 {
		return []string{ginauth.MethodPassword}
	}
	return amr
}

// amrColumn is the stored form of amr: its methods separated by spaces
// (method names are single words). An empty list is stored as password.
func amrColumn(amr []string) (string, error) {
	if len(amr) == 0 {
		return ginauth.MethodPassword, nil
	}
	for _, m := range amr {
		if m == "" || strings.ContainsAny(m, " \t\r\n") {
			return "", fmt.Errorf("store: authentication method %q is not a single word", m)
		}
	}
	v := strings.Join(amr, " ")
	if len(v) > maxAMRColumn {
		return "", fmt.Errorf("store: %d authentication methods do not fit the amr column", len(amr))
	}
	return v, nil
}

// maxAMRColumn is the size of the amr column (models.Session).
const maxAMRColumn = 255

// authTime is the session's latest authentication: the auth_time column,
// or its creation for rows of before the column.
func authTime(m models.Session) time.Time {
	if m.AuthTime == nil {
		return m.CreatedAt.UTC()
	}
	return m.AuthTime.UTC()
}

func refreshTokenModel(t ginauth.RefreshToken) *models.RefreshToken {
	return &models.RefreshToken{
		ID:         t.ID,
		SessionID:  t.SessionID,
		TokenHash:  hashHex(t.TokenHash),
		CreatedAt:  ts(t.CreatedAt),
		ExpiresAt:  ts(t.ExpiresAt),
		ConsumedAt: tsPtr(t.ConsumedAt),
	}
}

// revokeSessions revokes the user's unrevoked sessions except keepSessionID
// (all when it is empty).
func revokeSessions(tx *gorm.DB, userID, keepSessionID string, now time.Time) *gorm.DB {
	q := tx.Model(&models.Session{}).Where("user_id = ? AND revoked_at IS NULL", userID)
	if keepSessionID != "" {
		q = q.Where("id <> ?", keepSessionID)
	}
	return q.UpdateColumn("revoked_at", ts(now))
}

// newSessionModels are the rows of a new session and its first refresh
// token, with the token's session and expiry and the session's last use
// defaulted from the session.
func newSessionModels(sess ginauth.Session, first ginauth.RefreshToken) (*models.Session, *models.RefreshToken, error) {
	if first.SessionID == "" {
		first.SessionID = sess.ID
	}
	if first.ExpiresAt.IsZero() {
		first.ExpiresAt = sess.ExpiresAt
	}
	if sess.LastUsedAt.IsZero() {
		sess.LastUsedAt = sess.CreatedAt
	}
	if sess.AuthTime.IsZero() {
		sess.AuthTime = sess.CreatedAt
	}
	amr, err := amrColumn(sess.AMR)
	if err != nil {
		return nil, nil, err
	}
	return &models.Session{
		ID:         sess.ID,
		UserID:     sess.UserID,
		CreatedAt:  ts(sess.CreatedAt),
		LastUsedAt: ts(sess.LastUsedAt),
		ExpiresAt:  ts(sess.ExpiresAt),
		RevokedAt:  tsPtr(sess.RevokedAt),
		UserAgent:  sess.UserAgent,
		IP:         sess.IP,
		AAL:        max(sess.AAL, 1),
		AMR:        amr,
		AuthTime:   tsPtr(&sess.AuthTime),
	}, refreshTokenModel(first), nil
}

// CreateSession implements ginauth.SessionStore.
func (s *Store) CreateSession(ctx context.Context, sess ginauth.Session, first ginauth.RefreshToken, credentialVersion int64, revokeOthers bool, now time.Time) error {
	now = ts(now)
	return s.tx(ctx, "create session", func(tx *gorm.DB) error {
		// The credential-version check: a conditional update that always
		// changes a value (MySQL counts changed rows) and locks the user
		// row against a concurrent password change until commit.
		res := tx.Model(&models.User{}).
			Where("id = ? AND credential_version = ?", sess.UserID, credentialVersion).
			UpdateColumn("sign_in_count", gorm.Expr("sign_in_count + 1"))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return userMissingOr(tx, sess.UserID, fmt.Errorf("credential version of user %s changed: %w", sess.UserID, ginauth.ErrConflict))
		}
		if revokeOthers {
			if err := revokeSessions(tx, sess.UserID, "", now).Error; err != nil {
				return err
			}
		}
		sessRow, firstRow, err := newSessionModels(sess, first)
		if err != nil {
			return err
		}
		if err := tx.Create(sessRow).Error; err != nil {
			return err
		}
		return tx.Create(firstRow).Error
	})
}

// errTokenNotConsumable rolls a rotation back when the conditional update
// matched no row; the caller then finds out why.
var errTokenNotConsumable = errors.New("store: refresh token not consumable")

// RotateRefreshToken implements ginauth.SessionStore.
func (s *Store) RotateRefreshToken(ctx context.Context, tokenHash []byte, next ginauth.RefreshToken, now time.Time) (ginauth.Session, error) {
	now = ts(now)
	h := hashHex(tokenHash)
	var sess models.Session
	err := s.tx(ctx, "rotate refresh token", func(tx *gorm.DB) error {
		res := tx.Model(&models.RefreshToken{}).
			Where("token_hash = ? AND consumed_at IS NULL AND expires_at > ?", h, now).
			UpdateColumn("consumed_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errTokenNotConsumable
		}
		var tok models.RefreshToken
		if err := first(tx.Where("token_hash = ?", h), &tok); err != nil {
			return err
		}
		// Lock the session row now (MySQL: also read its latest version),
		// before the insert below takes a shared foreign-key lock on it:
		// the same order (token, then session) as every other writer.
		if err := first(s.forUpdate(tx.Where("id = ?", tok.SessionID)), &sess); err != nil {
			return err
		}
		if sess.RevokedAt != nil || !sess.ExpiresAt.After(now) {
			return fmt.Errorf("session %s is not active: %w", sess.ID, ginauth.ErrNotFound)
		}
		next.SessionID = tok.SessionID
		if next.ExpiresAt.IsZero() {
			next.ExpiresAt = sess.ExpiresAt
		}
		next.ConsumedAt = nil
		if err := tx.Create(refreshTokenModel(next)).Error; err != nil {
			return err
		}
		sess.LastUsedAt = now
		return tx.Model(&models.Session{}).Where("id = ?", sess.ID).
			UpdateColumn("last_used_at", now).Error
	})
	switch {
	case err == nil:
		return sessionFromModel(sess), nil
	case errors.Is(err, errTokenNotConsumable):
		// Looked up after the rollback, outside the transaction, so every
		// dialect sees the winner's commit.
		return ginauth.Session{}, s.wrap("rotate refresh token", s.notConsumable(ctx, h))
	}
	return ginauth.Session{}, err
}

// notConsumable explains why the refresh token with hash h could not be
// consumed: a *ReusedTokenError if it was consumed, else ErrNotFound.
func (s *Store) notConsumable(ctx context.Context, h string) error {
	var row struct {
		SessionID  string
		UserID     string
		ConsumedAt *time.Time
	}
	res := s.conn(ctx).Table("auth_refresh_tokens AS rt").
		Select("rt.session_id, rt.consumed_at, se.user_id").
		Joins("JOIN auth_sessions se ON se.id = rt.session_id").
		Where("rt.token_hash = ?", h).
		Limit(1).Scan(&row)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 || row.ConsumedAt == nil {
		return ginauth.ErrNotFound
	}
	return &ginauth.ReusedTokenError{SessionID: row.SessionID, UserID: row.UserID, ConsumedAt: row.ConsumedAt.UTC()}
}

// SessionByRefreshToken implements ginauth.SessionStore.
func (s *Store) SessionByRefreshToken(ctx context.Context, tokenHash []byte) (ginauth.Session, error) {
	var m models.Session
	q := s.conn(ctx).Where("id = (?)",
		s.db.Model(&models.RefreshToken{}).Select("session_id").Where("token_hash = ?", hashHex(tokenHash)))
	if err := first(q, &m); err != nil {
		return ginauth.Session{}, s.wrap("session by refresh token", err)
	}
	return sessionFromModel(m), nil
}

// SessionByID implements ginauth.SessionStore.
func (s *Store) SessionByID(ctx context.Context, id string) (ginauth.Session, error) {
	var m models.Session
	if err := first(s.conn(ctx).Where("id = ?", id), &m); err != nil {
		return ginauth.Session{}, s.wrap("session by id", err)
	}
	return sessionFromModel(m), nil
}

// ListSessions implements ginauth.SessionStore.
func (s *Store) ListSessions(ctx context.Context, userID string, now time.Time) ([]ginauth.Session, error) {
	var ms []models.Session
	err := s.conn(ctx).
		Where("user_id = ? AND revoked_at IS NULL AND expires_at > ?", userID, ts(now)).
		Order("created_at DESC, id DESC").
		Find(&ms).Error
	if err != nil {
		return nil, s.wrap("list sessions", err)
	}
	out := make([]ginauth.Session, 0, len(ms))
	for _, m := range ms {
		out = append(out, sessionFromModel(m))
	}
	return out, nil
}

// RevokeSession implements ginauth.SessionStore.
func (s *Store) RevokeSession(ctx context.Context, userID, sessionID string, now time.Time) error {
	now = ts(now)
	res := s.conn(ctx).Model(&models.Session{}).
		Where("id = ? AND user_id = ? AND revoked_at IS NULL AND expires_at > ?", sessionID, userID, now).
		UpdateColumn("revoked_at", now)
	if res.Error != nil {
		return s.wrap("revoke session", res.Error)
	}
	if res.RowsAffected != 1 {
		return s.wrap("revoke session", fmt.Errorf("active session %s of user %s: %w", sessionID, userID, ginauth.ErrNotFound))
	}
	return nil
}

// RevokeOtherSessions implements ginauth.SessionStore.
func (s *Store) RevokeOtherSessions(ctx context.Context, userID, keepSessionID string, now time.Time) (int, error) {
	now = ts(now)
	q := s.conn(ctx).Model(&models.Session{}).
		Where("user_id = ? AND revoked_at IS NULL AND expires_at > ?", userID, now)
	if keepSessionID != "" {
		q = q.Where("id <> ?", keepSessionID)
	}
	res := q.UpdateColumn("revoked_at", now)
	if res.Error != nil {
		return 0, s.wrap("revoke other sessions", res.Error)
	}
	return int(res.RowsAffected), nil
}

// RaiseSession implements ginauth.SessionStore. The session row is locked
// (SQLite: the write transaction is serialized), read, and written back
// with the higher AAL and the longer AMR, so concurrent raises apply one
// after the other and none is lost.
func (s *Store) RaiseSession(ctx context.Context, userID, sessionID string, aal int, method string, now time.Time) (ginauth.Session, error) {
	now = ts(now)
	var sess models.Session
	err := s.tx(ctx, "raise session", func(tx *gorm.DB) error {
		err := first(s.forUpdate(tx.Where("id = ? AND user_id = ? AND revoked_at IS NULL AND expires_at > ?", sessionID, userID, now)), &sess)
		if err != nil {
			return err
		}
		amr := amrFromColumn(sess.AMR)
		if !slices.Contains(amr, method) {
			amr = append(amr, method)
		}
		col, err := amrColumn(amr)
		if err != nil {
			return err
		}
		sess.AAL = max(sess.AAL, aal, 1)
		sess.AMR = col
		sess.AuthTime = &now
		return tx.Model(&models.Session{}).Where("id = ?", sess.ID).
			UpdateColumns(map[string]any{"aal": sess.AAL, "amr": col, "auth_time": now}).Error
	})
	if err != nil {
		return ginauth.Session{}, err
	}
	return sessionFromModel(sess), nil
}
