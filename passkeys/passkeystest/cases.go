package passkeystest

import (
	"bytes"
	"testing"
	"time"

	"github.com/fastauth/fastauth/passkeys"
)

func migrateIdempotent(t *testing.T, h Harness) {
	noErr(t, "second Migrate", h.Store.Migrate(t.Context()))
	id := userWithHandle(t, h)
	c := stored(t, h, id, epoch)
	noErr(t, "third Migrate", h.Store.Migrate(t.Context()))
	got, err := h.Store.CredentialByCredentialID(t.Context(), c.CredentialID)
	noErr(t, "lookup after Migrate", err)
	sameCredential(t, "after Migrate", got, c)
}

func handleEnsure(t *testing.T, h Harness) {
	ctx := t.Context()
	id := h.NewUser(t)
	_, err := h.Store.UserHandle(ctx, id)
	wantErr(t, "handle before any", err, passkeys.ErrUserNotFound)
	first := random(t, passkeys.UserHandleLen)
	got, err := h.Store.EnsureUserHandle(ctx, id, first)
	noErr(t, "EnsureUserHandle", err)
	if !bytes.Equal(got, first) {
		t.Fatalf("first EnsureUserHandle returned %x, want the candidate %x", got, first)
	}
	got, err = h.Store.EnsureUserHandle(ctx, id, random(t, passkeys.UserHandleLen))
	noErr(t, "second EnsureUserHandle", err)
	if !bytes.Equal(got, first) {
		t.Fatalf("second EnsureUserHandle returned %x, want the first handle %x", got, first)
	}
	got, err = h.Store.UserHandle(ctx, id)
	noErr(t, "UserHandle", err)
	if !bytes.Equal(got, first) {
		t.Fatalf("UserHandle %x, want %x", got, first)
	}
	// Handles are per account.
	other, err := h.Store.EnsureUserHandle(ctx, h.NewUser(t), random(t, passkeys.UserHandleLen))
	noErr(t, "other account", err)
	if bytes.Equal(other, first) {
		t.Fatal("two accounts share a handle")
	}
}

func handleUnknownUser(t *testing.T, h Harness) {
	_, err := h.Store.EnsureUserHandle(t.Context(), newID(t), random(t, passkeys.UserHandleLen))
	wantErr(t, "EnsureUserHandle of no account", err, passkeys.ErrUserNotFound)
}

func ceremonyTakeOnce(t *testing.T, h Harness) {
	ctx := t.Context()
	id := h.NewUser(t)
	for _, c := range []passkeys.Ceremony{
		ceremony(t, passkeys.CeremonySignIn, "", epoch),
		ceremony(t, passkeys.CeremonyRegistration, id, epoch),
		ceremony(t, passkeys.CeremonySecondFactor, id, epoch),
	} {
		noErr(t, "CreateCeremony", h.Store.CreateCeremony(ctx, c))
		got, err := h.Store.TakeCeremony(ctx, c.IDHash, c.Kind, c.UserID, epoch.Add(time.Second))
		noErr(t, "TakeCeremony "+string(c.Kind), err)
		if got.IDHash != c.IDHash || got.Kind != c.Kind || got.UserID != c.UserID || !bytes.Equal(got.Session, c.Session) ||
			!got.CreatedAt.Equal(c.CreatedAt) || !got.ExpiresAt.Equal(c.ExpiresAt) {
			t.Fatalf("took %+v, stored %+v", got, c)
		}
		_, err = h.Store.TakeCeremony(ctx, c.IDHash, c.Kind, c.UserID, epoch.Add(2*time.Second))
		wantErr(t, "second TakeCeremony "+string(c.Kind), err, passkeys.ErrCeremonyNotFound)
	}
	_, err := h.Store.TakeCeremony(ctx, hashOf(t), passkeys.CeremonySignIn, "", epoch)
	wantErr(t, "unknown ceremony", err, passkeys.ErrCeremonyNotFound)
}

func ceremonyBinding(t *testing.T, h Harness) {
	ctx := t.Context()
	alice, bob := h.NewUser(t), h.NewUser(t)
	reg := ceremony(t, passkeys.CeremonyRegistration, alice, epoch)
	signIn := ceremony(t, passkeys.CeremonySignIn, "", epoch)
	noErr(t, "create", h.Store.CreateCeremony(ctx, reg))
	noErr(t, "create", h.Store.CreateCeremony(ctx, signIn))
	at := epoch.Add(time.Minute)
	for _, tc := range []struct {
		what string
		c    passkeys.Ceremony
		kind passkeys.CeremonyKind
		user string
	}{
		{"registration as another account", reg, passkeys.CeremonyRegistration, bob},
		{"registration as nobody", reg, passkeys.CeremonyRegistration, ""},
		{"registration as a second factor", reg, passkeys.CeremonySecondFactor, alice},
		{"registration as a sign-in", reg, passkeys.CeremonySignIn, ""},
		{"sign-in bound to an account", signIn, passkeys.CeremonySignIn, alice},
		{"sign-in as a second factor", signIn, passkeys.CeremonySecondFactor, alice},
	} {
		_, err := h.Store.TakeCeremony(ctx, tc.c.IDHash, tc.kind, tc.user, at)
		wantErr(t, tc.what, err, passkeys.ErrCeremonyNotFound)
	}
	// The refused takes used nothing up.
	_, err := h.Store.TakeCeremony(ctx, reg.IDHash, passkeys.CeremonyRegistration, alice, at)
	noErr(t, "registration by its account", err)
	_, err = h.Store.TakeCeremony(ctx, signIn.IDHash, passkeys.CeremonySignIn, "", at)
	noErr(t, "sign-in", err)
}

func ceremonyExpiry(t *testing.T, h Harness) {
	ctx := t.Context()
	live := ceremony(t, passkeys.CeremonySignIn, "", epoch)
	dead := ceremony(t, passkeys.CeremonySignIn, "", epoch.Add(-passkeys.CeremonyLifetime))
	old := ceremony(t, passkeys.CeremonySignIn, "", epoch.Add(-time.Hour))
	for _, c := range []passkeys.Ceremony{live, dead, old} {
		noErr(t, "create", h.Store.CreateCeremony(ctx, c))
	}
	// dead expires exactly at epoch: no longer live then.
	_, err := h.Store.TakeCeremony(ctx, dead.IDHash, dead.Kind, "", epoch)
	wantErr(t, "take at expiry", err, passkeys.ErrCeremonyNotFound)
	_, err = h.Store.TakeCeremony(ctx, live.IDHash, live.Kind, "", live.ExpiresAt.Add(-time.Microsecond))
	noErr(t, "take a microsecond before expiry", err)
	n, err := h.Store.DeleteExpiredCeremonies(ctx, epoch)
	noErr(t, "DeleteExpiredCeremonies", err)
	if n != 2 {
		t.Fatalf("DeleteExpiredCeremonies removed %d, want the 2 expired", n)
	}
	n, err = h.Store.DeleteExpiredCeremonies(ctx, epoch)
	noErr(t, "DeleteExpiredCeremonies again", err)
	if n != 0 {
		t.Fatalf("second DeleteExpiredCeremonies removed %d, want 0", n)
	}
}

func credentialCreateListFind(t *testing.T, h Harness) {
	ctx := t.Context()
	alice, bob := userWithHandle(t, h), userWithHandle(t, h)
	list, err := h.Store.Credentials(ctx, alice)
	noErr(t, "list of none", err)
	if len(list) != 0 {
		t.Fatalf("%d passkeys before any", len(list))
	}
	// Created out of order: the list is by creation time.
	second := stored(t, h, alice, epoch.Add(time.Minute))
	first := stored(t, h, alice, epoch)
	theirs := stored(t, h, bob, epoch)
	list, err = h.Store.Credentials(ctx, alice)
	noErr(t, "list", err)
	if len(list) != 2 {
		t.Fatalf("alice has %d passkeys, want 2", len(list))
	}
	sameCredential(t, "first listed", list[0], first)
	sameCredential(t, "second listed", list[1], second)

	got, err := h.Store.CredentialByCredentialID(ctx, theirs.CredentialID)
	noErr(t, "by credential id", err)
	sameCredential(t, "bob's by credential id", got, theirs)
	near := bytes.Clone(theirs.CredentialID)
	near[len(near)-1] ^= 1
	_, err = h.Store.CredentialByCredentialID(ctx, near)
	wantErr(t, "a credential id one bit away", err, passkeys.ErrNotFound)
	_, err = h.Store.CredentialByCredentialID(ctx, theirs.CredentialID[:len(theirs.CredentialID)-1])
	wantErr(t, "a prefix of a credential id", err, passkeys.ErrNotFound)
}

func credentialBytes(t *testing.T, h Harness) {
	ctx := t.Context()
	id := userWithHandle(t, h)
	c := credential(t, id, epoch)
	// Every byte value, and the longest credential id WebAuthn allows.
	c.CredentialID = make([]byte, 1023)
	for i := range c.CredentialID {
		c.CredentialID[i] = byte(i)
	}
	c.PublicKey = random(t, 2600) // an ML-DSA key is this large
	c.SignCount = 1<<32 - 2
	c.Transports = nil
	c.AAGUID = nil
	c.Name = "Clé de Zoë 🔑"
	noErr(t, "create", h.Store.CreateCredential(ctx, c, passkeys.DefaultMaxPasskeys))
	got, err := h.Store.CredentialByCredentialID(ctx, c.CredentialID)
	noErr(t, "read", err)
	if len(got.AAGUID) == 0 {
		got.AAGUID = nil
	}
	sameCredential(t, "round trip", got, c)
	at := epoch.Add(time.Hour + 987*time.Microsecond)
	got, err = h.Store.RecordAssertion(ctx, c.ID, 1<<32-1, true, at)
	noErr(t, "record the largest counter", err)
	if got.SignCount != 1<<32-1 || got.LastUsedAt == nil || !got.LastUsedAt.Equal(at) || !got.BackedUp {
		t.Fatalf("after the largest counter: %+v", got)
	}
}

func credentialDuplicate(t *testing.T, h Harness) {
	ctx := t.Context()
	alice, bob := userWithHandle(t, h), userWithHandle(t, h)
	c := stored(t, h, alice, epoch)
	again := credential(t, alice, epoch)
	again.CredentialID = c.CredentialID
	wantErr(t, "same credential id, same account", h.Store.CreateCredential(ctx, again, passkeys.DefaultMaxPasskeys), passkeys.ErrCredentialExists)
	again = credential(t, bob, epoch)
	again.CredentialID = c.CredentialID
	wantErr(t, "same credential id, other account", h.Store.CreateCredential(ctx, again, passkeys.DefaultMaxPasskeys), passkeys.ErrCredentialExists)
	// The refused creations were not counted: bob can still fill his bound.
	for range 2 {
		noErr(t, "bob's own", h.Store.CreateCredential(ctx, credential(t, bob, epoch), 2))
	}
	wantErr(t, "bob over 2", h.Store.CreateCredential(ctx, credential(t, bob, epoch), 2), passkeys.ErrTooManyPasskeys)
}

func credentialBound(t *testing.T, h Harness) {
	ctx := t.Context()
	id := userWithHandle(t, h)
	const max = 3
	for i := range max {
		noErr(t, "create within the bound", h.Store.CreateCredential(ctx, credential(t, id, epoch.Add(time.Duration(i)*time.Second)), max))
	}
	wantErr(t, "create over the bound", h.Store.CreateCredential(ctx, credential(t, id, epoch), max), passkeys.ErrTooManyPasskeys)
	list, err := h.Store.Credentials(ctx, id)
	noErr(t, "list", err)
	if len(list) != max {
		t.Fatalf("%d passkeys, want %d", len(list), max)
	}
	// Deleting one frees its place.
	_, err = h.Store.DeleteCredential(ctx, id, list[0].ID)
	noErr(t, "delete", err)
	noErr(t, "create after a deletion", h.Store.CreateCredential(ctx, credential(t, id, epoch), max))
	wantErr(t, "over the bound again", h.Store.CreateCredential(ctx, credential(t, id, epoch), max), passkeys.ErrTooManyPasskeys)
}

func credentialNeedsHandle(t *testing.T, h Harness) {
	ctx := t.Context()
	wantErr(t, "passkey of no account", h.Store.CreateCredential(ctx, credential(t, newID(t), epoch), passkeys.DefaultMaxPasskeys), passkeys.ErrUserNotFound)
	id := h.NewUser(t)
	wantErr(t, "passkey of an account without handle", h.Store.CreateCredential(ctx, credential(t, id, epoch), passkeys.DefaultMaxPasskeys), passkeys.ErrUserNotFound)
}

func credentialRenameDelete(t *testing.T, h Harness) {
	ctx := t.Context()
	alice, bob := userWithHandle(t, h), userWithHandle(t, h)
	c := stored(t, h, alice, epoch)
	keep := stored(t, h, alice, epoch.Add(time.Second))

	got, err := h.Store.RenameCredential(ctx, alice, c.ID, "Work laptop")
	noErr(t, "rename", err)
	c.Name = "Work laptop"
	sameCredential(t, "renamed", got, c)
	got, err = h.Store.RenameCredential(ctx, alice, c.ID, "Work laptop")
	noErr(t, "rename to the same name", err)
	sameCredential(t, "renamed to the same name", got, c)
	_, err = h.Store.RenameCredential(ctx, bob, c.ID, "Mine now")
	wantErr(t, "rename by another account", err, passkeys.ErrNotFound)
	_, err = h.Store.RenameCredential(ctx, alice, newID(t), "Nothing")
	wantErr(t, "rename of no passkey", err, passkeys.ErrNotFound)

	_, err = h.Store.DeleteCredential(ctx, bob, c.ID)
	wantErr(t, "delete by another account", err, passkeys.ErrNotFound)
	got, err = h.Store.DeleteCredential(ctx, alice, c.ID)
	noErr(t, "delete", err)
	sameCredential(t, "deleted", got, c)
	_, err = h.Store.DeleteCredential(ctx, alice, c.ID)
	wantErr(t, "delete again", err, passkeys.ErrNotFound)
	_, err = h.Store.CredentialByCredentialID(ctx, c.CredentialID)
	wantErr(t, "lookup of a deleted passkey", err, passkeys.ErrNotFound)
	list, err := h.Store.Credentials(ctx, alice)
	noErr(t, "list", err)
	if len(list) != 1 || list[0].ID != keep.ID {
		t.Fatalf("after the deletion alice has %+v, want only %s", list, keep.ID)
	}
}

func assertionCounter(t *testing.T, h Harness) {
	ctx := t.Context()
	id := userWithHandle(t, h)
	c := stored(t, h, id, epoch)
	at := epoch
	step := func(count uint32, backedUp bool) (passkeys.Credential, error) {
		at = at.Add(time.Minute)
		return h.Store.RecordAssertion(ctx, c.ID, count, backedUp, at)
	}
	// 0 stays accepted while the authenticator has no counter.
	got, err := step(0, false)
	noErr(t, "0 after 0", err)
	if got.SignCount != 0 || got.LastUsedAt == nil || !got.LastUsedAt.Equal(at) {
		t.Fatalf("after 0: %+v", got)
	}
	got, err = step(5, true)
	noErr(t, "5 after 0", err)
	if got.SignCount != 5 || !got.BackedUp || !got.LastUsedAt.Equal(at) {
		t.Fatalf("after 5: %+v", got)
	}
	lastOK := at
	for _, n := range []uint32{5, 4, 1} {
		_, err := step(n, false)
		wantErr(t, "counter that does not increase", err, passkeys.ErrSignCountRegressed)
	}
	got, err = h.Store.CredentialByCredentialID(ctx, c.CredentialID)
	noErr(t, "read", err)
	if got.SignCount != 5 || !got.BackedUp || !got.LastUsedAt.Equal(lastOK) {
		t.Fatalf("a refused assertion changed the passkey: %+v", got)
	}
	// 0 after a counter: accepted (the SPEC refuses a backwards counter
	// that is not 0), the stored counter is kept.
	got, err = step(0, false)
	noErr(t, "0 after 5", err)
	if got.SignCount != 5 || got.BackedUp {
		t.Fatalf("after 0: %+v, want the counter kept at 5 and the backup state updated", got)
	}
	got, err = step(6, false)
	noErr(t, "6 after 5", err)
	if got.SignCount != 6 {
		t.Fatalf("after 6: %+v", got)
	}
}

func assertionUnknown(t *testing.T, h Harness) {
	for _, n := range []uint32{0, 7} {
		_, err := h.Store.RecordAssertion(t.Context(), newID(t), n, false, epoch)
		wantErr(t, "assertion by no passkey", err, passkeys.ErrNotFound)
	}
}

func accountDeletion(t *testing.T, h Harness) {
	if h.DeleteUser == nil {
		t.Skip("the harness cannot delete accounts")
	}
	ctx := t.Context()
	id := userWithHandle(t, h)
	c := stored(t, h, id, epoch)
	cer := ceremony(t, passkeys.CeremonyRegistration, id, epoch)
	noErr(t, "create ceremony", h.Store.CreateCeremony(ctx, cer))
	h.DeleteUser(t, id)
	_, err := h.Store.UserHandle(ctx, id)
	wantErr(t, "handle of a deleted account", err, passkeys.ErrUserNotFound)
	_, err = h.Store.CredentialByCredentialID(ctx, c.CredentialID)
	wantErr(t, "passkey of a deleted account", err, passkeys.ErrNotFound)
	_, err = h.Store.TakeCeremony(ctx, cer.IDHash, cer.Kind, id, epoch)
	wantErr(t, "ceremony of a deleted account", err, passkeys.ErrCeremonyNotFound)
}
