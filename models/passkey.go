package models

import "time"

// Passkeys returns one zero value of every model of the passkeys module,
// in dependency order. They are not part of All: the module migrates them
// (store.(*Store).Passkeys().Migrate) when it is enabled, after the core
// tables.
//
// Their lookup columns hold lowercase hex written by the store (handles,
// hashes) and constant kinds, so MySQL's case-insensitive default
// collations compare them exactly and none needs the binary collation.
func Passkeys() []any {
	return []any{
		&PasskeyUser{},
		&Passkey{},
		&PasskeyCeremony{},
	}
}

// PasskeyUser is a row of auth_passkey_users: the account's WebAuthn user
// handle (random, the lowercase hex of 32 bytes) and how many passkeys it
// holds, the row the bound on that number is decided on.
type PasskeyUser struct {
	UserID       string `gorm:"primaryKey;size:36"`
	Handle       string `gorm:"size:128;not null;uniqueIndex:idx_auth_passkey_users_handle"`
	PasskeyCount int64  `gorm:"not null;default:0"`

	User *User `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (PasskeyUser) TableName() string { return "auth_passkey_users" }

// Passkey is a row of auth_passkeys: a registered WebAuthn credential.
// CredentialIDHash is the hex SHA-256 of CredentialID (up to 1023 bytes,
// too long for a portable unique index), unique across accounts.
type Passkey struct {
	ID                string     `gorm:"primaryKey;size:36"`
	UserID            string     `gorm:"size:36;not null;index:idx_auth_passkeys_user_created,priority:1"`
	CredentialIDHash  string     `gorm:"size:64;not null;uniqueIndex:idx_auth_passkeys_credential"`
	CredentialID      []byte     `gorm:"size:1023;not null"`
	PublicKey         []byte     `gorm:"not null"`
	SignCount         int64      `gorm:"not null"`
	BackupEligible    bool       `gorm:"not null"`
	BackedUp          bool       `gorm:"not null"`
	Transports        string     `gorm:"size:255;not null"`
	AAGUID            []byte     `gorm:"column:aaguid;size:16"`
	AttestationFormat string     `gorm:"size:32;not null"`
	Name              string     `gorm:"size:255;not null"`
	CreatedAt         time.Time  `gorm:"precision:6;not null;autoCreateTime:false;index:idx_auth_passkeys_user_created,priority:2"`
	LastUsedAt        *time.Time `gorm:"precision:6"`

	User *User `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (Passkey) TableName() string { return "auth_passkeys" }

// PasskeyCeremony is a row of auth_passkey_ceremonies: a begun ceremony,
// by the hex SHA-256 of its ceremony_id, deleted when it is finished.
// UserID is NULL for a sign-in.
type PasskeyCeremony struct {
	IDHash      string    `gorm:"primaryKey;size:64"`
	Kind        string    `gorm:"size:16;not null"`
	UserID      *string   `gorm:"size:36;index:idx_auth_passkey_ceremonies_user"`
	SessionData []byte    `gorm:"not null"`
	CreatedAt   time.Time `gorm:"precision:6;not null;autoCreateTime:false"`
	ExpiresAt   time.Time `gorm:"precision:6;not null;index:idx_auth_passkey_ceremonies_expires"`

	User *User `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (PasskeyCeremony) TableName() string { return "auth_passkey_ceremonies" }
