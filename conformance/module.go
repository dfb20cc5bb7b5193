package conformance

import (
	"errors"
	"net/http"
	"testing"
	texttemplate "text/template"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/mail"
)

func moduleScenarios() []scenario {
	withHello := func(c *ginauth.Config) { c.Modules = append(c.Modules, testModule{}) }
	return []scenario{
		{name: "ModuleRoutesEventsAndSessions", config: withHello, run: testModuleMounts},
		{name: "ModuleSignInGate", config: withHello, run: testModuleSignInGate},
		{name: "ModuleMailKind", config: withHello, run: testModuleMail},
		{name: "ModuleStepUp", config: withHello, run: testModuleStepUp},
	}
}

// testModule is written against the exported Host only, as any module:
// GET {base}/test-module greets a session (and emits test_module.greeted),
// POST {base}/test-module/session starts a new session with the method
// "test_module", POST {base}/test-module/step-up raises the caller's
// session to aal 2 (3 with ?aal=3, a module's mistake) with the method
// "test_module" (unguarded, so that Host.StepUp itself answers API keys
// and anonymous callers), POST {base}/test-module/mail sends a mail of its own kind, and a sign-in gate
// refuses accounts whose email starts with "gated-".
type testModule struct{}

// The test module's mail kind.
const testModuleKind mail.Kind = "test_module_note"

func (testModule) Name() string { return "test_module" }

func (testModule) Mount(h ginauth.Host) error {
	err := h.AddMailKind(testModuleKind, mail.Template{
		Subject: texttemplate.Must(texttemplate.New("s").Parse("A note for {{.}}")),
		Text:    texttemplate.Must(texttemplate.New("t").Parse("Hello {{.}}.\n")),
	})
	if err != nil {
		return err
	}
	h.AddSignInGate(func(c *gin.Context, u fastauth.User) error {
		if len(u.Email) > 6 && u.Email[:6] == "gated-" {
			c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"code": "gate_closed", "message": "closed by the test module", "user_id": u.ID})
			return errors.New("gated")
		}
		return nil
	})
	h.Routes().POST("/test-module/step-up", h.Handle(func(c *gin.Context) error {
		auth := fastauth.Authentication{Method: "test_module", AAL: 2}
		if c.Query("aal") == "3" { // a module's mistake
			auth.AAL = 3
		}
		return h.StepUp(c, auth)
	}))
	g := h.Routes().Group("/test-module", h.RequireSession())
	g.GET("", h.Handle(func(c *gin.Context) error {
		p, _ := ginauth.PrincipalFrom(c)
		e := h.NewEvent(c, "test_module.greeted", p.OrganizationID, fastauth.Target{Type: fastauth.TargetUser, ID: p.UserID})
		if err := h.Emit(c.Request.Context(), e); err != nil {
			return err
		}
		c.JSON(http.StatusOK, gin.H{"hello": p.Email})
		return nil
	}))
	g.POST("/session", h.Handle(func(c *gin.Context) error {
		p, _ := ginauth.PrincipalFrom(c)
		u, err := h.UserByID(c.Request.Context(), p.UserID)
		if err != nil {
			return err
		}
		return h.IssueSession(c, u, fastauth.Authentication{Method: "test_module", AAL: 1})
	}))
	g.POST("/mail", h.Handle(func(c *gin.Context) error {
		p, _ := ginauth.PrincipalFrom(c)
		h.SendMail(c.Request.Context(), testModuleKind, mail.Message{To: p.Email, Data: p.Email})
		c.JSON(http.StatusOK, gin.H{"status": "sent"})
		return nil
	}))
	g.GET("/missing", h.Handle(func(*gin.Context) error {
		return fastauth.NewError(http.StatusNotFound, "note_not_found", "no such note")
	}))
	return nil
}

func testModuleMounts(t *testing.T, h *Harness) {
	var events eventLog
	h.Auth.Subscribe(events.record)
	c, signedUp := h.SignUp(t)
	var hello map[string]string
	c.Get(h.Path("/test-module")).Expect(t, http.StatusOK).Decode(t, &hello)
	if hello["hello"] != signedUp.User.Email {
		t.Fatalf("greeting %v, want %s", hello, signedUp.User.Email)
	}
	c.Get(h.Path("/test-module/missing")).Expect(t, http.StatusNotFound, "note_not_found")
	h.NewClient().Get(h.Path("/test-module")).Expect(t, http.StatusUnauthorized, "invalid_token")
	key := c.createAPIKey(t, "module")
	bot := h.NewClient()
	bot.Bearer(key.Key)
	bot.Get(h.Path("/test-module")).Expect(t, http.StatusForbidden, "forbidden")

	before := c.AccessToken()
	var out AuthResponse
	c.Post(h.Path("/test-module/session"), map[string]string{}).Expect(t, http.StatusOK).Decode(t, &out)
	if out.User.ID != signedUp.User.ID || c.AccessToken() == before {
		t.Fatalf("module session: %+v, new access cookie: %v", out, c.AccessToken() != before)
	}
	if n := len(c.sessions(t)); n != 2 {
		t.Fatalf("%d sessions after the module's sign-in, want 2", n)
	}
	var greeted, signedIn bool
	for _, e := range events.all() {
		switch {
		case e.Type == "test_module.greeted":
			greeted = e.Actor.UserID == signedUp.User.ID && e.Target.ID == signedUp.User.ID
		case e.Type == fastauth.EventUserSignedIn && e.Data["method"] == "test_module":
			signedIn = true
		}
	}
	if !greeted || !signedIn {
		t.Fatalf("events: greeted %v, signed in with the module's method %v", greeted, signedIn)
	}
}

// testModuleStepUp: Host.StepUp raises the caller's session (aal 2, the
// module's method appended once), re-issues the access cookie and keeps
// the refresh cookie; the raise is stored, so /auth/session, RequireAAL(2)
// and the next refresh see it; an API key, an anonymous caller and a
// session that has ended get the standard errors.
func testModuleStepUp(t *testing.T, h *Harness) {
	c, up := h.SignUp(t)
	c.Get("/api/aal2").Expect(t, http.StatusForbidden, "mfa_step_up_required")
	// A level no session reaches is the module's bug: 500, nothing raised.
	expectError(t, c.Post(h.Path("/test-module/step-up?aal=3"), map[string]string{}), http.StatusInternalServerError, "internal_error")
	expectSession(t, "/session after a refused step-up", c.Get(h.Path("/session")).Expect(t, http.StatusOK), 1, "password")
	refresh := c.RefreshToken()
	h.Clock.Advance(time.Minute)
	at := h.Clock.Now()
	r := c.Post(h.Path("/test-module/step-up"), map[string]string{}).Expect(t, http.StatusOK)
	var out AuthResponse
	r.Decode(t, &out)
	if out.User.ID != up.User.ID || out.Organization.ID != up.Organization.ID {
		t.Fatalf("step-up answered %+v, want the user %s in %s", out, up.User.ID, up.Organization.ID)
	}
	expectSession(t, "module step-up", r, 2, "password", "test_module")
	expectAssuranceClaims(t, "token after the module's step-up", c, 2, at, "password", "test_module")
	if r.SetCookie(h.refreshName()) != nil || c.RefreshToken() != refresh {
		t.Fatalf("the step-up changed the refresh cookie")
	}
	expectSession(t, "/session after step-up", c.Get(h.Path("/session")).Expect(t, http.StatusOK), 2, "password", "test_module")
	c.Get("/api/aal2").Expect(t, http.StatusOK)
	expectSession(t, "second step-up", c.Post(h.Path("/test-module/step-up"), map[string]string{}).Expect(t, http.StatusOK), 2, "password", "test_module")
	expectSession(t, "refresh after step-up", c.Refresh().Expect(t, http.StatusOK), 2, "password", "test_module")

	key := c.createAPIKey(t, "step-up")
	expectError(t, h.bearer(key.Key).Post(h.Path("/test-module/step-up"), map[string]string{}), http.StatusForbidden, "forbidden")
	expectError(t, h.NewClient().Post(h.Path("/test-module/step-up"), map[string]string{}), http.StatusUnauthorized, "invalid_token")

	// Another device's session is not raised; once revoked, its still
	// valid access token cannot step it up.
	other, _ := h.SignInNew(t, up.User.Email)
	other.Get("/api/aal2").Expect(t, http.StatusForbidden, "mfa_step_up_required")
	c.Delete(h.Path("/sessions/"+other.claim(t, "sid"))).Expect(t, http.StatusOK)
	r = other.Post(h.Path("/test-module/step-up"), map[string]string{})
	expectError(t, r, http.StatusUnauthorized, "invalid_token")
	h.expectCleared(t, other, r)
}

func testModuleSignInGate(t *testing.T, h *Harness) {
	email := "gated-" + h.Email()
	h.SignUpAs(t, email)
	c := h.NewClient()
	r := c.Post(h.Path("/sign-in"), map[string]string{"email": email, "password": Password}).Expect(t, http.StatusForbidden, "gate_closed")
	if c.AccessToken() != "" || len(r.Cookies) != 0 {
		t.Fatalf("a gated sign-in set cookies: %v", r.Cookies)
	}
	// The gate runs after the password only: a wrong one is still 401.
	c.Post(h.Path("/sign-in"), map[string]string{"email": email, "password": Password + "x"}).Expect(t, http.StatusUnauthorized, "invalid_credentials")
	// Others sign in as before.
	h.SignInNew(t, h.mustSignUp(t))
}

func testModuleMail(t *testing.T, h *Harness) {
	c, u := h.SignUp(t)
	c.Post(h.Path("/test-module/mail"), map[string]string{}).Expect(t, http.StatusOK)
	m := h.Mail.WaitFor(t, u.User.Email, testModuleKind, 1)
	if m.Subject != "A note for "+u.User.Email || m.Text != "Hello "+u.User.Email+".\n" {
		t.Fatalf("module mail %+v", m)
	}
}

// mustSignUp signs a new account up and returns its email.
func (h *Harness) mustSignUp(t *testing.T) string {
	t.Helper()
	_, out := h.SignUp(t)
	return out.User.Email
}
