package models

import "time"

// MFA returns one zero value of every model of the second factor (package
// mfa), in dependency order. They are not in All: the core's AutoMigrate
// leaves them out, and the mfa module's Store.Migrate creates them when the
// module is enabled.
func MFA() []any {
	return []any{
		&MFATOTP{},
		&MFARecoveryCode{},
		&MFAChallenge{},
	}
}

// MFATOTP is a row of auth_mfa_totp: a user's TOTP secret, pending (set up,
// EnabledAt NULL) or enabled. Secret is sealed (AES-256-GCM, bound to the
// user id); SecretID changes with every setup. LastStep is the last TOTP
// time step accepted for the user: a code is accepted only by the
// conditional update that raises it.
type MFATOTP struct {
	UserID    string     `gorm:"primaryKey;size:36"`
	SecretID  string     `gorm:"size:36;not null"`
	Secret    []byte     `gorm:"size:255;not null"`
	CreatedAt time.Time  `gorm:"precision:6;not null;autoCreateTime:false"`
	EnabledAt *time.Time `gorm:"precision:6"`
	LastStep  int64      `gorm:"not null;default:0"`
	UpdatedAt time.Time  `gorm:"precision:6;not null;autoUpdateTime:false"`

	User *User `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (MFATOTP) TableName() string { return "auth_mfa_totp" }

// MFARecoveryCode is a row of auth_mfa_recovery_codes: one recovery code
// of a user's current set. CodeHash is the hex HMAC-SHA256 of the code
// (keyed, bound to the user id); UsedAt is set once, by the conditional
// update that uses it.
type MFARecoveryCode struct {
	UserID    string     `gorm:"primaryKey;size:36"`
	CodeHash  string     `gorm:"primaryKey;size:64"`
	CreatedAt time.Time  `gorm:"precision:6;not null;autoCreateTime:false"`
	UsedAt    *time.Time `gorm:"precision:6"`

	User *User `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (MFARecoveryCode) TableName() string { return "auth_mfa_recovery_codes" }

// MFAChallenge is a row of auth_mfa_challenges: the pending second step of
// a sign-in, named by an mfa_token whose hex SHA-256 is TokenHash. It is
// live while ConsumedAt is NULL, ExpiresAt is in the future and Failures is
// under the limit.
type MFAChallenge struct {
	ID          string     `gorm:"primaryKey;size:36"`
	UserID      string     `gorm:"size:36;not null;index:idx_auth_mfa_challenges_user"`
	TokenHash   string     `gorm:"size:64;not null;uniqueIndex:idx_auth_mfa_challenges_token_hash"`
	FirstMethod string     `gorm:"size:32;not null"`
	CreatedAt   time.Time  `gorm:"precision:6;not null;autoCreateTime:false"`
	ExpiresAt   time.Time  `gorm:"precision:6;not null;index:idx_auth_mfa_challenges_expires_at"`
	ConsumedAt  *time.Time `gorm:"precision:6"`
	Failures    int        `gorm:"not null;default:0"`

	User *User `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (MFAChallenge) TableName() string { return "auth_mfa_challenges" }
