// Package rolestest is the conformance suite of roles.Store: every rule of
// the contract, including its races with real goroutines (a role deleted
// while it is assigned, concurrent permission edits, concurrent creations
// of one name). A Store implementation runs it from its own tests on every
// database it supports:
//
//	func TestRolesStore(t *testing.T) {
//		rolestest.Run(t, func(t *testing.T) rolestest.Harness {
//			st := openMigratedStore(t) // with st.Roles().Migrate
//			return rolestest.Harness{Store: st.Roles(), Organizations: st, Kernel: st}
//		})
//	}
package rolestest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/organizations"
	"github.com/fastauth/fastauth/roles"
)

// Kernel creates the accounts members are.
type Kernel interface {
	CreateUser(ctx context.Context, u fastauth.User, workspace fastauth.Organization, owner fastauth.Membership, first *fastauth.NewSession) error
}

// Harness is what the suite runs against, on one fresh, migrated database
// (the roles module's tables included).
type Harness struct {
	// Store is the implementation under test.
	Store roles.Store
	// Organizations stores organizations, members and invites on the same
	// database: its ChangeMemberRole and CreateInvite must refuse a custom
	// role the organization does not define (organizations.ErrRoleNotDefined).
	Organizations organizations.Store
	// Kernel creates the accounts.
	Kernel Kernel
}

// raceN is how many goroutines the race cases start.
const raceN = 12

// epoch is the "now" cases start from, at microsecond precision.
var epoch = time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC)

// Run checks the Store of the harnesses open returns against the
// roles.Store contract. open must return a fresh, migrated database on
// every call; cases run in parallel.
func Run(t *testing.T, open func(t *testing.T) Harness) {
	t.Helper()
	for _, c := range []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"CreateListUpdateDelete", testCRUD},
		{"NamesPerOrganization", testNamesPerOrganization},
		{"MaxRoles", testMaxRoles},
		{"InUseByMember", testInUseByMember},
		{"InUseByPendingInvite", testInUseByInvite},
		{"AssignRequiresDefinedRole", testAssignRequiresDefined},
		{"RaceCreateSameName", testRaceCreate},
		{"RaceDeleteVersusAssign", testRaceDeleteAssign},
		{"RaceDeleteVersusInvite", testRaceDeleteInvite},
		{"RacePermissionEdits", testRaceEdits},
		{"OrganizationDeleted", testOrganizationDeleted},
		{"CustomRoleInviter", testCustomInviter},
		{"CustomRoleRemover", testCustomRemover},
		{"BuiltinSetsInTransaction", testBuiltinSetsInTransaction},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, open(t))
		})
	}
}

func newID(t *testing.T) string {
	t.Helper()
	return uuid.Must(uuid.NewV7()).String()
}

func hash(t *testing.T) []byte {
	t.Helper()
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b[:])
	return h[:]
}

// user stores a new account with its personal workspace.
func user(t *testing.T, h Harness) fastauth.User {
	t.Helper()
	u := fastauth.User{ID: newID(t), PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", CreatedAt: epoch, UpdatedAt: epoch}
	u.Email = u.ID + "@example.com"
	ws := fastauth.Organization{ID: newID(t), Kind: fastauth.KindPersonal, Name: "Personal", CreatedAt: epoch, UpdatedAt: epoch}
	if err := h.Kernel.CreateUser(t.Context(), u, ws, fastauth.Membership{OrganizationID: ws.ID, UserID: u.ID, Role: fastauth.RoleOwner, CreatedAt: epoch}, nil); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return u
}

// org stores a shared organization owned by owner.
func org(t *testing.T, h Harness, owner fastauth.User) fastauth.Organization {
	t.Helper()
	o := fastauth.Organization{ID: newID(t), Kind: fastauth.KindShared, Name: "Org", CreatedAt: epoch, UpdatedAt: epoch}
	if err := h.Organizations.CreateOrganization(t.Context(), o, fastauth.Membership{OrganizationID: o.ID, UserID: owner.ID, Role: fastauth.RoleOwner, CreatedAt: epoch}); err != nil {
		t.Fatalf("CreateOrganization: %v", err)
	}
	return o
}

// invite creates a pending invite of email to role.
func invite(h Harness, t *testing.T, o fastauth.Organization, by fastauth.User, email string, role fastauth.Role) (fastauth.Invite, error) {
	inv := fastauth.Invite{ID: newID(t), OrganizationID: o.ID, Email: email, Role: role, TokenHash: hash(t),
		InvitedByUserID: by.ID, CreatedAt: epoch, ExpiresAt: epoch.Add(7 * 24 * time.Hour)}
	return inv, h.Organizations.CreateInvite(t.Context(), inv, epoch)
}

// member adds u to o as a member.
func member(t *testing.T, h Harness, o fastauth.Organization, owner, u fastauth.User) {
	t.Helper()
	inv, err := invite(h, t, o, owner, u.Email, fastauth.RoleMember)
	if err != nil {
		t.Fatalf("CreateInvite: %v", err)
	}
	if _, _, err := h.Organizations.AcceptInvite(t.Context(), inv.TokenHash, u.ID, epoch); err != nil {
		t.Fatalf("AcceptInvite: %v", err)
	}
}

func create(t *testing.T, h Harness, o fastauth.Organization, name string, perms ...string) roles.Role {
	t.Helper()
	r := roles.Role{OrganizationID: o.ID, Name: name, Permissions: perms, CreatedAt: epoch, UpdatedAt: epoch}
	if r.Permissions == nil {
		r.Permissions = []string{}
	}
	if err := h.Store.CreateRole(t.Context(), r, 50); err != nil {
		t.Fatalf("CreateRole(%s): %v", name, err)
	}
	return r
}

func list(t *testing.T, h Harness, o fastauth.Organization) []roles.Role {
	t.Helper()
	rs, err := h.Store.Roles(t.Context(), o.ID)
	if err != nil {
		t.Fatalf("Roles: %v", err)
	}
	return rs
}

func testCRUD(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := user(t, h)
	o := org(t, h, owner)
	if rs := list(t, h, o); len(rs) != 0 {
		t.Fatalf("a new organization has roles: %v", rs)
	}
	create(t, h, o, "viewer")
	create(t, h, o, "billing", "billing:manage", "project:read")
	rs := list(t, h, o)
	if len(rs) != 2 || rs[0].Name != "billing" || rs[1].Name != "viewer" {
		t.Fatalf("Roles = %+v, want billing and viewer by name", rs)
	}
	if !slices.Equal(rs[0].Permissions, []string{"billing:manage", "project:read"}) || len(rs[1].Permissions) != 0 || rs[1].Permissions == nil {
		t.Fatalf("permissions read back as %q and %#v", rs[0].Permissions, rs[1].Permissions)
	}
	if !rs[0].CreatedAt.Equal(epoch) || rs[0].OrganizationID != o.ID {
		t.Fatalf("role read back as %+v", rs[0])
	}
	later := epoch.Add(time.Hour)
	r, err := h.Store.UpdateRole(ctx, o.ID, "billing", []string{"project:write"}, later)
	if err != nil || !slices.Equal(r.Permissions, []string{"project:write"}) || !r.UpdatedAt.Equal(later) || !r.CreatedAt.Equal(epoch) {
		t.Fatalf("UpdateRole = %+v, %v", r, err)
	}
	if _, err := h.Store.UpdateRole(ctx, o.ID, "nobody", nil, later); !errors.Is(err, roles.ErrNotFound) {
		t.Fatalf("UpdateRole(unknown) = %v, want ErrNotFound", err)
	}
	if err := h.Store.DeleteRole(ctx, o.ID, "viewer", later); err != nil {
		t.Fatalf("DeleteRole: %v", err)
	}
	if err := h.Store.DeleteRole(ctx, o.ID, "viewer", later); !errors.Is(err, roles.ErrNotFound) {
		t.Fatalf("DeleteRole twice = %v, want ErrNotFound", err)
	}
	if rs := list(t, h, o); len(rs) != 1 || rs[0].Name != "billing" {
		t.Fatalf("Roles after delete = %+v", rs)
	}
	if err := h.Store.CreateRole(ctx, roles.Role{OrganizationID: o.ID, Name: "billing", Permissions: []string{}, CreatedAt: epoch}, 50); !errors.Is(err, roles.ErrExists) {
		t.Fatalf("CreateRole(existing) = %v, want ErrExists", err)
	}
}

func testNamesPerOrganization(t *testing.T, h Harness) {
	owner := user(t, h)
	a, b := org(t, h, owner), org(t, h, owner)
	create(t, h, a, "ops", "project:read")
	create(t, h, b, "ops", "project:write")
	if rs := list(t, h, b); len(rs) != 1 || !slices.Equal(rs[0].Permissions, []string{"project:write"}) {
		t.Fatalf("b's roles = %+v", rs)
	}
	if err := h.Store.DeleteRole(t.Context(), a.ID, "ops", epoch); err != nil {
		t.Fatalf("DeleteRole: %v", err)
	}
	if rs := list(t, h, b); len(rs) != 1 {
		t.Fatalf("deleting a's role deleted b's: %+v", rs)
	}
}

func testMaxRoles(t *testing.T, h Harness) {
	o := org(t, h, user(t, h))
	for i := range 3 {
		if err := h.Store.CreateRole(t.Context(), roles.Role{OrganizationID: o.ID, Name: fmt.Sprintf("r%d", i), Permissions: []string{}, CreatedAt: epoch}, 3); err != nil {
			t.Fatalf("CreateRole %d: %v", i, err)
		}
	}
	if err := h.Store.CreateRole(t.Context(), roles.Role{OrganizationID: o.ID, Name: "r3", Permissions: []string{}, CreatedAt: epoch}, 3); !errors.Is(err, roles.ErrTooMany) {
		t.Fatalf("CreateRole beyond the cap = %v, want ErrTooMany", err)
	}
}

func testInUseByMember(t *testing.T, h Harness) {
	ctx := t.Context()
	owner, u := user(t, h), user(t, h)
	o := org(t, h, owner)
	member(t, h, o, owner, u)
	create(t, h, o, "billing", "billing:manage")
	if _, err := h.Organizations.ChangeMemberRole(ctx, o.ID, owner.ID, u.ID, "billing"); err != nil {
		t.Fatalf("ChangeMemberRole(custom): %v", err)
	}
	m, err := h.Organizations.Membership(ctx, o.ID, u.ID)
	if err != nil || m.Role != "billing" {
		t.Fatalf("Membership = %+v, %v; want role billing", m, err)
	}
	if err := h.Store.DeleteRole(ctx, o.ID, "billing", epoch); !errors.Is(err, roles.ErrInUse) {
		t.Fatalf("DeleteRole(assigned) = %v, want ErrInUse", err)
	}
	if _, err := h.Organizations.ChangeMemberRole(ctx, o.ID, owner.ID, u.ID, fastauth.RoleMember); err != nil {
		t.Fatalf("ChangeMemberRole(member): %v", err)
	}
	if err := h.Store.DeleteRole(ctx, o.ID, "billing", epoch); err != nil {
		t.Fatalf("DeleteRole(unassigned): %v", err)
	}
}

func testInUseByInvite(t *testing.T, h Harness) {
	ctx := t.Context()
	owner := user(t, h)
	o := org(t, h, owner)
	create(t, h, o, "billing", "billing:manage")
	inv, err := invite(h, t, o, owner, "someone@example.com", "billing")
	if err != nil {
		t.Fatalf("CreateInvite(custom): %v", err)
	}
	if err := h.Store.DeleteRole(ctx, o.ID, "billing", epoch); !errors.Is(err, roles.ErrInUse) {
		t.Fatalf("DeleteRole with a pending invite = %v, want ErrInUse", err)
	}
	// An expired invite no longer holds the role.
	if err := h.Store.DeleteRole(ctx, o.ID, "billing", inv.ExpiresAt.Add(time.Second)); err != nil {
		t.Fatalf("DeleteRole after the invite expired: %v", err)
	}
	create(t, h, o, "ops")
	inv, err = invite(h, t, o, owner, "other@example.com", "ops")
	if err != nil {
		t.Fatalf("CreateInvite: %v", err)
	}
	if _, err := h.Organizations.RevokeInvite(ctx, o.ID, inv.ID, epoch); err != nil {
		t.Fatalf("RevokeInvite: %v", err)
	}
	if err := h.Store.DeleteRole(ctx, o.ID, "ops", epoch); err != nil {
		t.Fatalf("DeleteRole after the invite was revoked: %v", err)
	}
}

func testAssignRequiresDefined(t *testing.T, h Harness) {
	ctx := t.Context()
	owner, u := user(t, h), user(t, h)
	o, other := org(t, h, owner), org(t, h, owner)
	member(t, h, o, owner, u)
	create(t, h, other, "billing")
	if _, err := h.Organizations.ChangeMemberRole(ctx, o.ID, owner.ID, u.ID, "billing"); !errors.Is(err, organizations.ErrRoleNotDefined) {
		t.Fatalf("ChangeMemberRole(another organization's role) = %v, want ErrRoleNotDefined", err)
	}
	if _, err := invite(h, t, o, owner, "x@example.com", "billing"); !errors.Is(err, organizations.ErrRoleNotDefined) {
		t.Fatalf("CreateInvite(undefined role) = %v, want ErrRoleNotDefined", err)
	}
	if m, _ := h.Organizations.Membership(ctx, o.ID, u.ID); m.Role != fastauth.RoleMember {
		t.Fatalf("role after refused changes = %q", m.Role)
	}
}

// concurrently runs fn(0..n-1) in n goroutines released at once.
func concurrently(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

func testRaceCreate(t *testing.T, h Harness) {
	o := org(t, h, user(t, h))
	errs := concurrently(raceN, func(i int) error {
		return h.Store.CreateRole(context.Background(), roles.Role{OrganizationID: o.ID, Name: "ops",
			Permissions: []string{fmt.Sprintf("p%d:x", i)}, CreatedAt: epoch}, 50)
	})
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, roles.ErrExists):
			t.Errorf("CreateRole: %v, want nil or ErrExists", err)
		}
	}
	if rs := list(t, h, o); won != 1 || len(rs) != 1 {
		t.Fatalf("%d creations won, %d roles stored; want 1 and 1", won, len(rs))
	}
}

// testRaceDeleteAssign: deleting a role while owners assign it to members
// has one outcome: either the deletion won (every assignment refused, the
// role gone) or an assignment did (the deletion refused as in use); never
// a member left with a deleted role.
func testRaceDeleteAssign(t *testing.T, h Harness) {
	for round := range 3 {
		owner := user(t, h)
		o := org(t, h, owner)
		users := make([]fastauth.User, raceN)
		for i := range users {
			users[i] = user(t, h)
			member(t, h, o, owner, users[i])
		}
		create(t, h, o, "billing", "billing:manage")
		errs := concurrently(raceN+1, func(i int) error {
			if i == raceN/2 {
				return h.Store.DeleteRole(context.Background(), o.ID, "billing", epoch)
			}
			u := users[min(i, raceN-1)]
			_, err := h.Organizations.ChangeMemberRole(context.Background(), o.ID, owner.ID, u.ID, "billing")
			return err
		})
		deleted := errs[raceN/2] == nil
		if !deleted && !errors.Is(errs[raceN/2], roles.ErrInUse) {
			t.Fatalf("round %d: DeleteRole = %v, want nil or ErrInUse", round, errs[raceN/2])
		}
		assigned := 0
		for i, err := range errs {
			if i == raceN/2 {
				continue
			}
			switch {
			case err == nil:
				assigned++
			case !errors.Is(err, organizations.ErrRoleNotDefined):
				t.Fatalf("round %d: ChangeMemberRole = %v", round, err)
			}
		}
		holders := 0
		for _, u := range users {
			m, err := h.Organizations.Membership(t.Context(), o.ID, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if m.Role == "billing" {
				holders++
			}
		}
		exists := len(list(t, h, o)) == 1
		if deleted && (exists || holders != 0) {
			t.Fatalf("round %d: the role was deleted but exists=%v, %d members hold it", round, exists, holders)
		}
		if !deleted && (!exists || holders == 0 || assigned == 0) {
			t.Fatalf("round %d: the deletion was refused but exists=%v, %d holders, %d assignments", round, exists, holders, assigned)
		}
	}
}

// testRaceDeleteInvite: the same with invites to the role.
func testRaceDeleteInvite(t *testing.T, h Harness) {
	owner := user(t, h)
	o := org(t, h, owner)
	create(t, h, o, "billing")
	errs := concurrently(raceN+1, func(i int) error {
		if i == 0 {
			return h.Store.DeleteRole(context.Background(), o.ID, "billing", epoch)
		}
		_, err := invite(h, t, o, owner, fmt.Sprintf("p%d@example.com", i), "billing")
		return err
	})
	invited := 0
	for _, err := range errs[1:] {
		switch {
		case err == nil:
			invited++
		case !errors.Is(err, organizations.ErrRoleNotDefined):
			t.Fatalf("CreateInvite = %v", err)
		}
	}
	exists := len(list(t, h, o)) == 1
	switch {
	case errs[0] == nil && (exists || invited != 0 && countInvites(t, h, o, "billing") != 0):
		t.Fatalf("deleted, but exists=%v with %d pending invites", exists, countInvites(t, h, o, "billing"))
	case errs[0] != nil && (!errors.Is(errs[0], roles.ErrInUse) || !exists || invited == 0):
		t.Fatalf("DeleteRole = %v with exists=%v and %d invites", errs[0], exists, invited)
	}
}

func countInvites(t *testing.T, h Harness, o fastauth.Organization, role fastauth.Role) int {
	t.Helper()
	invs, err := h.Organizations.Invites(t.Context(), o.ID)
	if err != nil {
		t.Fatalf("Invites: %v", err)
	}
	n := 0
	for _, inv := range invs {
		if inv.Role == role {
			n++
		}
	}
	return n
}

// testRaceEdits: concurrent permission edits all succeed and the role ends
// with exactly one of the written lists, never a mix.
func testRaceEdits(t *testing.T, h Harness) {
	o := org(t, h, user(t, h))
	create(t, h, o, "ops")
	lists := make([][]string, raceN)
	for i := range lists {
		lists[i] = []string{fmt.Sprintf("a%d:x", i), fmt.Sprintf("b%d:x", i), fmt.Sprintf("c%d:x", i)}
	}
	for i, err := range concurrently(raceN, func(i int) error {
		_, err := h.Store.UpdateRole(context.Background(), o.ID, "ops", lists[i], epoch.Add(time.Duration(i)*time.Second))
		return err
	}) {
		if err != nil {
			t.Fatalf("UpdateRole %d: %v", i, err)
		}
	}
	got := list(t, h, o)[0].Permissions
	if !slices.ContainsFunc(lists, func(l []string) bool { return slices.Equal(l, got) }) {
		t.Fatalf("after concurrent edits the role holds %v, not one of the written lists", got)
	}
}

func testOrganizationDeleted(t *testing.T, h Harness) {
	o := org(t, h, user(t, h))
	create(t, h, o, "ops")
	if err := h.Organizations.DeleteOrganization(t.Context(), o.ID); err != nil {
		t.Fatalf("DeleteOrganization: %v", err)
	}
	if rs := list(t, h, o); len(rs) != 0 {
		t.Fatalf("a deleted organization still has roles: %+v", rs)
	}
}
