package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// floorBody is the answer of examples/minimal's GET /api/whoami, with
// constant values of the same lengths as a signed-in user's.
type floorBody struct {
	UserID           string `json:"user_id"`
	Email            string `json:"email"`
	OrganizationID   string `json:"organization_id"`
	OrganizationRole string `json:"organization_role"`
}

// cmdFloor serves what any authentication of examples/minimal's route
// costs at least: gin.New(), GET /api/whoami answering the same body
// through c.JSON, behind a middleware that only requires the credential
// to be present (the access_token cookie for -mode cookie, an
// Authorization header for -mode key) and checks nothing about it. Run in
// the shared harness next to bare gin (which receives no header at all),
// it shows what receiving and reading the credential's header costs before
// any verification (scripts/perf-floors.sh).
func cmdFloor(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("floor", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:18080", "listen address")
	mode := fs.String("mode", "cookie", "cookie or key")
	_ = fs.Parse(args)
	r, err := floorRouter(*mode)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: *addr, Handler: r, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// floorRouter is the engine of cmdFloor for mode "cookie" or "key".
func floorRouter(mode string) (*gin.Engine, error) {
	var present func(*http.Request) bool
	switch mode {
	case "cookie":
		present = func(r *http.Request) bool { _, err := r.Cookie("access_token"); return err == nil }
	case "key":
		present = func(r *http.Request) bool { return strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") }
	default:
		return nil, fmt.Errorf("-mode %q: want cookie or key", mode)
	}
	body := floorBody{
		UserID:           "01a25133-59e4-7c2a-b9aa-3db7a401fd2c",
		Email:            "perf+30685340@example.com",
		OrganizationID:   "01a25133-59e4-7c2e-8639-3d0ccd10ccb1",
		OrganizationRole: "owner",
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/api/whoami", func(c *gin.Context) {
		if !present(c.Request) {
			c.AbortWithStatus(http.StatusUnauthorized)
			return
		}
		c.Next()
	}, func(c *gin.Context) { c.JSON(http.StatusOK, body) })
	return r, nil
}
