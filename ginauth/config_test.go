package ginauth

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	ok := func() Config { return Config{Secret: testSecret(0)} }
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string // "" means valid; else a fragment of the error
	}{
		{"minimal", func(*Config) {}, ""},
		{"test argon2 with AllowWeak", func(c *Config) { c.Argon2 = testArgon2 }, ""},
		{"previous secrets", func(c *Config) { c.PreviousSecrets = [][]byte{testSecret(1)} }, ""},
		{"trusted origin", func(c *Config) { c.TrustedOrigins = []string{"https://app.example"} }, ""},
		{"negative grace disables it", func(c *Config) { c.RefreshReuseGrace = -1 }, ""},
		{"negative clock skew allows none", func(c *Config) { c.ClockSkew = -1 }, ""},
		{"clock skew up to the access ttl", func(c *Config) { c.ClockSkew = 15 * time.Minute }, ""},
		{"clock skew over the access ttl", func(c *Config) { c.ClockSkew = 16 * time.Minute }, "ClockSkew (16m0s) must not exceed AccessTokenTTL"},
		{"default clock skew with a short access ttl", func(c *Config) { c.AccessTokenTTL = 2 * time.Second }, ""},
		{"no secret", func(c *Config) { c.Secret = nil }, "Secret must be at least 32 bytes"},
		{"short secret", func(c *Config) { c.Secret = []byte(strings.Repeat("x", 31)) }, "Secret must be at least 32 bytes, got 31"},
		{"short previous secret", func(c *Config) { c.PreviousSecrets = [][]byte{testSecret(1), []byte("x")} }, "PreviousSecrets[1]"},
		{"negative access ttl", func(c *Config) { c.AccessTokenTTL = -time.Second }, "AccessTokenTTL must be positive"},
		{"negative refresh ttl", func(c *Config) { c.RefreshTokenTTL = -time.Second }, "RefreshTokenTTL must be positive"},
		{"negative hash queue timeout", func(c *Config) { c.HashQueueTimeout = -1 }, "HashQueueTimeout must be positive"},
		{"negative verification ttl", func(c *Config) { c.VerificationTokenTTL = -1 }, "VerificationTokenTTL must be positive"},
		{"negative invite ttl", func(c *Config) { c.InviteTTL = -1 }, "InviteTTL must be positive"},
		{"negative touch interval", func(c *Config) { c.APIKeyTouchInterval = -1 }, "APIKeyTouchInterval must be positive"},
		{"negative store timeout", func(c *Config) { c.StoreTimeout = -1 }, "StoreTimeout must be positive"},
		{"access ttl over refresh ttl", func(c *Config) { c.AccessTokenTTL = 2 * time.Hour; c.RefreshTokenTTL = time.Hour }, "must not exceed RefreshTokenTTL"},
		{"password min 0", func(c *Config) { c.Password = PasswordPolicy{MinLength: 0, MaxLength: 10, RequireDigit: true} }, "Password.MinLength"},
		{"password max below min", func(c *Config) { c.Password = PasswordPolicy{MinLength: 10, MaxLength: 9} }, "Password.MaxLength"},
		{"password max over 1024", func(c *Config) { c.Password = PasswordPolicy{MinLength: 8, MaxLength: 2000} }, "Password.MaxLength"},
		{"argon2 zero iterations", func(c *Config) {
			c.Argon2 = Argon2Params{Memory: 64, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true}
		}, "Argon2 parameters invalid"},
		{"argon2 zero parallelism", func(c *Config) {
			c.Argon2 = Argon2Params{Memory: 64, Iterations: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true}
		}, "Argon2 parameters invalid"},
		{"argon2 memory below 8p", func(c *Config) {
			c.Argon2 = Argon2Params{Memory: 15, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32, AllowWeak: true}
		}, "Argon2 parameters invalid"},
		{"argon2 weak without AllowWeak", func(c *Config) { c.Argon2 = testArgon2; c.Argon2.AllowWeak = false }, "below OWASP"},
		{"argon2 t=1 without AllowWeak", func(c *Config) { c.Argon2 = DefaultArgon2Params; c.Argon2.Iterations = 1 }, "below OWASP"},
		{"argon2 short salt", func(c *Config) { c.Argon2 = testArgon2; c.Argon2.SaltLength = 8 }, "SaltLength and KeyLength"},
		{"argon2 short key", func(c *Config) { c.Argon2 = testArgon2; c.Argon2.KeyLength = 8 }, "SaltLength and KeyLength"},
		{"negative max hashes", func(c *Config) { c.MaxConcurrentHashes = -1 }, "MaxConcurrentHashes"},
		{"tiny body limit", func(c *Config) { c.MaxBodyBytes = 100 }, "MaxBodyBytes must be at least 1024"},
		{"same cookie names", func(c *Config) { c.Cookie.AccessName = "tok"; c.Cookie.RefreshName = "tok" }, "must differ"},
		{"default cookie name clash", func(c *Config) { c.Cookie.RefreshName = "access_token" }, "must differ"},
		{"cookie name with a space", func(c *Config) { c.Cookie.AccessName = "access token" }, "RFC 6265 token"},
		{"cookie name with a separator", func(c *Config) { c.Cookie.RefreshName = "refresh;token" }, "RFC 6265 token"},
		{"origin without scheme", func(c *Config) { c.TrustedOrigins = []string{"app.example"} }, "TrustedOrigins entry"},
		{"origin with a path", func(c *Config) { c.TrustedOrigins = []string{"https://app.example/login"} }, "TrustedOrigins entry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := ok()
			tt.mutate(&c)
			err := c.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want ErrInvalidConfig mentioning %q", err, tt.want)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c := Config{Secret: testSecret(0), BasePath: "api/auth/"}.withDefaults()
	if c.BasePath != "/api/auth" {
		t.Errorf("BasePath = %q", c.BasePath)
	}
	if c.AccessTokenTTL != 15*time.Minute || c.RefreshTokenTTL != 7*24*time.Hour || c.RefreshReuseGrace != 10*time.Second || c.ClockSkew != time.Minute {
		t.Errorf("lifetimes = %v %v %v, skew %v", c.AccessTokenTTL, c.RefreshTokenTTL, c.RefreshReuseGrace, c.ClockSkew)
	}
	if c.Cookie.AccessName != "access_token" || c.Cookie.RefreshName != "refresh_token" || c.Cookie.SameSite != http.SameSiteLaxMode || c.Cookie.AccessPath != "/" {
		t.Errorf("cookie = %+v", c.Cookie)
	}
	if short := (Config{Secret: testSecret(0), AccessTokenTTL: 2 * time.Second}).withDefaults(); short.ClockSkew != 2*time.Second {
		t.Errorf("default ClockSkew with a 2s AccessTokenTTL = %v, want 2s", short.ClockSkew)
	}
	if c.Password != DefaultPasswordPolicy || c.Argon2 != DefaultArgon2Params {
		t.Errorf("policy %+v, argon2 %+v", c.Password, c.Argon2)
	}
	if c.Argon2.Memory < 19*1024 || c.Argon2.Iterations < 2 || c.Argon2.Parallelism < 1 {
		t.Errorf("default argon2 below OWASP: %+v", c.Argon2)
	}
}
