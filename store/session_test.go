package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/models"
)

// TestSessionAssuranceMigration: sessions stored before auth_sessions had
// the aal, amr and auth_time columns read, after AutoMigrate adds them, as
// password sessions at aal 1 authenticated when they were created, and
// keep working (rotation, step-up).
func TestSessionAssuranceMigration(t *testing.T) {
	for _, d := range testdb.Dialects(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := d.Open(t)
			st := testdb.Store(t, db)
			created := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
			u := ginauth.User{ID: uuid.NewString(), Email: uuid.NewString() + "@example.com", PasswordHash: "x", CreatedAt: created, UpdatedAt: created}
			ws := ginauth.Organization{ID: uuid.NewString(), Kind: ginauth.KindPersonal, Name: "Personal", CreatedAt: created, UpdatedAt: created}
			sess := ginauth.Session{ID: uuid.NewString(), UserID: u.ID, CreatedAt: created, LastUsedAt: created, ExpiresAt: created.Add(24 * time.Hour)}
			first := ginauth.RefreshToken{ID: uuid.NewString(), SessionID: sess.ID, TokenHash: []byte("0123456789abcdef0123456789abcdef"), CreatedAt: created, ExpiresAt: sess.ExpiresAt}
			owner := ginauth.Membership{OrganizationID: ws.ID, UserID: u.ID, Role: ginauth.RoleOwner, CreatedAt: created}
			if err := st.CreateUser(ctx, u, ws, owner, &ginauth.NewSession{Session: sess, RefreshToken: first}); err != nil {
				t.Fatal(err)
			}
			// Back to the schema of before: the row stays, the columns go.
			for _, col := range []string{"aal", "amr", "auth_time"} {
				if err := db.Migrator().DropColumn(&models.Session{}, col); err != nil {
					t.Fatalf("drop %s: %v", col, err)
				}
			}
			if err := st.AutoMigrate(ctx); err != nil {
				t.Fatalf("AutoMigrate over the old schema: %v", err)
			}
			got, err := st.SessionByID(ctx, sess.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.AAL != 1 || !slices.Equal(got.AMR, []string{ginauth.MethodPassword}) || !got.AuthTime.Equal(created) {
				t.Fatalf("migrated session: aal %d amr %q auth time %s, want 1 [password] %s", got.AAL, got.AMR, got.AuthTime, created)
			}
			now := created.Add(time.Hour)
			raised, err := st.RaiseSession(ctx, u.ID, sess.ID, 2, ginauth.MethodTOTP, now)
			if err != nil {
				t.Fatal(err)
			}
			if raised.AAL != 2 || !slices.Equal(raised.AMR, []string{ginauth.MethodPassword, ginauth.MethodTOTP}) || !raised.AuthTime.Equal(now) {
				t.Fatalf("raised migrated session: aal %d amr %q auth time %s", raised.AAL, raised.AMR, raised.AuthTime)
			}
		})
	}
}

// TestSessionAMRStoredAsWords: methods that are not single words, or too
// many to fit the column, are refused rather than stored garbled.
func TestSessionAMRStoredAsWords(t *testing.T) {
	t.Parallel()
	st := testdb.Store(t, testdb.SQLite(t))
	ctx := t.Context()
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	u := ginauth.User{ID: uuid.NewString(), Email: uuid.NewString() + "@example.com", PasswordHash: "x", CreatedAt: now, UpdatedAt: now}
	ws := ginauth.Organization{ID: uuid.NewString(), Kind: ginauth.KindPersonal, Name: "Personal", CreatedAt: now, UpdatedAt: now}
	if err := st.CreateUser(ctx, u, ws, ginauth.Membership{OrganizationID: ws.ID, UserID: u.ID, Role: ginauth.RoleOwner, CreatedAt: now}, nil); err != nil {
		t.Fatal(err)
	}
	for name, amr := range map[string][]string{
		"a space":      {"pass word"},
		"empty":        {""},
		"a tab":        {"otp\tx"},
		"too many":     slices.Repeat([]string{"recovery_code_method_x"}, 12),
		"a newline":    {"password\n"},
		"one too long": {string(make([]byte, 300))},
	} {
		s := ginauth.Session{ID: uuid.NewString(), UserID: u.ID, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(time.Hour), AAL: 1, AMR: amr}
		rt := ginauth.RefreshToken{ID: uuid.NewString(), SessionID: s.ID, TokenHash: []byte(uuid.NewString()), CreatedAt: now, ExpiresAt: s.ExpiresAt}
		if err := st.CreateSession(ctx, s, rt, 0, false, now); err == nil {
			t.Errorf("%s: CreateSession stored amr %q", name, amr)
		}
	}
}
