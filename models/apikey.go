package models

import "time"

// APIKey is a row of auth_api_keys. KeyHash is the hex SHA-256 of the
// whole key.
type APIKey struct {
	ID              string     `gorm:"primaryKey;size:36"`
	OrganizationID  string     `gorm:"size:36;not null;index:idx_auth_api_keys_org_created,priority:1;index:idx_auth_api_keys_org_creator,priority:1"`
	Name            string     `gorm:"size:255;not null"`
	CreatedByUserID string     `gorm:"size:36;not null;index:idx_auth_api_keys_org_creator,priority:2;index:idx_auth_api_keys_creator"`
	KeyPrefix       string     `gorm:"size:32;not null"`
	KeyHash         string     `gorm:"size:64;not null;uniqueIndex:idx_auth_api_keys_hash" fastauth:"exact"`
	CreatedAt       time.Time  `gorm:"precision:6;not null;autoCreateTime:false;index:idx_auth_api_keys_org_created,priority:2"`
	LastUsedAt      *time.Time `gorm:"precision:6"`
	ExpiresAt       *time.Time `gorm:"precision:6"`
	// Permissions are the key's permissions, space-separated; NULL for a
	// key that acts with everything its creator has.
	Permissions *string `gorm:"type:text"`

	Organization *Organization `gorm:"foreignKey:OrganizationID;constraint:OnDelete:CASCADE"`
	CreatedBy    *User         `gorm:"foreignKey:CreatedByUserID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (APIKey) TableName() string { return "auth_api_keys" }
