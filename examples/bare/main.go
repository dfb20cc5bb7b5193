// Command bare is the baseline of the load test (scripts/loadtest.sh): a
// bare gin server, no authentication, answering GET /api/whoami with the
// same body shape the example server's demo route answers. Only the cost
// of fastauth separates the two.
//
//	ADDR=127.0.0.1:18081 go run ./examples/bare
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
)

// whoamiBody mirrors examples/server's answer of /api/whoami.
type whoamiBody struct {
	UserID           string `json:"user_id"`
	Email            string `json:"email"`
	OrganizationID   string `json:"organization_id"`
	OrganizationRole string `json:"organization_role"`
}

func main() {
	gin.SetMode(gin.ReleaseMode)
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:18081"
	}
	r := gin.New()
	body := whoamiBody{
		UserID:           "0193a1b2-0000-7000-8000-000000000001",
		Email:            "user000000@loadtest.example",
		OrganizationID:   "0193a1b2-0000-7000-8000-0000000000aa",
		OrganizationRole: "owner",
	}
	r.GET("/api/whoami", func(c *gin.Context) { c.JSON(http.StatusOK, body) })
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })

	srv := &http.Server{Addr: addr, Handler: r, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	fmt.Println("bare gin listening on", addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
}
