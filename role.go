package fastauth

// Role is a member's role inside an organization: one of the three
// built-in roles, ordered owner > admin > member, or the name of a custom
// role an organization defined (see package permissions), which ranks as
// a member in that order and holds the permissions of its definition.
type Role string

// The three built-in organization roles.
const (
	RoleMember Role = "member"
	RoleAdmin  Role = "admin"
	RoleOwner  Role = "owner"
)

// MaxRoleNameLength is the longest custom role name.
const MaxRoleNameLength = 32

// rank orders roles; a custom role ranks as a member, anything else below
// every valid one.
func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 3
	case RoleAdmin:
		return 2
	case RoleMember:
		return 1
	}
	if r.Custom() {
		return 1
	}
	return 0
}

// Valid reports whether r is one of the three built-in organization roles.
func (r Role) Valid() bool {
	return r == RoleOwner || r == RoleAdmin || r == RoleMember
}

// Reserved reports whether r is a name no custom role may take besides
// the built-in ones: names that read as unlimited power or that token
// verifiers know as database roles (root, superuser, system, anon,
// authenticated, service_role), so that a token naming them is refused.
func (r Role) Reserved() bool {
	switch r {
	case "root", "superuser", "system", "anon", "authenticated", "service_role":
		return true
	}
	return false
}

// Custom reports whether r is a well-formed custom role name
// (^[a-z][a-z0-9_-]{0,31}$) that is neither a built-in role nor Reserved.
func (r Role) Custom() bool {
	if len(r) == 0 || len(r) > MaxRoleNameLength || r.Valid() || r.Reserved() || r[0] < 'a' || r[0] > 'z' {
		return false
	}
	for i := 1; i < len(r); i++ {
		b := r[i]
		if (b < 'a' || b > 'z') && (b < '0' || b > '9') && b != '_' && b != '-' {
			return false
		}
	}
	return true
}

// WellFormed reports whether r can be a member's role: a built-in role or
// a well-formed custom role name.
func (r Role) WellFormed() bool { return r.Valid() || r.Custom() }

// AtLeast reports whether r is at least as strong as min
// (owner > admin > member; a custom role ranks as a member). A malformed
// role is never at least anything.
func (r Role) AtLeast(min Role) bool { return r.rank() > 0 && r.rank() >= min.rank() }
