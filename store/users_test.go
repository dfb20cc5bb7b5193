package store_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/fastauth/fastauth"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/models"
	"github.com/fastauth/fastauth/store"
)

// textColumns returns, per table of the database, its text columns.
func textColumns(t *testing.T, db *gorm.DB) map[string][]string {
	t.Helper()
	tables, err := db.Migrator().GetTables()
	if err != nil {
		t.Fatalf("GetTables: %v", err)
	}
	out := map[string][]string{}
	for _, table := range tables {
		cols, err := db.Migrator().ColumnTypes(table)
		if err != nil {
			t.Fatalf("ColumnTypes(%s): %v", table, err)
		}
		for _, c := range cols {
			typ := strings.ToLower(c.DatabaseTypeName())
			if strings.Contains(typ, "char") || strings.Contains(typ, "text") {
				out[table] = append(out[table], c.Name())
			}
		}
	}
	return out
}

// rowsNaming counts, per table, the rows with a text column equal to one
// of values.
func rowsNaming(t *testing.T, db *gorm.DB, cols map[string][]string, values ...string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for table, cs := range cols {
		var conds []string
		var args []any
		for _, c := range cs {
			for _, v := range values {
				conds = append(conds, db.Statement.Quote(c)+" = ?")
				args = append(args, v)
			}
		}
		var n int64
		if err := db.Table(table).Where(strings.Join(conds, " OR "), args...).Count(&n).Error; err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		if n > 0 {
			out[table] = n
		}
	}
	return out
}

// TestDeleteUserLeavesNoRow fills every table the store and its modules
// own with rows about one user, checks that the export has every such
// table's rows and none of their secrets, deletes the user, and counts
// what still names the user or their personal workspace in any table of
// the database: only the shared organization's record that they acted
// there (its audit log) may stay.
func TestDeleteUserLeavesNoRow(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := d.Open(t)
			st := testdb.Store(t, db)
			for name, migrate := range map[string]func() error{
				"mfa": func() error { return st.MFA().Migrate(ctx) }, "passkeys": func() error { return st.Passkeys().Migrate(ctx) },
				"identities": func() error { return st.Identities().Migrate(ctx) }, "audit": func() error { return st.Audit().Migrate(ctx) },
			} {
				if err := migrate(); err != nil {
					t.Fatalf("%s migrate: %v", name, err)
				}
			}
			userID, other := newAccount(t, st), newAccount(t, st)
			personal := personalOrg(t, st, userID)
			shared := fill(t, st, userID, other)

			cols := textColumns(t, db)
			before := rowsNaming(t, db, cols, userID, personal)
			for _, table := range []string{"auth_users", "auth_organizations", "auth_memberships", "auth_sessions", "auth_api_keys",
				"auth_invites", "auth_verification_tokens", "auth_identities", "auth_mfa_totp", "auth_mfa_recovery_codes",
				"auth_mfa_challenges", "auth_passkey_users", "auth_passkeys", "auth_passkey_ceremonies", "auth_audit_events"} {
				if before[table] == 0 {
					t.Errorf("the fixture has no row of %s naming the user", table)
				}
			}

			doc, err := st.Users().ExportUser(ctx, userID)
			if err != nil {
				t.Fatalf("ExportUser: %v", err)
			}
			for table := range before {
				if table != "auth_users" && len(doc.Tables[table]) == 0 {
					t.Errorf("export lacks %s (%d rows name the user)", table, before[table])
				}
			}
			if len(doc.Tables["auth_refresh_tokens"]) == 0 || len(doc.Tables["auth_webhook_deliveries"]) != 0 {
				t.Errorf("export refresh tokens %d, deliveries %d", len(doc.Tables["auth_refresh_tokens"]), len(doc.Tables["auth_webhook_deliveries"]))
			}
			js, _ := json.Marshal(doc)
			for _, s := range secrets(t, db, cols, userID) {
				if strings.Contains(string(js), s) {
					t.Errorf("export reveals the secret %q", s)
				}
			}

			// The last owner of the shared organization cannot go.
			if _, err := st.Users().DeleteUser(ctx, other, time.Now()); err == nil || !strings.Contains(err.Error(), fastauth.ErrLastOwner.Error()) {
				t.Fatalf("DeleteUser of the last owner: %v", err)
			}
			left, err := st.Users().DeleteUser(ctx, userID, time.Now())
			if err != nil || len(left) != 1 || left[0] != shared {
				t.Fatalf("DeleteUser: %v %v", left, err)
			}
			after := rowsNaming(t, db, cols, userID, personal)
			if after["auth_audit_events"] != 1 || len(after) != 1 {
				t.Fatalf("rows naming the deleted user: %v (want only the shared organization's audit event)", after)
			}
			if _, err := st.UserByID(ctx, other); err != nil {
				t.Fatalf("the other user: %v", err)
			}
			if _, err := st.Users().DeleteUser(ctx, userID, time.Now()); err == nil {
				t.Fatal("DeleteUser twice succeeded")
			}
		})
	}
}

// personalOrg returns the personal workspace of userID.
func personalOrg(t *testing.T, st *store.Store, userID string) string {
	t.Helper()
	ms, err := st.Memberships(t.Context(), userID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Organization.Kind == ginauth.KindPersonal {
			return m.Organization.ID
		}
	}
	t.Fatal("no personal workspace")
	return ""
}

// fill writes a row about userID into every table: a session with a
// refresh token, an API key, a verification token, invites, second
// factors, passkeys, an identity and audit events; other owns a shared
// organization userID is an admin of. It returns that organization.
func fill(t *testing.T, st *store.Store, userID, other string) string {
	t.Helper()
	db := st.DB().WithContext(t.Context())
	id := func() string { return uuid.Must(uuid.NewV7()).String() }
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	later := now.Add(time.Hour)
	hex := func(tag string) string { return fmt.Sprintf("%064x", []byte(tag + id())[:32]) }
	shared, sess := id(), id()
	ev := func(org, actor, subject *string) *models.AuditEvent {
		return &models.AuditEvent{ID: id(), Type: "test.event", OccurredAt: now, OrganizationID: org, ActorUserID: actor, SubjectUserID: subject, TargetType: "user", Data: "{}"}
	}
	personal := personalOrg(t, st, userID)
	rows := []any{
		&models.Organization{ID: shared, Kind: "shared", Name: "Shared", CreatedAt: now, UpdatedAt: now},
		&models.Membership{OrganizationID: shared, UserID: other, Role: "owner", CreatedAt: now},
		&models.Membership{OrganizationID: shared, UserID: userID, Role: "admin", CreatedAt: now},
		&models.Session{ID: sess, UserID: userID, CreatedAt: now, LastUsedAt: now, ExpiresAt: later, AAL: 1, AMR: "password"},
		&models.RefreshToken{ID: id(), SessionID: sess, TokenHash: hex("rt"), CreatedAt: now, ExpiresAt: later},
		&models.APIKey{ID: id(), OrganizationID: shared, Name: "k", CreatedByUserID: userID, KeyPrefix: "abc", KeyHash: hex("key"), CreatedAt: now},
		&models.VerificationToken{ID: id(), UserID: userID, Kind: "email_confirm", TokenHash: hex("vt"), CreatedAt: now, ExpiresAt: later},
		&models.Invite{ID: id(), OrganizationID: shared, Email: "x@example.com", Role: "member", TokenHash: hex("inv"), InvitedByUserID: userID, CreatedAt: now, ExpiresAt: later},
		&models.Identity{ID: id(), Provider: "idp", Subject: "sub-" + userID, UserID: userID, CreatedAt: now},
		&models.MFATOTP{UserID: userID, SecretID: id(), Secret: []byte("totp-secret-bytes"), CreatedAt: now, UpdatedAt: now},
		&models.MFARecoveryCode{UserID: userID, CodeHash: hex("rc"), CreatedAt: now},
		&models.MFAChallenge{ID: id(), UserID: userID, TokenHash: hex("ch"), FirstMethod: "password", CreatedAt: now, ExpiresAt: later},
		&models.PasskeyUser{UserID: userID, Handle: "handle-" + userID},
		&models.Passkey{ID: id(), UserID: userID, CredentialIDHash: hex("cred"), CredentialID: []byte("credential-id"), PublicKey: []byte("public-key"), Transports: "usb", AttestationFormat: "none", Name: "key", CreatedAt: now},
		&models.PasskeyCeremony{IDHash: hex("cer"), Kind: "register", UserID: &userID, SessionData: []byte("ceremony-state"), CreatedAt: now, ExpiresAt: later},
		ev(&personal, &userID, &userID),
		ev(nil, nil, &userID),
		ev(&shared, &userID, &other), // the shared organization's record: stays
	}
	for _, r := range rows {
		if err := db.Create(r).Error; err != nil {
			t.Fatalf("create %T: %v", r, err)
		}
	}
	return shared
}

// secrets returns the values of the secret columns (hashes, secrets,
// token material) of the rows naming userID.
func secrets(t *testing.T, db *gorm.DB, cols map[string][]string, userID string) []string {
	t.Helper()
	var out []string
	for table, cs := range cols {
		for _, c := range cs {
			if !strings.Contains(c, "hash") && !strings.Contains(c, "secret") {
				continue
			}
			var vals []string
			if err := db.Table(table).Where("1 = 1").Pluck(c, &vals).Error; err != nil {
				t.Fatalf("pluck %s.%s: %v", table, c, err)
			}
			for _, v := range vals {
				if v != "" {
					out = append(out, v)
				}
			}
		}
	}
	u, err := (&userReader{db}).passwordHash(userID)
	if err != nil {
		t.Fatal(err)
	}
	return append(out, u, "totp-secret-bytes", "credential-id", "public-key", "ceremony-state")
}

type userReader struct{ db *gorm.DB }

func (r *userReader) passwordHash(id string) (string, error) {
	var h string
	err := r.db.Table("auth_users").Where("id = ?", id).Pluck("password_hash", &h).Error
	return h, err
}
