package tokenverify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fastauth/fastauth/internal/tokencache"
)

// maxTokenLen bounds the tokens Verify reads: a fastauth access token is
// well under 1 KiB (an email is at most 254 bytes).
const maxTokenLen = 8 << 10

// Verifier verifies fastauth access tokens with the issuer's published
// keys. It is safe for concurrent use.
type Verifier struct {
	issuer, audience string
	skew             time.Duration
	now              func() time.Time
	cookie           string
	cop              *http.CrossOriginProtection
	parser           *jwt.Parser
	keys             *keySet
	cache            *tokencache.Cache[verified]
}

// cacheSize is the most verified tokens a Verifier remembers. An entry
// costs about 1 KiB (the token and its principal): at most about 16 MiB.
const cacheSize = 16384

// verified is what the cache keeps of a verified token: its principal
// and the key that verified it, which must still be the issuer's for a
// hit to count.
type verified struct {
	principal Principal
	kid       string
	key       *publicKey
}

// New returns a Verifier for cfg and starts fetching the issuer's JWK Set
// in the background; it does not wait for it (Verify does, when it needs
// a key). ctx bounds the verifier's background work: when it ends, the
// periodic refresh stops and no further fetch succeeds, so keep it alive
// as long as the service runs and cancel it at shutdown. New returns an
// error matching ErrInvalidConfig when cfg is unusable.
func New(ctx context.Context, cfg Config) (*Verifier, error) {
	return newVerifier(ctx, cfg, minBackoff)
}

// newVerifier is New with the first retry's backoff.
func newVerifier(ctx context.Context, cfg Config, backoff time.Duration) (*Verifier, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	cop := http.NewCrossOriginProtection()
	for _, o := range cfg.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("%w: TrustedOrigins: %w", ErrInvalidConfig, err)
		}
	}
	v := &Verifier{
		issuer:   cfg.Issuer,
		audience: cfg.Audience,
		skew:     cfg.ClockSkew,
		now:      cfg.Now,
		cookie:   cfg.CookieName,
		cop:      cop,
		parser: jwt.NewParser(
			jwt.WithValidMethods(algorithms),
			jwt.WithStrictDecoding(),
			jwt.WithoutClaimsValidation(), // claims.check, at one instant of cfg.Now
		),
		keys:  newKeySet(ctx, cfg, backoff),
		cache: tokencache.New[verified](cacheSize),
	}
	// The first fetch starts before New returns, so that the first
	// verifications wait for it rather than start fetches of their own.
	go v.keys.run(v.keys.join())
	return v, nil
}

// Verify checks an access token and returns its principal. It uses the
// keys in memory; only a token naming a key id the verifier does not
// know may make it wait for a fetch of the JWK Set (see the package
// documentation), for no longer than ctx allows. Errors match
// ErrTokenExpired (a genuine token past its exp: refresh it) or
// ErrInvalidToken (everything else, ErrKeysUnavailable included).
//
// Tokens that verified are remembered (up to 16,384 of them), so that a
// client sending the same token on every request costs one signature
// check per token: a repeat is answered from memory, with the time checks
// redone at the current instant and only while the key that verified it
// is still published, so it gets the answer a full verification would.
func (v *Verifier) Verify(ctx context.Context, token string) (Principal, error) {
	if e := v.cache.Get(token); e != nil {
		if p, ok, err := v.cached(token, e); ok {
			return p, err
		}
	}
	if len(token) > maxTokenLen {
		return Principal{}, fmt.Errorf("%w: longer than %d bytes", ErrInvalidToken, maxTokenLen)
	}
	var (
		c   claims
		kid string
		key *publicKey
	)
	_, err := v.parser.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		var ok bool
		if kid, ok = t.Header["kid"].(string); !ok || kid == "" {
			return nil, errors.New("no kid header")
		}
		k, err := v.keys.key(ctx, kid)
		if err != nil {
			return nil, err
		}
		if alg := t.Method.Alg(); alg != k.alg {
			return nil, fmt.Errorf("algorithm %s on a key that verifies %s only", alg, k.alg)
		}
		key = k
		return k.key, nil
	})
	switch {
	case errors.Is(err, ErrKeysUnavailable):
		return Principal{}, ErrKeysUnavailable
	case err != nil:
		return Principal{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	now := v.now()
	if err := c.check(now, v.skew, v.issuer, v.audience); err != nil {
		return Principal{}, err
	}
	p := c.principal()
	v.cache.Add(token, &tokencache.Entry[verified]{
		Value:     verified{principal: p, kid: kid, key: key},
		NotBefore: c.notBefore(v.skew),
		Expires:   p.ExpiresAt,
	}, now)
	p.AMR = slices.Clone(p.AMR) // the cached principal's stays unshared
	return p, nil
}

// cached answers a repeat of a verified token: ok is false when the key
// that verified it is no longer the issuer's (retired, or replaced under
// its kid), and the token must be verified in full.
func (v *Verifier) cached(token string, e *tokencache.Entry[verified]) (p Principal, ok bool, err error) {
	if !v.keys.current(e.Value.kid, e.Value.key) {
		v.cache.Remove(token, e)
		return Principal{}, false, nil
	}
	now := v.now()
	switch {
	case now.Before(e.NotBefore): // the clock went back
		return Principal{}, true, fmt.Errorf("%w: claims refused: used before issued", ErrInvalidToken)
	case !now.Before(e.Expires):
		v.cache.Remove(token, e)
		return Principal{}, true, ErrTokenExpired
	}
	p = e.Value.principal
	p.AMR = slices.Clone(p.AMR)
	return p, true, nil
}

// Authenticate verifies the access token of r: the `Authorization:
// Bearer <token>` header or, when r has no Authorization header, the
// access cookie (a malformed header never falls back to the cookie).
// An unsafe request authenticated by cookie that the browser marks
// cross-origin (Sec-Fetch-Site, else Origin against Host) and that comes
// from no TrustedOrigins entry is refused with ErrCrossOrigin; bearer
// requests are exempt, as browsers never attach the header by themselves.
// WriteError answers a refused request.
func (v *Verifier) Authenticate(r *http.Request) (Principal, error) {
	token, fromCookie, err := v.credential(r)
	if err != nil {
		return Principal{}, err
	}
	p, err := v.Verify(r.Context(), token)
	if err != nil {
		return Principal{}, err
	}
	if fromCookie && v.cop.Check(r) != nil {
		return Principal{}, ErrCrossOrigin
	}
	return p, nil
}

// errBadAuthorization: an Authorization header that is not a bearer token.
var errBadAuthorization = fmt.Errorf("%w: the Authorization header must be Bearer <access token>", ErrInvalidToken)

// credential returns r's token and whether it came from the cookie.
func (v *Verifier) credential(r *http.Request) (token string, fromCookie bool, err error) {
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := bearer(h)
		if !ok {
			return "", false, errBadAuthorization
		}
		return token, false, nil
	}
	ck, err := r.Cookie(v.cookie)
	if err != nil || ck.Value == "" {
		return "", false, ErrNoCredentials
	}
	return ck.Value, true, nil
}

// bearer returns the credential of an `Authorization: Bearer <token>`
// header value (the scheme case-insensitive), as the fastauth server
// reads it.
func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// Middleware admits the requests Authenticate accepts, with their
// principal in the request context (PrincipalFrom), and answers the
// others with WriteError.
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := v.Authenticate(r)
		if err != nil {
			WriteError(w, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), &p)))
	})
}
