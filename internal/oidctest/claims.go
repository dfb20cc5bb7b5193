package oidctest

import "maps"

// userClaims are the claims about u that scope grants, for the ID token
// and userinfo alike.
func userClaims(u User, scope string) map[string]any {
	c := map[string]any{"sub": u.Subject}
	if hasScope(scope, "email") && u.Email != "" {
		c["email"] = u.Email
		c["email_verified"] = u.EmailVerified
	}
	if hasScope(scope, "profile") && u.Name != "" {
		c["name"] = u.Name
	}
	maps.Copy(c, u.Claims)
	return c
}
