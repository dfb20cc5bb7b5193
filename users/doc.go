// Package users is the users module of fastauth: profiles, self-service
// account deletion and export, platform administrators, and a Go API to
// act on users from the application's own code.
//
// Mount it through ginauth.Config.Modules on the store's users storage:
//
//	um, err := users.New(st.Users(), users.Config{Admins: []string{"ops@example.com"}})
//	cfg.Modules = append(cfg.Modules, um)
//
// Routes, under the kernel's base path (browser sessions; API keys get 403):
//
//	PATCH  /me                                  {"name","image_url","metadata"} → AuthResponse
//	DELETE /me                                  {"password"} (or an aal 2 session without password)
//	GET    /me/export                           everything stored about the caller
//	GET    /admin/users?query=&limit=&offset=   administrators only
//	POST   /admin/users/{id}/disable            {"reason"}
//	POST   /admin/users/{id}/enable
//	POST   /admin/users/{id}/revoke-sessions
//
// After Register mounted it, the Module's methods (CreateUser, SetPassword,
// Disable, Enable, RevokeSessions, List, Delete) do the same from Go.
package users
