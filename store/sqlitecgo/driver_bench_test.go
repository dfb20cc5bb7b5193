package sqlitecgo_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/sqlite"
	"github.com/fastauth/fastauth/store/sqlitecgo"
)

// The driver benchmarks compare store/sqlite (github.com/glebarez/sqlite,
// pure Go) with this package (github.com/mattn/go-sqlite3, cgo) on the
// store's hot operations, both opened by their Open (begin immediate, busy
// timeout, WAL, foreign keys) on a file in a temporary directory:
//
//	go test ./store/sqlitecgo -run '^$' -bench Driver -benchmem
//
// docs/architecture.md has the figures and the choice they led to.

// benchDrivers opens a migrated store on a new database file per driver.
var benchDrivers = []struct {
	name string
	open func(b *testing.B, path string) *gorm.DB
}{
	{"glebarez", func(b *testing.B, path string) *gorm.DB {
		db, err := sqlite.Open(b.Context(), path)
		if err != nil {
			b.Fatal(err)
		}
		return db
	}},
	{"mattn", func(b *testing.B, path string) *gorm.DB {
		db, err := sqlitecgo.Open(b.Context(), path)
		if err != nil {
			b.Fatal(err)
		}
		return db
	}},
}

func benchStore(b *testing.B, open func(*testing.B, string) *gorm.DB) *store.Store {
	b.Helper()
	db := open(b, filepath.Join(b.TempDir(), "bench.db"))
	sqlDB, _ := db.DB()
	b.Cleanup(func() { _ = sqlDB.Close() })
	st, err := store.New(db)
	if err != nil {
		b.Fatal(err)
	}
	if err := st.AutoMigrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	return st
}

var benchNow = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// signUp stores user i with its personal workspace, as sign-up does.
func signUp(ctx context.Context, st *store.Store, i int) (ginauth.User, ginauth.Organization, error) {
	u := ginauth.User{ID: uuid.NewString(), Email: fmt.Sprintf("user%d@example.com", i), PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", CreatedAt: benchNow, UpdatedAt: benchNow}
	ws := ginauth.Organization{ID: uuid.NewString(), Kind: ginauth.KindPersonal, Name: "Personal", CreatedAt: benchNow, UpdatedAt: benchNow}
	err := st.CreateUser(ctx, u, ws, ginauth.Membership{Role: ginauth.RoleOwner, CreatedAt: benchNow}, nil)
	return u, ws, err
}

func tokenHash(i int) []byte {
	h := sha256.Sum256(fmt.Appendf(nil, "token-%d", i))
	return h[:]
}

// BenchmarkDriverSignUp: CreateUser (user, workspace, membership in one
// transaction), the store's part of a sign-up.
func BenchmarkDriverSignUp(b *testing.B) {
	for _, d := range benchDrivers {
		b.Run(d.name, func(b *testing.B) {
			st := benchStore(b, d.open)
			i := 0
			for b.Loop() {
				if _, _, err := signUp(b.Context(), st, i); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkDriverRotate: RotateRefreshToken, the store's part of a
// session refresh (consume the token, read the session, insert the next
// token, touch the session).
func BenchmarkDriverRotate(b *testing.B) {
	for _, d := range benchDrivers {
		b.Run(d.name, func(b *testing.B) {
			st := benchStore(b, d.open)
			ctx := b.Context()
			u, _, err := signUp(ctx, st, 0)
			if err != nil {
				b.Fatal(err)
			}
			sess := ginauth.Session{ID: uuid.NewString(), UserID: u.ID, CreatedAt: benchNow, ExpiresAt: benchNow.Add(24 * time.Hour)}
			first := ginauth.RefreshToken{ID: uuid.NewString(), TokenHash: tokenHash(0), CreatedAt: benchNow}
			if err := st.CreateSession(ctx, sess, first, 0, false, benchNow); err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				next := ginauth.RefreshToken{ID: uuid.NewString(), TokenHash: tokenHash(i + 1), CreatedAt: benchNow}
				if _, err := st.RotateRefreshToken(ctx, tokenHash(i), next, benchNow); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkDriverAPIKeyLookup: APIKeyByHash (one join), the store's part
// of an API-key request the cache misses, from 8 goroutines per CPU.
func BenchmarkDriverAPIKeyLookup(b *testing.B) {
	for _, d := range benchDrivers {
		b.Run(d.name, func(b *testing.B) {
			st := benchStore(b, d.open)
			ctx := b.Context()
			const keys = 1000
			for i := range keys {
				u, ws, err := signUp(ctx, st, i)
				if err != nil {
					b.Fatal(err)
				}
				k := ginauth.APIKey{ID: uuid.NewString(), OrganizationID: ws.ID, Name: "k", CreatedByUserID: u.ID,
					KeyPrefix: fmt.Sprintf("%012d", i), KeyHash: tokenHash(i), CreatedAt: benchNow}
				if err := st.CreateAPIKey(ctx, k); err != nil {
					b.Fatal(err)
				}
			}
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if _, err := st.APIKeyByHash(ctx, tokenHash(i%keys)); err != nil {
						b.Error(err)
						return
					}
					i++
				}
			})
		})
	}
}
