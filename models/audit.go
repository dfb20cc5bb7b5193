package models

import "time"

// The tables of package audit are not in All: the audit store creates
// them (st.Audit().Migrate) only in deployments that enable the audit
// module.

// AuditEvent is a row of auth_audit_events: one recorded change. Empty
// optional strings are NULL. SubjectUserID is the account whose security
// log lists the event (audit.Event.Subject). The indexes serve the keyset
// pages of the organization's log (with and without a type filter), of
// the account's security log, and the retention purge.
type AuditEvent struct {
	ID             string    `gorm:"primaryKey;size:36;index:idx_auth_audit_events_org,priority:3;index:idx_auth_audit_events_org_type,priority:4;index:idx_auth_audit_events_subject,priority:3"`
	Type           string    `gorm:"size:64;not null;index:idx_auth_audit_events_org_type,priority:2"`
	OccurredAt     time.Time `gorm:"precision:6;not null;index:idx_auth_audit_events_org,priority:2;index:idx_auth_audit_events_org_type,priority:3;index:idx_auth_audit_events_subject,priority:2;index:idx_auth_audit_events_occurred"`
	ActorUserID    *string   `gorm:"size:36"`
	ActorAPIKeyID  *string   `gorm:"size:36"`
	OrganizationID *string   `gorm:"size:36;index:idx_auth_audit_events_org,priority:1;index:idx_auth_audit_events_org_type,priority:1"`
	SubjectUserID  *string   `gorm:"size:36;index:idx_auth_audit_events_subject,priority:1"`
	TargetType     string    `gorm:"size:32;not null"`
	TargetID       *string   `gorm:"size:255"`
	IP             *string   `gorm:"size:64"`
	UserAgent      *string   `gorm:"size:512"`
	Data           string    `gorm:"type:text;not null"`
}

// TableName implements gorm's tabler.
func (AuditEvent) TableName() string { return "auth_audit_events" }

// WebhookDelivery is a row of auth_webhook_deliveries: one event to send
// to one configured endpoint. NextAttemptAt is when it is due: the first
// attempt, the next retry, or the end of the lease held by LeaseOwner.
// Attempts counts the claims, so (LeaseOwner, Attempts) names one claim.
// The due index serves the workers' claims.
type WebhookDelivery struct {
	EventID        string     `gorm:"primaryKey;size:36"`
	EndpointID     string     `gorm:"primaryKey;size:64"`
	Status         string     `gorm:"size:16;not null;index:idx_auth_webhook_deliveries_due,priority:1"`
	NextAttemptAt  time.Time  `gorm:"precision:6;not null;index:idx_auth_webhook_deliveries_due,priority:2"`
	Attempts       int        `gorm:"not null"`
	LeaseOwner     *string    `gorm:"size:64"`
	LastAttemptAt  *time.Time `gorm:"precision:6"`
	LastStatusCode int        `gorm:"not null"`
	LastError      *string    `gorm:"size:255"`
	CreatedAt      time.Time  `gorm:"precision:6;not null;autoCreateTime:false"`
	DeliveredAt    *time.Time `gorm:"precision:6"`

	Event *AuditEvent `gorm:"foreignKey:EventID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (WebhookDelivery) TableName() string { return "auth_webhook_deliveries" }
