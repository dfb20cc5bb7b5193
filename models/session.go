package models

import "time"

// Session is a row of auth_sessions: one signed-in device or browser.
type Session struct {
	ID         string     `gorm:"primaryKey;size:36"`
	UserID     string     `gorm:"size:36;not null;index:idx_auth_sessions_user"`
	CreatedAt  time.Time  `gorm:"precision:6;not null;autoCreateTime:false"`
	LastUsedAt time.Time  `gorm:"precision:6;not null"`
	ExpiresAt  time.Time  `gorm:"precision:6;not null"`
	RevokedAt  *time.Time `gorm:"precision:6"`
	UserAgent  string     `gorm:"type:text"`
	IP         string     `gorm:"size:64"`
	// AAL is the session's assurance level, 1 or 2. Rows written before
	// the column existed get 1.
	AAL int `gorm:"not null;default:1"`
	// AMR is the space-separated list of the methods that established the
	// session, in order ("password", "password totp"). Rows written
	// before the column existed get "password".
	AMR string `gorm:"size:255;not null;default:password"`
	// AuthTime is the session's latest authentication (its sign-in or a
	// later step-up); NULL in rows written before the column existed,
	// read as CreatedAt.
	AuthTime *time.Time `gorm:"precision:6"`

	User *User `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (Session) TableName() string { return "auth_sessions" }

// RefreshToken is a row of auth_refresh_tokens. TokenHash is the hex
// SHA-256 of the token.
type RefreshToken struct {
	ID         string     `gorm:"primaryKey;size:36"`
	SessionID  string     `gorm:"size:36;not null;index:idx_auth_refresh_tokens_session"`
	TokenHash  string     `gorm:"size:64;not null;uniqueIndex:idx_auth_refresh_tokens_hash" fastauth:"exact"`
	CreatedAt  time.Time  `gorm:"precision:6;not null;autoCreateTime:false"`
	ExpiresAt  time.Time  `gorm:"precision:6;not null"`
	ConsumedAt *time.Time `gorm:"precision:6"`

	Session *Session `gorm:"foreignKey:SessionID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (RefreshToken) TableName() string { return "auth_refresh_tokens" }
