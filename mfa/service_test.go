package mfa_test

import (
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/mfa"
	"github.com/fastauth/fastauth/store"
)

// env is a Service on a real database and a way to add users to it.
type env struct {
	st  *store.Store
	svc *mfa.Service
	key []byte
}

// forEachDialect runs f with a fresh, migrated database of every available
// dialect.
func forEachDialect(t *testing.T, f func(t *testing.T, e env)) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			st := testdb.Store(t, d.Open(t))
			if err := st.MFA().Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			key := make([]byte, mfa.KeySize)
			_, _ = rand.Read(key)
			svc, err := mfa.NewService(mfa.Config{Issuer: "fastauth", Key: key}, st.MFA())
			if err != nil {
				t.Fatal(err)
			}
			f(t, env{st: st, svc: svc, key: key})
		})
	}
}

var t0 = time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC) // the first second of a TOTP step

// user stores a fresh account and returns its id and address.
func (e env) user(t *testing.T) (string, string) {
	t.Helper()
	id := func() string { return uuid.Must(uuid.NewV7()).String() }
	u := ginauth.User{ID: id(), PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", CreatedAt: t0, UpdatedAt: t0}
	u.Email = u.ID + "@example.com"
	ws := ginauth.Organization{ID: id(), Kind: ginauth.KindPersonal, Name: "Personal", CreatedAt: t0, UpdatedAt: t0}
	if err := e.st.CreateUser(t.Context(), u, ws, ginauth.Membership{OrganizationID: ws.ID, UserID: u.ID, Role: ginauth.RoleOwner, CreatedAt: t0}, nil); err != nil {
		t.Fatal(err)
	}
	return u.ID, u.Email
}

// enabled creates a user with TOTP on (enabled at t0) and returns the
// user id, the secret as the app holds it, and the recovery codes.
func (e env) enabled(t *testing.T) (string, string, []string) {
	t.Helper()
	userID, email := e.user(t)
	setup, err := e.svc.SetupTOTP(t.Context(), userID, email, t0)
	must(t, "SetupTOTP", err)
	rc, err := e.svc.EnableTOTP(t.Context(), userID, code(t, setup.Secret, t0), t0)
	must(t, "EnableTOTP", err)
	return userID, setup.Secret, rc.Codes
}

// code is what the user's app shows at at.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := mfa.TOTPCode(secret, at)
	must(t, "TOTPCode", err)
	return c
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: %v, want %v", what, err, want)
	}
}

// TestServiceFlow walks every route's call as a user would, with the
// codes of a real authenticator (pquerna/otp) and the real store.
func TestServiceFlow(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, e env) {
		ctx := t.Context()
		userID, email := e.user(t)

		// Setup, enable.
		_, err := e.svc.EnableTOTP(ctx, userID, "123456", t0)
		wantErr(t, "EnableTOTP before setup", err, mfa.ErrSetupRequired)
		setup, err := e.svc.SetupTOTP(ctx, userID, email, t0)
		must(t, "SetupTOTP", err)
		if !strings.Contains(setup.OtpauthURL, "otpauth://totp/fastauth:"+email+"?secret="+setup.Secret+"&") {
			t.Fatalf("OtpauthURL = %s", setup.OtpauthURL)
		}
		_, err = e.svc.EnableTOTP(ctx, userID, "12345", t0)
		wantErr(t, "EnableTOTP with five digits", err, mfa.ErrMalformedCode)
		rc, err := e.svc.EnableTOTP(ctx, userID, code(t, setup.Secret, t0.Add(-30*time.Second)), t0)
		must(t, "EnableTOTP with the previous step's code", err)
		if len(rc.Codes) != 10 {
			t.Fatalf("%d recovery codes", len(rc.Codes))
		}
		_, err = e.svc.SetupTOTP(ctx, userID, email, t0)
		wantErr(t, "SetupTOTP when enabled", err, mfa.ErrTOTPEnabled)
		status, err := e.svc.Status(ctx, userID)
		must(t, "Status", err)
		if status != (mfa.Status{TOTPEnabled: true, RecoveryCodesRemaining: 10}) {
			t.Fatalf("Status = %+v", status)
		}

		// Sign-in with TOTP; the same code again is a replay.
		token, methods, err := e.svc.StartChallenge(ctx, userID, "password", []string{"passkey"}, t0)
		must(t, "StartChallenge", err)
		if strings.Join(methods, ",") != "totp,recovery_code,passkey" || !strings.HasPrefix(token, "mfa_") {
			t.Fatalf("StartChallenge = %q, %v", token, methods)
		}
		now := t0.Add(40 * time.Second)
		c, method, err := e.svc.VerifyChallenge(ctx, token, code(t, setup.Secret, now), now)
		must(t, "VerifyChallenge", err)
		if c.UserID != userID || c.FirstMethod != "password" || method != mfa.MethodTOTP {
			t.Fatalf("VerifyChallenge = %+v, %q", c, method)
		}
		_, _, err = e.svc.VerifyChallenge(ctx, token, code(t, setup.Secret, now.Add(30*time.Second)), now.Add(30*time.Second))
		wantErr(t, "VerifyChallenge of a used token", err, mfa.ErrChallengeInvalid)
		token, _, _ = e.svc.StartChallenge(ctx, userID, "password", nil, now)
		c, _, err = e.svc.VerifyChallenge(ctx, token, code(t, setup.Secret, now), now)
		wantErr(t, "VerifyChallenge with a replayed code", err, mfa.ErrCodeReplayed)
		if c.UserID != userID {
			t.Fatalf("a refused code's challenge names user %q, want %q (for the lockout)", c.UserID, userID)
		}
		live, err := e.svc.ChallengeUser(ctx, token, now)
		if err != nil || live.Failures != 1 {
			t.Fatalf("after a replayed code: %+v, %v; want one failure", live, err)
		}

		// Sign-in with a recovery code, typed loosely; used once.
		loose := strings.ToUpper(strings.ReplaceAll(rc.Codes[0], "-", " "))
		_, method, err = e.svc.VerifyChallenge(ctx, token, loose, now)
		if err != nil || method != mfa.MethodRecoveryCode {
			t.Fatalf("VerifyChallenge with %q = %q, %v", loose, method, err)
		}
		token, _, _ = e.svc.StartChallenge(ctx, userID, "password", nil, now)
		_, _, err = e.svc.VerifyChallenge(ctx, token, rc.Codes[0], now)
		wantErr(t, "VerifyChallenge with a used recovery code", err, mfa.ErrInvalidCode)

		// Step-up.
		later := now.Add(time.Minute)
		method, err = e.svc.StepUp(ctx, userID, code(t, setup.Secret, later), later)
		if err != nil || method != mfa.MethodTOTP {
			t.Fatalf("StepUp = %q, %v", method, err)
		}
		_, err = e.svc.StepUp(ctx, userID, code(t, setup.Secret, later), later)
		wantErr(t, "StepUp replayed", err, mfa.ErrCodeReplayed)
		method, err = e.svc.StepUp(ctx, userID, rc.Codes[1], later)
		if err != nil || method != mfa.MethodRecoveryCode {
			t.Fatalf("StepUp with a recovery code = %q, %v", method, err)
		}

		// Regenerate: TOTP only; the old codes stop working.
		later = later.Add(time.Minute)
		_, err = e.svc.RegenerateRecoveryCodes(ctx, userID, rc.Codes[2], later)
		wantErr(t, "RegenerateRecoveryCodes with a recovery code", err, mfa.ErrMalformedCode)
		fresh, err := e.svc.RegenerateRecoveryCodes(ctx, userID, code(t, setup.Secret, later), later)
		must(t, "RegenerateRecoveryCodes", err)
		_, err = e.svc.StepUp(ctx, userID, rc.Codes[2], later)
		wantErr(t, "an old recovery code", err, mfa.ErrInvalidCode)

		// Disable with a recovery code; nothing is left.
		method, err = e.svc.DisableTOTP(ctx, userID, fresh.Codes[9], false, later)
		if err != nil || method != mfa.MethodRecoveryCode {
			t.Fatalf("DisableTOTP = %q, %v", method, err)
		}
		_, err = e.svc.DisableTOTP(ctx, userID, code(t, setup.Secret, later.Add(time.Minute)), false, later)
		wantErr(t, "DisableTOTP twice", err, mfa.ErrTOTPNotEnabled)
		token, methods, err = e.svc.StartChallenge(ctx, userID, "password", nil, later)
		if err != nil || token != "" || len(methods) != 0 {
			t.Fatalf("StartChallenge without a second factor = %q, %v, %v", token, methods, err)
		}
	})
}

// TestServiceChallengeDies checks that five wrong codes kill an mfa_token,
// that malformed codes do not count, and that a token expires after five
// minutes.
func TestServiceChallengeDies(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, e env) {
		ctx := t.Context()
		userID, secret, _ := e.enabled(t)
		now := t0.Add(time.Minute)
		token, _, err := e.svc.StartChallenge(ctx, userID, "password", nil, now)
		must(t, "StartChallenge", err)
		for _, bad := range []string{"", "12345", "abcdef", "1234567", strings.Repeat("9", 1000)} {
			_, _, err := e.svc.VerifyChallenge(ctx, token, bad, now)
			wantErr(t, "VerifyChallenge("+bad+")", err, mfa.ErrMalformedCode)
		}
		right := code(t, secret, now)
		wrong := "000000"
		if right == wrong {
			wrong = "000001"
		}
		for i := range 5 {
			_, _, err := e.svc.VerifyChallenge(ctx, token, wrong, now)
			wantErr(t, "wrong code", err, mfa.ErrInvalidCode)
			if i == 3 {
				c, err := e.svc.ChallengeUser(ctx, token, now)
				if err != nil || c.Failures != 4 {
					t.Fatalf("after four wrong codes: %+v, %v", c, err)
				}
			}
		}
		_, _, err = e.svc.VerifyChallenge(ctx, token, right, now)
		wantErr(t, "the right code after five wrong ones", err, mfa.ErrChallengeInvalid)

		token, _, _ = e.svc.StartChallenge(ctx, userID, "password", nil, now)
		expiry := now.Add(5 * time.Minute)
		_, _, err = e.svc.VerifyChallenge(ctx, token, code(t, secret, expiry), expiry)
		wantErr(t, "VerifyChallenge at expiry", err, mfa.ErrChallengeInvalid)
		_, _, err = e.svc.VerifyChallenge(ctx, token, code(t, secret, expiry), expiry.Add(-time.Second))
		must(t, "VerifyChallenge a second before expiry", err)

		for _, bad := range []string{"", "mfa_", token + "0", strings.ToUpper(token), "mfa_" + strings.Repeat("0", 64)} {
			_, _, err := e.svc.VerifyChallenge(ctx, bad, right, now)
			wantErr(t, "VerifyChallenge with token "+bad, err, mfa.ErrChallengeInvalid)
		}
	})
}

// TestServiceRaces: twenty concurrent verifications with one valid code,
// on one mfa_token and on twenty, give exactly one sign-in; twenty
// concurrent uses of one recovery code exactly one success.
func TestServiceRaces(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, e env) {
		ctx := t.Context()
		const n = 20
		userID, secret, codes := e.enabled(t)
		now := t0.Add(time.Minute)
		c := code(t, secret, now)

		oneToken, _, _ := e.svc.StartChallenge(ctx, userID, "password", nil, now)
		tokens := make([]string, n)
		for i := range tokens {
			tokens[i], _, _ = e.svc.StartChallenge(ctx, userID, "password", nil, now)
		}
		for _, r := range []struct {
			name  string
			token func(i int) string
			code  string
		}{
			{"one TOTP code, one token", func(int) string { return oneToken }, c},
			{"one TOTP code, twenty tokens", func(i int) string { return tokens[i] }, c},
		} {
			if r.name == "one TOTP code, twenty tokens" {
				now = now.Add(30 * time.Second)
				r.code = code(t, secret, now)
			}
			errs := concurrently(n, func(i int) error {
				_, _, err := e.svc.VerifyChallenge(ctx, r.token(i), r.code, now)
				return err
			})
			exactlyOne(t, r.name, errs, mfa.ErrInvalidCode, mfa.ErrChallengeInvalid)
		}
		errs := concurrently(n, func(int) error {
			_, err := e.svc.StepUp(ctx, userID, codes[0], now)
			return err
		})
		exactlyOne(t, "one recovery code", errs, mfa.ErrInvalidCode)
	})
}

// concurrently runs f in n goroutines released at once.
func concurrently(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

func exactlyOne(t *testing.T, what string, errs []error, losers ...error) {
	t.Helper()
	ok := 0
	for i, err := range errs {
		if err == nil {
			ok++
			continue
		}
		known := false
		for _, l := range losers {
			known = known || errors.Is(err, l)
		}
		if !known {
			t.Fatalf("%s: #%d: %v", what, i, err)
		}
	}
	if ok != 1 {
		t.Fatalf("%s: %d succeeded, want exactly 1", what, ok)
	}
}

// TestServiceKeyRotation checks that after a rotation (new Key, the old
// one in PreviousKeys) the enabled secret still verifies and recovery
// codes still work, and that without the old key the secret is unreadable.
func TestServiceKeyRotation(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, e env) {
		ctx := t.Context()
		userID, secret, codes := e.enabled(t)
		newKey := make([]byte, mfa.KeySize)
		_, _ = rand.Read(newKey)
		rotated, err := mfa.NewService(mfa.Config{Issuer: "fastauth", Key: newKey, PreviousKeys: [][]byte{e.key}}, e.st.MFA())
		must(t, "NewService", err)
		now := t0.Add(time.Minute)
		_, err = rotated.StepUp(ctx, userID, code(t, secret, now), now)
		must(t, "StepUp with a secret sealed under the previous key", err)
		_, err = rotated.StepUp(ctx, userID, codes[0], now)
		must(t, "StepUp with a recovery code hashed under the previous key", err)

		lost, err := mfa.NewService(mfa.Config{Issuer: "fastauth", Key: newKey}, e.st.MFA())
		must(t, "NewService", err)
		now = now.Add(time.Minute)
		_, err = lost.StepUp(ctx, userID, code(t, secret, now), now)
		wantErr(t, "StepUp without the sealing key", err, mfa.ErrSecretUnreadable)
		_, err = lost.StepUp(ctx, userID, codes[1], now)
		wantErr(t, "recovery code without its key", err, mfa.ErrInvalidCode)
	})
}

// TestServiceSetupReplaced checks that a code of a replaced setup does not
// enable TOTP, and that the newer setup's code does.
func TestServiceSetupReplaced(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, e env) {
		ctx := t.Context()
		userID, email := e.user(t)
		first, err := e.svc.SetupTOTP(ctx, userID, email, t0)
		must(t, "SetupTOTP", err)
		second, err := e.svc.SetupTOTP(ctx, userID, email, t0)
		must(t, "SetupTOTP again", err)
		_, err = e.svc.EnableTOTP(ctx, userID, code(t, first.Secret, t0), t0)
		wantErr(t, "EnableTOTP with the replaced secret's code", err, mfa.ErrInvalidCode)
		_, err = e.svc.EnableTOTP(ctx, userID, code(t, second.Secret, t0), t0)
		must(t, "EnableTOTP", err)
	})
}

// TestServiceExternal checks the redemption of an mfa_token by another
// module's factor.
func TestServiceExternal(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, e env) {
		ctx := t.Context()
		userID, _ := e.user(t)
		token, methods, err := e.svc.StartChallenge(ctx, userID, "password", []string{"passkey"}, t0)
		if err != nil || token == "" || strings.Join(methods, ",") != "passkey" {
			t.Fatalf("StartChallenge = %q, %v, %v", token, methods, err)
		}
		c, err := e.svc.ChallengeUser(ctx, token, t0)
		if err != nil || c.UserID != userID {
			t.Fatalf("ChallengeUser = %+v, %v", c, err)
		}
		_, err = e.svc.RedeemExternal(ctx, token, mfa.MethodTOTP, t0)
		if err == nil {
			t.Fatal("RedeemExternal accepted the totp method")
		}
		must(t, "FailExternal", e.svc.FailExternal(ctx, token, t0))
		c, err = e.svc.RedeemExternal(ctx, token, "passkey", t0)
		if err != nil || c.UserID != userID {
			t.Fatalf("RedeemExternal = %+v, %v", c, err)
		}
		_, err = e.svc.RedeemExternal(ctx, token, "passkey", t0)
		wantErr(t, "RedeemExternal twice", err, mfa.ErrChallengeInvalid)
	})
}
