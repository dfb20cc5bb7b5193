package tokenverify_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/fastauth/fastauth/internal/issuertest"
	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/tokenverify"
)

// A net/http service that accepts the access tokens of a fastauth server.
func Example() {
	auth, accessToken, err := issuertest.StartWithToken(signingkey.EdDSA) // stands in for https://auth.example.com
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()

	ctx, stop := context.WithCancel(context.Background()) // the service's lifetime
	defer stop()
	verifier, err := tokenverify.New(ctx, tokenverify.Config{
		JWKSURL:  auth.JWKSURL(), // https://auth.example.com/auth/.well-known/jwks.json
		Issuer:   issuertest.Iss, // the fastauth server's Config.Issuer
		Audience: issuertest.Aud, // and Config.Audience
	})
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /api/orders", verifier.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := tokenverify.PrincipalFrom(r.Context())
		fmt.Fprintf(w, "orders of %s in %s (%s)", p.UserID, p.OrganizationID, p.OrganizationRole)
	})))
	service := httptest.NewServer(mux)
	defer service.Close()

	for _, token := range []string{accessToken, ""} {
		req, _ := http.NewRequest(http.MethodGet, service.URL+"/api/orders", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token) // or the access_token cookie
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		fmt.Println(resp.StatusCode, string(body))
	}
	// Output:
	// 200 orders of user-1 in org-1 (admin)
	// 401 {"code":"invalid_token","message":"authentication required"}
}

// Verify checks a token outside HTTP, for a queue consumer or a
// WebSocket handshake.
func ExampleVerifier_Verify() {
	auth, accessToken, err := issuertest.StartWithToken(signingkey.EdDSA)
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	verifier, err := tokenverify.New(context.Background(), tokenverify.Config{
		JWKSURL:  auth.JWKSURL(),
		Issuer:   issuertest.Iss,
		Audience: issuertest.Aud,
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p, err := verifier.Verify(ctx, accessToken)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.UserID, p.Email, p.AAL, p.HasMethod("totp"))
	// Output: user-1 ada@example.com 2 true
}
