package conformance

import (
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
)

// Password is a password that meets the default policy; helpers sign users
// up with it.
const Password = "correct-horse-42"

// Harness is one scenario's world: a backend, a real HTTP server running
// ginauth and a small application, a fake clock and a mailbox.
type Harness struct {
	Backend ginauth.Backend
	Auth    *ginauth.Auth
	// Config is the effective configuration (defaults applied).
	Config ginauth.Config
	Clock  *Clock
	Mail   *Mailbox
	// URL is the server's base URL, e.g. http://127.0.0.1:34567.
	URL string
	// Routes are the routes the engine mounts.
	Routes gin.RoutesInfo

	seq atomic.Int64
	tag string
}

// Epoch is where every harness clock starts.
var Epoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// NewHarness starts a server for backend. adjust (optional) changes the
// Config before Register. Rate limits are off unless adjust turns them on.
func NewHarness(t *testing.T, backend ginauth.Backend, adjust func(*ginauth.Config)) *Harness {
	t.Helper()
	h := &Harness{Backend: backend, Clock: NewClock(Epoch), Mail: &Mailbox{}, tag: randomTag(t)}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		t.Fatal(err)
	}
	cfg := ginauth.Config{
		Secret:     secret,
		Argon2:     ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		Cookie:     ginauth.CookieConfig{Insecure: true},
		Mailer:     h.Mail,
		Now:        h.Clock.Now,
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		RateLimit:  ginauth.RateLimitConfig{Disabled: true},
		AppBaseURL: "http://app.example",
	}
	if adjust != nil {
		adjust(&cfg)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(nil); err != nil {
		t.Fatal(err)
	}
	auth, err := ginauth.Register(r, cfg, backend)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	h.Auth = auth
	h.Config = auth.Config()
	mountApp(r)
	h.Routes = r.Routes()
	srv := httptest.NewServer(r)
	h.URL = srv.URL
	t.Cleanup(func() {
		srv.Close()
		if err := auth.Close(); err != nil {
			t.Errorf("Auth.Close: %v", err)
		}
	})
	return h
}

// mountApp adds the demo application routes of the example server
// (README.md, Example server configuration), /api/aal2 behind
// RequireAAL(2), and the permission routes of section 16 behind
// RequirePermission.
func mountApp(r *gin.Engine) {
	who := func(c *gin.Context) {
		p, ok := ginauth.PrincipalFrom(c)
		if !ok {
			c.JSON(http.StatusInternalServerError, gin.H{"code": "no_principal"})
			return
		}
		c.JSON(http.StatusOK, Whoami{UserID: p.UserID, Email: p.Email, OrganizationID: p.OrganizationID, OrganizationRole: string(p.OrganizationRole)})
	}
	api := r.Group("/api", ginauth.RequireUser())
	api.GET("/whoami", who)
	api.POST("/whoami", who)
	api.GET("/member", ginauth.RequireRole("member"), who)
	api.GET("/admin", ginauth.RequireRole("admin"), who)
	api.GET("/owner", ginauth.RequireRole("owner"), who)
	api.GET("/aal2", ginauth.RequireAAL(2), who)
	permitted := func(perm string) gin.HandlerFunc {
		return func(c *gin.Context) {
			p, _ := ginauth.PrincipalFrom(c)
			c.JSON(http.StatusOK, PermissionAnswer{UserID: p.UserID, OrganizationID: p.OrganizationID, OrganizationRole: string(p.OrganizationRole), Permission: perm})
		}
	}
	api.GET("/projects", ginauth.RequirePermission("project:read"), permitted("project:read"))
	api.POST("/projects", ginauth.RequirePermission("project:write"), permitted("project:write"))
	api.GET("/billing", ginauth.RequirePermission("billing:manage"), permitted("billing:manage"))
	r.GET("/public", func(c *gin.Context) {
		_, ok := ginauth.PrincipalFrom(c)
		c.JSON(http.StatusOK, gin.H{"authenticated": ok})
	})
}

// Email returns a new unique email address (lowercase).
func (h *Harness) Email() string {
	return fmt.Sprintf("user%d-%s@example.com", h.seq.Add(1), h.tag)
}

// Path prefixes p with the configured base path: Path("/sign-up").
func (h *Harness) Path(p string) string { return h.Config.BasePath + p }

// SignUp signs a new user up with a unique email and Password on a new
// client, asserting 200, and returns the client (holding the cookies
// unless confirmation is required) and the response.
func (h *Harness) SignUp(t *testing.T) (*Client, AuthResponse) {
	t.Helper()
	return h.SignUpAs(t, h.Email())
}

// SignUpAs is SignUp with a chosen email.
func (h *Harness) SignUpAs(t *testing.T, email string) (*Client, AuthResponse) {
	t.Helper()
	c := h.NewClient()
	var out AuthResponse
	c.Post(h.Path("/sign-up"), map[string]string{"email": email, "password": Password}).Expect(t, http.StatusOK).Decode(t, &out)
	return c, out
}

func randomTag(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return strings.ToLower(fmt.Sprintf("%x", b))
}
