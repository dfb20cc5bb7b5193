package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/users"
)

// UsersBackend is a backend that also stores what the users module
// (package users) needs; the users scenarios run on such backends only.
type UsersBackend interface {
	Users() users.Store
}

// adminEmail is the platform administrator of the users scenarios
// (created confirmed through the Go API).
const adminEmail = "platform-admin@example.com"

// usersScenarios are the rules of the users module: profile, deletion,
// export, administrators, the Go API and the hooks that can refuse.
func usersScenarios() []scenario {
	refusing := func(c *ginauth.Config) {
		c.Hooks.BeforeSignUp = func(_ context.Context, email, _ string) error {
			if strings.HasSuffix(email, "@blocked.example") {
				return errors.New("sign-ups from blocked.example are closed")
			}
			return nil
		}
		c.Hooks.BeforeSignIn = func(_ context.Context, u fastauth.User, method string) error {
			if strings.HasPrefix(u.Email, "nosignin-") {
				return errors.New("signing in is paused for " + method)
			}
			return nil
		}
	}
	return []scenario{
		{name: "Profile", setup: withUsers, run: usersProfile},
		{name: "ProfileBadInput", setup: withUsers, run: usersProfileBadInput},
		{name: "DeleteAccount", setup: withUsers, run: usersDelete},
		{name: "DeleteLastOwner", setup: withUsers, run: usersDeleteLastOwner},
		{name: "Export", setup: withUsers, run: usersExport},
		{name: "AdminOnly", setup: withUsers, run: usersAdminOnly},
		{name: "AdminListAndDisable", setup: withUsers, run: usersAdminDisable},
		{name: "AdminRevokeSessions", setup: withUsers, run: usersAdminRevoke},
		{name: "GoAPI", setup: withUsers, run: usersGoAPI},
		{name: "HooksRefuse", config: refusing, setup: withUsers, run: usersHooksRefuse},
		{name: "Events", setup: withUsers, run: usersEvents},
		{name: "SocialRefused", config: refusing, setup: withSocialUsers, run: usersSocialRefused},
	}
}

// withUsers mounts the users module with adminEmail as administrator.
func withUsers(t *testing.T, b ginauth.Backend, c *ginauth.Config) {
	t.Helper()
	ub, ok := b.(UsersBackend)
	if !ok {
		t.Skipf("backend %T has no users storage (Users() users.Store)", b)
	}
	m, err := users.New(ub.Users(), users.Config{Admins: []string{adminEmail}})
	if err != nil {
		t.Fatalf("users.New: %v", err)
	}
	c.Modules = append(c.Modules, m)
}

// usersModule returns the harness's users module.
func usersModule(t *testing.T, h *Harness) *users.Module {
	t.Helper()
	for _, m := range h.Config.Modules {
		if um, ok := m.(*users.Module); ok {
			return um
		}
	}
	t.Fatal("no users module")
	return nil
}

// profileBody is AuthResponse's user with the profile.
type profileBody struct {
	User struct {
		ID       string          `json:"id"`
		Name     *string         `json:"name"`
		ImageURL *string         `json:"image_url"`
		Metadata json.RawMessage `json:"metadata"`
	} `json:"user"`
}

func (c *Client) profile(t *testing.T) profileBody {
	t.Helper()
	var p profileBody
	c.Get(c.h.Path("/me")).Expect(t, http.StatusOK).Decode(t, &p)
	return p
}

func usersProfile(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	p := c.profile(t)
	if p.User.Name != nil || p.User.ImageURL != nil || string(p.User.Metadata) != "{}" {
		t.Fatalf("fresh profile: %+v %s", p.User, p.User.Metadata)
	}
	var got profileBody
	c.Patch(h.Path("/me"), map[string]any{"name": "  Ada Lovelace ", "image_url": "https://img.example/ada.png", "metadata": map[string]any{"plan": "pro", "n": 1}}).
		Expect(t, http.StatusOK).Decode(t, &got)
	if got.User.Name == nil || *got.User.Name != "Ada Lovelace" || got.User.ImageURL == nil || *got.User.ImageURL != "https://img.example/ada.png" {
		t.Fatalf("patched: %+v", got.User)
	}
	p = c.profile(t)
	var md map[string]any
	_ = json.Unmarshal(p.User.Metadata, &md)
	if *p.User.Name != "Ada Lovelace" || md["plan"] != "pro" {
		t.Fatalf("GET /me after PATCH: %+v %s", p.User, p.User.Metadata)
	}
	// Absent keeps, null clears.
	c.Patch(h.Path("/me"), map[string]any{"name": nil}).Expect(t, http.StatusOK)
	p = c.profile(t)
	if p.User.Name != nil || p.User.ImageURL == nil || md == nil {
		t.Fatalf("after clearing the name: %+v", p.User)
	}
	c.Patch(h.Path("/me"), map[string]any{"metadata": nil, "image_url": ""}).Expect(t, http.StatusOK)
	if p = c.profile(t); p.User.ImageURL != nil || string(p.User.Metadata) != "{}" {
		t.Fatalf("after clearing: %+v %s", p.User, p.User.Metadata)
	}
	// Sign-in answers carry the profile.
	c.Patch(h.Path("/me"), map[string]any{"name": "Ada"}).Expect(t, http.StatusOK)
	var in profileBody
	h.NewClient().Post(h.Path("/sign-in"), credentials(c.whoami(t).Email, Password)).Expect(t, http.StatusOK).Decode(t, &in)
	if in.User.Name == nil || *in.User.Name != "Ada" {
		t.Fatalf("sign-in user: %+v", in.User)
	}
	// API keys cannot change a profile; anonymous callers get 401.
	k := c.createAPIKey(t, "machine")
	m := h.NewClient()
	m.Bearer(k.Key)
	m.Patch(h.Path("/me"), map[string]any{"name": "Robot"}).Expect(t, http.StatusForbidden)
	h.NewClient().Patch(h.Path("/me"), map[string]any{"name": "x"}).Expect(t, http.StatusUnauthorized)
}

func usersProfileBadInput(t *testing.T, h *Harness) {
	c, _ := h.SignUp(t)
	for _, tc := range []struct {
		body any
		code string
	}{
		{map[string]any{"name": strings.Repeat("é", users.MaxNameLength+1)}, users.CodeInvalidName},
		{map[string]any{"name": "a\x00b"}, users.CodeInvalidName},
		{map[string]any{"image_url": "http://img.example/a.png"}, users.CodeInvalidImageURL},
		{map[string]any{"image_url": "javascript:alert(1)"}, users.CodeInvalidImageURL},
		{map[string]any{"image_url": "https://user:pw@img.example/a.png"}, users.CodeInvalidImageURL},
		{map[string]any{"image_url": "https://img.example/" + strings.Repeat("a", users.MaxImageURLLength)}, users.CodeInvalidImageURL},
		{map[string]any{"metadata": []int{1}}, users.CodeInvalidMetadata},
		{map[string]any{"metadata": "text"}, users.CodeInvalidMetadata},
		{map[string]any{"metadata": map[string]string{"x": strings.Repeat("a", users.MaxMetadataBytes)}}, users.CodeInvalidMetadata},
		{map[string]any{"name": 5}, fastauth.CodeInvalidRequest},
		{map[string]any{"nickname": "x"}, fastauth.CodeInvalidRequest},
		{"{", fastauth.CodeInvalidRequest},
	} {
		c.Patch(h.Path("/me"), tc.body).Expect(t, http.StatusBadRequest, tc.code)
	}
	if p := c.profile(t); p.User.Name != nil || string(p.User.Metadata) != "{}" {
		t.Fatalf("a refused change changed the profile: %+v", p.User)
	}
	// Exactly the limits pass.
	c.Patch(h.Path("/me"), map[string]any{"name": strings.Repeat("é", users.MaxNameLength)}).Expect(t, http.StatusOK)
}

// deleteMe sends DELETE /me with the password.
func (c *Client) deleteMe(password string) *Response {
	return c.Do(http.MethodDelete, c.h.Path("/me"), map[string]string{"password": password}, nil)
}

func usersDelete(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	email := up.User.Email
	other, _ := h.SignUp(t)
	k := c.createAPIKey(t, "mine")
	second, _ := h.SignInNew(t, email)
	refresh := second.RefreshToken()

	c.deleteMe("wrong-"+Password).Expect(t, http.StatusUnauthorized, fastauth.CodeInvalidCredentials)
	c.Do(http.MethodDelete, h.Path("/me"), "{}", nil).Expect(t, http.StatusUnauthorized, fastauth.CodeInvalidCredentials)
	kc := h.NewClient()
	kc.Bearer(k.Key)
	kc.deleteMe(Password).Expect(t, http.StatusForbidden)
	r := c.deleteMe(Password).Expect(t, http.StatusOK)
	h.expectCleared(t, c, r)

	h.NewClient().Post(h.Path("/sign-in"), credentials(email, Password)).Expect(t, http.StatusUnauthorized, fastauth.CodeInvalidCredentials)
	h.expectRefreshFails(t, refresh)
	kc.Get("/api/whoami").Expect(t, http.StatusUnauthorized)
	// The address is free again.
	h.SignUpAs(t, email)
	// Others are untouched.
	other.whoami(t)
}

func usersDeleteLastOwner(t *testing.T, h *Harness) {
	owner, _ := h.SignUp(t)
	org := owner.createOrganization(t, "Owned")
	owner.deleteMe(Password).Expect(t, http.StatusConflict, fastauth.CodeLastOwner)
	owner.whoami(t)
	// With a second owner the first may go; the organization stays with it.
	second, sup := h.join(t, owner, org, "admin")
	owner.Patch(h.Path("/organizations/"+org+"/members/"+sup.User.ID), map[string]string{"role": "owner"}).Expect(t, http.StatusOK)
	owner.deleteMe(Password).Expect(t, http.StatusOK)
	second.Get(h.Path("/organizations/"+org)).Expect(t, http.StatusOK)
	second.deleteMe(Password).Expect(t, http.StatusConflict, fastauth.CodeLastOwner)
	second.Delete(h.Path("/organizations/"+org)).Expect(t, http.StatusOK)
	second.deleteMe(Password).Expect(t, http.StatusOK)
}

func usersExport(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	c.Patch(h.Path("/me"), map[string]any{"name": "Exported"}).Expect(t, http.StatusOK)
	k := c.createAPIKey(t, "exported-key")
	org := c.createOrganization(t, "Export Org")
	r := c.Get(h.Path("/me/export")).Expect(t, http.StatusOK)
	var doc users.Export
	r.Decode(t, &doc)
	if doc.User.ID != up.User.ID || doc.User.Name != "Exported" || !doc.User.HasPassword || doc.ExportedAt.IsZero() {
		t.Fatalf("export user: %+v", doc.User)
	}
	for _, table := range []string{"auth_sessions", "auth_api_keys", "auth_memberships", "auth_organizations", "auth_refresh_tokens"} {
		if len(doc.Tables[table]) == 0 {
			t.Errorf("export has no rows of %s: %s", table, r.Body)
		}
	}
	if n := len(doc.Tables["auth_memberships"]); n != 2 {
		t.Errorf("export memberships: %d, want 2", n)
	}
	body := string(r.Body)
	for _, s := range []string{k.Key, strings.TrimPrefix(k.Key, "sk-"), c.RefreshToken(), c.AccessToken(), "argon2id", "password_hash", "key_hash", "token_hash"} {
		if s != "" && strings.Contains(body, s) {
			t.Errorf("export reveals %q", s)
		}
	}
	if !strings.Contains(body, org) {
		t.Errorf("export lacks the organization %s", org)
	}
	kc := h.NewClient()
	kc.Bearer(k.Key)
	kc.Get(h.Path("/me/export")).Expect(t, http.StatusForbidden)
	h.NewClient().Get(h.Path("/me/export")).Expect(t, http.StatusUnauthorized)
}

// newAdmin creates the administrator through the Go API and signs it in.
func newAdmin(t *testing.T, h *Harness) *Client {
	t.Helper()
	if _, err := usersModule(t, h).CreateUser(t.Context(), users.NewUser{Email: adminEmail, Password: Password, EmailConfirmed: true}); err != nil {
		t.Fatalf("CreateUser admin: %v", err)
	}
	c := h.NewClient()
	c.SignIn(t, adminEmail, Password)
	return c
}

func usersAdminOnly(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	for _, r := range []*Response{
		c.Get(h.Path("/admin/users")),
		c.Post(h.Path("/admin/users/"+up.User.ID+"/disable"), map[string]string{"reason": "x"}),
		c.Post(h.Path("/admin/users/"+up.User.ID+"/enable"), nil),
		c.Post(h.Path("/admin/users/"+up.User.ID+"/revoke-sessions"), nil),
	} {
		r.Expect(t, http.StatusForbidden, fastauth.CodeForbidden)
	}
	h.NewClient().Get(h.Path("/admin/users")).Expect(t, http.StatusUnauthorized)
	// The administrator's address, signed up but unconfirmed, is no administrator.
	squatter, _ := h.SignUpAs(t, adminEmail)
	squatter.Get(h.Path("/admin/users")).Expect(t, http.StatusForbidden, fastauth.CodeForbidden)
}

func usersAdminDisable(t *testing.T, h *Harness) {
	admin := newAdmin(t, h)
	victim, up := h.SignUp(t)
	k := victim.createAPIKey(t, "victim-key")
	kc := h.NewClient()
	kc.Bearer(k.Key)
	kc.Get("/api/whoami").Expect(t, http.StatusOK)
	refresh := victim.RefreshToken()

	var list users.AdminUserList
	admin.Get(h.Path("/admin/users?query="+strings.ToUpper(up.User.Email[:8])+"&limit=5")).Expect(t, http.StatusOK).Decode(t, &list)
	if list.Total != 1 || len(list.Items) != 1 || list.Items[0].ID != up.User.ID || list.Limit != 5 {
		t.Fatalf("search: %+v", list)
	}
	admin.Get(h.Path("/admin/users?limit=1&offset=1")).Expect(t, http.StatusOK).Decode(t, &list)
	if list.Total < 2 || len(list.Items) != 1 {
		t.Fatalf("page: %+v", list)
	}
	admin.Get(h.Path("/admin/users?query=%25")).Expect(t, http.StatusOK).Decode(t, &list)
	if list.Total != 0 {
		t.Fatalf("a LIKE wildcard matched: %+v", list)
	}
	for _, q := range []string{"limit=0", "limit=101", "limit=x", "offset=-1"} {
		admin.Get(h.Path("/admin/users?"+q)).Expect(t, http.StatusBadRequest, fastauth.CodeInvalidRequest)
	}

	admin.Post(h.Path("/admin/users/00000000-0000-7000-8000-000000000000/disable"), map[string]string{"reason": "x"}).Expect(t, http.StatusNotFound, fastauth.CodeUserNotFound)
	admin.Post(h.Path("/admin/users/"+up.User.ID+"/disable"), map[string]string{"reason": strings.Repeat("r", users.MaxReasonLength+1)}).Expect(t, http.StatusBadRequest)
	var au users.AdminUser
	admin.Post(h.Path("/admin/users/"+up.User.ID+"/disable"), map[string]string{"reason": "abuse"}).Expect(t, http.StatusOK).Decode(t, &au)
	if au.DisabledAt == nil || au.DisabledReason == nil || *au.DisabledReason != "abuse" {
		t.Fatalf("disabled: %+v", au)
	}
	// Every credential is refused.
	h.NewClient().Post(h.Path("/sign-in"), credentials(up.User.Email, Password)).Expect(t, http.StatusForbidden, fastauth.CodeAccountDisabled)
	h.NewClient().Post(h.Path("/sign-in"), credentials(up.User.Email, "wrong-"+Password)).Expect(t, http.StatusUnauthorized, fastauth.CodeInvalidCredentials)
	h.expectRefreshFails(t, refresh)
	kc.Get("/api/whoami").Expect(t, http.StatusUnauthorized)
	// Administrators do not disable themselves.
	var me Whoami = admin.whoami(t)
	admin.Post(h.Path("/admin/users/"+me.UserID+"/disable"), map[string]string{}).Expect(t, http.StatusBadRequest)

	admin.Post(h.Path("/admin/users/"+up.User.ID+"/enable"), nil).Expect(t, http.StatusOK).Decode(t, &au)
	if au.DisabledAt != nil {
		t.Fatalf("enabled: %+v", au)
	}
	h.NewClient().SignIn(t, up.User.Email, Password)
	kc.Get("/api/whoami").Expect(t, http.StatusOK)
}

func usersAdminRevoke(t *testing.T, h *Harness) {
	admin := newAdmin(t, h)
	_, up := h.SignUp(t)
	second, _ := h.SignInNew(t, up.User.Email)
	refresh := second.RefreshToken()
	var rv users.RevokedSessions
	admin.Post(h.Path("/admin/users/"+up.User.ID+"/revoke-sessions"), nil).Expect(t, http.StatusOK).Decode(t, &rv)
	if rv.Revoked != 2 {
		t.Fatalf("revoked %d, want 2", rv.Revoked)
	}
	h.expectRefreshFails(t, refresh)
	h.NewClient().SignIn(t, up.User.Email, Password) // not disabled
}

func usersGoAPI(t *testing.T, h *Harness) {
	m := usersModule(t, h)
	ctx := t.Context()
	email := h.Email()
	u, err := m.CreateUser(ctx, users.NewUser{Email: "  " + strings.ToUpper(email), Password: Password, Name: "Grace"})
	if err != nil || u.Email != email || u.Name != "Grace" || u.PasswordHash != "" {
		t.Fatalf("CreateUser: %+v %v", u, err)
	}
	if _, err := m.CreateUser(ctx, users.NewUser{Email: email}); !errors.Is(err, fastauth.ErrDuplicateEmail) {
		t.Fatalf("duplicate CreateUser: %v", err)
	}
	var fe *fastauth.Error
	if _, err := m.CreateUser(ctx, users.NewUser{Email: h.Email(), Password: "short"}); !errors.As(err, &fe) || fe.Code != fastauth.CodeWeakPassword {
		t.Fatalf("weak password: %v", err)
	}
	c := h.NewClient()
	c.SignIn(t, email, Password)
	noPw, err := m.CreateUser(ctx, users.NewUser{Email: h.Email(), EmailConfirmed: true})
	if err != nil || noPw.EmailConfirmedAt == nil {
		t.Fatalf("CreateUser without password: %+v %v", noPw, err)
	}
	h.NewClient().Post(h.Path("/sign-in"), credentials(noPw.Email, Password)).Expect(t, http.StatusUnauthorized, fastauth.CodeInvalidCredentials)
	if err := m.SetPassword(ctx, noPw.ID, Password+"x"); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	h.NewClient().SignIn(t, noPw.Email, Password+"x")

	refresh := c.RefreshToken()
	if n, err := m.RevokeSessions(ctx, u.ID); err != nil || n != 1 {
		t.Fatalf("RevokeSessions: %d %v", n, err)
	}
	h.expectRefreshFails(t, refresh)
	if d, err := m.Disable(ctx, u.ID, "by the app"); err != nil || d.DisabledAt == nil {
		t.Fatalf("Disable: %+v %v", d, err)
	}
	h.NewClient().Post(h.Path("/sign-in"), credentials(email, Password)).Expect(t, http.StatusForbidden, fastauth.CodeAccountDisabled)
	if _, err := m.Enable(ctx, u.ID); err != nil {
		t.Fatalf("Enable: %v", err)
	}
	h.NewClient().SignIn(t, email, Password)
	list, total, err := m.List(ctx, users.ListQuery{Query: "grace"})
	if err != nil || total != 1 || len(list) != 1 || list[0].ID != u.ID || list[0].PasswordHash != "" {
		t.Fatalf("List: %+v %d %v", list, total, err)
	}
	if _, err := m.Disable(ctx, "00000000-0000-7000-8000-000000000000", ""); !errors.Is(err, fastauth.ErrNotFound) {
		t.Fatalf("Disable unknown: %v", err)
	}
	if err := m.Delete(ctx, noPw.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	h.NewClient().Post(h.Path("/sign-in"), credentials(noPw.Email, Password+"x")).Expect(t, http.StatusUnauthorized)
}

func usersHooksRefuse(t *testing.T, h *Harness) {
	r := h.NewClient().Post(h.Path("/sign-up"), credentials("someone@blocked.example", Password)).Expect(t, http.StatusForbidden, fastauth.CodeSignUpRefused)
	var e ErrorBody
	r.Decode(t, &e)
	if e.Message != "sign-ups from blocked.example are closed" {
		t.Fatalf("message %q", e.Message)
	}
	if _, err := usersModule(t, h).CreateUser(t.Context(), users.NewUser{Email: "app@blocked.example"}); err != nil {
		t.Fatalf("the Go API does not pass BeforeSignUp: %v", err)
	}
	_, up := h.SignUpAs(t, "nosignin-"+h.Email())
	r = h.NewClient().Post(h.Path("/sign-in"), credentials(up.User.Email, Password)).Expect(t, http.StatusForbidden, fastauth.CodeSignInRefused)
	r.Decode(t, &e)
	if e.Message != "signing in is paused for password" {
		t.Fatalf("message %q", e.Message)
	}
	h.NewClient().Post(h.Path("/sign-in"), credentials(up.User.Email, "wrong-"+Password)).Expect(t, http.StatusUnauthorized, fastauth.CodeInvalidCredentials)
}

// usersEvents walks through every action of the users module and checks
// that each emitted exactly its events, inside the transaction and after
// the commit, and that none carries a secret.
func usersEvents(t *testing.T, h *Harness) {
	admin := newAdmin(t, h)
	adminID := admin.whoami(t).UserID
	w := newEventWalk(h)
	user := func(id string) fastauth.Target { return target(fastauth.TargetUser, id) }
	c, up := h.SignUp(t)
	id := up.User.ID
	w.step(t, "profile", func() { c.Patch(h.Path("/me"), map[string]any{"name": "N"}).Expect(t, http.StatusOK) },
		one(wantEvent{typ: fastauth.EventUserUpdated, actor: id, target: user(id)}))
	w.step(t, "export", func() { c.Get(h.Path("/me/export")).Expect(t, http.StatusOK) },
		one(wantEvent{typ: fastauth.EventUserExported, actor: id, target: user(id)}))
	w.step(t, "list", func() { admin.Get(h.Path("/admin/users")).Expect(t, http.StatusOK) }, nil)
	w.step(t, "revoke sessions", func() { admin.Post(h.Path("/admin/users/"+id+"/revoke-sessions"), nil).Expect(t, http.StatusOK) },
		one(wantEvent{typ: fastauth.EventSessionRevoked, actor: adminID, target: user(id)}))
	w.step(t, "disable", func() {
		admin.Post(h.Path("/admin/users/"+id+"/disable"), map[string]string{"reason": "r"}).Expect(t, http.StatusOK)
	},
		one(wantEvent{typ: fastauth.EventUserDisabled, actor: adminID, target: user(id)}))
	w.step(t, "refused sign-in", func() {
		h.NewClient().Post(h.Path("/sign-in"), credentials(up.User.Email, Password)).Expect(t, http.StatusForbidden, fastauth.CodeAccountDisabled)
	}, nil)
	w.step(t, "enable", func() { admin.Post(h.Path("/admin/users/"+id+"/enable"), nil).Expect(t, http.StatusOK) },
		one(wantEvent{typ: fastauth.EventUserEnabled, actor: adminID, target: user(id)}))
	var c2 *Client
	w.step(t, "sign-in", func() { c2, _ = h.SignInNew(t, up.User.Email) },
		one(wantEvent{typ: fastauth.EventUserSignedIn, actor: id, org: up.Organization.ID, target: user(id)}))
	var org string
	w.step(t, "join", func() { org = admin.createOrganization(t, "Joined") }, func() []wantEvent {
		return []wantEvent{{typ: fastauth.EventOrganizationCreated, actor: adminID, org: org, target: target(fastauth.TargetOrganization, org)}}
	})
	w.step(t, "wrong password", func() { c2.deleteMe("wrong-"+Password).Expect(t, http.StatusUnauthorized) }, nil)
	w.step(t, "delete", func() { c2.deleteMe(Password).Expect(t, http.StatusOK) },
		one(wantEvent{typ: fastauth.EventUserDeleted, actor: id, target: user(id)}))
	m := usersModule(t, h)
	var created fastauth.User
	w.step(t, "Go CreateUser", func() {
		var err error
		if created, err = m.CreateUser(t.Context(), users.NewUser{Email: h.Email(), Password: Password}); err != nil {
			t.Fatal(err)
		}
	}, func() []wantEvent {
		ms, _ := h.Backend.Memberships(t.Context(), created.ID)
		return []wantEvent{{typ: fastauth.EventUserSignedUp, org: ms[0].Organization.ID, target: user(created.ID)}}
	})
	w.step(t, "Go SetPassword", func() {
		if err := m.SetPassword(t.Context(), created.ID, Password+"2"); err != nil {
			t.Fatal(err)
		}
	}, one(wantEvent{typ: fastauth.EventPasswordChanged, target: user(created.ID)}))
	w.noSecrets(t, Password, Password+"2", c.AccessToken(), c.RefreshToken())
}

// withSocialUsers mounts the social module and the users module.
func withSocialUsers(t *testing.T, b ginauth.Backend, c *ginauth.Config) {
	t.Helper()
	withSocial(t, b, c)
	withUsers(t, b, c)
}

// usersSocialRefused: a social sign-in honours BeforeSignUp, BeforeSignIn
// and disabled accounts (auth_error=<code>, no cookies).
func usersSocialRefused(t *testing.T, h *Harness) {
	w := h.social(t)
	blocked := h.person(true)
	blocked.Email = "someone-" + h.tag + "@blocked.example"
	w.idp.SetUser(blocked)
	c := h.NewClient()
	h.expectAuthError(t, h.oauth(t, c, "idp", "?redirect_to=/home"), "/home", fastauth.CodeSignUpRefused)

	paused := h.person(true)
	paused.Email = "nosignin-" + paused.Email
	w.idp.SetUser(paused)
	h.expectAuthError(t, h.oauth(t, c, "idp", "?redirect_to=/home"), "/home", fastauth.CodeSignInRefused)

	who := h.person(true)
	w.idp.SetUser(who)
	me := h.expectSignedIn(t, c, h.oauth(t, c, "idp", "?redirect_to=/home"), "/home")
	if _, err := usersModule(t, h).Disable(t.Context(), me.UserID, "test"); err != nil {
		t.Fatal(err)
	}
	c2 := h.NewClient()
	h.expectAuthError(t, h.oauth(t, c2, "idp", "?redirect_to=/home"), "/home", fastauth.CodeAccountDisabled)
}
