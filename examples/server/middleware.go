package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
)

// accessLog writes one structured line per request after it is served. It
// logs the path without the query string, which can carry tokens (the
// email-confirmation link does), and never logs headers or cookies.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		if status >= http.StatusInternalServerError {
			level = slog.LevelWarn
		}
		attrs := []slog.Attr{
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.Int("status", status),
			slog.Int("bytes", max(c.Writer.Size(), 0)),
			slog.Duration("duration", time.Since(start)),
			slog.String("client_ip", c.ClientIP()),
		}
		if p, ok := ginauth.PrincipalFrom(c); ok {
			attrs = append(attrs, slog.String("user_id", p.UserID), slog.String("auth", string(p.Kind)))
		}
		log.LogAttrs(c.Request.Context(), level, "request", attrs...)
	}
}

// recovery turns a panic in a handler into a 500 internal_error body and a
// log line with the stack. Unlike gin.Recovery it never dumps the request
// headers, which carry the auth cookies.
func recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if rec == http.ErrAbortHandler {
				panic(rec) // net/http's way to abort a response silently
			}
			log.ErrorContext(c.Request.Context(), "panic serving request",
				"method", c.Request.Method, "path", c.Request.URL.Path,
				"panic", fmt.Sprint(rec), "stack", string(debug.Stack()))
			if c.Writer.Written() {
				c.Abort()
				return
			}
			c.AbortWithStatusJSON(http.StatusInternalServerError, ginauth.ErrorBody{Code: ginauth.CodeInternal, Message: "internal error"})
		}()
		c.Next()
	}
}

// bodyDeadline gives a request that carries a body (a POST to the auth
// routes, say) d to send it: past that its reads fail and the connection
// is closed, so a client dripping a body cannot hold a connection. A
// request without a body, like every GET of the API, sets no timer.
func bodyDeadline(d time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength != 0 { // -1: chunked, length unknown
			// Fails only under a writer without deadlines (tests).
			_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(d))
		}
		c.Next()
	}
}

// writeDeadline gives the response d to be written, for routes whose
// bodies can outgrow the socket buffers (the OpenAPI document, Swagger UI
// and the demo bundle): a client that stops reading cannot hold the
// handler. The JSON answers of the API fit in the socket buffer, so their
// writes never wait on the client and they need no deadline.
func writeDeadline(d time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(d))
		c.Next()
	}
}
