package ginauth

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testClock is a settable clock for unit tests.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2030, 1, 2, 3, 4, 5, 600_000_000, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func testSecret(b byte) []byte { return []byte(strings.Repeat(string(rune('a'+b)), 32)) }

func testSigner(t *testing.T, clock *testClock, secret []byte, previous ...[]byte) *tokenSigner {
	t.Helper()
	cfg := Config{Secret: secret, PreviousSecrets: previous, Now: clock.Now}.withDefaults()
	s, err := newTokenSigner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	testUser   = User{ID: "0193a1b2-0000-7000-8000-000000000001", Email: "ada@example.com"}
	testActive = MembershipDetail{
		Membership:   Membership{OrganizationID: "0193a1b2-0000-7000-8000-0000000000aa", Role: RoleAdmin},
		Organization: Organization{ID: "0193a1b2-0000-7000-8000-0000000000aa", Kind: KindShared, Name: "Acme"},
	}
	testSID = "0193a1b2-0000-7000-8000-0000000000ff"
	// testAuthTime is the auth time of testSession.
	testAuthTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
)

// hs256 is the HS256 accessSigner of s.
func (s *tokenSigner) hs256() *hs256Signer { return s.signer.(*hs256Signer) }

// testSession is a password session (aal 1, amr [password]) with id sid.
func testSession(sid string) Session {
	return Session{ID: sid, AAL: 1, AMR: []string{MethodPassword}, AuthTime: testAuthTime}
}

// validClaims are the claims sign would produce at now.
func validClaims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": "fastauth", "aud": "fastauth",
		"iat": now.Unix(), "exp": now.Add(15 * time.Minute).Unix(),
		"sub": testUser.ID, "sid": testSID, "email": testUser.Email,
		"org": testActive.Organization.ID, "org_role": "admin", "role": "authenticated",
		"aal": 1, "amr": []string{"password"}, "auth_time": testAuthTime.Unix(),
	}
}

// forge signs claims with method and key, with kid as the kid header
// (none when empty).
func forge(t *testing.T, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func without(c jwt.MapClaims, key string) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, v := range c {
		if k != key {
			out[k] = v
		}
	}
	return out
}

func with(c jwt.MapClaims, key string, v any) jwt.MapClaims {
	out := without(c, key)
	out[key] = v
	return out
}

func TestTokenSignVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	s := testSigner(t, clock, testSecret(0))
	tok, err := s.sign(testUser, testActive, testSession(testSID))
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.verify(tok)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	p := c.principal()
	want := Principal{
		Kind: PrincipalSession, UserID: testUser.ID, Email: testUser.Email, OrganizationID: testActive.Organization.ID, OrganizationRole: RoleAdmin, SessionID: testSID,
		AAL: 1, AMR: []string{MethodPassword}, AuthTime: testAuthTime,
	}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("principal = %+v, want %+v", p, want)
	}
	parsed, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Header["alg"] != "HS256" || parsed.Header["kid"] != keyID(testSecret(0)) {
		t.Fatalf("header = %v", parsed.Header)
	}
	claims := parsed.Claims.(jwt.MapClaims)
	for _, k := range []string{"iss", "aud", "exp", "iat", "sub", "sid", "email", "org", "org_role", "role", "aal", "amr", "auth_time"} {
		if _, ok := claims[k]; !ok {
			t.Errorf("claim %q missing", k)
		}
	}
	if claims["role"] != "authenticated" || claims["org_role"] != "admin" {
		t.Errorf("claims = %v", claims)
	}
}

func TestTokenStaysSmall(t *testing.T) {
	t.Parallel()
	s := testSigner(t, newTestClock(), testSecret(0))
	u := testUser
	u.Email = strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com"
	tok, err := s.sign(u, testActive, testSession(testSID))
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) > 1024 {
		t.Fatalf("token is %d bytes; keep it well under the 4 KiB cookie limit", len(tok))
	}
}

func TestTokenVerifyRefuses(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	secret := testSecret(0)
	s := testSigner(t, clock, secret)
	kid := keyID(secret)
	now := clock.Now()
	good := validClaims(now)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	genuine := forge(t, jwt.SigningMethodHS256, secret, kid, good)
	if _, err := s.verify(genuine); err != nil {
		t.Fatalf("the forged-correctly baseline must verify: %v", err)
	}
	parts := strings.Split(genuine, ".")
	flip := func(seg string) string {
		b := []byte(seg)
		if b[len(b)/2] == 'A' {
			b[len(b)/2] = 'B'
		} else {
			b[len(b)/2] = 'A'
		}
		return string(b)
	}
	none := forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, kid, good)

	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"empty", "", errTokenInvalid},
		{"garbage", "not.a.jwt", errTokenInvalid},
		{"alg none", none, errTokenInvalid},
		{"alg none without signature", strings.TrimSuffix(none, ".") + ".", errTokenInvalid},
		{"HS384 with the right key", forge(t, jwt.SigningMethodHS384, secret, kid, good), errTokenInvalid},
		{"HS512 with the right key", forge(t, jwt.SigningMethodHS512, secret, kid, good), errTokenInvalid},
		{"RS256", forge(t, jwt.SigningMethodRS256, rsaKey, kid, good), errTokenInvalid},
		{"no kid", forge(t, jwt.SigningMethodHS256, secret, "", good), errTokenInvalid},
		{"unknown kid", forge(t, jwt.SigningMethodHS256, secret, "0123456789abcdef", good), errTokenInvalid},
		{"right kid, other secret", forge(t, jwt.SigningMethodHS256, testSecret(1), kid, good), errTokenInvalid},
		{"tampered payload", parts[0] + "." + flip(parts[1]) + "." + parts[2], errTokenInvalid},
		{"tampered signature", parts[0] + "." + parts[1] + "." + flip(parts[2]), errTokenInvalid},
		{"missing signature", parts[0] + "." + parts[1] + ".", errTokenInvalid},
		{"missing exp", forge(t, jwt.SigningMethodHS256, secret, kid, without(good, "exp")), errTokenRejected},
		{"missing iss", forge(t, jwt.SigningMethodHS256, secret, kid, without(good, "iss")), errTokenRejected},
		{"wrong iss", forge(t, jwt.SigningMethodHS256, secret, kid, with(good, "iss", "evil")), errTokenRejected},
		{"missing aud", forge(t, jwt.SigningMethodHS256, secret, kid, without(good, "aud")), errTokenRejected},
		{"wrong aud", forge(t, jwt.SigningMethodHS256, secret, kid, with(good, "aud", "other")), errTokenRejected},
		{"iat beyond the clock skew", forge(t, jwt.SigningMethodHS256, secret, kid, with(good, "iat", now.Add(s.skew+time.Second).Unix())), errTokenRejected},
		{"nbf beyond the clock skew", forge(t, jwt.SigningMethodHS256, secret, kid, with(good, "nbf", now.Add(s.skew+time.Second).Unix())), errTokenRejected},
		{"missing sub", forge(t, jwt.SigningMethodHS256, secret, kid, without(good, "sub")), errTokenRejected},
		{"missing sid", forge(t, jwt.SigningMethodHS256, secret, kid, without(good, "sid")), errTokenRejected},
		{"missing org", forge(t, jwt.SigningMethodHS256, secret, kid, without(good, "org")), errTokenRejected},
		{"bad org_role", forge(t, jwt.SigningMethodHS256, secret, kid, with(good, "org_role", "root")), errTokenRejected},
		{"custom org_role", forge(t, jwt.SigningMethodHS256, secret, kid, with(good, "org_role", "billing")), nil},
		{"wrong role", forge(t, jwt.SigningMethodHS256, secret, kid, with(good, "role", "service_role")), errTokenRejected},
		{"exp as string", forge(t, jwt.SigningMethodHS256, secret, kid, with(good, "exp", "tomorrow")), errTokenInvalid},
		{"expired", forge(t, jwt.SigningMethodHS256, secret, kid, with(good, "exp", now.Add(-time.Second).Unix())), errTokenExpired},
		{"expired and wrong iss", forge(t, jwt.SigningMethodHS256, secret, kid, with(with(good, "exp", now.Add(-time.Second).Unix()), "iss", "evil")), errTokenRejected},
		{"expired, other secret", forge(t, jwt.SigningMethodHS256, testSecret(1), kid, with(good, "exp", now.Add(-time.Second).Unix())), errTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// An invalid token is never reported as merely expired, and
			// only a token signed with our secret as rejected (which
			// spares the refresh cookie).
			_, err := s.verify(tt.token)
			if verdict(err) != verdict(tt.want) {
				t.Fatalf("verify = %v (%s), want %s", err, verdict(err), verdict(tt.want))
			}
		})
	}
}

func TestTokenExpiresWithInjectedClock(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	s := testSigner(t, clock, testSecret(0))
	tok, err := s.sign(testUser, testActive, testSession(testSID))
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(15*time.Minute - time.Second)
	if _, err := s.verify(tok); err != nil {
		t.Fatalf("1s before the lifetime ends: %v", err)
	}
	clock.Advance(time.Second)
	if _, err := s.verify(tok); !errors.Is(err, errTokenExpired) {
		t.Fatalf("at the lifetime's end: %v, want errTokenExpired", err)
	}
}

func TestTokenSecretRotation(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	oldSecret, newSecret := testSecret(0), testSecret(1)
	before := testSigner(t, clock, oldSecret)
	during := testSigner(t, clock, newSecret, oldSecret)
	after := testSigner(t, clock, newSecret)

	oldTok, err := before.sign(testUser, testActive, testSession(testSID))
	if err != nil {
		t.Fatal(err)
	}
	newTok, err := during.sign(testUser, testActive, testSession(testSID))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := during.verify(oldTok); err != nil {
		t.Errorf("a previous secret must still verify: %v", err)
	}
	if _, err := during.verify(newTok); err != nil {
		t.Errorf("the current secret must verify: %v", err)
	}
	if _, err := before.verify(newTok); !errors.Is(err, errTokenInvalid) {
		t.Errorf("a token of a secret unknown to the verifier: %v, want errTokenInvalid", err)
	}
	if _, err := after.verify(oldTok); !errors.Is(err, errTokenInvalid) {
		t.Errorf("a token of a retired secret: %v, want errTokenInvalid", err)
	}
	parsed, _, _ := jwt.NewParser().ParseUnverified(newTok, jwt.MapClaims{})
	if parsed.Header["kid"] != keyID(newSecret) {
		t.Errorf("the current secret must sign; kid = %v", parsed.Header["kid"])
	}
}

func TestNewTokenSignerRefusesShortSecrets(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{
		{Secret: []byte("short")},
		{Secret: testSecret(0), PreviousSecrets: [][]byte{[]byte("short")}},
	} {
		if _, err := newTokenSigner(cfg.withDefaults()); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("newTokenSigner(%q, %q) = %v, want ErrInvalidConfig", cfg.Secret, cfg.PreviousSecrets, err)
		}
	}
}

func BenchmarkTokenVerify(b *testing.B) {
	s, err := newTokenSigner(Config{Secret: testSecret(0)}.withDefaults())
	if err != nil {
		b.Fatal(err)
	}
	tok, err := s.sign(testUser, testActive, testSession(testSID))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHS256SignerIsTheAccessSigner: the HS256 signer names its algorithm
// and current kid, publishes no public key, verifies what it signs with
// the same claims, and holds every token to the claim rules itself (the
// kernel only adds the fastauth claims and the cache).
func TestHS256SignerIsTheAccessSigner(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	s := testSigner(t, clock, testSecret(0), testSecret(1))
	var signer accessSigner = s.signer
	if signer.alg() != "HS256" || signer.kid() != keyID(testSecret(0)) || signer.publicKeys() != nil {
		t.Fatalf("alg %q kid %q public keys %v", signer.alg(), signer.kid(), signer.publicKeys())
	}
	now := clock.Now()
	in := accessClaims{
		Issuer: "fastauth", Audience: "fastauth", IssuedAt: newNumericDate(now), ExpiresAt: newNumericDate(now.Add(time.Minute)),
		Subject: testUser.ID, SessionID: testSID, Email: testUser.Email, OrganizationID: testActive.Organization.ID,
		OrganizationRole: RoleAdmin, Role: authenticatedRole, AAL: 2, AMR: []string{MethodPassword, MethodTOTP}, AuthTime: newNumericDate(now),
	}
	tok, err := signer.sign(&in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := signer.verify(tok)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if got, want := mustJSON(t, out), mustJSON(t, in); got != want {
		t.Fatalf("verify = %s, want %s", got, want)
	}
	clock.Advance(time.Minute)
	if _, err := signer.verify(tok); !errors.Is(err, errTokenExpired) {
		t.Fatalf("verify after exp = %v, want expired", err)
	}
	other := in
	other.Audience = "someone-else"
	tok, err = signer.sign(&other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signer.verify(tok); !errors.Is(err, errTokenRejected) {
		t.Fatalf("verify of another audience = %v, want rejected", err)
	}
}

// mustJSON is v in JSON (times as NumericDates, whatever their location).
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
