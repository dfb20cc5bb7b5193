package webhook_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/webhook"
)

func TestParseSecret(t *testing.T) {
	t.Parallel()
	b64 := func(n int) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xA5}, n)) }
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"published test secret (24 bytes)", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true},
		{"32 bytes", "whsec_" + b64(32), true},
		{"64 bytes", "whsec_" + b64(64), true},
		{"23 bytes: too short", "whsec_" + b64(23), false},
		{"65 bytes: too long", "whsec_" + b64(65), false},
		{"empty", "", false},
		{"prefix only", "whsec_", false},
		{"no prefix", b64(32), false},
		{"other prefix", "whsk_" + b64(32), false},
		{"upper-case prefix", "WHSEC_" + b64(32), false},
		{"trailing newline", "whsec_" + b64(32) + "\n", false},
		{"newline inside", "whsec_" + b64(32)[:10] + "\n" + b64(32)[10:], false},
		{"leading space", " whsec_" + b64(32), false},
		{"unpadded", "whsec_" + strings.TrimRight(b64(32), "="), false},
		{"URL-safe alphabet", "whsec_" + base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xFB}, 32)), false},
		{"non-zero padding bits", "whsec_" + b64(32)[:42] + "V=", false}, // canonical: "U="
		{"not base64", "whsec_" + strings.Repeat("!", 44), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := webhook.ParseSecret(tt.in)
			if tt.ok {
				if err != nil || s.IsZero() {
					t.Fatalf("ParseSecret(%q) = %v, %v; want a secret", tt.in, s, err)
				}
				if s.Reveal() != tt.in {
					t.Fatalf("Reveal() = %q, want %q", s.Reveal(), tt.in)
				}
				return
			}
			if !errors.Is(err, webhook.ErrInvalidSecret) || !s.IsZero() {
				t.Fatalf("ParseSecret(%q) = %v, %v; want ErrInvalidSecret", tt.in, s, err)
			}
			if len(tt.in) > 12 && strings.Contains(err.Error(), strings.TrimPrefix(strings.TrimSpace(tt.in), "whsec_")) {
				t.Fatalf("the error repeats the secret: %v", err)
			}
		})
	}
}

func TestGenerateSecret(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		s := webhook.GenerateSecret()
		text := s.Reveal()
		back, err := webhook.ParseSecret(text)
		if err != nil || back.Reveal() != text {
			t.Fatalf("ParseSecret(GenerateSecret().Reveal()) = %v, %v", back.Reveal(), err)
		}
		key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(text, webhook.SecretPrefix))
		if len(key) != webhook.GeneratedSecretBytes {
			t.Fatalf("generated %d bytes, want %d", len(key), webhook.GeneratedSecretBytes)
		}
		if seen[text] {
			t.Fatalf("GenerateSecret repeated %q", text)
		}
		seen[text] = true
	}
}

// A Secret printed, logged or dumped by mistake shows no key material.
func TestSecretDoesNotPrintItself(t *testing.T) {
	t.Parallel()
	s := webhook.GenerateSecret()
	key := strings.TrimPrefix(s.Reveal(), webhook.SecretPrefix)
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "secret", s, "struct", struct{ S webhook.Secret }{s})
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "secret", s)
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s),
		fmt.Sprintf("%+v %#v", struct{ S webhook.Secret }{s}, struct{ S webhook.Secret }{s}),
		fmt.Sprintf("%v", []webhook.Secret{s}), logged.String(),
	} {
		if strings.Contains(out, key) || strings.Contains(out, key[:8]) {
			t.Fatalf("the key shows in %q", out)
		}
	}
	if got := fmt.Sprint(webhook.Secret{}); got != "webhook.Secret(none)" {
		t.Fatalf("zero Secret prints %q", got)
	}
	if webhook.GenerateSecret().IsZero() || !(webhook.Secret{}).IsZero() || (webhook.Secret{}).Reveal() != "" {
		t.Fatal("IsZero or Reveal of the zero Secret is wrong")
	}
}
