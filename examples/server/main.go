// Command server is the fastauth example server: a Gin service with the
// fastauth routes under /auth, a health check and three demo routes guarded
// by RequireUser and RequireRole. It starts with zero setup on SQLite:
//
//	go run ./examples/server
//
// Every setting comes from the environment; see config.go and the README
// for the table. It shuts down gracefully on SIGINT and SIGTERM.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gin-gonic/gin"
)

func main() {
	// Release mode silences gin's debug banner and route dump; the server
	// writes its own structured logs. GIN_MODE still wins when it is set.
	if os.Getenv(gin.EnvGinMode) == "" {
		gin.SetMode(gin.ReleaseMode)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, restore the default handling so that a
		// second Ctrl-C ends a shutdown that takes too long.
		<-ctx.Done()
		stop()
	}()
	if err := run(ctx, os.Getenv, os.Stdout); err != nil {
		// Several invalid variables are reported one per line.
		msg := " " + err.Error()
		if strings.Contains(msg, "\n") {
			msg = strings.ReplaceAll("\n"+err.Error(), "\n", "\n  ")
		}
		fmt.Fprintf(os.Stderr, "fastauth example server:%s\n", msg)
		stop()
		os.Exit(1)
	}
}
