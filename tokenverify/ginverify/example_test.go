package ginverify_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/internal/issuertest"
	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/tokenverify"
	"github.com/fastauth/fastauth/tokenverify/ginverify"
)

// A Gin service that accepts the access tokens of a fastauth server.
func Example() {
	auth, accessToken, err := issuertest.StartWithToken(signingkey.ES256) // stands in for https://auth.example.com
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

	r := gin.New()
	api := r.Group("/api", ginverify.Middleware(verifier))
	api.GET("/orders", func(c *gin.Context) {
		p, _ := ginverify.PrincipalFrom(c)
		c.JSON(http.StatusOK, gin.H{"user_id": p.UserID, "organization_id": p.OrganizationID})
	})
	service := httptest.NewServer(r)
	defer service.Close()

	for _, cookie := range []string{accessToken, "forged"} {
		req, _ := http.NewRequest(http.MethodGet, service.URL+"/api/orders", nil)
		req.AddCookie(&http.Cookie{Name: "access_token", Value: cookie}) // or Authorization: Bearer
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		fmt.Println(resp.StatusCode, string(body))
	}
	// Output:
	// 200 {"organization_id":"org-1","user_id":"user-1"}
	// 401 {"code":"invalid_token","message":"the access token is invalid"}
}
