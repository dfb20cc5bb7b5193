// Command minimal is the smallest real fastauth service: gin.New(),
// ginauth.Register on SQLite, and one route behind RequireUser,
// GET /api/whoami, answering the same body as examples/server's. It has no
// other middleware (no access log, no recovery, no per-request deadlines),
// so a load test of it measures the library alone.
//
// It reads the variables of examples/server that it needs: ADDR
// (127.0.0.1:8080), DATABASE_URL (sqlite://fastauth.db; sqlite:// only),
// AUTH_JWT_SECRET (at least 32 bytes; random per start when unset),
// AUTH_ACCESS_TTL (15m), AUTH_COOKIE_SECURE (false) and
// AUTH_RATE_LIMIT_PER_IP (60 a minute; 0 turns it off).
//
//	AUTH_JWT_SECRET="$(openssl rand -base64 48)" go run ./examples/minimal
//	curl -c jar -H 'Content-Type: application/json' \
//	  -d '{"email":"ada@example.com","password":"SecurePass123"}' localhost:8080/auth/sign-up
//	curl -b jar localhost:8080/api/whoami
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/sqlite"
)

func main() {
	if err := run(os.Getenv); err != nil {
		log.Fatal("minimal: ", err)
	}
}

// run serves until SIGINT or SIGTERM.
func run(getenv func(string) string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	addr, r, auth, err := newServer(ctx, getenv)
	if err != nil {
		return err
	}
	defer auth.Close()

	// Timeouts that cost nothing per request: the header read and idle
	// keep-alive connections (a body or write deadline re-arms a timer on
	// every request).
	srv := &http.Server{Addr: addr, Handler: r, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	log.Printf("minimal: listening on %s", addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newServer builds the router from the environment: the listen address,
// the gin engine with fastauth registered and /api/whoami, and the Auth to
// close on shutdown.
func newServer(ctx context.Context, getenv func(string) string) (string, *gin.Engine, *ginauth.Auth, error) {
	cfg, addr, dbPath, err := config(getenv)
	if err != nil {
		return "", nil, nil, err
	}
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return "", nil, nil, err
	}
	st, err := store.New(db)
	if err != nil {
		return "", nil, nil, err
	}
	if err := st.AutoMigrate(ctx); err != nil {
		return "", nil, nil, err
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	_ = r.SetTrustedProxies(nil) // client IPs (the per-IP limit) from the connection
	auth, err := ginauth.Register(r, cfg, st)
	if err != nil {
		return "", nil, nil, err
	}
	r.GET("/api/whoami", ginauth.RequireUser(), whoami)
	return addr, r, auth, nil
}

// whoamiBody is the answer of GET /api/whoami, examples/server's.
type whoamiBody struct {
	UserID           string       `json:"user_id"`
	Email            string       `json:"email"`
	OrganizationID   string       `json:"organization_id"`
	OrganizationRole ginauth.Role `json:"organization_role"`
}

// whoami answers the principal RequireUser admitted.
func whoami(c *gin.Context) {
	p, _ := ginauth.PrincipalFrom(c) // always set behind RequireUser
	c.JSON(http.StatusOK, whoamiBody{
		UserID:           p.UserID,
		Email:            p.Email,
		OrganizationID:   p.OrganizationID,
		OrganizationRole: p.OrganizationRole,
	})
}

// config reads the environment: the fastauth configuration, the listen
// address and the SQLite file. An unset variable takes its default; an
// invalid one is an error naming it.
func config(getenv func(string) string) (cfg ginauth.Config, addr, dbPath string, err error) {
	env := func(name string) string { return strings.TrimSpace(getenv(name)) }
	addr, dbPath = "127.0.0.1:8080", "fastauth.db"
	if v := env("ADDR"); v != "" {
		addr = v
	}
	if v := env("DATABASE_URL"); v != "" {
		path, ok := strings.CutPrefix(v, "sqlite://")
		if !ok || path == "" {
			return cfg, "", "", errors.New("invalid DATABASE_URL: want sqlite://path (examples/server serves PostgreSQL and MySQL too)")
		}
		dbPath = path
	}
	cfg.Secret = []byte(getenv("AUTH_JWT_SECRET")) // every byte is key material: not trimmed
	if len(cfg.Secret) == 0 {
		// A random secret per start: tokens die with the process.
		log.Print("minimal: AUTH_JWT_SECRET unset, using a random secret (sessions end at restart)")
		cfg.Secret = make([]byte, 32)
		_, _ = rand.Read(cfg.Secret) // never fails (crypto/rand)
	}
	if v := env("AUTH_ACCESS_TTL"); v != "" {
		d, perr := time.ParseDuration(v)
		if perr != nil || d <= 0 {
			return cfg, "", "", fmt.Errorf("invalid AUTH_ACCESS_TTL=%q: want a positive Go duration such as 15m", v)
		}
		cfg.AccessTokenTTL = d
	}
	secure := false
	if v := env("AUTH_COOKIE_SECURE"); v != "" {
		if secure, err = strconv.ParseBool(v); err != nil {
			return cfg, "", "", fmt.Errorf("invalid AUTH_COOKIE_SECURE=%q: want true or false", v)
		}
	}
	cfg.Cookie.Insecure = !secure
	if v := env("AUTH_RATE_LIMIT_PER_IP"); v != "" {
		n, perr := strconv.Atoi(v)
		switch {
		case perr != nil || n < 0:
			return cfg, "", "", fmt.Errorf("invalid AUTH_RATE_LIMIT_PER_IP=%q: want a whole number a minute, 0 for off", v)
		case n == 0:
			cfg.RateLimit.PerIP = ginauth.Off
		default:
			cfg.RateLimit.PerIP = n
		}
	}
	return cfg, addr, dbPath, nil
}
