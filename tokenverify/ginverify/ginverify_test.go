package ginverify_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/internal/issuertest"
	"github.com/fastauth/fastauth/internal/signingkey"
	"github.com/fastauth/fastauth/tokenverify"
	"github.com/fastauth/fastauth/tokenverify/ginverify"
)

func init() { gin.SetMode(gin.ReleaseMode) }

// sign issues a fastauth access token with key, valid from iat to exp.
func sign(t *testing.T, key *signingkey.Key, iat, exp time.Time) string {
	t.Helper()
	c := issuertest.Claims(iat)
	c["exp"] = exp.Unix()
	c["sub"], c["org_role"], c["aal"], c["amr"] = "user-7", "member", 1, []string{"passkey"}
	s, err := issuertest.Mint(key, c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	key, err := signingkey.Generate(signingkey.ES256)
	if err != nil {
		t.Fatal(err)
	}
	is, err := issuertest.Start(key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(is.Close)
	now := time.Now()
	v, err := tokenverify.New(t.Context(), tokenverify.Config{
		JWKSURL:    is.JWKSURL(),
		Issuer:     issuertest.Iss,
		Audience:   issuertest.Aud,
		HTTPClient: is.Client(),
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}

	r := gin.New()
	reached := 0
	api := r.Group("/api", ginverify.Middleware(v))
	api.Any("/me", func(c *gin.Context) {
		reached++
		p, ok := ginverify.PrincipalFrom(c)
		q, ok2 := tokenverify.PrincipalFrom(c.Request.Context())
		if !ok || !ok2 || p != q {
			t.Error("the principal is not readable both ways")
			c.AbortWithStatus(500)
			return
		}
		c.JSON(http.StatusOK, gin.H{"user_id": p.UserID, "org_role": p.OrganizationRole, "aal": p.AAL, "amr": p.AMR})
	})
	r.GET("/public", func(c *gin.Context) {
		_, ok := ginverify.PrincipalFrom(c)
		c.JSON(http.StatusOK, gin.H{"signed_in": ok})
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	get := func(method, path string, header http.Header, cookie *http.Cookie) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), method, srv.URL+path, nil)
		for k, vs := range header {
			req.Header[k] = vs
		}
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		var m map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		return resp.StatusCode, m
	}

	valid := sign(t, key, now, now.Add(15*time.Minute))
	status, body := get("GET", "/api/me", http.Header{"Authorization": {"Bearer " + valid}}, nil)
	if status != 200 || body["user_id"] != "user-7" || body["org_role"] != "member" || body["aal"] != 1.0 {
		t.Fatalf("bearer: %d %v", status, body)
	}
	status, body = get("GET", "/api/me", nil, &http.Cookie{Name: "access_token", Value: valid})
	if status != 200 || body["user_id"] != "user-7" {
		t.Fatalf("cookie: %d %v", status, body)
	}
	before := reached
	for _, tc := range []struct {
		name   string
		method string
		header http.Header
		cookie *http.Cookie
		status int
		code   string
	}{
		{"no credentials", "GET", nil, nil, 401, "invalid_token"},
		{"expired", "GET", http.Header{"Authorization": {"Bearer " + sign(t, key, now.Add(-time.Hour), now.Add(-time.Minute))}}, nil, 401, "token_expired"},
		{"forged", "GET", http.Header{"Authorization": {"Bearer " + valid[:len(valid)-4] + "AAAA"}}, nil, 401, "invalid_token"},
		{"cross-site POST with the cookie", "POST", http.Header{"Sec-Fetch-Site": {"cross-site"}}, &http.Cookie{Name: "access_token", Value: valid}, 403, "forbidden"},
	} {
		status, body := get(tc.method, "/api/me", tc.header, tc.cookie)
		if status != tc.status || body["code"] != tc.code || body["message"] == "" || len(body) != 2 {
			t.Errorf("%s: %d %v, want %d %s", tc.name, status, body, tc.status, tc.code)
		}
	}
	if reached != before {
		t.Fatalf("the handler ran %d times after refusals", reached-before)
	}
	if status, body := get("GET", "/public", http.Header{"Authorization": {"Bearer " + valid}}, nil); status != 200 || body["signed_in"] != false {
		t.Fatalf("route without the middleware: %d %v", status, body)
	}
}
