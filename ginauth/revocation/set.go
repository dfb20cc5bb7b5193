package revocation

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/fastauth/fastauth"
)

// set is the in-process set of ended sessions and staleness marks.
type set struct {
	ttl time.Duration // the access tokens' lifetime: past it an entry ends nothing
	now func() time.Time
	up  atomic.Bool // the broadcast delivers; else check the store per request

	mu       sync.RWMutex
	sessions map[string]time.Time   // revoked session id → when
	users    map[string]userRevoked // user id → its latest revoke-others
	stale    map[string]time.Time   // user id → tokens issued up to then are stale
	orgs     map[string]time.Time   // organization id → tokens for it issued up to then are stale
	// since is when the set started to be complete: the instance's start,
	// or the broadcast's latest recovery. A token issued up to then may
	// have been ended by a change the set missed: its session is checked
	// in the store once (checked), then the set decides.
	since   time.Time
	checked map[string]struct{}
}

// userRevoked is a revoke-others: every session of the user but keep,
// revoked at at.
type userRevoked struct {
	at   time.Time
	keep string
}

// newSet is an empty set whose entries last ttl (the access tokens'
// lifetime) by the clock now.
func newSet(ttl time.Duration, now func() time.Time) *set {
	return &set{
		ttl:      ttl,
		now:      now,
		sessions: make(map[string]time.Time),
		users:    make(map[string]userRevoked),
		stale:    make(map[string]time.Time),
		orgs:     make(map[string]time.Time),
		since:    now(),
		checked:  make(map[string]struct{}),
	}
}

// record adds r to the set, and drops the entries that no unexpired
// token can be affected by any more.
func (rv *set) record(r Revocation) {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	later := func(m map[string]time.Time, k string) {
		if t, ok := m[k]; !ok || r.At.After(t) {
			m[k] = r.At
		}
	}
	switch r.Event {
	case fastauth.EventSessionRevoked, fastauth.EventSessionReplayDetected,
		fastauth.EventUserDisabled, fastauth.EventUserDeleted: // these two end every session of the user
		if r.Target.Type == fastauth.TargetSession {
			later(rv.sessions, r.Target.ID)
		} else if r.Target.Type == fastauth.TargetUser {
			if u, ok := rv.users[r.Target.ID]; !ok || r.At.After(u.at) {
				rv.users[r.Target.ID] = userRevoked{at: r.At, keep: r.KeepSessionID}
			}
		}
	case fastauth.EventPasswordChanged, fastauth.EventPasswordReset,
		fastauth.EventMemberRoleChanged, fastauth.EventMemberRemoved:
		// A password change or reset revokes the user's other sessions
		// in the store: their tokens go stale (401 token_expired), and
		// their refresh then fails.
		later(rv.stale, r.Target.ID)
	case fastauth.EventOrganizationDeleted:
		later(rv.orgs, r.Target.ID)
	}
	rv.prune()
}

// recovered restarts the completeness of the set (the broadcast is back:
// what it carried meanwhile is lost): tokens issued up to now get their
// session checked in the store once more.
func (rv *set) recovered() {
	rv.mu.Lock()
	rv.since = rv.now()
	clear(rv.checked)
	rv.mu.Unlock()
}

// markChecked records that the store found session's token good since
// the set's latest start.
func (rv *set) markChecked(session string) {
	rv.mu.Lock()
	rv.checked[session] = struct{}{}
	rv.mu.Unlock()
}

// prune drops the entries older than an access token lives. Called with
// mu held for writing.
func (rv *set) prune() {
	horizon := rv.now().Add(-rv.ttl - time.Minute)
	for _, m := range []map[string]time.Time{rv.sessions, rv.stale, rv.orgs} {
		for k, t := range m {
			if t.Before(horizon) {
				delete(m, k)
			}
		}
	}
	for k, u := range rv.users {
		if u.at.Before(horizon) {
			delete(rv.users, k)
		}
	}
}

// ends says whether a change at at ends a token issued at iat (zero: a
// token without iat, ended by any change). Tokens carry iat in whole
// seconds: a token of an earlier second is ended, one of a later second
// is not, and one of the same second is unsure (issued just before or
// just after the change): the store decides.
func ends(iat, at time.Time) (ended, unsure bool) {
	if iat.IsZero() {
		return true, false
	}
	sec := at.Truncate(time.Second)
	switch {
	case iat.Before(sec):
		return true, false
	case iat.Equal(sec):
		return false, true
	}
	return false, false
}

// check judges the token of p issued at iat against the set: Revoked for
// a revoked session, Stale for a stale token, else Accepted, with unsure
// set when a change happened in the second the token was issued (the
// store decides). It allocates nothing.
func (rv *set) check(p *fastauth.Principal, iat time.Time) (v Verdict, unsure bool) {
	rv.mu.RLock()
	defer rv.mu.RUnlock()
	if ended, maybe := ends(iat, rv.since); ended || maybe {
		if _, ok := rv.checked[p.SessionID]; !ok && rv.now().Before(rv.since.Add(rv.ttl+time.Minute)) {
			unsure = true // issued before the set was complete
		}
	}
	if len(rv.sessions)+len(rv.users)+len(rv.stale)+len(rv.orgs) == 0 {
		return Accepted, unsure
	}
	if _, ok := rv.sessions[p.SessionID]; ok {
		return Revoked, false
	}
	if u, ok := rv.users[p.UserID]; ok && u.keep != p.SessionID {
		ended, maybe := ends(iat, u.at)
		if ended {
			return Revoked, false
		}
		unsure = unsure || maybe
	}
	if t, ok := rv.stale[p.UserID]; ok {
		ended, maybe := ends(iat, t)
		if ended {
			return Stale, false
		}
		unsure = unsure || maybe
	}
	if p.OrganizationID != "" {
		if t, ok := rv.orgs[p.OrganizationID]; ok {
			ended, maybe := ends(iat, t)
			if ended {
				return Stale, false
			}
			unsure = unsure || maybe
		}
	}
	return Accepted, unsure
}
