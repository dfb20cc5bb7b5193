package models

import "time"

// Invite is a row of auth_invites.
type Invite struct {
	ID               string     `gorm:"primaryKey;size:36"`
	OrganizationID   string     `gorm:"size:36;not null;index:idx_auth_invites_org"`
	Email            string     `gorm:"size:320;not null" fastauth:"exact"`
	Role             string     `gorm:"size:32;not null" fastauth:"exact"`
	TokenHash        string     `gorm:"size:64;not null;uniqueIndex:idx_auth_invites_token_hash" fastauth:"exact"`
	InvitedByUserID  string     `gorm:"size:36;not null;index:idx_auth_invites_invited_by"`
	CreatedAt        time.Time  `gorm:"precision:6;not null;autoCreateTime:false"`
	ExpiresAt        time.Time  `gorm:"precision:6;not null"`
	RevokedAt        *time.Time `gorm:"precision:6"`
	AcceptedAt       *time.Time `gorm:"precision:6"`
	AcceptedByUserID *string    `gorm:"size:36"`
	// ActiveKey is organization_id + ":" + email while the invite is
	// pending and NULL once it is revoked, accepted or replaced. Its unique
	// index is the portable "one pending invite per (organization, email)":
	// MySQL has no partial indexes, and NULLs never collide.
	ActiveKey *string `gorm:"size:400;uniqueIndex:idx_auth_invites_active_key" fastauth:"exact"`

	Organization *Organization `gorm:"foreignKey:OrganizationID;constraint:OnDelete:CASCADE"`
	InvitedBy    *User         `gorm:"foreignKey:InvitedByUserID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (Invite) TableName() string { return "auth_invites" }

// InviteActiveKey is the ActiveKey of a pending invite.
func InviteActiveKey(organizationID, email string) string {
	return organizationID + ":" + email
}
