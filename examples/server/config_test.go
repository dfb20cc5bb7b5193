package main

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/webhook"
)

// testWebhookSecret is a valid AUTH_WEBHOOK_SECRET for the tests.
var testWebhookSecret = webhook.GenerateSecret().Reveal()

// envMap is a getenv over a fixed map.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	t.Parallel()
	got, err := loadConfig(envMap(nil))
	if err != nil {
		t.Fatalf("loadConfig(empty env): %v", err)
	}
	want := config{
		Addr:              "127.0.0.1:8080",
		DatabaseURL:       "sqlite://fastauth.db",
		AccessTTL:         15 * time.Minute,
		RefreshTTL:        168 * time.Hour,
		RefreshReuseGrace: 10 * time.Second,
		RateLimitPerIP:    60,
		LogRequests:       true,
		TokenAlg:          "HS256",
		Revocation:        "expiry",
		Metrics:           true,
		MFA:               true,
		UI:                true,
		Passkeys:          true,
		WebAuthnRPID:      "localhost",
		WebAuthnRPName:    "fastauth",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", got, want)
	}
}

func TestLoadConfigValid(t *testing.T) {
	t.Parallel()
	secret := strings.Repeat("s", 32)
	tests := []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, c config)
	}{
		{"addr", map[string]string{"ADDR": ":9090"}, func(t *testing.T, c config) {
			if c.Addr != ":9090" {
				t.Errorf("Addr = %q", c.Addr)
			}
		}},
		{"addr port zero", map[string]string{"ADDR": "127.0.0.1:0"}, func(t *testing.T, c config) {
			if c.Addr != "127.0.0.1:0" {
				t.Errorf("Addr = %q", c.Addr)
			}
		}},
		{"database url", map[string]string{"DATABASE_URL": "postgres://u:p@db:5432/app?sslmode=disable"}, func(t *testing.T, c config) {
			if c.DatabaseURL != "postgres://u:p@db:5432/app?sslmode=disable" {
				t.Errorf("DatabaseURL = %q", c.DatabaseURL)
			}
		}},
		{"secret exactly 32 bytes", map[string]string{"AUTH_JWT_SECRET": secret}, func(t *testing.T, c config) {
			if string(c.JWTSecret) != secret {
				t.Errorf("JWTSecret = %q", c.JWTSecret)
			}
		}},
		{"secret keeps surrounding spaces", map[string]string{"AUTH_JWT_SECRET": " " + secret + " "}, func(t *testing.T, c config) {
			if string(c.JWTSecret) != " "+secret+" " {
				t.Errorf("JWTSecret = %q", c.JWTSecret)
			}
		}},
		{"mfa key, padded or not", map[string]string{"AUTH_MFA_KEY": "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s"}, func(t *testing.T, c config) {
			if string(c.MFAKey) != strings.Repeat("k", 32) || !c.MFA {
				t.Errorf("MFAKey = %q, MFA = %v", c.MFAKey, c.MFA)
			}
		}},
		{"oauth providers", map[string]string{
			"AUTH_OAUTH_PROVIDERS":        "google, corp-sso",
			"AUTH_OAUTH_GOOGLE_CLIENT_ID": "gid", "AUTH_OAUTH_GOOGLE_CLIENT_SECRET": "gsecret",
			"AUTH_OAUTH_CORP_SSO_ISSUER":    "https://sso.corp.example",
			"AUTH_OAUTH_CORP_SSO_CLIENT_ID": "cid", "AUTH_OAUTH_CORP_SSO_CLIENT_SECRET": "csecret",
			"AUTH_OAUTH_CORP_SSO_SCOPES": "openid,email groups",
		}, func(t *testing.T, c config) {
			if len(c.OAuthProviders) != 2 {
				t.Fatalf("OAuthProviders = %+v", c.OAuthProviders)
			}
			g, corp := c.OAuthProviders[0], c.OAuthProviders[1]
			if g.Name != "google" || g.Issuer != "https://accounts.google.com" || g.ClientID != "gid" || g.ClientSecret != "gsecret" {
				t.Errorf("google = %+v, want the preset", g)
			}
			if corp.Name != "corp-sso" || corp.Issuer != "https://sso.corp.example" || corp.ClientID != "cid" ||
				strings.Join(corp.Scopes, " ") != "openid email groups" {
				t.Errorf("corp-sso = %+v", corp)
			}
		}},
		{"mfa off", map[string]string{"AUTH_MFA": "false"}, func(t *testing.T, c config) {
			if c.MFA {
				t.Error("MFA still on")
			}
		}},
		{"passkeys", map[string]string{"AUTH_WEBAUTHN_RP_ID": "Example.com", "AUTH_WEBAUTHN_RP_NAME": "Example", "AUTH_WEBAUTHN_ORIGINS": "https://example.com, https://app.example.com:8443/"}, func(t *testing.T, c config) {
			if !c.Passkeys || c.WebAuthnRPID != "example.com" || c.WebAuthnRPName != "Example" || !reflect.DeepEqual(c.WebAuthnOrigins, []string{"https://example.com", "https://app.example.com:8443"}) {
				t.Errorf("passkeys = %v %q %q %q", c.Passkeys, c.WebAuthnRPID, c.WebAuthnRPName, c.WebAuthnOrigins)
			}
		}},
		{"passkeys off", map[string]string{"AUTH_PASSKEYS": "false"}, func(t *testing.T, c config) {
			if c.Passkeys {
				t.Error("Passkeys still on")
			}
		}},
		{"durations", map[string]string{"AUTH_ACCESS_TTL": "5m", "AUTH_REFRESH_TTL": "24h", "AUTH_REFRESH_REUSE_GRACE": "2s"}, func(t *testing.T, c config) {
			if c.AccessTTL != 5*time.Minute || c.RefreshTTL != 24*time.Hour || c.RefreshReuseGrace != 2*time.Second {
				t.Errorf("durations = %s %s %s", c.AccessTTL, c.RefreshTTL, c.RefreshReuseGrace)
			}
		}},
		{"grace zero turns it off", map[string]string{"AUTH_REFRESH_REUSE_GRACE": "0s"}, func(t *testing.T, c config) {
			if c.RefreshReuseGrace != 0 {
				t.Errorf("RefreshReuseGrace = %s", c.RefreshReuseGrace)
			}
		}},
		{"access equal to refresh", map[string]string{"AUTH_ACCESS_TTL": "1h", "AUTH_REFRESH_TTL": "1h"}, func(t *testing.T, c config) {
			if c.AccessTTL != time.Hour || c.RefreshTTL != time.Hour {
				t.Errorf("durations = %s %s", c.AccessTTL, c.RefreshTTL)
			}
		}},
		{"booleans", map[string]string{"AUTH_REQUIRE_EMAIL_CONFIRMATION": "true", "AUTH_COOKIE_SECURE": "1", "LOG_REQUESTS": "false"}, func(t *testing.T, c config) {
			if !c.RequireEmailConfirmation || !c.CookieSecure || c.LogRequests {
				t.Errorf("booleans = %v %v %v", c.RequireEmailConfirmation, c.CookieSecure, c.LogRequests)
			}
		}},
		{"trusted origins", map[string]string{"AUTH_TRUSTED_ORIGINS": " https://app.example.com , http://localhost:5173/,, "}, func(t *testing.T, c config) {
			want := []string{"https://app.example.com", "http://localhost:5173"}
			if !reflect.DeepEqual(c.TrustedOrigins, want) {
				t.Errorf("TrustedOrigins = %q, want %q", c.TrustedOrigins, want)
			}
		}},
		{"rate limit", map[string]string{"AUTH_RATE_LIMIT_PER_IP": "5"}, func(t *testing.T, c config) {
			if c.RateLimitPerIP != 5 {
				t.Errorf("RateLimitPerIP = %d", c.RateLimitPerIP)
			}
		}},
		{"rate limit off", map[string]string{"AUTH_RATE_LIMIT_PER_IP": "0"}, func(t *testing.T, c config) {
			if c.RateLimitPerIP != 0 {
				t.Errorf("RateLimitPerIP = %d", c.RateLimitPerIP)
			}
		}},
		{"mail outbox", map[string]string{"MAIL_OUTBOX": "/tmp/outbox.jsonl"}, func(t *testing.T, c config) {
			if c.MailOutbox != "/tmp/outbox.jsonl" {
				t.Errorf("MailOutbox = %q", c.MailOutbox)
			}
		}},
		{"app base url trailing slash", map[string]string{"APP_BASE_URL": "https://app.example.com/"}, func(t *testing.T, c config) {
			if c.AppBaseURL != "https://app.example.com" {
				t.Errorf("AppBaseURL = %q", c.AppBaseURL)
			}
		}},
		{"trusted proxies", map[string]string{"TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16,::1"}, func(t *testing.T, c config) {
			want := []string{"10.0.0.1", "192.168.0.0/16", "::1"}
			if !reflect.DeepEqual(c.TrustedProxies, want) {
				t.Errorf("TrustedProxies = %q, want %q", c.TrustedProxies, want)
			}
		}},
		{"revocation immediate with redis", map[string]string{"AUTH_REVOCATION": "immediate", "REDIS_URL": "redis://:hunter2@127.0.0.1:6379/2"}, func(t *testing.T, c config) {
			if c.Revocation != "immediate" || c.RedisURL != "redis://:hunter2@127.0.0.1:6379/2" {
				t.Errorf("Revocation %q, RedisURL %q", c.Revocation, c.RedisURL)
			}
		}},
		{"revocation expiry explicit", map[string]string{"AUTH_REVOCATION": " expiry "}, func(t *testing.T, c config) {
			if c.Revocation != "expiry" || c.RedisURL != "" {
				t.Errorf("Revocation %q, RedisURL %q", c.Revocation, c.RedisURL)
			}
		}},
		{"redis with tls and options", map[string]string{"REDIS_URL": "rediss://cache.internal:6380/0?dial_timeout=1s"}, func(t *testing.T, c config) {
			if c.RedisURL != "rediss://cache.internal:6380/0?dial_timeout=1s" {
				t.Errorf("RedisURL %q", c.RedisURL)
			}
		}},
		{"blank values mean default", map[string]string{"ADDR": "  ", "LOG_REQUESTS": " ", "AUTH_ACCESS_TTL": ""}, func(t *testing.T, c config) {
			if c.Addr != "127.0.0.1:8080" || !c.LogRequests || c.AccessTTL != 15*time.Minute {
				t.Errorf("got %+v", c)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := loadConfig(envMap(tt.env))
			if err != nil {
				t.Fatalf("loadConfig: %v", err)
			}
			tt.check(t, c)
		})
	}
}

func TestLoadConfigInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		// want are substrings of the error; the variable's name first.
		want []string
		// hidden must not appear in the error (secrets).
		hidden string
	}{
		{"addr without port", map[string]string{"ADDR": "localhost"}, []string{"ADDR", "host:port"}, ""},
		{"oauth provider without issuer", map[string]string{"AUTH_OAUTH_PROVIDERS": "corp", "AUTH_OAUTH_CORP_CLIENT_ID": "id", "AUTH_OAUTH_CORP_CLIENT_SECRET": "s3cret-value"}, []string{"AUTH_OAUTH_CORP_ISSUER", "required"}, "s3cret-value"},
		{"oauth preset without secret", map[string]string{"AUTH_OAUTH_PROVIDERS": "github", "AUTH_OAUTH_GITHUB_CLIENT_ID": "id"}, []string{"AUTH_OAUTH_GITHUB_CLIENT_SECRET", "required"}, ""},
		{"oauth bad issuer", map[string]string{"AUTH_OAUTH_PROVIDERS": "x", "AUTH_OAUTH_X_ISSUER": "sso.example", "AUTH_OAUTH_X_CLIENT_ID": "id", "AUTH_OAUTH_X_CLIENT_SECRET": "s3cret-value"}, []string{"AUTH_OAUTH_X_ISSUER", "URL"}, "s3cret-value"},
		{"addr bad port", map[string]string{"ADDR": "127.0.0.1:http"}, []string{"ADDR", "port"}, ""},
		{"addr port too big", map[string]string{"ADDR": "127.0.0.1:70000"}, []string{"ADDR", "port"}, ""},
		{"database url not a url", map[string]string{"DATABASE_URL": "root:hunter2@tcp(db:3306)/app"}, []string{"DATABASE_URL", "sqlite://"}, "hunter2"},
		{"secret too short", map[string]string{"AUTH_JWT_SECRET": "short-secret-1234"}, []string{"AUTH_JWT_SECRET", "at least 32 bytes", "got 17"}, "short-secret-1234"},
		{"secret 31 bytes", map[string]string{"AUTH_JWT_SECRET": strings.Repeat("x", 31)}, []string{"AUTH_JWT_SECRET", "got 31"}, strings.Repeat("x", 31)},
		{"access ttl not a duration", map[string]string{"AUTH_ACCESS_TTL": "15"}, []string{"AUTH_ACCESS_TTL", "duration"}, ""},
		{"access ttl zero", map[string]string{"AUTH_ACCESS_TTL": "0s"}, []string{"AUTH_ACCESS_TTL", "positive"}, ""},
		{"refresh ttl negative", map[string]string{"AUTH_REFRESH_TTL": "-1h"}, []string{"AUTH_REFRESH_TTL", "positive"}, ""},
		{"grace negative", map[string]string{"AUTH_REFRESH_REUSE_GRACE": "-1s"}, []string{"AUTH_REFRESH_REUSE_GRACE", "negative"}, ""},
		{"grace garbage", map[string]string{"AUTH_REFRESH_REUSE_GRACE": "soon"}, []string{"AUTH_REFRESH_REUSE_GRACE", "duration"}, ""},
		{"access longer than refresh", map[string]string{"AUTH_ACCESS_TTL": "2h", "AUTH_REFRESH_TTL": "1h"}, []string{"AUTH_ACCESS_TTL", "AUTH_REFRESH_TTL"}, ""},
		{"email confirmation not a bool", map[string]string{"AUTH_REQUIRE_EMAIL_CONFIRMATION": "yes"}, []string{"AUTH_REQUIRE_EMAIL_CONFIRMATION", "true or false"}, ""},
		{"cookie secure not a bool", map[string]string{"AUTH_COOKIE_SECURE": "on"}, []string{"AUTH_COOKIE_SECURE"}, ""},
		{"log requests not a bool", map[string]string{"LOG_REQUESTS": "nope"}, []string{"LOG_REQUESTS"}, ""},
		{"trusted origin without scheme", map[string]string{"AUTH_TRUSTED_ORIGINS": "app.example.com"}, []string{"AUTH_TRUSTED_ORIGINS", "scheme://host"}, ""},
		{"trusted origin with path", map[string]string{"AUTH_TRUSTED_ORIGINS": "https://app.example.com/login"}, []string{"AUTH_TRUSTED_ORIGINS"}, ""},
		{"trusted origin ftp", map[string]string{"AUTH_TRUSTED_ORIGINS": "ftp://files.example.com"}, []string{"AUTH_TRUSTED_ORIGINS"}, ""},
		{"rate limit negative", map[string]string{"AUTH_RATE_LIMIT_PER_IP": "-1"}, []string{"AUTH_RATE_LIMIT_PER_IP"}, ""},
		{"rate limit not a number", map[string]string{"AUTH_RATE_LIMIT_PER_IP": "lots"}, []string{"AUTH_RATE_LIMIT_PER_IP"}, ""},
		{"app base url relative", map[string]string{"APP_BASE_URL": "/app"}, []string{"APP_BASE_URL", "absolute"}, ""},
		{"app base url with query", map[string]string{"APP_BASE_URL": "https://app.example.com/?x=1"}, []string{"APP_BASE_URL"}, ""},
		{"trusted proxy hostname", map[string]string{"TRUSTED_PROXIES": "proxy.internal"}, []string{"TRUSTED_PROXIES", "CIDR"}, ""},
		{"several at once", map[string]string{"ADDR": "nope", "LOG_REQUESTS": "maybe"}, []string{"ADDR", "LOG_REQUESTS"}, ""},
		{"token alg unknown", map[string]string{"AUTH_TOKEN_ALG": "RS256"}, []string{"AUTH_TOKEN_ALG", "EdDSA"}, ""},
		{"token alg lowercase", map[string]string{"AUTH_TOKEN_ALG": "eddsa"}, []string{"AUTH_TOKEN_ALG"}, ""},
		{"rp id with scheme", map[string]string{"AUTH_WEBAUTHN_RP_ID": "https://example.com"}, []string{"AUTH_WEBAUTHN_RP_ID", "domain"}, ""},
		{"webauthn origin with path", map[string]string{"AUTH_WEBAUTHN_ORIGINS": "https://example.com/login"}, []string{"AUTH_WEBAUTHN_ORIGINS", "scheme://host"}, ""},
		{"passkeys not a bool", map[string]string{"AUTH_PASSKEYS": "sure"}, []string{"AUTH_PASSKEYS"}, ""},
		{"key file under HS256", map[string]string{"AUTH_SIGNING_KEY_FILE": "/etc/key.pem"}, []string{"AUTH_SIGNING_KEY_FILE", "HS256"}, ""},
		{"webhook without secret", map[string]string{"AUTH_WEBHOOK_URL": "https://hooks.example.com/x"}, []string{"AUTH_WEBHOOK_SECRET", "required"}, ""},
		{"webhook secret without url", map[string]string{"AUTH_WEBHOOK_SECRET": testWebhookSecret}, []string{"AUTH_WEBHOOK_SECRET", "AUTH_WEBHOOK_URL"}, testWebhookSecret},
		{"webhook secret malformed", map[string]string{"AUTH_WEBHOOK_URL": "https://hooks.example.com/x", "AUTH_WEBHOOK_SECRET": "whsec_not-base64!"}, []string{"AUTH_WEBHOOK_SECRET", "whsec_"}, "not-base64"},
		{"webhook url loopback", map[string]string{"AUTH_WEBHOOK_URL": "http://127.0.0.1:9000/hook?token=hunter2", "AUTH_WEBHOOK_SECRET": testWebhookSecret}, []string{"AUTH_WEBHOOK_URL", "AUTH_WEBHOOK_ALLOW_PRIVATE"}, "hunter2"},
		{"webhook url ftp", map[string]string{"AUTH_WEBHOOK_URL": "ftp://hooks.example.com/x", "AUTH_WEBHOOK_SECRET": testWebhookSecret}, []string{"AUTH_WEBHOOK_URL"}, ""},
		{"revocation unknown", map[string]string{"AUTH_REVOCATION": "instant"}, []string{"AUTH_REVOCATION", "expiry or immediate"}, ""},
		{"revocation uppercase", map[string]string{"AUTH_REVOCATION": "IMMEDIATE"}, []string{"AUTH_REVOCATION"}, ""},
		{"redis url without scheme", map[string]string{"REDIS_URL": "127.0.0.1:6379"}, []string{"REDIS_URL", "redis://"}, ""},
		{"redis url http", map[string]string{"REDIS_URL": "http://:hunter2@cache:6379/0"}, []string{"REDIS_URL", "scheme"}, "hunter2"},
		{"redis url bad db", map[string]string{"REDIS_URL": "redis://:hunter2@cache:6379/zero"}, []string{"REDIS_URL", "database"}, "hunter2"},
		{"redis url not a url", map[string]string{"REDIS_URL": "redis://:hunter2@cache:port/0"}, []string{"REDIS_URL", "not a URL"}, "hunter2"},
		{"redis url unknown option", map[string]string{"REDIS_URL": "redis://:hunter2@cache:6379/0?colour=red"}, []string{"REDIS_URL", "colour"}, "hunter2"},
		{"metrics not a bool", map[string]string{"METRICS": "off"}, []string{"METRICS"}, ""},
		{"allow private not a bool", map[string]string{"AUTH_WEBHOOK_ALLOW_PRIVATE": "sure"}, []string{"AUTH_WEBHOOK_ALLOW_PRIVATE"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadConfig(envMap(tt.env))
			if err == nil {
				t.Fatalf("loadConfig(%v) succeeded, want an error", tt.env)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not mention %q", msg, w)
				}
			}
			if tt.hidden != "" && strings.Contains(msg, tt.hidden) {
				t.Errorf("error %q leaks %q", msg, tt.hidden)
			}
		})
	}
}

func TestAuthConfig(t *testing.T) {
	t.Parallel()
	secret := []byte(strings.Repeat("s", 32))
	tests := []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, c ginauth.Config)
	}{
		{"defaults", nil, func(t *testing.T, c ginauth.Config) {
			if !c.Cookie.Insecure || c.RefreshReuseGrace != 10*time.Second || c.RateLimit.PerIP != 60 ||
				c.AccessTokenTTL != 15*time.Minute || c.RefreshTokenTTL != 168*time.Hour || c.RequireEmailConfirmation {
				t.Errorf("got %+v", c)
			}
		}},
		{"secure cookies", map[string]string{"AUTH_COOKIE_SECURE": "true"}, func(t *testing.T, c ginauth.Config) {
			if c.Cookie.Insecure {
				t.Error("AUTH_COOKIE_SECURE=true left Cookie.Insecure set")
			}
		}},
		{"grace 0 is off", map[string]string{"AUTH_REFRESH_REUSE_GRACE": "0"}, func(t *testing.T, c ginauth.Config) {
			if c.RefreshReuseGrace != ginauth.Off {
				t.Errorf("RefreshReuseGrace = %s, want ginauth.Off", c.RefreshReuseGrace)
			}
		}},
		{"per-IP 0 is off", map[string]string{"AUTH_RATE_LIMIT_PER_IP": "0"}, func(t *testing.T, c ginauth.Config) {
			if c.RateLimit.PerIP != ginauth.Off || c.RateLimit.Disabled {
				t.Errorf("RateLimit = %+v, want PerIP ginauth.Off and the other limits on", c.RateLimit)
			}
		}},
		{"email confirmation and origins", map[string]string{"AUTH_REQUIRE_EMAIL_CONFIRMATION": "true", "AUTH_TRUSTED_ORIGINS": "https://a.example"}, func(t *testing.T, c ginauth.Config) {
			if !c.RequireEmailConfirmation || len(c.TrustedOrigins) != 1 || c.TrustedOrigins[0] != "https://a.example" {
				t.Errorf("got %+v", c)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := loadConfig(envMap(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			c := authConfig(cfg, secret, "http://127.0.0.1:8080", nil, nil)
			if err := c.Validate(); err != nil {
				t.Fatalf("ginauth rejects the mapped config: %v", err)
			}
			tt.check(t, c)
		})
	}
}
