package passkeys

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/mfa"
)

// Module is passkeys as a ginauth module: registration, the account's
// list, rename and delete, the discoverable sign-in and, joined to the mfa
// module, the passkey as a second factor after a password. Enable it with
// one line of ginauth.Config (after the mfa module it joins):
//
//	second := mfa.NewModule(mfaCfg, st.MFA())
//	Modules: []ginauth.Module{second, passkeys.NewModule(pkCfg, st.Passkeys(), second)}
//
// The application migrates the module's tables (st.Passkeys().Migrate(ctx))
// next to the kernel's.
type Module struct {
	cfg   Config
	store Store
	mfa   *mfa.Module
	rp    *RelyingParty
	h     ginauth.Host
	// purgeEvery is how often expired ceremonies are deleted.
	purgeEvery time.Duration
}

var (
	_ ginauth.Module = (*Module)(nil)
	_ mfa.Factor     = (*Module)(nil)
)

// NewModule returns the module of cfg on store. With second (the mfa
// module, mounted too), passkeys are a second factor: a password sign-in
// of an account with a passkey answers 403 mfa_required with "passkey"
// among the methods, POST /mfa/passkey/options starts the ceremony and
// POST /mfa/verify takes its answer. second may be nil. An invalid cfg or
// a nil store is reported by Mount, so ginauth.Register fails with it.
func NewModule(cfg Config, store Store, second *mfa.Module) *Module {
	return &Module{cfg: cfg, store: store, mfa: second, purgeEvery: CeremonyLifetime}
}

// Name implements ginauth.Module: "passkeys".
func (m *Module) Name() string { return "passkeys" }

// RelyingParty returns the ceremonies behind the routes once the module is
// mounted (nil before).
func (m *Module) RelyingParty() *RelyingParty { return m.rp }

// The routes of the module relative to the base path, also the names of
// their rate limits.
const (
	routeList            = "/passkeys"
	routeRegisterOptions = "/passkeys/register/options"
	routeRegister        = "/passkeys/register"
	routePasskey         = "/passkeys/:id"
	routeSignInOptions   = "/passkeys/sign-in/options"
	routeSignIn          = "/passkeys/sign-in"
	routeMFAOptions      = "/mfa/passkey/options"
)

// Mount implements ginauth.Module: it mounts the routes (the second
// factor's only with the mfa module) and joins the mfa module as its
// "passkey" factor with notices for passkey.added and passkey.removed.
func (m *Module) Mount(h ginauth.Host) error {
	if m.rp != nil {
		return errors.New("passkeys: the module is already mounted")
	}
	rp, err := New(m.cfg, m.store)
	if err != nil {
		return err
	}
	m.rp, m.h = rp, h
	m.startPurge()
	r := h.Routes()
	r.POST(routeSignInOptions, h.LimitIP(routeSignInOptions), h.Handle(m.signInOptions))
	r.POST(routeSignIn, h.LimitIP(routeSignIn), h.Handle(m.signIn))
	g := r.Group("", h.RequireSession())
	g.POST(routeRegisterOptions, h.LimitAccount(routeRegisterOptions), h.Handle(m.registerOptions))
	g.POST(routeRegister, h.LimitAccount(routeRegister), h.Handle(m.register))
	g.GET(routeList, h.Handle(m.list))
	g.PATCH(routePasskey, h.LimitAccount(routePasskey), h.Handle(m.rename))
	g.DELETE(routePasskey, h.LimitAccount(routePasskey), h.Handle(m.delete))
	if m.mfa == nil {
		return nil
	}
	if err := m.mfa.AddFactor(m); err != nil {
		return fmt.Errorf("passkeys: %w", err)
	}
	for _, n := range []struct{ event, subject, what string }{
		{EventAdded, "Passkey added", "A passkey was added to your account; it can sign you in without a password."},
		{EventRemoved, "Passkey removed", "A passkey was removed from your account; it can no longer sign you in."},
	} {
		if err := m.mfa.AddNotice(n.event, n.subject, n.what); err != nil {
			return fmt.Errorf("passkeys: %w", err)
		}
	}
	r.POST(routeMFAOptions, h.LimitIP(routeMFAOptions), h.Handle(m.secondFactorOptions))
	return nil
}

// Method implements mfa.Factor: "passkey".
func (m *Module) Method() string { return fastauth.MethodPasskey }

// Count implements mfa.Factor: the account's passkeys.
func (m *Module) Count(ctx context.Context, userID string) (int, error) {
	cs, err := m.rp.List(ctx, userID)
	return len(cs), err
}

// Verify implements mfa.Factor: proof is the answer to a second-factor
// ceremony of the account's (POST /mfa/passkey/options).
func (m *Module) Verify(c *gin.Context, userID string, proof mfa.FactorProof) error {
	_, err := m.rp.FinishSecondFactor(c.Request.Context(), userID, proof.CeremonyID, proof.Credential, m.h.Now())
	return httpError(err)
}

// hasSecondFactor reports whether the account has a second factor: a
// passkey, or (with the mfa module) TOTP or recovery codes.
func (m *Module) hasSecondFactor(ctx context.Context, userID string) (bool, error) {
	if m.mfa != nil {
		return m.mfa.HasSecondFactor(ctx, userID)
	}
	n, err := m.Count(ctx, userID)
	return n > 0, err
}

// requireAAL2 refuses, with 403 mfa_step_up_required, a session below aal
// 2 of an account that has a second factor.
func (m *Module) requireAAL2(c *gin.Context, userID string) error {
	s, ok := m.h.CurrentSession(c)
	if !ok {
		return fastauth.NewError(http.StatusUnauthorized, fastauth.CodeInvalidToken, "authentication required")
	}
	if s.AAL >= 2 {
		return nil
	}
	has, err := m.hasSecondFactor(c.Request.Context(), userID)
	if err != nil {
		return err
	}
	if has {
		return fastauth.NewError(http.StatusForbidden, fastauth.CodeMFAStepUpRequired, "the account has a second factor: this change needs an aal 2 session (sign in with a passkey, or step up)")
	}
	return nil
}

// emit publishes an event of typ about the caller's passkey c; a failing
// handler is logged, the answer stands.
func (m *Module) emit(ctx *gin.Context, typ string, c Credential) {
	organizationID := ""
	if p, ok := ginauth.PrincipalFrom(ctx); ok {
		organizationID = p.OrganizationID
	}
	e := m.h.NewEvent(ctx, typ, organizationID, fastauth.Target{Type: fastauth.TargetUser, ID: c.UserID})
	if e.Actor.UserID == "" {
		e.Actor.UserID = c.UserID
	}
	e.Data = map[string]any{"passkey_id": c.ID, "name": c.Name}
	if err := m.h.Emit(ctx.Request.Context(), e); err != nil {
		m.h.Logger().ErrorContext(ctx.Request.Context(), "fastauth: passkeys event", "type", typ, "err", err)
	}
}

// startPurge deletes, every purgeEvery until the kernel closes, the
// ceremonies begun and never finished (finished ones delete themselves).
func (m *Module) startPurge() {
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(m.purgeEvery)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				ctx, cancel := m.h.StoreContext(context.Background())
				if _, err := m.rp.PurgeCeremonies(ctx, m.h.Now()); err != nil {
					m.h.Logger().Error("fastauth: purge expired passkey ceremonies", "err", err)
				}
				cancel()
			}
		}
	}()
	m.h.OnClose(func() error {
		close(stop)
		<-done
		return nil
	})
}
