package models

// All returns one zero value of every model, in dependency order, for
// AutoMigrate.
func All() []any {
	return []any{
		&Organization{},
		&User{},
		&Membership{},
		&Session{},
		&RefreshToken{},
		&Invite{},
		&APIKey{},
		&VerificationToken{},
	}
}
