package ginauth

import (
	"github.com/fastauth/fastauth"

	"context"
	"errors"
	"strings"
	"testing"
)

func TestHooksRunWithUserWithoutHash(t *testing.T) {
	t.Parallel()
	type call struct {
		hook string
		u    User
		inv  Invite
		key  any
	}
	var calls []call
	type ctxKey struct{}
	a, logs := newMailTestAuth(Config{Hooks: Hooks{
		AfterSignUp: func(ctx context.Context, u User) error {
			calls = append(calls, call{hook: "up", u: u, key: ctx.Value(ctxKey{})})
			return nil
		},
		AfterSignIn: func(ctx context.Context, u User) error {
			calls = append(calls, call{hook: "in", u: u, key: ctx.Value(ctxKey{})})
			return nil
		},
		AfterInviteAccepted: func(ctx context.Context, u User, inv Invite) error {
			calls = append(calls, call{hook: "invite", u: u, inv: inv, key: ctx.Value(ctxKey{})})
			return nil
		},
	}}, nil)
	ctx := context.WithValue(context.Background(), ctxKey{}, "request")
	u := User{ID: "u1", Email: "ada@example.com", PasswordHash: "$argon2id$secret"}
	inv := Invite{ID: "i1", OrganizationID: "o1", TokenHash: []byte{1, 2}}
	a.hooksHandler(ctx, Event{Type: fastauth.EventUserSignedUp, Payload: u})
	a.hooksHandler(ctx, Event{Type: fastauth.EventUserSignedIn, Payload: u})
	a.hooksHandler(ctx, Event{Type: fastauth.EventInviteAccepted, Payload: fastauth.InviteAcceptance{User: u, Invite: inv}})
	if len(calls) != 3 || calls[0].hook != "up" || calls[1].hook != "in" || calls[2].hook != "invite" {
		t.Fatalf("calls %+v", calls)
	}
	for _, c := range calls {
		if c.u.ID != "u1" || c.u.Email != "ada@example.com" || c.u.PasswordHash != "" || c.key != "request" {
			t.Fatalf("hook %s got user %+v, ctx value %v", c.hook, c.u, c.key)
		}
	}
	if calls[2].inv.OrganizationID != "o1" || calls[2].inv.TokenHash != nil {
		t.Fatalf("invite hook got %+v", calls[2].inv)
	}
	if u.PasswordHash == "" || inv.TokenHash == nil {
		t.Fatal("hooks changed the caller's values")
	}
	if logs.String() != "" {
		t.Fatalf("successful hooks logged: %s", logs.String())
	}
}

func TestHooksFailuresAreContained(t *testing.T) {
	t.Parallel()
	a, logs := newMailTestAuth(Config{Hooks: Hooks{
		AfterSignUp:         func(context.Context, User) error { return errors.New("provisioning failed") },
		AfterSignIn:         func(context.Context, User) error { panic("hook bug") },
		AfterInviteAccepted: func(_ context.Context, _ User, inv Invite) error { return []error{}[len(inv.ID)] }, // index out of range: a runtime panic
	}}, nil)
	u := User{ID: "u1", Email: "ada@example.com"}
	a.hooksHandler(context.Background(), Event{Type: fastauth.EventUserSignedUp, Payload: u})
	a.hooksHandler(context.Background(), Event{Type: fastauth.EventUserSignedIn, Payload: u})
	a.hooksHandler(context.Background(), Event{Type: fastauth.EventInviteAccepted, Payload: fastauth.InviteAcceptance{User: u, Invite: Invite{}}})
	out := logs.String()
	for _, want := range []string{"hook=AfterSignUp", "provisioning failed", "hook=AfterSignIn", "hook bug", "hook=AfterInviteAccepted", "index out of range", "user_id=u1"} {
		if !strings.Contains(out, want) {
			t.Fatalf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "level=ERROR") != 3 {
		t.Fatalf("want 3 error lines:\n%s", out)
	}
}

func TestNilHooksAreSkipped(t *testing.T) {
	t.Parallel()
	a, logs := newMailTestAuth(Config{}, nil)
	a.hooksHandler(context.Background(), Event{Type: fastauth.EventUserSignedUp, Payload: User{}})
	a.hooksHandler(context.Background(), Event{Type: fastauth.EventUserSignedIn, Payload: User{}})
	a.hooksHandler(context.Background(), Event{Type: fastauth.EventInviteAccepted, Payload: fastauth.InviteAcceptance{User: User{}, Invite: Invite{}}})
	if logs.String() != "" {
		t.Fatalf("nil hooks logged: %s", logs.String())
	}
}
