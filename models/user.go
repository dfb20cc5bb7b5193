package models

import "time"

// User is a row of auth_users.
type User struct {
	ID string `gorm:"primaryKey;size:36"`
	// Email is the normalized (trimmed, lowercased) address, unique.
	Email            string     `gorm:"size:320;not null;uniqueIndex:idx_auth_users_email" fastauth:"exact"`
	PasswordHash     string     `gorm:"size:512;not null"`
	EmailConfirmedAt *time.Time `gorm:"precision:6"`
	// ActiveOrganizationID is NULL for the personal workspace.
	ActiveOrganizationID *string `gorm:"size:36;index:idx_auth_users_active_org"`
	// CredentialVersion is incremented by every password change or reset.
	CredentialVersion int64 `gorm:"not null;default:0"`
	// SignInCount is incremented by every session creation; the update
	// that increments it is the credential-version check of a sign-in.
	SignInCount int64 `gorm:"not null;default:0"`
	// Name is the display name (at most 100 characters), NULL when unset.
	Name *string `gorm:"size:400"`
	// ImageURL is an https URL, NULL when unset.
	ImageURL *string `gorm:"column:image_url;size:2048"`
	// Metadata is the application's JSON object, NULL when unset.
	Metadata *string `gorm:"type:text"`
	// DisabledAt is set while the account is disabled.
	DisabledAt *time.Time `gorm:"precision:6"`
	// DisabledReason is the administrator's reason, NULL when none.
	DisabledReason *string   `gorm:"size:2000"`
	CreatedAt      time.Time `gorm:"precision:6;not null;autoCreateTime:false"`
	UpdatedAt      time.Time `gorm:"precision:6;not null;autoUpdateTime:false"`

	ActiveOrganization *Organization `gorm:"foreignKey:ActiveOrganizationID;constraint:OnDelete:SET NULL"`
}

// TableName implements gorm's tabler.
func (User) TableName() string { return "auth_users" }
