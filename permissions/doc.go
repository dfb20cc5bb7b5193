// Package permissions turns organization roles into permission sets: the
// application's catalog of permissions (strings "resource:action" with a
// description), what the three built-in roles hold (owner everything,
// admin everything but the owner-only permissions, member a configured
// set), the auth routes' own permissions, and a Resolver that answers
// "does this role in this organization hold that permission" without a
// store read and without an allocation for the built-in roles, and with a
// map lookup for the custom roles an organization defined (their
// definitions cached in-process, dropped on change).
//
// ginauth.RequirePermission is the guard built on it; the roles module
// (package roles) stores the custom roles and serves their routes.
package permissions
