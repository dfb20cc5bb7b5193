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

	"github.com/fastauth/fastauth/internal/signingkey"
)

// cmdTokens mints -n distinct access tokens (distinct users and sessions)
// with the server's secret, or with -key, the server's
// AUTH_SIGNING_KEY_FILE (its first key, EdDSA or ES256), as ginauth would
// sign them, and writes them one a line: the load of many browsers, each
// with its own token, without as many argon2id sign-ins. The HS256 kid
// derivation mirrors ginauth's keyID; an asymmetric key's kid is its
// RFC 7638 thumbprint.
func cmdTokens(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("tokens", flag.ExitOnError)
	secret := fs.String("secret", "", "the server's AUTH_JWT_SECRET (HS256)")
	keyFile := fs.String("key", "", "the server's AUTH_SIGNING_KEY_FILE (EdDSA or ES256); overrides -secret")
	n := fs.Int("n", 100000, "tokens to mint")
	ttl := fs.Duration("ttl", time.Hour, "token lifetime")
	out := fs.String("out", "tokens.txt", "output file")
	_ = fs.Parse(args)
	method, key, kid, err := tokenKey(*secret, *keyFile)
	if err != nil {
		return err
	}

	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	now := time.Now()
	for i := range *n {
		t := jwt.NewWithClaims(method, jwt.MapClaims{
			"iss": "fastauth", "aud": "fastauth",
			"iat": now.Unix(), "exp": now.Add(*ttl).Unix(),
			"sub": uuid.Must(uuid.NewV7()).String(), "sid": uuid.Must(uuid.NewV7()).String(),
			"email": seedEmail(i), "org": uuid.Must(uuid.NewV7()).String(),
			"org_role": "owner", "role": "authenticated",
		})
		t.Header["kid"] = kid
		s, err := t.SignedString(key)
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

// tokenKey is the signing method, key and kid of the server's secret, or
// of the first key of keyFile when set.
func tokenKey(secret, keyFile string) (jwt.SigningMethod, any, string, error) {
	if keyFile != "" {
		data, err := os.ReadFile(keyFile)
		if err != nil {
			return nil, nil, "", fmt.Errorf("-key: %w", err)
		}
		keys, err := signingkey.ParsePEM(data)
		if err != nil {
			return nil, nil, "", fmt.Errorf("-key: %w", err)
		}
		k := keys[0]
		switch k.Algorithm() {
		case signingkey.EdDSA:
			return jwt.SigningMethodEdDSA, k.Signer(), k.ID(), nil
		case signingkey.ES256:
			return jwt.SigningMethodES256, k.Signer(), k.ID(), nil
		}
		return nil, nil, "", fmt.Errorf("-key: unsupported algorithm %s", k.Algorithm())
	}
	if len(secret) < 32 {
		return nil, nil, "", fmt.Errorf("-secret must be at least 32 bytes (or give -key)")
	}
	h := sha256.New()
	h.Write([]byte("fastauth access-token kid\x00"))
	h.Write([]byte(secret))
	return jwt.SigningMethodHS256, []byte(secret), hex.EncodeToString(h.Sum(nil))[:16], nil
}
