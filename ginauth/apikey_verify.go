package ginauth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/fastauth/fastauth"
)

// errAPIKeyInvalid: the bearer key is malformed, unknown, expired, or its
// creator is no longer a member of its organization (401 invalid_token).
var errAPIKeyInvalid = errors.New("ginauth: invalid API key")

// API key format: "sk-" followed by 64 lowercase hex characters (256 bits).
const (
	apiKeyPrefix    = "sk-"
	apiKeyHexLen    = 64
	apiKeyShownHex  = 12 // length of the visible key_prefix
	apiKeyLen       = len(apiKeyPrefix) + apiKeyHexLen
	apiKeyCacheSize = 10000 // most verified keys held in memory
	// apiKeyFlushPeriod is how often (real time) recorded key uses are
	// written to the store. Which uses get written is decided with the
	// injected clock and Config.APIKeyTouchInterval.
	apiKeyFlushPeriod = time.Second
)

// validAPIKey reports whether s has the shape of an API key, so that
// malformed bearers are refused without a store access.
func validAPIKey(s string) bool {
	return len(s) == apiKeyLen && s[:len(apiKeyPrefix)] == apiKeyPrefix && isLowerHex(s[len(apiKeyPrefix):])
}

// isLowerHex reports whether s consists of lowercase hex digits only.
func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// apiKeyVerifier authenticates bearer API keys and records their use.
//
// Verified keys are cached in process, keyed by the key's hash, for
// Config.APIKeyCacheTTL (measured with the injected clock, and never past
// the key's own expiry). Deleting a key, removing a member, changing a
// member's role or deleting an organization through this process evicts
// the affected entries at once; changes made by another process (or
// directly in the database) are seen within APIKeyCacheTTL. A negative
// APIKeyCacheTTL disables the cache.
//
// Uses are recorded in memory on the request path and written by a
// background goroutine (TouchAPIKeys), at most once per
// Config.APIKeyTouchInterval per key; close stops it after a last flush.
type apiKeyVerifier struct {
	a *Auth

	flight singleflight.Group // concurrent store reads of one key, by string(hash)

	mu      sync.Mutex
	gen     uint64                   // incremented by every eviction
	cache   map[string]*cachedAPIKey // by string(hash)
	byID    map[string]string        // key id -> string(hash) of cached entries
	touched map[string]time.Time     // key id -> last use scheduled or known written
	pending map[string]time.Time     // key id -> use time still to be written

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// cachedAPIKey is a verified key: the principal it stands for, valid until
// expires (injected clock).
type cachedAPIKey struct {
	principal Principal
	expires   time.Time
}

// newAPIKeyVerifier returns a verifier for a and starts its usage writer.
func newAPIKeyVerifier(a *Auth) *apiKeyVerifier {
	v := &apiKeyVerifier{
		a:       a,
		cache:   make(map[string]*cachedAPIKey),
		byID:    make(map[string]string),
		touched: make(map[string]time.Time),
		pending: make(map[string]time.Time),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go v.run()
	return v
}

// verify authenticates a bearer API key (the whole "sk-..." string). It
// returns the principal (the key's creator with their current role in the
// key's organization) or an error: errAPIKeyInvalid for a malformed,
// unknown, expired or orphaned key, the store's error otherwise. The format
// is checked before any store access, and no password hashing is involved:
// the lookup is by the key's SHA-256 through a unique index. ctx bounds the
// store read (the base middleware passes one limited by StoreTimeout).
func (v *apiKeyVerifier) verify(ctx context.Context, plain string) (*Principal, error) {
	if !validAPIKey(plain) {
		return nil, errAPIKeyInvalid
	}
	sum := secretDigest(plain)
	now := v.a.now()
	if p, ok := v.cached(sum[:], now); ok {
		v.a.obs.apiKeyLookup(true)
		v.recordUse(p.APIKeyID, now, nil)
		return p, nil
	}
	v.a.obs.apiKeyLookup(false)
	return v.verifyUncached(ctx, sum, now)
}

// verifyUncached reads the key of hash sum from the store. Concurrent
// misses of one key (a busy key whose cache entry just expired) share one
// store read. The read is detached from the first caller's cancellation
// and bounded by StoreTimeout instead.
func (v *apiKeyVerifier) verifyUncached(ctx context.Context, sum [32]byte, now time.Time) (*Principal, error) {
	hash := sum[:]
	res, err, _ := v.flight.Do(string(hash), func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), v.a.cfg.StoreTimeout)
		defer cancel()
		return v.lookup(ctx, hash, now)
	})
	if err != nil {
		return nil, err
	}
	l := res.(apiKeyLookup)
	v.recordUse(l.principal.APIKeyID, now, l.lastUsed)
	p := l.principal
	return &p, nil
}

// apiKeyLookup is the outcome of one store read of a key.
type apiKeyLookup struct {
	principal Principal
	lastUsed  *time.Time
}

// lookup reads a key from the store, checks it and caches the principal.
func (v *apiKeyVerifier) lookup(ctx context.Context, hash []byte, now time.Time) (apiKeyLookup, error) {
	gen := v.generation()
	vk, err := v.a.store.APIKeyByHash(ctx, hash)
	switch {
	case errors.Is(err, ErrNotFound):
		return apiKeyLookup{}, errAPIKeyInvalid
	case err != nil:
		return apiKeyLookup{}, fmt.Errorf("ginauth: verify API key: %w", err)
	}
	k := vk.Key
	if k.ExpiresAt != nil && !now.Before(*k.ExpiresAt) {
		return apiKeyLookup{}, errAPIKeyInvalid
	}
	if vk.Membership == nil || vk.Membership.OrganizationID != k.OrganizationID || !vk.Membership.Role.Valid() {
		return apiKeyLookup{}, errAPIKeyInvalid
	}
	p := Principal{
		Kind:             PrincipalAPIKey,
		UserID:           k.CreatedByUserID,
		Email:            vk.User.Email,
		OrganizationID:   k.OrganizationID,
		OrganizationRole: vk.Membership.Role,
		APIKeyID:         k.ID,
	}
	v.remember(string(hash), p, k.ExpiresAt, now, gen)
	return apiKeyLookup{principal: p, lastUsed: k.LastUsedAt}, nil
}

// generation returns the eviction counter; remember compares it so that a
// read which began before an eviction cannot cache what was evicted.
func (v *apiKeyVerifier) generation() uint64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.gen
}

// cached returns a copy of the cached principal of hash if it is still
// fresh at now.
func (v *apiKeyVerifier) cached(hash []byte, now time.Time) (*Principal, bool) {
	if v.a.cfg.APIKeyCacheTTL < 0 {
		return nil, false
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	e, ok := v.cache[string(hash)] // no allocation for a map index
	if !ok {
		return nil, false
	}
	if !now.Before(e.expires) {
		v.dropLocked(string(hash))
		return nil, false
	}
	p := e.principal
	return &p, true
}

// remember caches a verified key until the cache TTL or the key's expiry,
// whichever comes first, unless an eviction happened since generation gen
// was read (the read may predate a deletion).
func (v *apiKeyVerifier) remember(hash string, p Principal, keyExpires *time.Time, now time.Time, gen uint64) {
	ttl := v.a.cfg.APIKeyCacheTTL
	if ttl < 0 {
		return
	}
	expires := now.Add(ttl)
	if keyExpires != nil && keyExpires.Before(expires) {
		expires = *keyExpires
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.gen != gen {
		return
	}
	if _, ok := v.cache[hash]; !ok && len(v.cache) >= apiKeyCacheSize {
		// Full: drop the stale entries, then arbitrary ones down to 90%
		// so that the sweep is not repeated on every miss.
		for h, e := range v.cache {
			if !now.Before(e.expires) {
				v.dropLocked(h)
			}
		}
		for h := range v.cache {
			if len(v.cache) < apiKeyCacheSize*9/10 {
				break
			}
			v.dropLocked(h)
		}
	}
	v.cache[hash] = &cachedAPIKey{principal: p, expires: expires}
	v.byID[p.APIKeyID] = hash
}

// dropLocked removes one cache entry; v.mu must be held.
func (v *apiKeyVerifier) dropLocked(hash string) {
	if e, ok := v.cache[hash]; ok {
		delete(v.byID, e.principal.APIKeyID)
		delete(v.cache, hash)
	}
}

// evictKey forgets a deleted key at once.
func (v *apiKeyVerifier) evictKey(id string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.gen++
	if h, ok := v.byID[id]; ok {
		v.dropLocked(h)
	}
	delete(v.pending, id)
	delete(v.touched, id)
}

// evictMember forgets every cached key userID created in organizationID
// (after a role change or removal), or every key of the organization when
// userID is empty (after its deletion).
func (v *apiKeyVerifier) evictMember(organizationID, userID string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.gen++
	for h, e := range v.cache {
		if e.principal.OrganizationID == organizationID && (userID == "" || e.principal.UserID == userID) {
			v.dropLocked(h)
		}
	}
}

// evictUser forgets every cached key userID created, in any organization
// (after a password reset deleted them).
func (v *apiKeyVerifier) evictUser(userID string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.gen++
	for h, e := range v.cache {
		if e.principal.UserID == userID {
			v.dropLocked(h)
		}
	}
}

// recordUse notes that key id was used at now. It schedules a last_used_at
// write unless one was scheduled (or, per lastWritten from the store,
// made) less than APIKeyTouchInterval before now.
func (v *apiKeyVerifier) recordUse(id string, now time.Time, lastWritten *time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	last, ok := v.touched[id]
	if lastWritten != nil && (!ok || lastWritten.After(last)) {
		last, ok = *lastWritten, true
	}
	if ok && now.Sub(last) < v.a.cfg.APIKeyTouchInterval {
		if lastWritten != nil {
			v.touched[id] = last // a later write than the one noted
		}
		return
	}
	v.touched[id] = now
	v.pending[id] = now
}

// run flushes recorded uses every apiKeyFlushPeriod until close.
func (v *apiKeyVerifier) run() {
	defer close(v.done)
	t := time.NewTicker(apiKeyFlushPeriod)
	defer t.Stop()
	for {
		select {
		case <-v.stop:
			return
		case <-t.C:
			if err := v.flush(); err != nil {
				v.a.log.Warn("fastauth: recording API key use failed; will retry", "err", err)
			}
		}
	}
}

// flush writes the pending uses; on failure they are kept for the next
// flush. It also forgets schedule entries that no longer throttle anything.
func (v *apiKeyVerifier) flush() error {
	v.mu.Lock()
	batch := v.pending
	v.pending = make(map[string]time.Time)
	now := v.a.now()
	for id, t := range v.touched {
		if now.Sub(t) >= v.a.cfg.APIKeyTouchInterval {
			delete(v.touched, id)
		}
	}
	v.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), v.a.cfg.StoreTimeout)
	defer cancel()
	if err := v.a.store.TouchAPIKeys(ctx, batch); err != nil {
		v.mu.Lock()
		for id, t := range batch {
			if cur, ok := v.pending[id]; !ok || t.After(cur) {
				v.pending[id] = t
			}
		}
		v.mu.Unlock()
		return fmt.Errorf("ginauth: touch API keys: %w", err)
	}
	return nil
}

// close stops the usage writer and flushes what it holds. It is safe to
// call more than once; later calls return the first result.
func (v *apiKeyVerifier) close() error {
	v.closeOnce.Do(func() {
		close(v.stop)
		<-v.done
		v.closeErr = v.flush()
	})
	return v.closeErr
}

// evictOn is the event subscriber that keeps the cache of verified keys
// true to the changes of this process: a deleted key, a member whose role
// changed or who joined again or left, a deleted organization, a password
// reset that deleted the user's keys. It runs after the commit of each
// change, before the response is written.
func (v *apiKeyVerifier) evictOn(_ context.Context, e Event) error {
	switch e.Type {
	case fastauth.EventAPIKeyDeleted:
		v.evictKey(e.Target.ID)
	case fastauth.EventMemberRoleChanged, fastauth.EventMemberRemoved, fastauth.EventMemberAdded:
		v.evictMember(e.OrganizationID, e.Target.ID)
	case fastauth.EventOrganizationDeleted:
		v.evictMember(e.OrganizationID, "")
	case fastauth.EventPasswordReset:
		if n, _ := e.Data["api_keys_deleted"].(int); n > 0 {
			v.evictUser(e.Target.ID)
		}
	}
	return nil
}
