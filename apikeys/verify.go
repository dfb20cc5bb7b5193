package apikeys

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth/module"
	"github.com/fastauth/fastauth/internal/secret"
)

// Verification constants.
const (
	cacheSize = 10000 // most verified keys held in memory
	// cacheName names the cache of verified keys for the kernel's
	// observer (Host.CacheLookups).
	cacheName = "api_key"
	// flushPeriod is how often (real time) recorded key uses are written
	// to the store. Which uses get written is decided with the injected
	// clock and Config.TouchInterval.
	flushPeriod = time.Second
)

// verifier authenticates bearer API keys and records their use.
//
// Verified keys are cached in process, keyed by the key's hash, for
// Config.CacheTTL (measured with the injected clock, and never past
// the key's own expiry). Deleting a key, removing a member, changing a
// member's role or deleting an organization through this process evicts
// the affected entries at once; changes made by another process (or
// directly in the database) are seen within APIKeyCacheTTL. A negative
// APIKeyCacheTTL disables the cache.
//
// Uses are recorded in memory on the request path and written by a
// background goroutine (TouchAPIKeys), at most once per
// Config.TouchInterval per key; close stops it after a last flush.
type verifier struct {
	store    Store
	cfg      Config
	now      func() time.Time
	storeCtx storeContext // bounds a store call (Host.StoreContext)
	log      *slog.Logger
	// lookups counts the cache's hits and misses for the kernel's
	// observer (Host.CacheLookups); nil counts nothing.
	lookups *module.LookupCounter

	flight singleflight.Group // concurrent store reads of one key, by string(hash)

	mu      sync.Mutex
	gen     uint64                // incremented by every eviction
	cache   map[string]*cachedKey // by string(hash)
	byID    map[string]string     // key id -> string(hash) of cached entries
	touched map[string]time.Time  // key id -> last use scheduled or known written
	pending map[string]time.Time  // key id -> use time still to be written

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// cachedKey is a verified key: the principal it stands for, valid until
// expires (injected clock).
type cachedKey struct {
	principal fastauth.Principal
	expires   time.Time
}

// newVerifier returns a verifier on st and starts its usage writer.
func newVerifier(st Store, cfg Config, now func() time.Time, storeCtx storeContext, log *slog.Logger) *verifier {
	v := &verifier{
		store:    st,
		cfg:      cfg,
		now:      now,
		storeCtx: storeCtx,
		log:      log,
		cache:    make(map[string]*cachedKey),
		byID:     make(map[string]string),
		touched:  make(map[string]time.Time),
		pending:  make(map[string]time.Time),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	go v.run()
	return v
}

// verify authenticates a bearer API key (the whole "sk-..." string). It
// returns the principal (the key's creator with their current role in the
// key's organization) or an error: module.ErrInvalidCredential for a malformed,
// unknown, expired or orphaned key, the store's error otherwise. The format
// is checked before any store access, and no password hashing is involved:
// the lookup is by the key's SHA-256 through a unique index. ctx bounds the
// store read (the request's; the read is bounded by the store timeout).
func (v *verifier) verify(ctx context.Context, plain string) (*fastauth.Principal, error) {
	if !validKey(plain) {
		return nil, module.ErrInvalidCredential
	}
	sum := secret.Digest(plain)
	now := v.now()
	if p, ok := v.cached(sum[:], now); ok {
		v.lookups.Count(true)
		return p, nil
	}
	v.lookups.Count(false)
	return v.verifyUncached(ctx, sum, now)
}

// AuthenticateBearer implements module.Authenticator.
func (v *verifier) AuthenticateBearer(ctx context.Context, credential string) (*fastauth.Principal, error) {
	return v.verify(ctx, credential)
}

// WellFormed implements module.Authenticator: the shape of an API key.
func (v *verifier) WellFormed(credential string) bool { return validKey(credential) }

// verifyUncached reads the key of hash sum from the store. Concurrent
// misses of one key (a busy key whose cache entry just expired) share one
// store read. The read is detached from the first caller's cancellation
// and bounded by the store timeout instead.
func (v *verifier) verifyUncached(ctx context.Context, sum [32]byte, now time.Time) (*fastauth.Principal, error) {
	hash := sum[:]
	res, err, _ := v.flight.Do(string(hash), func() (any, error) {
		ctx, cancel := v.storeCtx(context.WithoutCancel(ctx))
		defer cancel()
		return v.lookup(ctx, hash, now)
	})
	if err != nil {
		return nil, err
	}
	l := res.(keyLookup)
	v.recordUse(l.principal.APIKeyID, now, l.lastUsed)
	p := l.principal
	return &p, nil
}

// keyLookup is the outcome of one store read of a key.
type keyLookup struct {
	principal fastauth.Principal
	lastUsed  *time.Time
}

// lookup reads a key from the store, checks it and caches the principal.
func (v *verifier) lookup(ctx context.Context, hash []byte, now time.Time) (keyLookup, error) {
	gen := v.generation()
	vk, err := v.store.APIKeyByHash(ctx, hash)
	switch {
	case errors.Is(err, fastauth.ErrNotFound):
		return keyLookup{}, module.ErrInvalidCredential
	case err != nil:
		return keyLookup{}, fmt.Errorf("apikeys: verify API key: %w", err)
	}
	k := vk.Key
	if k.ExpiresAt != nil && !now.Before(*k.ExpiresAt) {
		return keyLookup{}, module.ErrInvalidCredential
	}
	if vk.Membership == nil || vk.Membership.OrganizationID != k.OrganizationID || !vk.Membership.Role.WellFormed() {
		return keyLookup{}, module.ErrInvalidCredential
	}
	if vk.User.DisabledAt != nil { // its creator's account is disabled
		return keyLookup{}, module.ErrInvalidCredential
	}
	p := fastauth.Principal{
		Kind:             fastauth.PrincipalAPIKey,
		UserID:           k.CreatedByUserID,
		Email:            vk.User.Email,
		OrganizationID:   k.OrganizationID,
		OrganizationRole: vk.Membership.Role,
		APIKeyID:         k.ID,
		Permissions:      k.Permissions,
	}
	v.remember(string(hash), p, k.ExpiresAt, now, gen)
	return keyLookup{principal: p, lastUsed: k.LastUsedAt}, nil
}

// generation returns the eviction counter; remember compares it so that a
// read which began before an eviction cannot cache what was evicted.
func (v *verifier) generation() uint64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.gen
}

// cached returns the cached principal of hash if it is still fresh at
// now, and records the key's use under the same lock. The principal is
// the cache entry's own, shared by every request that presents the key
// until the entry goes: read-only, like a warm access token's (see
// fastauth.Principal), so that a warm key allocates nothing.
func (v *verifier) cached(hash []byte, now time.Time) (*fastauth.Principal, bool) {
	if v.cfg.CacheTTL < 0 {
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
	v.recordUseLocked(e.principal.APIKeyID, now, nil)
	return &e.principal, true
}

// remember caches a verified key until the cache TTL or the key's expiry,
// whichever comes first, unless an eviction happened since generation gen
// was read (the read may predate a deletion).
func (v *verifier) remember(hash string, p fastauth.Principal, keyExpires *time.Time, now time.Time, gen uint64) {
	ttl := v.cfg.CacheTTL
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
	if _, ok := v.cache[hash]; !ok && len(v.cache) >= cacheSize {
		// Full: drop the stale entries, then arbitrary ones down to 90%
		// so that the sweep is not repeated on every miss.
		for h, e := range v.cache {
			if !now.Before(e.expires) {
				v.dropLocked(h)
			}
		}
		for h := range v.cache {
			if len(v.cache) < cacheSize*9/10 {
				break
			}
			v.dropLocked(h)
		}
	}
	v.cache[hash] = &cachedKey{principal: p, expires: expires}
	v.byID[p.APIKeyID] = hash
}

// dropLocked removes one cache entry; v.mu must be held.
func (v *verifier) dropLocked(hash string) {
	if e, ok := v.cache[hash]; ok {
		delete(v.byID, e.principal.APIKeyID)
		delete(v.cache, hash)
	}
}

// evictKey forgets a deleted key at once.
func (v *verifier) evictKey(id string) {
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
func (v *verifier) evictMember(organizationID, userID string) {
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
func (v *verifier) evictUser(userID string) {
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
func (v *verifier) recordUse(id string, now time.Time, lastWritten *time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.recordUseLocked(id, now, lastWritten)
}

// recordUseLocked is recordUse with v.mu held.
func (v *verifier) recordUseLocked(id string, now time.Time, lastWritten *time.Time) {
	last, ok := v.touched[id]
	if lastWritten != nil && (!ok || lastWritten.After(last)) {
		last, ok = *lastWritten, true
	}
	if ok && now.Sub(last) < v.cfg.TouchInterval {
		if lastWritten != nil {
			v.touched[id] = last // a later write than the one noted
		}
		return
	}
	v.touched[id] = now
	v.pending[id] = now
}

// run flushes recorded uses every flushPeriod until close.
func (v *verifier) run() {
	defer close(v.done)
	t := time.NewTicker(flushPeriod)
	defer t.Stop()
	for {
		select {
		case <-v.stop:
			return
		case <-t.C:
			if err := v.flush(); err != nil {
				v.log.Warn("fastauth: recording API key use failed; will retry", "err", err)
			}
		}
	}
}

// flush writes the pending uses; on failure they are kept for the next
// flush. It also forgets schedule entries that no longer throttle anything.
func (v *verifier) flush() error {
	v.mu.Lock()
	batch := v.pending
	v.pending = make(map[string]time.Time)
	now := v.now()
	for id, t := range v.touched {
		if now.Sub(t) >= v.cfg.TouchInterval {
			delete(v.touched, id)
		}
	}
	v.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	ctx, cancel := v.storeCtx(context.Background())
	defer cancel()
	if err := v.store.TouchAPIKeys(ctx, batch); err != nil {
		v.mu.Lock()
		for id, t := range batch {
			if cur, ok := v.pending[id]; !ok || t.After(cur) {
				v.pending[id] = t
			}
		}
		v.mu.Unlock()
		return fmt.Errorf("apikeys: touch API keys: %w", err)
	}
	return nil
}

// close stops the usage writer and flushes what it holds. It is safe to
// call more than once; later calls return the first result.
func (v *verifier) close() error {
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
// reset that deleted the user's keys, a disabled or deleted account. It runs after the commit of each
// change, before the response is written.
func (v *verifier) evictOn(_ context.Context, e fastauth.Event) error {
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
	case fastauth.EventUserDisabled, fastauth.EventUserDeleted:
		v.evictUser(e.Target.ID)
	}
	return nil
}
