package passkeys

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"
)

// CeremonyLifetime is how long a ceremony can be finished after it began.
// It is also the timeout the options ask the browser for.
const CeremonyLifetime = 5 * time.Minute

// CeremonyKind tells the three ceremonies apart: a ceremony begun for one
// cannot finish another.
type CeremonyKind string

// The ceremony kinds.
const (
	// CeremonyRegistration registers a passkey for the account it is bound
	// to.
	CeremonyRegistration CeremonyKind = "registration"
	// CeremonySignIn is a discoverable sign-in, bound to no account.
	CeremonySignIn CeremonyKind = "sign_in"
	// CeremonySecondFactor verifies a passkey of the account it is bound
	// to (the account of an mfa_token) as the second factor.
	CeremonySecondFactor CeremonyKind = "second_factor"
)

// Ceremony is a begun ceremony as stored: what the finishing call needs
// to verify the browser's answer. It never leaves the server.
type Ceremony struct {
	// IDHash is the hex SHA-256 of the ceremony_id the client holds; the
	// id itself is not stored.
	IDHash string
	// Kind is the ceremony it was begun for.
	Kind CeremonyKind
	// UserID is the account it is bound to, "" for a sign-in.
	UserID string
	// Session is go-webauthn's SessionData as JSON (challenge, RP ID, user
	// handle, allowed credentials, user verification, extensions).
	Session []byte
	// CreatedAt is when it began.
	CreatedAt time.Time
	// ExpiresAt is CreatedAt plus CeremonyLifetime.
	ExpiresAt time.Time
}

// ceremonyIDLen is the length of a ceremony_id: 32 random bytes in
// unpadded base64url.
var ceremonyIDLen = base64.RawURLEncoding.EncodedLen(32)

// newCeremonyID returns a fresh 256-bit ceremony_id and its hash.
func newCeremonyID() (id, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", fmt.Errorf("passkeys: random ceremony id: %w", err)
	}
	id = base64.RawURLEncoding.EncodeToString(b[:])
	return id, hashCeremonyID(id), nil
}

// hashCeremonyID is the stored form of a ceremony_id.
func hashCeremonyID(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

// validCeremonyID reports whether id has the shape of a ceremony_id, so
// that garbage is refused without a store query.
func validCeremonyID(id string) bool {
	if len(id) != ceremonyIDLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(id)
	return err == nil
}

// beginCeremony stores the session of a ceremony that begins at now and
// returns its ceremony_id.
func (rp *RelyingParty) beginCeremony(ctx context.Context, kind CeremonyKind, userID string, session *webauthn.SessionData, now time.Time) (string, error) {
	data, err := json.Marshal(session)
	if err != nil {
		return "", fmt.Errorf("passkeys: encode ceremony: %w", err)
	}
	id, hash, err := newCeremonyID()
	if err != nil {
		return "", err
	}
	c := Ceremony{IDHash: hash, Kind: kind, UserID: userID, Session: data, CreatedAt: now, ExpiresAt: now.Add(CeremonyLifetime)}
	if err := rp.store.CreateCeremony(ctx, c); err != nil {
		return "", fmt.Errorf("passkeys: store ceremony: %w", err)
	}
	return id, nil
}

// takeCeremony consumes the ceremony id of this kind bound to userID and
// returns its session; ErrCeremonyNotFound when there is no such live
// ceremony.
func (rp *RelyingParty) takeCeremony(ctx context.Context, id string, kind CeremonyKind, userID string, now time.Time) (webauthn.SessionData, error) {
	if !validCeremonyID(id) {
		return webauthn.SessionData{}, ErrCeremonyNotFound
	}
	c, err := rp.store.TakeCeremony(ctx, hashCeremonyID(id), kind, userID, now)
	if err != nil {
		return webauthn.SessionData{}, fmt.Errorf("passkeys: take ceremony: %w", err)
	}
	var session webauthn.SessionData
	if err := json.Unmarshal(c.Session, &session); err != nil {
		return webauthn.SessionData{}, fmt.Errorf("passkeys: decode ceremony: %w", err)
	}
	return session, nil
}

// PurgeCeremonies deletes the ceremonies that expired before now; the
// module runs it from time to time (ceremonies that finish delete
// themselves).
func (rp *RelyingParty) PurgeCeremonies(ctx context.Context, now time.Time) (int64, error) {
	n, err := rp.store.DeleteExpiredCeremonies(ctx, now)
	if err != nil {
		return 0, fmt.Errorf("passkeys: purge ceremonies: %w", err)
	}
	return n, nil
}
