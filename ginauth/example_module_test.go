package ginauth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
)

// helloModule is a tiny module written against the exported interface
// only: one route that greets the signed-in user and emits a
// "hello.greeted" event, and one that starts a new session for them with
// the method name "hello".
type helloModule struct{}

func (helloModule) Name() string { return "hello" }

func (helloModule) Mount(h ginauth.Host) error {
	g := h.Routes().Group("/hello", h.RequireSession())
	g.GET("", h.Handle(func(c *gin.Context) error {
		p, _ := ginauth.PrincipalFrom(c)
		e := h.NewEvent(c, "hello.greeted", p.OrganizationID, fastauth.Target{Type: fastauth.TargetUser, ID: p.UserID})
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
		return h.IssueSession(c, u, fastauth.Authentication{Method: "hello", AAL: 1})
	}))
	return nil
}

// Example_module mounts a module through Config.Modules: it adds routes
// under the base path, emits events and issues sessions with its own
// method name, all through ginauth.Host.
func Example_module() {
	ctx := context.Background()
	st, cleanup := newExampleStore(ctx)
	defer cleanup()

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	cfg := exampleConfig()
	cfg.Modules = []ginauth.Module{helloModule{}}
	auth, err := ginauth.Register(r, cfg, st)
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	auth.Subscribe(func(_ context.Context, e fastauth.Event) error {
		switch e.Type {
		case "hello.greeted", fastauth.EventUserSignedIn:
			fmt.Println("event:", e.Type, e.Data["method"])
		}
		return nil
	})
	srv := httptest.NewServer(r)
	defer srv.Close()

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	post := func(path, body string) *http.Response {
		res, err := client.Post(srv.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			log.Fatal(err)
		}
		return res
	}
	post("/auth/sign-up", `{"email":"ada@example.com","password":"correct-horse-42"}`).Body.Close()

	res, err := client.Get(srv.URL + "/auth/hello")
	if err != nil {
		log.Fatal(err)
	}
	var greeting map[string]string
	_ = json.NewDecoder(res.Body).Decode(&greeting)
	res.Body.Close()
	fmt.Println(res.StatusCode, greeting["hello"])

	res = post("/auth/hello/session", `{}`)
	res.Body.Close()
	fmt.Println(res.StatusCode)
	// Output:
	// event: hello.greeted <nil>
	// 200 ada@example.com
	// event: user.signed_in hello
	// 200
}
