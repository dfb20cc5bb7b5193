package users

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/internal/secret"
)

// NewUser is an account the application creates (Module.CreateUser).
type NewUser struct {
	// Email is normalized by the kernel's rules (400 invalid_email).
	Email string
	// Password, when not empty, must pass the password policy (400
	// weak_password); empty creates an account without password, which
	// signs in another way or sets one through the password reset.
	Password string
	// EmailConfirmed marks the address confirmed.
	EmailConfirmed bool
	// Name, ImageURL and Metadata are the profile (checked as PATCH /me).
	Name     string
	ImageURL string
	Metadata json.RawMessage
}

// CreateUser creates an account with its personal workspace and emits
// user.signed_up (the AfterSignUp hook runs; BeforeSignUp does not: the
// application decided). An address that has an account gives
// fastauth.ErrDuplicateEmail.
func (m *Module) CreateUser(ctx context.Context, nu NewUser) (fastauth.User, error) {
	h, err := m.mounted()
	if err != nil {
		return fastauth.User{}, err
	}
	email, err := h.NormalizeEmail(nu.Email)
	if err != nil {
		return fastauth.User{}, err
	}
	name, err := CheckName(nu.Name)
	if err != nil {
		return fastauth.User{}, err
	}
	img, err := CheckImageURL(nu.ImageURL)
	if err != nil {
		return fastauth.User{}, err
	}
	md, err := CheckMetadata(nu.Metadata)
	if err != nil {
		return fastauth.User{}, err
	}
	var hash string
	if nu.Password != "" {
		if hash, err = h.HashPassword(ctx, nu.Password); err != nil {
			return fastauth.User{}, err
		}
	}
	userID, err1 := secret.NewID()
	orgID, err2 := secret.NewID()
	if err1 != nil || err2 != nil {
		return fastauth.User{}, fmt.Errorf("users: new id: %w %w", err1, err2)
	}
	now := h.Now()
	u := fastauth.User{ID: userID, Email: email, PasswordHash: hash, Name: name, ImageURL: img, CreatedAt: now, UpdatedAt: now}
	if len(md) > 0 {
		u.Metadata = md
	}
	if nu.EmailConfirmed {
		u.EmailConfirmedAt = &now
	}
	ws := fastauth.Organization{ID: orgID, Kind: fastauth.KindPersonal, Name: "Personal", CreatedAt: now, UpdatedAt: now}
	owner := fastauth.Membership{OrganizationID: orgID, UserID: userID, Role: fastauth.RoleOwner, CreatedAt: now}
	err = h.Change(ctx, func(ctx context.Context) error {
		if err := m.store.CreateUser(ctx, u, ws, owner, nil); err != nil {
			return err
		}
		e := appEvent(fastauth.EventUserSignedUp, ws.ID, userTarget(u.ID))
		e.Data = map[string]any{"created_by": "application"}
		hu := u
		hu.PasswordHash = ""
		e.Payload = hu
		return h.Emit(ctx, e)
	})
	if err != nil {
		return fastauth.User{}, err
	}
	u.PasswordHash = ""
	return u, nil
}

// SetPassword sets userID's password (checked against the password
// policy), revokes every session and emits password.changed.
func (m *Module) SetPassword(ctx context.Context, userID, password string) error {
	h, err := m.mounted()
	if err != nil {
		return err
	}
	hash, err := h.HashPassword(ctx, password)
	if err != nil {
		return err
	}
	return h.Change(ctx, func(ctx context.Context) error {
		u, err := m.store.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		if err := m.store.ChangePassword(ctx, userID, u.CredentialVersion, hash, "", h.Now()); err != nil {
			return err
		}
		e := appEvent(fastauth.EventPasswordChanged, "", userTarget(userID))
		e.Data = map[string]any{"by": "application"}
		return h.Emit(ctx, e)
	})
}

// UpdateProfile applies p (checked as PATCH /me checks it) to userID's
// profile and emits user.updated.
func (m *Module) UpdateProfile(ctx context.Context, userID string, p ProfileChange) (fastauth.User, error) {
	h, err := m.mounted()
	if err != nil {
		return fastauth.User{}, err
	}
	if p.Name != nil {
		n, err := CheckName(*p.Name)
		if err != nil {
			return fastauth.User{}, err
		}
		p.Name = &n
	}
	if p.ImageURL != nil {
		if _, err := CheckImageURL(*p.ImageURL); err != nil {
			return fastauth.User{}, err
		}
	}
	if p.Metadata != nil {
		md, err := CheckMetadata(*p.Metadata)
		if err != nil {
			return fastauth.User{}, err
		}
		p.Metadata = &md
	}
	return m.updateProfile(ctx, h, appEvent, userID, p)
}

// Disable disables userID with the reason (at most MaxReasonLength
// characters): every session is revoked, sign-in answers 403
// account_disabled, refresh is refused, and the account's API keys stop
// working (at once in this process and, in revocation mode immediate,
// everywhere; within the key cache's bound otherwise). It emits
// user.disabled.
func (m *Module) Disable(ctx context.Context, userID, reason string) (fastauth.User, error) {
	h, err := m.mounted()
	if err != nil {
		return fastauth.User{}, err
	}
	if reason, err = checkReason(reason); err != nil {
		return fastauth.User{}, err
	}
	return m.setDisabled(ctx, h, appEvent, userID, true, reason)
}

// Enable enables userID again and emits user.enabled.
func (m *Module) Enable(ctx context.Context, userID string) (fastauth.User, error) {
	h, err := m.mounted()
	if err != nil {
		return fastauth.User{}, err
	}
	return m.setDisabled(ctx, h, appEvent, userID, false, "")
}

// RevokeSessions revokes every active session of userID (signs them out
// everywhere) and returns how many; it emits session.revoked.
func (m *Module) RevokeSessions(ctx context.Context, userID string) (int, error) {
	h, err := m.mounted()
	if err != nil {
		return 0, err
	}
	return m.revokeSessions(ctx, h, appEvent, userID, "application")
}

// List returns one page of the users matching q (see ListQuery; a zero
// Limit is DefaultLimit, at most MaxLimit) and how many match. The users
// have no password hash.
func (m *Module) List(ctx context.Context, q ListQuery) ([]fastauth.User, int64, error) {
	if _, err := m.mounted(); err != nil {
		return nil, 0, err
	}
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	q.Limit = min(q.Limit, MaxLimit)
	q.Offset = max(q.Offset, 0)
	us, n, err := m.store.ListUsers(ctx, q)
	for i := range us {
		us[i].PasswordHash = ""
	}
	return us, n, err
}

// Delete deletes userID and everything stored about them, as DELETE /me
// does (fastauth.ErrLastOwner while they are the last owner of a shared
// organization).
func (m *Module) Delete(ctx context.Context, userID string) error {
	h, err := m.mounted()
	if err != nil {
		return err
	}
	return m.deleteUser(ctx, h, appEvent, userID)
}

// Export returns everything stored about userID, as GET /me/export does.
func (m *Module) Export(ctx context.Context, userID string) (Export, error) {
	h, err := m.mounted()
	if err != nil {
		return Export{}, err
	}
	doc, err := m.store.ExportUser(ctx, userID)
	doc.ExportedAt = h.Now()
	return doc, err
}
