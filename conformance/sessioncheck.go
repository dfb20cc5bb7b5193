package conformance

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// sessionCheckScenarios lists the scenarios of GET {base}/session, the
// question a page asks on load: who is signed in here, if anyone?
func sessionCheckScenarios() []scenario {
	return []scenario{
		{name: "AnonymousGetsUserNull", run: sessionCheckAnonymous},
		{name: "SignedInGetsAuthResponse", run: sessionCheckSignedIn},
		{name: "ExpiredTokenGivesTokenExpired", run: sessionCheckExpired},
		{name: "RefreshCookieAloneGivesTokenExpired", run: sessionCheckRefreshCookieAlone},
		{name: "InvalidCookieGivesUserNullAndClears", run: sessionCheckInvalidCookie},
		{name: "AfterSignOutUserNull", run: sessionCheckAfterSignOut},
		{name: "APIKey", run: sessionCheckAPIKey},
	}
}

// anonymousSession is the exact body of GET /session without a user.
var anonymousSession = []byte(`{"user":null}`)

// expectAnonymous asserts 200 {"user":null} with the auth headers.
func expectAnonymous(t *testing.T, r *Response) {
	t.Helper()
	r.Expect(t, http.StatusOK)
	expectAuthHeaders(t, r)
	if !bytes.Equal(bytes.TrimSpace(r.Body), anonymousSession) {
		t.Fatalf("%s %s: body %s, want %s", r.Method, r.Path, r.Body, anonymousSession)
	}
}

func sessionCheckAnonymous(t *testing.T, h *Harness) {
	c := h.NewClient()
	r := c.Get(h.Path("/session"))
	expectAnonymous(t, r)
	if len(r.Cookies) != 0 {
		t.Fatalf("anonymous GET /session set cookies: %v", r.Header.Values("Set-Cookie"))
	}
	// Unrelated cookies change nothing.
	c.SetCookie("theme", "dark")
	expectAnonymous(t, c.Get(h.Path("/session")))
}

func sessionCheckSignedIn(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	var got AuthResponse
	r := c.Get(h.Path("/session")).Expect(t, http.StatusOK)
	expectAuthHeaders(t, r)
	r.Decode(t, &got)
	if got != up {
		t.Fatalf("GET /session %+v, want the sign-up response %+v", got, up)
	}
	// Read fresh from the store, like /me: a switch shows at once.
	org := c.createOrganization(t, "Session Check")
	c.switchOrganization(t, org)
	c.Get(h.Path("/session")).Expect(t, http.StatusOK).Decode(t, &got)
	if got.Organization.ID != org || got.Organization.Role != "owner" || got.Organization.Kind != "shared" {
		t.Fatalf("GET /session after a switch: organization %+v, want %s", got.Organization, org)
	}
}

func sessionCheckExpired(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	h.Clock.Advance(h.Config.AccessTokenTTL + time.Second)
	r := c.Get(h.Path("/session"))
	expectError(t, r, http.StatusUnauthorized, "token_expired")
	h.expectNotCleared(t, r)
	// The client refreshes and asks again.
	c.Refresh().Expect(t, http.StatusOK)
	var got AuthResponse
	c.Get(h.Path("/session")).Expect(t, http.StatusOK).Decode(t, &got)
	if got.User.ID != up.User.ID {
		t.Fatalf("GET /session after refresh: %+v", got)
	}
}

// sessionCheckRefreshCookieAlone: a browser that lost its access cookie
// (set by an older server with the token's lifetime, say) but still holds
// its refresh cookie is told to refresh, not that nobody is signed in.
func sessionCheckRefreshCookieAlone(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	d := h.withRefresh(c.RefreshToken())
	r := d.Get(h.Path("/session"))
	expectError(t, r, http.StatusUnauthorized, "token_expired")
	h.expectNotCleared(t, r)
	d.Refresh().Expect(t, http.StatusOK)
	var got AuthResponse
	d.Get(h.Path("/session")).Expect(t, http.StatusOK).Decode(t, &got)
	if got.User.ID != up.User.ID {
		t.Fatalf("GET /session after refresh: %+v", got)
	}
	// A refresh cookie of an ended session: the refresh fails and clears
	// both cookies, and the visitor is anonymous from then on.
	gone := h.withRefresh(d.RefreshToken())
	d.Post(h.Path("/sign-out"), nil).Expect(t, http.StatusOK)
	expectError(t, gone.Get(h.Path("/session")), http.StatusUnauthorized, "token_expired")
	r = gone.Refresh()
	expectError(t, r, http.StatusUnauthorized, "refresh_token_invalid")
	h.expectCleared(t, gone, r)
	expectAnonymous(t, gone.Get(h.Path("/session")))
}

func sessionCheckInvalidCookie(t *testing.T, h *Harness) {
	victim, _ := h.SignUp(t)
	c := h.withRefresh(victim.RefreshToken())
	c.SetCookie(h.accessName(), victim.AccessToken()+"x")
	r := c.Get(h.Path("/session"))
	expectAnonymous(t, r)
	h.expectCleared(t, c, r)
	expectAnonymous(t, c.Get(h.Path("/session")))
	// Garbage is no different.
	d := h.withAccess("not-a-token")
	expectAnonymous(t, d.Get(h.Path("/session")))
}

func sessionCheckAfterSignOut(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	c.Post(h.Path("/sign-out"), nil).Expect(t, http.StatusOK)
	expectAnonymous(t, c.Get(h.Path("/session")))
}

// sessionCheckAPIKey: a bearer API key answers as /me does (the key's
// organization); an invalid key is refused, not taken for anonymous.
func sessionCheckAPIKey(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	key := c.createAPIKey(t, "session-check")
	m := h.NewClient()
	m.Bearer(key.Key)
	var got AuthResponse
	m.Get(h.Path("/session")).Expect(t, http.StatusOK).Decode(t, &got)
	if got.User.ID != up.User.ID || got.Organization.ID != up.Organization.ID {
		t.Fatalf("GET /session with an API key: %+v, want %+v", got, up)
	}
	bad := h.NewClient()
	bad.Bearer("sk-" + string(bytes.Repeat([]byte("0"), 64)))
	expectError(t, bad.Get(h.Path("/session")), http.StatusUnauthorized, "invalid_token")
}
