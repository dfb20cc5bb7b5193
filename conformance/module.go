package conformance

import (
	"errors"
	"net/http"
	"testing"
	texttemplate "text/template"

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
	}
}

// testModule is written against the exported Host only, as any module:
// GET {base}/test-module greets a session (and emits test_module.greeted),
// POST {base}/test-module/session starts a new session with the method
// "test_module", POST {base}/test-module/mail sends a mail of its own
// kind, and a sign-in gate refuses accounts whose email starts with
// "gated-".
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
