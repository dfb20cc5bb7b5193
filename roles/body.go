package roles

// PermissionBody is an entry of the permission catalog.
type PermissionBody struct {
	Name        string `json:"name" example:"project:read"`
	Description string `json:"description" example:"Read projects."`
}

// RoleBody is a role of an organization: a built-in one (owner, admin,
// member) or a custom one.
type RoleBody struct {
	Name string `json:"name" example:"billing"`
	// Permissions the role holds, sorted.
	Permissions []string `json:"permissions" example:"billing:manage"`
	Builtin     bool     `json:"builtin"`
}

// CreateRoleRequest is the body of POST /organizations/{id}/roles.
type CreateRoleRequest struct {
	// Name matches ^[a-z][a-z0-9_-]{0,31}$ and is not a built-in role.
	Name        string   `json:"name" example:"billing"`
	Permissions []string `json:"permissions" example:"billing:manage"`
}

// UpdateRoleRequest is the body of PATCH /organizations/{id}/roles/{name}.
type UpdateRoleRequest struct {
	Permissions []string `json:"permissions" example:"billing:manage"`
}
