package users

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
)

// Config configures the users module.
type Config struct {
	// Admins are the platform administrators, each a user id or an email
	// address. An address counts only once the account has confirmed it,
	// so that nobody becomes an administrator by signing up with an
	// address before its owner does.
	Admins []string
}

// ErrNotMounted is the error of the Go API before Register mounted the
// module.
var ErrNotMounted = errors.New("users: the module is not mounted (pass it in ginauth.Config.Modules)")

// ErrInvalidConfig is the error of New for a configuration that cannot work.
var ErrInvalidConfig = errors.New("users: invalid configuration")

// Module is the users module (see the package documentation). Its methods
// are the Go API; they are safe for concurrent use once it is mounted.
type Module struct {
	store     Store
	adminIDs  map[string]bool
	adminMail map[string]bool

	mu   sync.RWMutex
	host ginauth.Host
}

var _ ginauth.Module = (*Module)(nil)

// New returns the users module on st (st.Users() of package store).
func New(st Store, cfg Config) (*Module, error) {
	if st == nil {
		return nil, fmt.Errorf("%w: nil store", ErrInvalidConfig)
	}
	m := &Module{store: st, adminIDs: map[string]bool{}, adminMail: map[string]bool{}}
	for _, a := range cfg.Admins {
		a = strings.TrimSpace(a)
		switch {
		case a == "":
			continue
		case strings.Contains(a, "@"):
			m.adminMail[strings.ToLower(a)] = true
		default:
			m.adminIDs[a] = true
		}
	}
	return m, nil
}

// Name implements ginauth.Module.
func (m *Module) Name() string { return "users" }

// Mount implements ginauth.Module: it mounts the routes. A Module mounts
// once.
func (m *Module) Mount(h ginauth.Host) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.host != nil {
		return errors.New("users: the module is already mounted")
	}
	m.host = h
	m.mountRoutes(h)
	return nil
}

// mounted returns the host, or ErrNotMounted.
func (m *Module) mounted() (ginauth.Host, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.host == nil {
		return nil, ErrNotMounted
	}
	return m.host, nil
}

// IsAdmin reports whether u is a platform administrator: its id is one of
// Config.Admins, or its confirmed email address is.
func (m *Module) IsAdmin(u fastauth.User) bool {
	if m.adminIDs[u.ID] {
		return true
	}
	return u.EmailConfirmedAt != nil && m.adminMail[strings.ToLower(u.Email)]
}

// emitter makes the events of one action: by a request's caller, or by
// the application (no actor, no address).
type emitter func(typ, organizationID string, target fastauth.Target) fastauth.Event

// appEvent is the emitter of the Go API.
func appEvent(typ, organizationID string, target fastauth.Target) fastauth.Event {
	return fastauth.Event{Type: typ, OrganizationID: organizationID, Target: target}
}

func userTarget(id string) fastauth.Target { return fastauth.Target{Type: fastauth.TargetUser, ID: id} }

// updateProfile applies p to userID's profile and emits user.updated.
func (m *Module) updateProfile(ctx context.Context, h ginauth.Host, ev emitter, userID string, p ProfileChange) (fastauth.User, error) {
	var u fastauth.User
	err := h.Change(ctx, func(ctx context.Context) error {
		var err error
		if u, err = m.store.UpdateProfile(ctx, userID, p, h.Now()); err != nil {
			return err
		}
		var fields []string
		for name, set := range map[string]bool{"name": p.Name != nil, "image_url": p.ImageURL != nil, "metadata": p.Metadata != nil} {
			if set {
				fields = append(fields, name)
			}
		}
		slices.Sort(fields)
		e := ev(fastauth.EventUserUpdated, "", userTarget(userID))
		e.Data = map[string]any{"fields": fields}
		return h.Emit(ctx, e)
	})
	return u, err
}

// setDisabled disables (revoking every session) or enables userID and
// emits user.disabled or user.enabled.
func (m *Module) setDisabled(ctx context.Context, h ginauth.Host, ev emitter, userID string, disabled bool, reason string) (fastauth.User, error) {
	var u fastauth.User
	err := h.Change(ctx, func(ctx context.Context) error {
		var n int
		var err error
		if u, n, err = m.store.SetDisabled(ctx, userID, disabled, reason, h.Now()); err != nil {
			return err
		}
		typ, data := fastauth.EventUserEnabled, map[string]any{}
		if disabled {
			typ, data = fastauth.EventUserDisabled, map[string]any{"reason": reason, "sessions_revoked": n}
		}
		e := ev(typ, "", userTarget(userID))
		e.Data = data
		return h.Emit(ctx, e)
	})
	return u, err
}

// revokeSessions revokes every active session of userID and emits
// session.revoked for the user.
func (m *Module) revokeSessions(ctx context.Context, h ginauth.Host, ev emitter, userID string, reason string) (int, error) {
	var n int
	err := h.Change(ctx, func(ctx context.Context) error {
		if _, err := m.store.UserByID(ctx, userID); err != nil {
			return err
		}
		var err error
		if n, err = m.store.RevokeOtherSessions(ctx, userID, "", h.Now()); err != nil {
			return err
		}
		e := ev(fastauth.EventSessionRevoked, "", userTarget(userID))
		e.Data = map[string]any{"reason": reason, "count": n}
		return h.Emit(ctx, e)
	})
	return n, err
}

// deleteUser deletes userID and everything stored about them, emitting
// member.removed for each shared organization they left and user.deleted.
func (m *Module) deleteUser(ctx context.Context, h ginauth.Host, ev emitter, userID string) error {
	return h.Change(ctx, func(ctx context.Context) error {
		u, err := m.store.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		ms, err := m.roles(ctx, userID)
		if err != nil {
			return err
		}
		left, err := m.store.DeleteUser(ctx, userID, h.Now())
		if err != nil {
			return err
		}
		for _, org := range left {
			e := ev(fastauth.EventMemberRemoved, org, userTarget(userID))
			e.Data = map[string]any{"role": string(ms[org]), "reason": "account_deleted"}
			if err := h.Emit(ctx, e); err != nil {
				return err
			}
		}
		e := ev(fastauth.EventUserDeleted, "", userTarget(userID))
		e.Data = map[string]any{"organizations_left": len(left)}
		e.Payload = fastauth.User{ID: u.ID, Email: u.Email}
		return h.Emit(ctx, e)
	})
}

// roles returns userID's role in each organization they belong to.
func (m *Module) roles(ctx context.Context, userID string) (map[string]fastauth.Role, error) {
	ms, err := m.store.Memberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]fastauth.Role, len(ms))
	for _, md := range ms {
		out[md.Organization.ID] = md.Role
	}
	return out, nil
}
