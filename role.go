package fastauth

// Role is a member's role inside an organization. Roles are ordered
// owner > admin > member.
type Role string

// The three organization roles.
const (
	RoleMember Role = "member"
	RoleAdmin  Role = "admin"
	RoleOwner  Role = "owner"
)

// rank orders roles; an unknown role ranks below every valid one.
func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 3
	case RoleAdmin:
		return 2
	case RoleMember:
		return 1
	}
	return 0
}

// Valid reports whether r is one of the three organization roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r is at least as strong as min
// (owner > admin > member). An invalid role is never at least anything.
func (r Role) AtLeast(min Role) bool { return r.rank() > 0 && r.rank() >= min.rank() }
