package models

import "time"

// Identity is a row of auth_identities: a provider account linked to a
// user (package social). It is not in All(): the social module migrates it
// when it is enabled.
type Identity struct {
	ID string `gorm:"primaryKey;size:36"`
	// Provider and Subject name the provider account; the pair is unique.
	Provider string `gorm:"size:32;not null;uniqueIndex:idx_auth_identities_subject,priority:1" fastauth:"exact"`
	Subject  string `gorm:"size:255;not null;uniqueIndex:idx_auth_identities_subject,priority:2" fastauth:"exact"`
	UserID   string `gorm:"size:36;not null;index:idx_auth_identities_user"`
	// Email is the address the provider gave when it was linked; NULL when
	// none.
	Email     *string   `gorm:"size:320"`
	CreatedAt time.Time `gorm:"precision:6;not null;autoCreateTime:false"`

	User *User `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (Identity) TableName() string { return "auth_identities" }
