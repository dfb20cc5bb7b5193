package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/google/uuid"
	"golang.org/x/crypto/argon2"
	"gorm.io/gorm"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/models"
	"github.com/fastauth/fastauth/store"
	"github.com/fastauth/fastauth/store/dburl"
)

// seedBatch is the rows per INSERT: 500 rows of at most 9 columns stay
// under every dialect's bound on statement parameters.
const seedBatch = 500

// seedEmail is the address of seeded user i.
func seedEmail(i int) string { return fmt.Sprintf("user%06d@loadtest.example", i) }

// seedKey is the plaintext of seeded API key i: deterministic, so that the
// load script can present keys without storing them anywhere else.
func seedKey(i int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "fastauth-loadtest-key-%d", i))
	return "sk-" + hex.EncodeToString(sum[:])
}

// cmdSeed inserts users (each with a personal workspace they own) and API
// keys straight through the store's GORM handle, in batches: no HTTP and
// no argon2id per user (every user gets the same precomputed hash of
// -password with the production parameters). It does nothing when the
// database already holds at least -users users.
func cmdSeed(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ExitOnError)
	dbURL := fs.String("db", "sqlite:///tmp/fastauth-loadtest/loadtest.db", "DATABASE_URL of the database to seed")
	users := fs.Int("users", 100000, "users to create")
	keys := fs.Int("keys", 100000, "API keys to create (key i belongs to user i mod users)")
	password := fs.String("password", "loadtest-password-1", "password of every seeded user")
	keysOut := fs.String("keys-out", "", "write the plaintext keys there, one a line")
	_ = fs.Parse(args)

	db, err := dburl.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	st, err := store.New(db)
	if err != nil {
		return err
	}
	if err := st.AutoMigrate(ctx); err != nil {
		return err
	}
	if *keysOut != "" {
		if err := writeKeys(*keysOut, *keys); err != nil {
			return err
		}
	}
	var have int64
	if err := db.WithContext(ctx).Model(&models.User{}).Where("email LIKE ?", "%@loadtest.example").Count(&have).Error; err != nil {
		return fmt.Errorf("count users: %w", err)
	}
	if have >= int64(*users) {
		fmt.Printf("seed: %d users already there, nothing to do\n", have)
		return nil
	}
	if have > 0 {
		return fmt.Errorf("seed: %d of %d users present: seed an empty database", have, *users)
	}

	start := time.Now()
	hash := phcHash(*password, ginauth.DefaultArgon2Params)
	now := time.Now().UTC().Truncate(time.Microsecond)
	orgOf := make([]string, *users)
	userOf := make([]string, *users)
	for lo := 0; lo < *users; lo += seedBatch {
		hi := min(lo+seedBatch, *users)
		us := make([]models.User, 0, hi-lo)
		orgs := make([]models.Organization, 0, hi-lo)
		ms := make([]models.Membership, 0, hi-lo)
		for i := lo; i < hi; i++ {
			userOf[i], orgOf[i] = uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
			us = append(us, models.User{ID: userOf[i], Email: seedEmail(i), PasswordHash: hash, CreatedAt: now, UpdatedAt: now})
			orgs = append(orgs, models.Organization{ID: orgOf[i], Kind: string(ginauth.KindPersonal), Name: "Personal", CreatedAt: now, UpdatedAt: now})
			ms = append(ms, models.Membership{OrganizationID: orgOf[i], UserID: userOf[i], Role: string(ginauth.RoleOwner), CreatedAt: now})
		}
		if err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Create(&us).Error; err != nil {
				return err
			}
			if err := tx.Create(&orgs).Error; err != nil {
				return err
			}
			return tx.Create(&ms).Error
		}); err != nil {
			return fmt.Errorf("seed users %d..%d: %w", lo, hi, err)
		}
	}
	for lo := 0; lo < *keys; lo += seedBatch {
		hi := min(lo+seedBatch, *keys)
		ks := make([]models.APIKey, 0, hi-lo)
		for i := lo; i < hi; i++ {
			plain := seedKey(i)
			sum := sha256.Sum256([]byte(plain))
			u := i % *users
			ks = append(ks, models.APIKey{
				ID: uuid.Must(uuid.NewV7()).String(), OrganizationID: orgOf[u], Name: fmt.Sprintf("key %d", i),
				CreatedByUserID: userOf[u], KeyPrefix: plain[3:15], KeyHash: hex.EncodeToString(sum[:]), CreatedAt: now,
			})
		}
		if err := db.WithContext(ctx).Create(&ks).Error; err != nil {
			return fmt.Errorf("seed keys %d..%d: %w", lo, hi, err)
		}
	}
	fmt.Printf("seed: %d users, %d API keys in %s\n", *users, *keys, time.Since(start).Round(time.Millisecond))
	return nil
}

// writeKeys writes the first n seeded keys to path.
func writeKeys(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i := range n {
		fmt.Fprintln(w, seedKey(i))
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// phcHash is the argon2id PHC string ginauth writes for password with p.
func phcHash(password string, p ginauth.Argon2Params) string {
	salt := make([]byte, p.SaltLength)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLength)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key))
}
