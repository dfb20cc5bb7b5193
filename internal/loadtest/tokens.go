package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// cmdTokens mints -n distinct access tokens (distinct users and sessions)
// with the server's secret, as ginauth would sign them, and writes them
// one a line: the load of many browsers, each with its own token, without
// as many argon2id sign-ins. The kid derivation mirrors ginauth's keyID.
func cmdTokens(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("tokens", flag.ExitOnError)
	secret := fs.String("secret", "", "the server's AUTH_JWT_SECRET")
	n := fs.Int("n", 100000, "tokens to mint")
	ttl := fs.Duration("ttl", time.Hour, "token lifetime")
	out := fs.String("out", "tokens.txt", "output file")
	_ = fs.Parse(args)
	if len(*secret) < 32 {
		return fmt.Errorf("-secret must be at least 32 bytes")
	}
	h := sha256.New()
	h.Write([]byte("fastauth access-token kid\x00"))
	h.Write([]byte(*secret))
	kid := hex.EncodeToString(h.Sum(nil))[:16]

	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	now := time.Now()
	for i := range *n {
		t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
			"iss": "fastauth", "aud": "fastauth",
			"iat": now.Unix(), "exp": now.Add(*ttl).Unix(),
			"sub": uuid.Must(uuid.NewV7()).String(), "sid": uuid.Must(uuid.NewV7()).String(),
			"email": seedEmail(i), "org": uuid.Must(uuid.NewV7()).String(),
			"org_role": "owner", "role": "authenticated",
		})
		t.Header["kid"] = kid
		s, err := t.SignedString([]byte(*secret))
		if err != nil {
			_ = f.Close()
			return err
		}
		fmt.Fprintln(w, s)
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
