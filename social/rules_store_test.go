package social_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/oidctest"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/social"
	"github.com/fastauth/fastauth/store"
)

// rig is a flow against the in-process provider with the GORM store: what
// the module's callback handler will do, without HTTP.
type rig struct {
	t   *testing.T
	st  *store.Store
	s   *social.Strategy
	p   *oidctest.Provider
	gh  *oidctest.GitHub
	clk *clock
}

func newRig(t *testing.T, open func(testing.TB) *gorm.DB) *rig {
	t.Helper()
	st := testdb.Store(t, open(t))
	if err := st.Identities().Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	p, cfg := oidcProvider(t, clk, "acme", alice)
	gh, ghCfg := githubProvider(t, clk, oidctest.GitHubUser{ID: 99, Login: "dave"})
	return &rig{t: t, st: st, s: newStrategy(t, clk, cfg, ghCfg), p: p, gh: gh, clk: clk}
}

// account creates a local account (with a password unless passwordless).
func (r *rig) account(email string, confirmed, passwordless bool) string {
	r.t.Helper()
	now := r.clk.Now()
	u := ginauth.User{ID: uuid.NewString(), Email: email, PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", CreatedAt: now, UpdatedAt: now}
	if passwordless {
		u.PasswordHash = ""
	}
	if confirmed {
		u.EmailConfirmedAt = &now
	}
	ws := ginauth.Organization{ID: uuid.NewString(), Kind: ginauth.KindPersonal, Name: "Personal", CreatedAt: now, UpdatedAt: now}
	if err := r.st.CreateUser(r.t.Context(), u, ws, ginauth.Membership{OrganizationID: ws.ID, UserID: u.ID, Role: ginauth.RoleOwner, CreatedAt: now}, nil); err != nil {
		r.t.Fatal(err)
	}
	return u.ID
}

// lookup is the module's Lookup on the store.
func (r *rig) lookup() social.Lookup {
	return social.NewLookup(r.st.Identities(), func(ctx context.Context, email string) (social.Account, bool, error) {
		u, err := r.st.UserByEmail(ctx, email)
		switch {
		case errors.Is(err, ginauth.ErrNotFound):
			return social.Account{}, false, nil
		case err != nil:
			return social.Account{}, false, err
		}
		return social.Account{UserID: u.ID, EmailConfirmed: u.EmailConfirmedAt != nil}, true, nil
	})
}

// callback runs a flow with provider and applies the decision: the user
// signed in or linked, and the action.
func (r *rig) callback(provider, linkUserID string) (string, social.Action, error) {
	r.t.Helper()
	f, prof, err := signIn(r.t, r.s, provider, social.StartRequest{LinkUserID: linkUserID})
	if err != nil {
		return "", 0, err
	}
	d, err := social.Decide(r.t.Context(), r.lookup(), prof, f.LinkUserID)
	if err != nil {
		return "", 0, err
	}
	userID := d.UserID
	if d.Action == social.ActionCreate {
		userID = r.account(prof.Email, prof.EmailVerified, true)
	}
	if d.Action == social.ActionCreate || d.Action == social.ActionLinkAndSignIn || d.Action == social.ActionLink {
		id, err := social.NewIdentity(prof, userID, r.clk.Now())
		if err != nil {
			r.t.Fatal(err)
		}
		if err := r.st.Identities().CreateIdentity(r.t.Context(), id); err != nil {
			return "", 0, err
		}
	}
	return userID, d.Action, nil
}

// The linking rules of a sign-in, end to end on every dialect.
func TestRulesOnStore(t *testing.T) {
	t.Parallel()
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, d.Open)
			ctx := t.Context()

			// First sign-in creates a passwordless account, confirmed since
			// the provider verified the address.
			aliceID, action, err := r.callback("acme", "")
			if err != nil || action != social.ActionCreate {
				t.Fatalf("first sign-in: %v %v", action, err)
			}
			u, err := r.st.UserByID(ctx, aliceID)
			if err != nil || u.Email != "alice@example.com" || u.EmailConfirmedAt == nil || u.PasswordHash != "" {
				t.Fatalf("created account %+v %v", u, err)
			}
			// Second sign-in finds the identity.
			if id, action, err := r.callback("acme", ""); err != nil || action != social.ActionSignIn || id != aliceID {
				t.Fatalf("second sign-in: %s %v %v", id, action, err)
			}
			// Unlinking the only way in of a passwordless account is refused.
			ids, err := r.st.Identities().Identities(ctx, aliceID)
			if err != nil || len(ids) != 1 {
				t.Fatalf("identities %v %v", ids, err)
			}
			if _, err := r.st.Identities().DeleteIdentity(ctx, aliceID, ids[0].ID, u.PasswordHash == ""); !errors.Is(err, social.ErrLastSignInMethod) {
				t.Fatalf("unlink last method: %v", err)
			}

			// A pre-registered, unconfirmed account does not capture the
			// provider's verified owner of the address.
			bob := oidctest.User{Subject: "bob-1", Email: "bob@example.com", EmailVerified: true}
			squatter := r.account("bob@example.com", false, false)
			r.p.SetUser(bob)
			if _, _, err := r.callback("acme", ""); !errors.Is(err, social.ErrAccountExists) {
				t.Fatalf("pre-registered address: %v", err)
			}
			if _, err := r.st.Identities().IdentityBySubject(ctx, "acme", "bob-1"); !errors.Is(err, social.ErrNotFound) {
				t.Fatalf("identity linked to the squatter %s: %v", squatter, err)
			}

			// A confirmed account with the verified address is linked.
			carolID := r.account("carol@example.com", true, false)
			r.p.SetUser(oidctest.User{Subject: "carol-1", Email: "carol@example.com", EmailVerified: true})
			if id, action, err := r.callback("acme", ""); err != nil || action != social.ActionLinkAndSignIn || id != carolID {
				t.Fatalf("link by verified address: %s %v %v", id, action, err)
			}
			// ... but not with an unverified one.
			r.p.SetUser(oidctest.User{Subject: "carol-2", Email: "carol@example.com"})
			if _, _, err := r.callback("acme", ""); !errors.Is(err, social.ErrAccountExists) {
				t.Fatalf("unverified address of a confirmed account: %v", err)
			}

			// Link while signed in (GitHub gives no address: linking needs none).
			if id, action, err := r.callback("github", carolID); err != nil || action != social.ActionLink || id != carolID {
				t.Fatalf("link: %s %v %v", id, action, err)
			}
			if _, action, err := r.callback("github", carolID); err != nil || action != social.ActionAlreadyLinked {
				t.Fatalf("link again: %v %v", action, err)
			}
			if _, _, err := r.callback("github", aliceID); !errors.Is(err, social.ErrIdentityTaken) {
				t.Fatalf("link of another user's identity: %v", err)
			}
			// Carol has a password: both identities can go.
			ids, err = r.st.Identities().Identities(ctx, carolID)
			if err != nil || len(ids) != 2 {
				t.Fatalf("carol's identities %v %v", ids, err)
			}
			for _, id := range ids {
				if _, err := r.st.Identities().DeleteIdentity(ctx, carolID, id.ID, false); err != nil {
					t.Fatalf("unlink: %v", err)
				}
			}
		})
	}
}
