package conformance

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Small helpers of the account, session, token and guard scenarios.

// accessName and refreshName are the configured cookie names.
func (h *Harness) accessName() string  { return h.Config.Cookie.AccessName }
func (h *Harness) refreshName() string { return h.Config.Cookie.RefreshName }

// credentials is the body of sign-up and sign-in.
func credentials(email, password string) map[string]string {
	return map[string]string{"email": email, "password": password}
}

// SignIn signs in on c with email and password, asserting 200.
func (c *Client) SignIn(t *testing.T, email, password string) AuthResponse {
	t.Helper()
	var out AuthResponse
	c.Post(c.h.Path("/sign-in"), credentials(email, password)).Expect(t, http.StatusOK).Decode(t, &out)
	return out
}

// SignInNew signs email in with Password on a new client, asserting 200.
func (h *Harness) SignInNew(t *testing.T, email string) (*Client, AuthResponse) {
	t.Helper()
	c := h.NewClient()
	return c, c.SignIn(t, email, Password)
}

// Refresh posts to the refresh route with the client's cookies.
func (c *Client) Refresh() *Response { return c.Post(c.h.Path("/refresh"), nil) }

// AccessToken is the access cookie the jar would send to the application.
func (c *Client) AccessToken() string {
	return c.Cookie(c.h.accessName(), c.h.Config.Cookie.AccessPath)
}

// RefreshToken is the refresh cookie the jar would send to the refresh route.
func (c *Client) RefreshToken() string {
	return c.Cookie(c.h.refreshName(), c.h.Path("/refresh"))
}

// withRefresh is a new client whose only cookie is the refresh token.
func (h *Harness) withRefresh(token string) *Client {
	c := h.NewClient()
	u, _ := url.Parse(h.URL + h.Config.BasePath)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: h.refreshName(), Value: token, Path: h.Config.BasePath}})
	return c
}

// withTokens is a new client holding the access and refresh tokens as
// cookies, like a browser whose next request this server handles.
func (h *Harness) withTokens(access, refresh string) *Client {
	c := h.withRefresh(refresh)
	c.SetCookie(h.accessName(), access)
	return c
}

// withAccess is a new client whose only cookie is the access token.
func (h *Harness) withAccess(token string) *Client {
	c := h.NewClient()
	c.SetCookie(h.accessName(), token)
	return c
}

// expectError asserts an error response: status, code and a non-empty
// message, and nothing else in the body.
func expectError(t *testing.T, r *Response, status int, code string) {
	t.Helper()
	r.Expect(t, status, code)
	var body map[string]any
	r.Decode(t, &body)
	if msg, _ := body["message"].(string); msg == "" {
		t.Fatalf("%s %s: error body without a message: %s", r.Method, r.Path, r.Body)
	}
	if len(body) != 2 {
		t.Fatalf("%s %s: error body must be exactly {code,message}: %s", r.Method, r.Path, r.Body)
	}
}

// expectRefreshFails asserts that refreshing with token is refused.
func (h *Harness) expectRefreshFails(t *testing.T, token string) {
	t.Helper()
	if token == "" {
		t.Fatal("expectRefreshFails: no refresh token")
	}
	expectError(t, h.withRefresh(token).Refresh(), http.StatusUnauthorized, "refresh_token_invalid")
}

// expectRefreshWorks asserts that refreshing with token succeeds and
// returns the next refresh token.
func (h *Harness) expectRefreshWorks(t *testing.T, token string) string {
	t.Helper()
	c := h.withRefresh(token)
	c.Refresh().Expect(t, http.StatusOK)
	next := c.RefreshToken()
	if next == "" || next == token {
		t.Fatalf("refresh did not set a new refresh cookie (got %q)", next)
	}
	return next
}

// cookieCleared reports whether the Set-Cookie deletes the cookie.
func cookieCleared(ck *http.Cookie) bool {
	if ck == nil {
		return false
	}
	return ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now()))
}

// expectCleared asserts that r deletes both auth cookies (on their paths)
// and that c's jar no longer holds them.
func (h *Harness) expectCleared(t *testing.T, c *Client, r *Response) {
	t.Helper()
	for _, want := range []struct{ name, path string }{
		{h.accessName(), h.Config.Cookie.AccessPath},
		{h.refreshName(), h.Config.BasePath},
	} {
		ck := r.SetCookie(want.name)
		if !cookieCleared(ck) {
			t.Fatalf("%s %s: cookie %s not cleared (Set-Cookie %v)", r.Method, r.Path, want.name, ck)
		}
		if ck.Path != want.path {
			t.Fatalf("%s %s: cookie %s cleared on Path %q, want %q", r.Method, r.Path, want.name, ck.Path, want.path)
		}
	}
	if v := c.AccessToken(); v != "" {
		t.Fatalf("access cookie still in the jar after clearing: %q", v)
	}
	if v := c.RefreshToken(); v != "" {
		t.Fatalf("refresh cookie still in the jar after clearing: %q", v)
	}
}

// expectNotCleared asserts that r does not delete either auth cookie.
func (h *Harness) expectNotCleared(t *testing.T, r *Response) {
	t.Helper()
	for _, name := range []string{h.accessName(), h.refreshName()} {
		if ck := r.SetCookie(name); cookieCleared(ck) {
			t.Fatalf("%s %s: cookie %s cleared, must be kept", r.Method, r.Path, name)
		}
	}
}

// expectAuthHeaders asserts the anti-caching headers of auth responses.
func expectAuthHeaders(t *testing.T, r *Response) {
	t.Helper()
	if got := r.Header.Get("Cache-Control"); !strings.Contains(got, "no-store") {
		t.Fatalf("%s %s: Cache-Control %q, want no-store", r.Method, r.Path, got)
	}
	if got := r.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Fatalf("%s %s: Referrer-Policy %q, want no-referrer", r.Method, r.Path, got)
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// expectUUIDv7 asserts a lowercase UUIDv7 string.
func expectUUIDv7(t *testing.T, what, id string) {
	t.Helper()
	if !uuidRE.MatchString(id) || id[14] != '7' {
		t.Fatalf("%s %q is not a UUIDv7", what, id)
	}
}

// jwtParts decodes the header and payload of a JWT without verifying it.
func jwtParts(t *testing.T, token string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("access token %q is not a JWS compact serialization", token)
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("access token part %d: %v", i, err)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			t.Fatalf("access token part %d: %v", i, err)
		}
	}
	return header, claims
}

// claim returns a string claim of the client's access token.
func (c *Client) claim(t *testing.T, name string) string {
	t.Helper()
	tok := c.AccessToken()
	if tok == "" {
		t.Fatal("client has no access cookie")
	}
	_, claims := jwtParts(t, tok)
	s, _ := claims[name].(string)
	return s
}

// forge signs claims with key using method (HS256/384/512) and the header
// fields given (e.g. kid).
func forge(t *testing.T, method jwt.SigningMethod, key []byte, header, claims map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, jwt.MapClaims(claims))
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("forge: %v", err)
	}
	return s
}

// unsigned is a JWT with alg "none" and the given header fields.
func unsigned(t *testing.T, header, claims map[string]any) string {
	t.Helper()
	hd := map[string]any{"alg": "none", "typ": "JWT"}
	for k, v := range header {
		hd[k] = v
	}
	hj, err := json.Marshal(hd)
	if err != nil {
		t.Fatal(err)
	}
	cj, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(hj) + "." + base64.RawURLEncoding.EncodeToString(cj) + "."
}

// copyMap is a shallow copy with the changes applied (nil value deletes).
func copyMap(m map[string]any, changes map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

// createOrganization creates a shared organization as c and returns its id.
func (c *Client) createOrganization(t *testing.T, name string) string {
	t.Helper()
	var m MemberBody
	c.Post(c.h.Path("/organizations"), map[string]string{"name": name}).Expect(t, http.StatusCreated).Decode(t, &m)
	if m.Organization.ID == "" {
		t.Fatalf("create organization: no id in %+v", m)
	}
	return m.Organization.ID
}

// switchOrganization makes id c's active organization.
func (c *Client) switchOrganization(t *testing.T, id string) AuthResponse {
	t.Helper()
	var out AuthResponse
	c.Post(c.h.Path("/organizations/current"), map[string]string{"organization_id": id}).Expect(t, http.StatusOK).Decode(t, &out)
	return out
}

// join invites a new user into organization orgID with role (as inviter, an
// owner) and makes them accept: it returns the new user's client.
func (h *Harness) join(t *testing.T, inviter *Client, orgID, role string) (*Client, AuthResponse) {
	t.Helper()
	email := h.Email()
	var inv InviteBody
	inviter.Post(h.Path("/organizations/"+orgID+"/invites"), map[string]string{"email": email, "role": role}).
		Expect(t, http.StatusCreated).Decode(t, &inv)
	c, _ := h.SignUpAs(t, email)
	var out AuthResponse
	c.Post(h.Path("/organizations/invites/accept"), map[string]string{"token": inv.Token}).Expect(t, http.StatusOK).Decode(t, &out)
	if out.Organization.ID != orgID || out.Organization.Role != role {
		t.Fatalf("accept: active organization %+v, want %s as %s", out.Organization, orgID, role)
	}
	return c, out
}

// createAPIKey creates a key in c's active organization and returns it.
func (c *Client) createAPIKey(t *testing.T, name string) APIKeyBody {
	t.Helper()
	var k APIKeyBody
	c.Post(c.h.Path("/api-keys"), map[string]string{"name": name}).Expect(t, http.StatusCreated).Decode(t, &k)
	if !strings.HasPrefix(k.Key, "sk-") {
		t.Fatalf("create API key: key %q", k.Key)
	}
	return k
}

// whoami is GET /api/whoami asserting 200.
func (c *Client) whoami(t *testing.T) Whoami {
	t.Helper()
	var w Whoami
	c.Get("/api/whoami").Expect(t, http.StatusOK).Decode(t, &w)
	return w
}

// sessions is GET {base}/sessions asserting 200.
func (c *Client) sessions(t *testing.T) []SessionBody {
	t.Helper()
	var out []SessionBody
	c.Get(c.h.Path("/sessions")).Expect(t, http.StatusOK).Decode(t, &out)
	return out
}
