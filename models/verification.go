package models

import "time"

// VerificationToken is a row of auth_verification_tokens (email
// confirmation and password reset). TokenHash is the hex SHA-256 of the
// token.
type VerificationToken struct {
	ID         string     `gorm:"primaryKey;size:36"`
	UserID     string     `gorm:"size:36;not null;index:idx_auth_verification_tokens_user_kind,priority:1"`
	Kind       string     `gorm:"size:32;not null;index:idx_auth_verification_tokens_user_kind,priority:2" fastauth:"exact"`
	TokenHash  string     `gorm:"size:64;not null;uniqueIndex:idx_auth_verification_tokens_hash" fastauth:"exact"`
	CreatedAt  time.Time  `gorm:"precision:6;not null;autoCreateTime:false"`
	ExpiresAt  time.Time  `gorm:"precision:6;not null"`
	ConsumedAt *time.Time `gorm:"precision:6"`

	User *User `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (VerificationToken) TableName() string { return "auth_verification_tokens" }
