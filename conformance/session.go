package conformance

import (
	"context"
	"crypto/sha256"
	"net/http"
	"strings"
	"testing"
	"time"
)

// sessionScenarios lists the scenarios of this domain: refresh rotation and
// replay, sign-out and the session routes.
func sessionScenarios() []scenario {
	return []scenario{
		{name: "Refresh/Rotates", run: refreshRotates},
		{name: "Refresh/RequiresRefreshCookie", run: refreshRequiresCookie},
		{name: "Refresh/TokenStoredAsSHA256", run: refreshStoredHashed},
		{name: "Refresh/ReplayAfterGraceRevokesSession", run: refreshReplayAfterGrace},
		{name: "Refresh/ReplayWithinGraceKeepsSession", run: refreshReplayWithinGrace},
		{name: "Refresh/ConcurrentExactlyOneWins", run: refreshConcurrent},
		{name: "Refresh/ExpiredSession", run: refreshExpiredSession},
		{name: "Refresh/ReadsRoleAndOrganizationFromStore", run: refreshFreshFromStore},
		{name: "SignOut/RevokesSessionAndClearsCookies", run: signOutRevokes},
		{name: "SignOut/AlwaysOK", run: signOutAlwaysOK},
		{name: "Sessions/ListMarksCurrent", run: sessionsList},
		{name: "Sessions/RevokeOne", run: sessionsRevokeOne},
		{name: "Sessions/RevokeForeignOrUnknownNotFound", run: sessionsRevokeForeign},
		{name: "Sessions/RevokeOthers", run: sessionsRevokeOthers},
		{name: "Sessions/RequireCredentials", run: sessionsRequireCredentials},
		{name: "Sessions/RevokedSessionAccessTokenRefused", run: sessionsRevokedAccessToken},
		{name: "Sessions/APIKeyForbidden", run: sessionsAPIKeyForbidden},
	}
}

func refreshRotates(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	first, sid := c.RefreshToken(), c.claim(t, "sid")
	h.Clock.Advance(time.Minute)
	r := c.Refresh().Expect(t, http.StatusOK)
	var out AuthResponse
	r.Decode(t, &out)
	if out != up {
		t.Fatalf("refresh body %+v, want %+v", out, up)
	}
	expectAuthHeaders(t, r)
	for _, name := range []string{h.accessName(), h.refreshName()} {
		ck := r.SetCookie(name)
		if ck == nil || ck.Value == "" || !ck.HttpOnly {
			t.Fatalf("refresh: cookie %s not set (HttpOnly): %v", name, ck)
		}
	}
	if p := r.SetCookie(h.refreshName()).Path; p != h.Config.BasePath {
		t.Fatalf("refresh cookie Path %q, want %q", p, h.Config.BasePath)
	}
	// Both cookies live as long as the session still does: the refresh
	// token ends with it, and the access cookie outlives its token so that
	// an expired one is still sent (and answered token_expired).
	if got, want := r.SetCookie(h.accessName()).MaxAge, int((h.Config.RefreshTokenTTL - time.Minute).Seconds()); got != want {
		t.Fatalf("access cookie Max-Age %d a minute into the session, want %d", got, want)
	}
	if got, want := r.SetCookie(h.refreshName()).MaxAge, int((h.Config.RefreshTokenTTL - time.Minute).Seconds()); got != want {
		t.Fatalf("refresh cookie Max-Age %d a minute into the session, want %d", got, want)
	}
	second := c.RefreshToken()
	if second == first {
		t.Fatal("refresh did not rotate the refresh token")
	}
	if got := c.claim(t, "sid"); got != sid {
		t.Fatalf("refresh changed the session: sid %s, want %s", got, sid)
	}
	// The rotated token keeps working, the consumed one does not.
	h.Clock.Advance(time.Minute)
	h.expectRefreshFails(t, first)
	c.whoami(t)
}

func refreshRequiresCookie(t *testing.T, h *Harness) {
	expectError(t, h.NewClient().Refresh(), http.StatusUnauthorized, "refresh_token_invalid")
	// An access cookie without a refresh cookie has no session to renew:
	// both are cleared, so that it stops answering token_expired.
	lone, _ := h.SignUp(t)
	d := h.withAccess(lone.AccessToken())
	r := d.Refresh()
	expectError(t, r, http.StatusUnauthorized, "refresh_token_invalid")
	h.expectCleared(t, d, r)
	expectError(t, h.withRefresh("not-a-token").Refresh(), http.StatusUnauthorized, "refresh_token_invalid")
	expectError(t, h.withRefresh(strings.Repeat("a", 64)).Refresh(), http.StatusUnauthorized, "refresh_token_invalid")
	// An access token is no refresh token.
	c, _ := h.SignUp(t)
	h.expectRefreshFails(t, c.AccessToken())
}

func refreshReplayAfterGrace(t *testing.T, h *Harness) {
	email := h.Email()
	c, _ := h.SignUpAs(t, email)
	other, _ := h.SignInNew(t, email)
	stolen := c.RefreshToken()
	c.Refresh().Expect(t, http.StatusOK)
	c.Refresh().Expect(t, http.StatusOK)
	current := c.RefreshToken()
	h.Clock.Advance(h.Config.RefreshReuseGrace + time.Second)
	h.expectRefreshFails(t, stolen)
	// Theft evidence: the whole session is gone, its newest token too.
	h.expectRefreshFails(t, current)
	expectError(t, c.Get(h.Path("/sessions")), http.StatusUnauthorized, "invalid_token")
	// Other sessions of the user are not affected.
	other.Refresh().Expect(t, http.StatusOK)
	if n := len(other.sessions(t)); n != 1 {
		t.Fatalf("%d active sessions after the replay, want 1", n)
	}
}

func refreshReplayWithinGrace(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	old := c.RefreshToken()
	c.Refresh().Expect(t, http.StatusOK)
	h.Clock.Advance(h.Config.RefreshReuseGrace / 2)
	h.expectRefreshFails(t, old)
	// The session survives: the current token still refreshes.
	c.Refresh().Expect(t, http.StatusOK)
	c.sessions(t)
}

func refreshConcurrent(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	token := c.RefreshToken()
	const n = 20
	clients := make([]*Client, n)
	resps := make([]*Response, n)
	for i := range clients {
		clients[i] = h.withRefresh(token)
	}
	concurrently(n, func(i int) { resps[i] = clients[i].Refresh() })
	winner := -1
	for i, r := range resps {
		switch {
		case r.Err != nil:
			t.Fatalf("refresh %d: %v", i, r.Err)
		case r.Status == http.StatusOK:
			if winner >= 0 {
				t.Fatalf("refreshes %d and %d both succeeded with one token", winner, i)
			}
			winner = i
		case r.Status != http.StatusUnauthorized || r.Code() != "refresh_token_invalid":
			t.Fatalf("refresh %d: %d %s, want 200 or 401 refresh_token_invalid", i, r.Status, r.Body)
		}
	}
	if winner < 0 {
		t.Fatal("no concurrent refresh succeeded")
	}
	// The losers were inside the grace window: the session lives on.
	clients[winner].Refresh().Expect(t, http.StatusOK)
}

func refreshExpiredSession(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	h.Clock.Advance(h.Config.RefreshTokenTTL / 2)
	c.Refresh().Expect(t, http.StatusOK)
	token := c.RefreshToken()
	h.Clock.Advance(h.Config.RefreshTokenTTL/2 + time.Minute)
	h.expectRefreshFails(t, token)
	// A fresh sign-in still works.
	d, _ := h.SignUp(t)
	h.Clock.Advance(h.Config.RefreshTokenTTL + time.Second)
	expectError(t, d.Refresh(), http.StatusUnauthorized, "refresh_token_invalid")
}

// refreshFreshFromStore: a refresh mints the token from the store's view
// of the user's active organization and role, not from the old token.
func refreshFreshFromStore(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Fresh Inc")
	owner.switchOrganization(t, org)
	m, _ := h.join(t, owner, org, "admin")
	mEmail := m.claim(t, "email")
	// A second device of the member, signed in after the accept, is in org.
	second, in := h.SignInNew(t, mEmail)
	if in.Organization.ID != org || in.Organization.Role != "admin" {
		t.Fatalf("sign-in after accept: %+v, want %s as admin", in.Organization, org)
	}
	m.Get("/api/admin").Expect(t, http.StatusOK)
	// The owner demotes the member: the old token still says admin until
	// the next refresh, which reads the new role.
	owner.Patch(h.Path("/organizations/"+org+"/members/"+in.User.ID), map[string]string{"role": "member"}).Expect(t, http.StatusOK)
	var out AuthResponse
	m.Refresh().Expect(t, http.StatusOK).Decode(t, &out)
	if out.Organization.ID != org || out.Organization.Role != "member" {
		t.Fatalf("refresh after demotion: %+v, want %s as member", out.Organization, org)
	}
	if got := m.claim(t, "org_role"); got != "member" {
		t.Fatalf("org_role claim %q after refresh, want member", got)
	}
	expectError(t, m.Get("/api/admin"), http.StatusForbidden, "forbidden")
	// The member switches back to the personal workspace on one device;
	// the other device's refresh follows.
	var personal string
	for _, ms := range memberships(t, second) {
		if ms.Organization.Kind == "personal" {
			personal = ms.Organization.ID
		}
	}
	second.switchOrganization(t, personal)
	m.Refresh().Expect(t, http.StatusOK).Decode(t, &out)
	if out.Organization.ID != personal || out.Organization.Role != "owner" || m.claim(t, "org") != personal {
		t.Fatalf("refresh after switch on another device: %+v, want personal %s", out.Organization, personal)
	}
}

// memberships is GET {base}/organizations.
func memberships(t *testing.T, c *Client) []MemberBody {
	t.Helper()
	var out []MemberBody
	c.Get(c.h.Path("/organizations")).Expect(t, http.StatusOK).Decode(t, &out)
	return out
}

func signOutRevokes(t *testing.T, h *Harness) {
	email := h.Email()
	c, _ := h.SignUpAs(t, email)
	other, _ := h.SignInNew(t, email)
	access, refresh := c.AccessToken(), c.RefreshToken()
	r := c.Post(h.Path("/sign-out"), nil).Expect(t, http.StatusOK)
	h.expectCleared(t, c, r)
	expectAuthHeaders(t, r)
	h.expectRefreshFails(t, refresh)
	// The session is revoked: its still-unexpired access token cannot use
	// the session routes.
	expectError(t, h.withAccess(access).Get(h.Path("/sessions")), http.StatusUnauthorized, "invalid_token")
	// The user's other device stays signed in.
	other.Refresh().Expect(t, http.StatusOK)
	if n := len(other.sessions(t)); n != 1 {
		t.Fatalf("%d sessions after sign-out of the other device, want 1", n)
	}
}

func signOutAlwaysOK(t *testing.T, h *Harness) {
	// Without any cookie.
	h.NewClient().Post(h.Path("/sign-out"), nil).Expect(t, http.StatusOK)
	// With garbage cookies: still 200, and both cleared.
	c := h.withRefresh("garbage")
	c.SetCookie(h.accessName(), "garbage")
	r := c.Post(h.Path("/sign-out"), nil).Expect(t, http.StatusOK)
	h.expectCleared(t, c, r)
	// With a consumed refresh token (inside the grace window) and twice.
	d, _ := h.SignUp(t)
	old := d.RefreshToken()
	d.Refresh().Expect(t, http.StatusOK)
	h.withRefresh(old).Post(h.Path("/sign-out"), nil).Expect(t, http.StatusOK)
	d.Post(h.Path("/sign-out"), nil).Expect(t, http.StatusOK)
	d.Post(h.Path("/sign-out"), nil).Expect(t, http.StatusOK)
	expectError(t, d.Refresh(), http.StatusUnauthorized, "refresh_token_invalid")
}

func sessionsList(t *testing.T, h *Harness) {
	email := h.Email()
	a := h.NewClient()
	a.SetHeader("User-Agent", "conformance-device-a")
	a.Post(h.Path("/sign-up"), credentials(email, Password)).Expect(t, http.StatusOK)
	h.Clock.Advance(time.Minute)
	b := h.NewClient()
	b.SetHeader("User-Agent", "conformance-device-b")
	b.SignIn(t, email, Password)
	stranger, _ := h.SignUp(t)

	r := b.Get(h.Path("/sessions")).Expect(t, http.StatusOK)
	expectAuthHeaders(t, r)
	var list []SessionBody
	r.Decode(t, &list)
	if len(list) != 2 {
		t.Fatalf("%d sessions, want 2: %s", len(list), r.Body)
	}
	var raw []map[string]any
	r.Decode(t, &raw)
	for _, s := range raw {
		for _, f := range []string{"id", "created_at", "last_used_at", "expires_at", "user_agent", "ip", "current"} {
			if _, ok := s[f]; !ok {
				t.Fatalf("session entry without %q: %v", f, s)
			}
		}
		for _, f := range []string{"created_at", "last_used_at", "expires_at"} {
			if v, _ := s[f].(string); !strings.HasSuffix(v, "Z") {
				t.Fatalf("session %s %q is not RFC 3339 UTC", f, v)
			}
		}
	}
	current := 0
	byUA := map[string]SessionBody{}
	for _, s := range list {
		expectUUIDv7(t, "session id", s.ID)
		if s.Current {
			current++
			if s.ID != b.claim(t, "sid") {
				t.Fatalf("current session %s, want the access token's sid %s", s.ID, b.claim(t, "sid"))
			}
		}
		if s.IP == "" {
			t.Errorf("session %s: ip not recorded", s.ID)
		}
		if s.ID == stranger.claim(t, "sid") {
			t.Fatal("another user's session is listed")
		}
		byUA[s.UserAgent] = s
	}
	if current != 1 {
		t.Fatalf("%d sessions marked current, want exactly 1", current)
	}
	sa, sb := byUA["conformance-device-a"], byUA["conformance-device-b"]
	if sa.ID != a.claim(t, "sid") || sb.ID != b.claim(t, "sid") {
		t.Fatalf("user agents not recorded per session: %+v", list)
	}
	if !sa.CreatedAt.Equal(Epoch) || !sb.CreatedAt.Equal(Epoch.Add(time.Minute)) {
		t.Fatalf("created_at %s and %s, want the clock's %s and %s", sa.CreatedAt, sb.CreatedAt, Epoch, Epoch.Add(time.Minute))
	}
	if !sa.ExpiresAt.Equal(Epoch.Add(h.Config.RefreshTokenTTL)) {
		t.Fatalf("expires_at %s, want created_at + RefreshTokenTTL", sa.ExpiresAt)
	}
	// The other device sees itself as current.
	for _, s := range a.sessions(t) {
		if s.Current != (s.ID == a.claim(t, "sid")) {
			t.Fatalf("device a: wrong current mark on %+v", s)
		}
	}
	// A refresh records last use.
	h.Clock.Advance(time.Hour)
	usedAt := h.Clock.Now()
	a.Refresh().Expect(t, http.StatusOK)
	b.Refresh().Expect(t, http.StatusOK)
	for _, s := range b.sessions(t) {
		if s.ID == sa.ID && !s.LastUsedAt.Equal(usedAt) {
			t.Fatalf("last_used_at %s after a refresh at %s", s.LastUsedAt, usedAt)
		}
	}
}

func sessionsRevokeOne(t *testing.T, h *Harness) {
	email := h.Email()
	a, _ := h.SignUpAs(t, email)
	b, _ := h.SignInNew(t, email)
	bSID, bRefresh := b.claim(t, "sid"), b.RefreshToken()
	r := a.Delete(h.Path("/sessions/"+bSID)).Expect(t, http.StatusOK)
	expectAuthHeaders(t, r)
	h.expectRefreshFails(t, bRefresh)
	for _, s := range a.sessions(t) {
		if s.ID == bSID {
			t.Fatal("a revoked session is still listed")
		}
	}
	// Revoking it again: it is no longer an active session of mine.
	expectError(t, a.Delete(h.Path("/sessions/"+bSID)), http.StatusNotFound, "session_not_found")
	a.Refresh().Expect(t, http.StatusOK)
}

func sessionsRevokeForeign(t *testing.T, h *Harness) {
	a, _ := h.SignUp(t)
	victim, _ := h.SignUp(t)
	vSID := victim.claim(t, "sid")
	expectError(t, a.Delete(h.Path("/sessions/"+vSID)), http.StatusNotFound, "session_not_found")
	expectError(t, a.Delete(h.Path("/sessions/0190b3a4-1d2e-7f00-8000-000000000000")), http.StatusNotFound, "session_not_found")
	r := a.Delete(h.Path("/sessions/not-a-uuid"))
	if r.Status != http.StatusNotFound && r.Status != http.StatusBadRequest {
		t.Fatalf("DELETE sessions/not-a-uuid: %d %s, want 404 or 400", r.Status, r.Body)
	}
	victim.Refresh().Expect(t, http.StatusOK)
	victim.sessions(t)
}

func sessionsRevokeOthers(t *testing.T, h *Harness) {
	email := h.Email()
	a, _ := h.SignUpAs(t, email)
	b, _ := h.SignInNew(t, email)
	c, _ := h.SignInNew(t, email)
	stranger, _ := h.SignUp(t)
	bRefresh, cRefresh := b.RefreshToken(), c.RefreshToken()
	r := a.Post(h.Path("/sessions/revoke-others"), nil).Expect(t, http.StatusOK)
	expectAuthHeaders(t, r)
	list := a.sessions(t)
	if len(list) != 1 || list[0].ID != a.claim(t, "sid") || !list[0].Current {
		t.Fatalf("after revoke-others: %+v, want only the current session", list)
	}
	h.expectRefreshFails(t, bRefresh)
	h.expectRefreshFails(t, cRefresh)
	a.Refresh().Expect(t, http.StatusOK)
	stranger.Refresh().Expect(t, http.StatusOK)
	// With nothing left to revoke it still succeeds.
	a.Post(h.Path("/sessions/revoke-others"), nil).Expect(t, http.StatusOK)
}

func sessionsRequireCredentials(t *testing.T, h *Harness) {
	c := h.NewClient()
	expectError(t, c.Get(h.Path("/sessions")), http.StatusUnauthorized, "invalid_token")
	expectError(t, c.Delete(h.Path("/sessions/0190b3a4-1d2e-7f00-8000-000000000000")), http.StatusUnauthorized, "invalid_token")
	expectError(t, c.Post(h.Path("/sessions/revoke-others"), nil), http.StatusUnauthorized, "invalid_token")
	// A refresh cookie alone is not enough either.
	a, _ := h.SignUp(t)
	expectError(t, h.withRefresh(a.RefreshToken()).Post(h.Path("/sessions/revoke-others"), nil), http.StatusUnauthorized, "invalid_token")
}

// sessionsRevokedAccessToken: access tokens are verified without the
// store, but the session routes check that the session is still active.
func sessionsRevokedAccessToken(t *testing.T, h *Harness) {
	email := h.Email()
	a, _ := h.SignUpAs(t, email)
	b, _ := h.SignInNew(t, email)
	c, _ := h.SignInNew(t, email)
	bAccess := b.AccessToken()
	a.Delete(h.Path("/sessions/"+b.claim(t, "sid"))).Expect(t, http.StatusOK)
	// b's access token is still unexpired; each attempt presents it anew
	// (a refusal may clear the cookie from the jar).
	expectError(t, h.withAccess(bAccess).Get(h.Path("/sessions")), http.StatusUnauthorized, "invalid_token")
	expectError(t, h.withAccess(bAccess).Delete(h.Path("/sessions/"+c.claim(t, "sid"))), http.StatusUnauthorized, "invalid_token")
	expectError(t, h.withAccess(bAccess).Post(h.Path("/sessions/revoke-others"), nil), http.StatusUnauthorized, "invalid_token")
	expectError(t, changePassword(h.withAccess(bAccess), Password, "brand-new-pass-7"), http.StatusUnauthorized, "invalid_token")
	// None of those did anything.
	c.Refresh().Expect(t, http.StatusOK)
	a.Refresh().Expect(t, http.StatusOK)
	h.NewClient().SignIn(t, email, Password)
}

func sessionsAPIKeyForbidden(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	key := owner.createAPIKey(t, "ci")
	m := h.NewClient()
	m.Bearer(key.Key)
	m.whoami(t)
	expectError(t, m.Get(h.Path("/sessions")), http.StatusForbidden, "forbidden")
	expectError(t, m.Delete(h.Path("/sessions/"+owner.claim(t, "sid"))), http.StatusForbidden, "forbidden")
	expectError(t, m.Post(h.Path("/sessions/revoke-others"), nil), http.StatusForbidden, "forbidden")
	expectError(t, changePassword(m, Password, "brand-new-pass-7"), http.StatusForbidden, "forbidden")
	// Nothing was touched.
	owner.Refresh().Expect(t, http.StatusOK)
	h.NewClient().SignIn(t, owner.claim(t, "email"), Password)
}

// refreshStoredHashed: the refresh token is a long random secret the store
// knows only by its SHA-256.
func refreshStoredHashed(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	tok, sid := c.RefreshToken(), c.claim(t, "sid")
	if len(tok) < 43 {
		t.Fatalf("refresh token %q is too short to hold 256 random bits", tok)
	}
	sum := sha256.Sum256([]byte(tok))
	s, err := h.Backend.SessionByRefreshToken(context.Background(), sum[:])
	if err != nil || s.ID != sid {
		t.Fatalf("SessionByRefreshToken(sha256(cookie)) = %+v, %v; want session %s", s, err, sid)
	}
	if _, err := h.Backend.SessionByRefreshToken(context.Background(), []byte(tok)); err == nil {
		t.Fatal("the store finds the session by the plaintext refresh token")
	}
	d, _ := h.SignUp(t)
	if d.RefreshToken() == tok {
		t.Fatal("two sessions got the same refresh token")
	}
}
