package mfa

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func testStrategy(t testing.TB) *Strategy { return testStrategyKeys(t, testKey(t)) }

func testStrategyKeys(t testing.TB, key []byte, previous ...[]byte) *Strategy {
	t.Helper()
	s, err := New(Config{Issuer: "fastauth", Key: key, PreviousKeys: previous})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestConfig checks the validation of Config and its defaults.
func TestConfig(t *testing.T) {
	t.Parallel()
	key := testKey(t)
	for _, c := range []struct {
		name string
		cfg  Config
		err  string
	}{
		{"valid", Config{Issuer: "Acme", Key: key}, ""},
		{"no issuer", Config{Key: key}, "Issuer is required"},
		{"blank issuer", Config{Issuer: "  ", Key: key}, "Issuer is required"},
		{"colon in issuer", Config{Issuer: "a:b", Key: key}, "may not contain ':'"},
		{"long issuer", Config{Issuer: strings.Repeat("a", 65), Key: key}, "longer than 64"},
		{"no key", Config{Issuer: "Acme"}, "Key must be 32 bytes"},
		{"short key", Config{Issuer: "Acme", Key: key[:16]}, "Key must be 32 bytes"},
		{"short previous key", Config{Issuer: "Acme", Key: key, PreviousKeys: [][]byte{key[:31]}}, "PreviousKeys[0]"},
		{"negative TTL", Config{Issuer: "Acme", Key: key, ChallengeTTL: -time.Second}, "ChallengeTTL"},
		{"negative failures", Config{Issuer: "Acme", Key: key, MaxChallengeFailures: -1}, "MaxChallengeFailures"},
	} {
		s, err := New(c.cfg)
		if c.err == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			if got := s.Config(); got.ChallengeTTL != 5*time.Minute || got.MaxChallengeFailures != 5 {
				t.Errorf("%s: defaults %v, %d", c.name, got.ChallengeTTL, got.MaxChallengeFailures)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: New = %v, want an error containing %q", c.name, err, c.err)
		}
	}
}

// TestTOTPSetupAndEnable walks the setup: the shown secret, URL and QR
// code; a code of the shown secret verifies against the sealed pending
// one; a wrong code, a malformed one, and a state without a pending secret
// are refused.
func TestTOTPSetupAndEnable(t *testing.T) {
	t.Parallel()
	s := testStrategy(t)
	setup, pending, err := s.NewTOTPSetup("user-a", "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := secretEncoding.DecodeString(setup.Secret)
	if err != nil || len(raw) != TOTPSecretSize || strings.Contains(setup.Secret, "=") {
		t.Fatalf("secret %q: %d bytes, %v", setup.Secret, len(raw), err)
	}
	if setup.OtpauthURL != otpauthURL("fastauth", "ada@example.com", setup.Secret) {
		t.Fatalf("OtpauthURL = %s", setup.OtpauthURL)
	}
	if !strings.HasPrefix(setup.QRCode, "data:image/png;base64,") {
		t.Fatalf("QRCode = %.40s", setup.QRCode)
	}
	if pending.SecretID == "" || strings.Contains(string(pending.Secret), string(raw)) {
		t.Fatalf("pending = %+v", pending)
	}

	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	st := TOTPState{UserID: "user-a", SecretID: pending.SecretID, Secret: pending.Secret, CreatedAt: now}
	code, _ := TOTPCode(setup.Secret, now)
	step, err := s.VerifyPendingTOTP(st, code, now)
	if err != nil || step != TOTPStep(now) {
		t.Fatalf("VerifyPendingTOTP = %d, %v", step, err)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	if _, err := s.VerifyPendingTOTP(st, wrong, now); !errors.Is(err, ErrInvalidCode) {
		t.Errorf("wrong code: %v", err)
	}
	if _, err := s.VerifyPendingTOTP(st, "12345", now); !errors.Is(err, ErrMalformedCode) {
		t.Errorf("short code: %v", err)
	}
	if _, err := s.VerifyPendingTOTP(TOTPState{UserID: "user-a"}, code, now); !errors.Is(err, ErrSetupRequired) {
		t.Errorf("no pending secret: %v", err)
	}
	enabled := st
	enabled.EnabledAt = &now
	if _, err := s.VerifyPendingTOTP(enabled, code, now); !errors.Is(err, ErrSetupRequired) {
		t.Errorf("already enabled: %v", err)
	}
	other := st
	other.UserID = "user-b"
	if _, err := s.VerifyPendingTOTP(other, code, now); !errors.Is(err, ErrSecretUnreadable) {
		t.Errorf("secret of another user: %v", err)
	}
}

// TestProof checks how a submitted code becomes a Proof: by its shape,
// within what the route accepts.
func TestProof(t *testing.T) {
	t.Parallel()
	s := testStrategy(t)
	setup, pending, _ := s.NewTOTPSetup("u", "u@example.com")
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	enabledAt := now.Add(-time.Hour)
	st := TOTPState{UserID: "u", SecretID: pending.SecretID, Secret: pending.Secret, EnabledAt: &enabledAt, LastStep: TOTPStep(now) - 5}
	code, _ := TOTPCode(setup.Secret, now)
	rc := s.NewRecoveryCodes("u")

	p, err := s.Proof(st, code, AcceptAny, now)
	if err != nil || p.Method != MethodTOTP || p.TOTPStep != TOTPStep(now) || p.TOTPSecretID != pending.SecretID {
		t.Fatalf("Proof(TOTP) = %+v, %v", p, err)
	}
	p, err = s.Proof(st, strings.ToUpper(rc.Codes[3]), AcceptAny, now)
	if err != nil || p.Method != MethodRecoveryCode || len(p.RecoveryCodeHashes) != 1 || string(p.RecoveryCodeHashes[0]) != string(rc.Hashes[3]) {
		t.Fatalf("Proof(recovery code) = %+v, %v", p, err)
	}

	replayed := st
	replayed.LastStep = TOTPStep(now) + 1
	pendingOnly := st
	pendingOnly.EnabledAt = nil
	for _, c := range []struct {
		name   string
		st     TOTPState
		code   string
		accept Accept
		err    error
	}{
		{"recovery code where TOTP is required", st, rc.Codes[0], AcceptTOTP, ErrMalformedCode},
		{"TOTP code where a recovery code is required", st, code, AcceptRecoveryCode, ErrMalformedCode},
		{"empty", st, "", AcceptAny, ErrMalformedCode},
		{"letters", st, "abcdef", AcceptAny, ErrMalformedCode},
		{"too long", st, strings.Repeat("1", 100), AcceptAny, ErrMalformedCode},
		{"TOTP code, TOTP pending only", pendingOnly, code, AcceptAny, ErrInvalidCode},
		{"TOTP code, no TOTP", TOTPState{UserID: "u"}, code, AcceptAny, ErrInvalidCode},
		{"replayed TOTP code", replayed, code, AcceptAny, ErrCodeReplayed},
	} {
		if _, err := s.Proof(c.st, c.code, c.accept, now); !errors.Is(err, c.err) {
			t.Errorf("%s: Proof = %v, want %v", c.name, err, c.err)
		}
	}
}

// FuzzCodeKind checks that classifying any input never panics and gives
// either a kind or ErrMalformedCode.
func FuzzCodeKind(f *testing.F) {
	for _, s := range []string{"123456", "123 456", "abcde-fgh27", "", "١٢٣٤٥٦", strings.Repeat("7", 65)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		kind, err := codeKind(in)
		switch {
		case err != nil && !errors.Is(err, ErrMalformedCode):
			t.Fatalf("codeKind(%q) = %v", in, err)
		case err == nil && kind != AcceptTOTP && kind != AcceptRecoveryCode:
			t.Fatalf("codeKind(%q) = %v", in, kind)
		}
	})
}
