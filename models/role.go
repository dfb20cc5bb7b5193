package models

import "time"

// Roles returns the models of the roles module (package roles), created by
// its Migrate, not by AutoMigrate.
func Roles() []any { return []any{&Role{}} }

// Role is a row of auth_roles: a custom role of a shared organization and
// the permissions it holds, space-separated, sorted.
type Role struct {
	OrganizationID string    `gorm:"primaryKey;size:36"`
	Name           string    `gorm:"primaryKey;size:32" fastauth:"exact"`
	Permissions    string    `gorm:"type:text;not null"`
	CreatedAt      time.Time `gorm:"precision:6;not null;autoCreateTime:false"`
	UpdatedAt      time.Time `gorm:"precision:6;not null;autoUpdateTime:false"`

	Organization *Organization `gorm:"foreignKey:OrganizationID;constraint:OnDelete:CASCADE"`
}

// TableName implements gorm's tabler.
func (Role) TableName() string { return "auth_roles" }
