package passkeys_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/passkeys"
)

func TestConfig(t *testing.T) {
	t.Parallel()
	st := testdb.Store(t, testdb.SQLite(t)).Passkeys()
	tests := []struct {
		name    string
		cfg     passkeys.Config
		err     string   // a part of the error, "" for valid
		origins []string // normalized, when valid
		max     int
	}{
		{"localhost", passkeys.Config{RPID: "localhost", RPDisplayName: "Dev", Origins: []string{"http://localhost:8080"}}, "", []string{"http://localhost:8080"}, passkeys.DefaultMaxPasskeys},
		{"normalized", passkeys.Config{RPID: " Example.COM ", RPDisplayName: " Ex ", Origins: []string{"HTTPS://App.Example.com:443/", "https://example.com", "https://example.com"}, MaxPasskeys: 3},
			"", []string{"https://app.example.com", "https://example.com"}, 3},
		{"sub-localhost over http", passkeys.Config{RPID: "localhost", RPDisplayName: "Dev", Origins: []string{"http://app.localhost:3000"}}, "", []string{"http://app.localhost:3000"}, passkeys.DefaultMaxPasskeys},
		{"no rp id", passkeys.Config{RPDisplayName: "x", Origins: []string{"https://example.com"}}, "RPID is required", nil, 0},
		{"rp id with scheme", passkeys.Config{RPID: "https://example.com", RPDisplayName: "x", Origins: []string{"https://example.com"}}, "bare domain", nil, 0},
		{"rp id with port", passkeys.Config{RPID: "example.com:443", RPDisplayName: "x", Origins: []string{"https://example.com"}}, "bare domain", nil, 0},
		{"rp id is an ip", passkeys.Config{RPID: "127.0.0.1", RPDisplayName: "x", Origins: []string{"http://127.0.0.1"}}, "IP address", nil, 0},
		{"rp id trailing dot", passkeys.Config{RPID: "example.com.", RPDisplayName: "x", Origins: []string{"https://example.com"}}, "bare domain", nil, 0},
		{"no name", passkeys.Config{RPID: "example.com", Origins: []string{"https://example.com"}}, "RPDisplayName", nil, 0},
		{"no origin", passkeys.Config{RPID: "example.com", RPDisplayName: "x"}, "at least one origin", nil, 0},
		{"origin of another site", passkeys.Config{RPID: "example.com", RPDisplayName: "x", Origins: []string{"https://evil.com"}}, "not the RP ID", nil, 0},
		{"origin only ending like the rp id", passkeys.Config{RPID: "example.com", RPDisplayName: "x", Origins: []string{"https://notexample.com"}}, "not the RP ID", nil, 0},
		{"http origin", passkeys.Config{RPID: "example.com", RPDisplayName: "x", Origins: []string{"http://example.com"}}, "use https", nil, 0},
		{"origin with path", passkeys.Config{RPID: "example.com", RPDisplayName: "x", Origins: []string{"https://example.com/app"}}, "scheme://host[:port] only", nil, 0},
		{"origin with query", passkeys.Config{RPID: "example.com", RPDisplayName: "x", Origins: []string{"https://example.com?x=1"}}, "scheme://host[:port] only", nil, 0},
		{"origin with user", passkeys.Config{RPID: "example.com", RPDisplayName: "x", Origins: []string{"https://u@example.com"}}, "scheme://host[:port] only", nil, 0},
		{"origin without scheme", passkeys.Config{RPID: "example.com", RPDisplayName: "x", Origins: []string{"example.com"}}, "http or https", nil, 0},
		{"android origin", passkeys.Config{RPID: "example.com", RPDisplayName: "x", Origins: []string{"android:apk-key-hash:abc"}}, "http or https", nil, 0},
		{"negative bound", passkeys.Config{RPID: "example.com", RPDisplayName: "x", Origins: []string{"https://example.com"}, MaxPasskeys: -1}, "negative", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.cfg.Validate()
			rp, newErr := passkeys.New(tt.cfg, st)
			if tt.err != "" {
				if err == nil || newErr == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Validate: %v, New: %v; want an error with %q", err, newErr, tt.err)
				}
				return
			}
			if err != nil || newErr != nil {
				t.Fatalf("Validate: %v, New: %v", err, newErr)
			}
			got := rp.Config()
			if !slices.Equal(got.Origins, tt.origins) || got.MaxPasskeys != tt.max || got.RPID != strings.ToLower(strings.TrimSpace(tt.cfg.RPID)) {
				t.Fatalf("normalized config %+v, want origins %v, max %d", got, tt.origins, tt.max)
			}
		})
	}
	// Validate reports every problem at once.
	err := passkeys.Config{Origins: []string{"ftp://x"}}.Validate()
	for _, part := range []string{"RPID is required", "RPDisplayName", "ftp://x"} {
		if err == nil || !strings.Contains(err.Error(), part) {
			t.Errorf("error %v lacks %q", err, part)
		}
	}
}
