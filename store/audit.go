package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/models"
)

// Audit returns the storage of the audit module: the event log and the
// webhook delivery queue. Its tables are created by its Migrate, not by
// AutoMigrate.
func (s *Store) Audit() audit.Store { return auditStore{s} }

// auditStore implements audit.Store on the Store's database.
type auditStore struct{ s *Store }

var _ audit.Store = auditStore{}

// Migrate implements audit.Store.
func (a auditStore) Migrate(ctx context.Context) error {
	return a.s.migrateModule(ctx, "audit migrate", &models.AuditEvent{}, &models.WebhookDelivery{})
}

// wrap maps gorm's not-found to audit.ErrNotFound and then does what
// Store.wrap does.
func (a auditStore) wrap(op string, err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		err = audit.ErrNotFound
	}
	return a.s.wrap(op, err)
}

func auditEventModel(e audit.Event) models.AuditEvent {
	return models.AuditEvent{
		ID:             e.ID,
		Type:           e.Type,
		OccurredAt:     ts(e.OccurredAt),
		ActorUserID:    strPtr(e.Actor.UserID),
		ActorAPIKeyID:  strPtr(e.Actor.APIKeyID),
		OrganizationID: strPtr(e.OrganizationID),
		SubjectUserID:  strPtr(e.Subject()),
		TargetType:     e.Target.Type,
		TargetID:       strPtr(e.Target.ID),
		IP:             strPtr(e.IP),
		UserAgent:      strPtr(e.UserAgent),
		Data:           string(e.Data),
	}
}

func auditEventFromModel(m models.AuditEvent) audit.Event {
	return audit.Event{
		ID:             m.ID,
		Type:           m.Type,
		OccurredAt:     m.OccurredAt.UTC(),
		Actor:          audit.Actor{UserID: deref(m.ActorUserID), APIKeyID: deref(m.ActorAPIKeyID)},
		OrganizationID: deref(m.OrganizationID),
		Target:         audit.Target{Type: m.TargetType, ID: deref(m.TargetID)},
		IP:             deref(m.IP),
		UserAgent:      deref(m.UserAgent),
		Data:           []byte(m.Data),
	}
}

// AppendEvent implements audit.EventStore: one INSERT of the event, and
// one multi-row INSERT of its deliveries when endpoints are named, both in
// the transaction of ctx (a nested transaction, that is a savepoint, when
// ctx carries one; a transaction of their own otherwise).
func (a auditStore) AppendEvent(ctx context.Context, e audit.Event, endpointIDs []string) error {
	e = e.Normalize()
	if err := e.Validate(); err != nil {
		return err
	}
	row := auditEventModel(e)
	if len(endpointIDs) == 0 {
		return a.wrap("append event", a.s.conn(ctx).Create(&row).Error)
	}
	ids := slices.Clone(endpointIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	deliveries := make([]models.WebhookDelivery, 0, len(ids))
	for _, id := range ids {
		if id == "" || len(id) > audit.MaxEndpointIDLen {
			return fmt.Errorf("%w: endpoint id %q", audit.ErrInvalidEvent, id)
		}
		deliveries = append(deliveries, models.WebhookDelivery{
			EventID:       e.ID,
			EndpointID:    id,
			Status:        string(audit.StatusPending),
			NextAttemptAt: row.OccurredAt,
			CreatedAt:     row.OccurredAt,
		})
	}
	err := a.s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return tx.Create(&deliveries).Error
	})
	return a.wrap("append event", err)
}

// Event implements audit.EventStore.
func (a auditStore) Event(ctx context.Context, id string) (audit.Event, error) {
	var m models.AuditEvent
	if err := first(a.s.conn(ctx).Where("id = ?", id), &m); err != nil {
		if isNotFound(err) {
			err = audit.ErrNotFound
		}
		return audit.Event{}, a.wrap("event", err)
	}
	return auditEventFromModel(m), nil
}

// OrganizationEvents implements audit.EventStore through the index on
// (organization_id, occurred_at, id), or (organization_id, type,
// occurred_at, id) with a type.
func (a auditStore) OrganizationEvents(ctx context.Context, organizationID string, q audit.Query) (audit.Page, error) {
	return a.listEvents(ctx, "organization_id", organizationID, q)
}

// UserEvents implements audit.EventStore through the index on
// (subject_user_id, occurred_at, id).
func (a auditStore) UserEvents(ctx context.Context, userID string, q audit.Query) (audit.Page, error) {
	return a.listEvents(ctx, "subject_user_id", userID, q)
}

// listEvents reads one keyset page: Limit+1 rows tell whether another
// page follows.
func (a auditStore) listEvents(ctx context.Context, column, value string, q audit.Query) (audit.Page, error) {
	if err := q.Validate(); err != nil {
		return audit.Page{}, err
	}
	if value == "" {
		return audit.Page{}, nil
	}
	db := a.s.conn(ctx).Where(column+" = ?", value)
	if q.Type != "" {
		db = db.Where("type = ?", q.Type)
	}
	if q.Before != nil {
		t := ts(q.Before.OccurredAt)
		db = db.Where("(occurred_at < ? OR (occurred_at = ? AND id < ?))", t, t, q.Before.ID)
	}
	var rows []models.AuditEvent
	if err := db.Order("occurred_at DESC, id DESC").Limit(q.Limit + 1).Find(&rows).Error; err != nil {
		return audit.Page{}, a.wrap("list events", err)
	}
	var page audit.Page
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
		c := audit.CursorOf(auditEventFromModel(rows[len(rows)-1]))
		page.Next = &c
	}
	page.Events = make([]audit.Event, len(rows))
	for i, r := range rows {
		page.Events[i] = auditEventFromModel(r)
	}
	return page, nil
}

// PurgeEvents implements audit.EventStore: it reads the ids of the oldest
// limit events before cutoff, then deletes their deliveries and them in
// one transaction (MySQL has no LIMIT in an IN subquery).
func (a auditStore) PurgeEvents(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	if limit < 1 {
		return 0, fmt.Errorf("store: purge events: %w: limit %d", audit.ErrInvalidQuery, limit)
	}
	var n int
	err := a.s.tx(ctx, "purge events", func(tx *gorm.DB) error {
		var ids []string
		err := tx.Model(&models.AuditEvent{}).Where("occurred_at < ?", ts(cutoff)).
			Order("occurred_at, id").Limit(limit).Pluck("id", &ids).Error
		if err != nil || len(ids) == 0 {
			n = 0
			return err
		}
		if err := tx.Where("event_id IN ?", ids).Delete(&models.WebhookDelivery{}).Error; err != nil {
			return err
		}
		res := tx.Where("id IN ?", ids).Delete(&models.AuditEvent{})
		n = int(res.RowsAffected)
		return res.Error
	})
	return n, err
}

func deliveryFromModel(m models.WebhookDelivery) audit.Delivery {
	return audit.Delivery{
		EventID:        m.EventID,
		EndpointID:     m.EndpointID,
		Status:         audit.DeliveryStatus(m.Status),
		Attempts:       m.Attempts,
		NextAttemptAt:  m.NextAttemptAt.UTC(),
		LeaseOwner:     deref(m.LeaseOwner),
		LastAttemptAt:  utcPtr(m.LastAttemptAt),
		LastStatusCode: m.LastStatusCode,
		LastError:      deref(m.LastError),
		CreatedAt:      m.CreatedAt.UTC(),
		DeliveredAt:    utcPtr(m.DeliveredAt),
	}
}

// ClaimDeliveries implements audit.DeliveryStore. In one transaction it
// selects the oldest due deliveries (FOR UPDATE SKIP LOCKED on PostgreSQL
// and MySQL/MariaDB, so concurrent claims take different rows; SQLite
// serializes write transactions) and leases each with an UPDATE that
// repeats the due condition and the attempt count it read, checked for
// one affected row: a row that another claim took in between is skipped,
// whatever the locking did.
func (a auditStore) ClaimDeliveries(ctx context.Context, c audit.Claim) ([]audit.Delivery, error) {
	if c.Owner == "" || len(c.Owner) > 64 || c.Limit < 1 || !c.LeaseUntil.After(c.Now) {
		return nil, fmt.Errorf("store: claim deliveries: %w: owner, limit and a lease ending after now are required", audit.ErrInvalidQuery)
	}
	if len(c.EndpointIDs) == 0 {
		return nil, nil
	}
	now, until := ts(c.Now), ts(c.LeaseUntil)
	var claimed []models.WebhookDelivery
	err := a.s.tx(ctx, "claim deliveries", func(tx *gorm.DB) error {
		claimed = claimed[:0]
		q := tx.Where("status = ? AND next_attempt_at <= ? AND endpoint_id IN ?", string(audit.StatusPending), now, c.EndpointIDs).
			Order("next_attempt_at, event_id, endpoint_id").Limit(c.Limit)
		if a.s.dialect != dialectSQLite {
			q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked})
		}
		var due []models.WebhookDelivery
		if err := q.Find(&due).Error; err != nil {
			return err
		}
		for _, d := range due {
			res := tx.Model(&models.WebhookDelivery{}).
				Where("event_id = ? AND endpoint_id = ? AND status = ? AND attempts = ? AND next_attempt_at <= ?",
					d.EventID, d.EndpointID, string(audit.StatusPending), d.Attempts, now).
				Updates(map[string]any{"attempts": d.Attempts + 1, "lease_owner": c.Owner, "next_attempt_at": until})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 1 {
				d.Attempts++
				d.LeaseOwner = &c.Owner
				d.NextAttemptAt = until
				claimed = append(claimed, d)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(claimed) == 0 {
		return nil, nil
	}
	ids := make([]string, len(claimed))
	for i, d := range claimed {
		ids[i] = d.EventID
	}
	var events []models.AuditEvent
	if err := a.s.conn(ctx).Where("id IN ?", ids).Find(&events).Error; err != nil {
		return nil, a.wrap("claim deliveries: events", err)
	}
	byID := make(map[string]audit.Event, len(events))
	for _, e := range events {
		byID[e.ID] = auditEventFromModel(e)
	}
	out := make([]audit.Delivery, len(claimed))
	for i, d := range claimed {
		out[i] = deliveryFromModel(d)
		out[i].Event = byID[d.EventID]
	}
	return out, nil
}

// maxErrorLen is the size of auth_webhook_deliveries.last_error.
const maxErrorLen = 255

// FinishAttempt implements audit.DeliveryStore with one conditional
// UPDATE on the claim (status pending, lease owner, attempt count); it
// always changes lease_owner, so MySQL's changed-rows count is the
// matched-rows count.
func (a auditStore) FinishAttempt(ctx context.Context, o audit.Outcome) error {
	updates := map[string]any{
		"status":           string(o.Status),
		"lease_owner":      nil,
		"last_attempt_at":  ts(o.At),
		"last_status_code": o.StatusCode,
		"last_error":       strPtr(truncate(o.Error, maxErrorLen)),
	}
	switch o.Status {
	case audit.StatusPending:
		updates["next_attempt_at"] = ts(o.NextAttemptAt)
	case audit.StatusDelivered:
		updates["delivered_at"] = ts(o.At)
	case audit.StatusFailed:
	default:
		return fmt.Errorf("store: finish attempt: %w: status %q", audit.ErrInvalidQuery, o.Status)
	}
	if o.Owner == "" {
		return fmt.Errorf("store: finish attempt: %w", audit.ErrLeaseLost)
	}
	res := a.s.conn(ctx).Model(&models.WebhookDelivery{}).
		Where("event_id = ? AND endpoint_id = ? AND status = ? AND lease_owner = ? AND attempts = ?",
			o.EventID, o.EndpointID, string(audit.StatusPending), o.Owner, o.Attempt).
		Updates(updates)
	if res.Error != nil {
		return a.wrap("finish attempt", res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("store: finish attempt: %w", audit.ErrLeaseLost)
	}
	return nil
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// Delivery implements audit.DeliveryStore.
func (a auditStore) Delivery(ctx context.Context, eventID, endpointID string) (audit.Delivery, error) {
	var m models.WebhookDelivery
	if err := first(a.s.conn(ctx).Where("event_id = ? AND endpoint_id = ?", eventID, endpointID), &m); err != nil {
		if isNotFound(err) {
			err = audit.ErrNotFound
		}
		return audit.Delivery{}, a.wrap("delivery", err)
	}
	return deliveryFromModel(m), nil
}

// PendingDeliveries implements audit.DeliveryStore.
func (a auditStore) PendingDeliveries(ctx context.Context, endpointIDs []string) (int, error) {
	db := a.s.conn(ctx).Model(&models.WebhookDelivery{}).Where("status = ?", string(audit.StatusPending))
	if len(endpointIDs) > 0 {
		db = db.Where("endpoint_id IN ?", endpointIDs)
	}
	var n int64
	if err := db.Count(&n).Error; err != nil {
		return 0, a.wrap("pending deliveries", err)
	}
	return int(n), nil
}
