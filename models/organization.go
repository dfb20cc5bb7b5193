package models

import "time"

// Organization is a row of auth_organizations: a personal workspace or a
// shared organization.
type Organization struct {
	ID   string `gorm:"primaryKey;size:36"`
	Kind string `gorm:"size:16;not null" fastauth:"exact"`
	Name string `gorm:"size:255;not null"`
	// Version is bumped by every roster mutation; the update that bumps it
	// is also what serializes those mutations per organization.
	Version   int64     `gorm:"not null;default:0"`
	CreatedAt time.Time `gorm:"precision:6;not null;autoCreateTime:false"`
	UpdatedAt time.Time `gorm:"precision:6;not null;autoUpdateTime:false"`
}

// TableName implements gorm's tabler.
func (Organization) TableName() string { return "auth_organizations" }

// Membership is a row of auth_memberships. Its primary key is
// (organization_id, user_id); a second index serves per-user listings.
type Membership struct {
	OrganizationID string    `gorm:"primaryKey;size:36"`
	UserID         string    `gorm:"primaryKey;size:36;index:idx_auth_memberships_user"`
	Role           string    `gorm:"size:32;not null" fastauth:"exact"`
	CreatedAt      time.Time `gorm:"precision:6;not null;autoCreateTime:false"`

	Organization *Organization `gorm:"foreignKey:OrganizationID;constraint:OnDelete:CASCADE"`
	User         *User         `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (Membership) TableName() string { return "auth_memberships" }
