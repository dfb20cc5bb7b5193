package conformance

import (
	"net/http"
	"testing"
)

// An API key is a lasting credential: only a browser session that is
// still active may create one, and a password reset (the recovery from a
// stolen account) revokes the keys of the account unless configured not to.

// apiKeyCreateNeedsActiveSession: an access token whose session has ended
// (signed out, or revoked from another device) cannot create a key,
// whatever else it may still do until it expires.
func apiKeyCreateNeedsActiveSession(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	access := c.AccessToken()
	c.Post(h.Path("/sign-out"), nil).Expect(t, http.StatusOK)
	stale := h.withAccess(access)
	expectError(t, stale.Post(h.Path("/api-keys"), map[string]string{"name": "after sign-out"}), http.StatusUnauthorized, "invalid_token")

	d, out := h.SignUp(t)
	other, _ := h.SignInNew(t, out.User.Email)
	sid := d.claim(t, "sid")
	other.Delete(h.Path("/sessions/"+sid)).Expect(t, http.StatusOK)
	expectError(t, d.Post(h.Path("/api-keys"), map[string]string{"name": "revoked session"}), http.StatusUnauthorized, "invalid_token")
	other.createAPIKey(t, "active session")
}

// apiKeyCreateRefusedForAPIKeys: a key cannot mint further keys (403), so a
// leaked key cannot outlive its own deletion through a successor.
func apiKeyCreateRefusedForAPIKeys(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	key := c.createAPIKey(t, "first")
	bot := h.bearer(key.Key)
	expectError(t, bot.Post(h.Path("/api-keys"), map[string]string{"name": "successor"}), http.StatusForbidden, "forbidden")
	if p := apiKeyPage(t, h, c, ""); p.Total != 1 {
		t.Fatalf("%d keys after a key tried to create one, want 1", p.Total)
	}
}

// resetBody is the body of a successful password reset.
type resetBody struct {
	Status         string `json:"status"`
	APIKeysRevoked *int   `json:"api_keys_revoked"`
}

// apiKeyRevokedByPasswordReset: a password reset deletes every key the
// account created, in every organization, says how many, and the keys stop
// working at once (also where they were just verified and cached); other
// members' keys stay.
func apiKeyRevokedByPasswordReset(t *testing.T, h *Harness) {
	c, out := h.SignUp(t)
	email := out.User.Email
	personal := c.createAPIKey(t, "personal")
	org := c.createOrganization(t, "Keys Co")
	c.switchOrganization(t, org)
	shared := c.createAPIKey(t, "shared")
	member, _ := h.join(t, c, org, "admin")
	kept := member.createAPIKey(t, "member's")
	for _, k := range []APIKeyBody{personal, shared, kept} {
		h.bearer(k.Key).Get("/api/whoami").Expect(t, http.StatusOK)
	}

	h.forgot(t, email)
	r := h.reset(h.NewClient(), h.resetMail(t, email, 1), newPassword).Expect(t, http.StatusOK)
	var body resetBody
	r.Decode(t, &body)
	if body.Status != "password_reset" || body.APIKeysRevoked == nil || *body.APIKeysRevoked != 2 {
		t.Fatalf("reset body %s, want status password_reset and api_keys_revoked 2", r.Body)
	}
	for _, k := range []APIKeyBody{personal, shared} {
		expectError(t, h.bearer(k.Key).Get("/api/whoami"), http.StatusUnauthorized, "invalid_token")
	}
	h.bearer(kept.Key).Get("/api/whoami").Expect(t, http.StatusOK)
	if p := apiKeyPage(t, h, member, ""); p.Total != 1 || p.Items[0].ID != kept.ID {
		t.Fatalf("keys of the organization after the reset: %+v, want only the member's", p.Items)
	}
}

// apiKeyKeptByPasswordResetWhenConfigured: with KeepAPIKeysOnPasswordReset
// the keys survive a reset, and the body says none was revoked.
func apiKeyKeptByPasswordResetWhenConfigured(t *testing.T, h *Harness) {
	c, out := h.SignUp(t)
	key := c.createAPIKey(t, "kept")
	h.forgot(t, out.User.Email)
	r := h.reset(h.NewClient(), h.resetMail(t, out.User.Email, 1), newPassword).Expect(t, http.StatusOK)
	var body resetBody
	r.Decode(t, &body)
	if body.Status != "password_reset" || body.APIKeysRevoked == nil || *body.APIKeysRevoked != 0 {
		t.Fatalf("reset body %s, want status password_reset and api_keys_revoked 0", r.Body)
	}
	h.bearer(key.Key).Get("/api/whoami").Expect(t, http.StatusOK)
}
