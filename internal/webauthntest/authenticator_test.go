package webauthntest_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"github.com/fastauth/fastauth/internal/webauthntest"
)

// Options as a server sends them, written by hand so that the format tests
// depend on no relying-party library.
const (
	creationJSON = `{"publicKey":{"rp":{"id":"example.com","name":"Example"},
		"user":{"id":"dXNlci0x","name":"alice","displayName":"Alice"},
		"challenge":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
		"pubKeyCredParams":[{"type":"public-key","alg":-8},{"type":"public-key","alg":-7}]}}`
	requestJSON = `{"publicKey":{"rpId":"example.com","challenge":"H-Ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","userVerification":"required"}}`
)

func b64d(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("%q is not unpadded base64url: %v", s, err)
	}
	return b
}

func TestRegistrationResponseFormat(t *testing.T) {
	t.Parallel()
	a := webauthntest.New(webauthntest.Config{Origin: "https://example.com"})
	body, err := a.Create([]byte(creationJSON))
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		ID, RawID, Type, AuthenticatorAttachment string
		ClientExtensionResults                   map[string]any
		Response                                 struct {
			ClientDataJSON, AuthenticatorData, PublicKey, AttestationObject string
			PublicKeyAlgorithm                                              int
			Transports                                                      []string
		}
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	held := a.Credentials()[0]
	if resp.ID != resp.RawID || !bytes.Equal(b64d(t, resp.ID), held.ID) || resp.Type != "public-key" || resp.AuthenticatorAttachment != "platform" {
		t.Fatalf("id/rawId/type/attachment = %q %q %q %q", resp.ID, resp.RawID, resp.Type, resp.AuthenticatorAttachment)
	}
	if resp.ClientExtensionResults == nil || len(resp.ClientExtensionResults) != 0 {
		t.Fatalf("clientExtensionResults %v, want {} (credProps not requested)", resp.ClientExtensionResults)
	}
	if !bytes.Equal(held.UserHandle, []byte("user-1")) || held.UserName != "alice" || held.RPID != "example.com" {
		t.Fatalf("held %+v", held)
	}

	var cd map[string]any
	if err := json.Unmarshal(b64d(t, resp.Response.ClientDataJSON), &cd); err != nil {
		t.Fatal(err)
	}
	if cd["type"] != "webauthn.create" || cd["challenge"] != "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8" || cd["origin"] != "https://example.com" || cd["crossOrigin"] != false {
		t.Fatalf("clientData %v", cd)
	}

	var att struct {
		Fmt      string         `cbor:"fmt"`
		AttStmt  map[string]any `cbor:"attStmt"`
		AuthData []byte         `cbor:"authData"`
	}
	if err := cbor.Unmarshal(b64d(t, resp.Response.AttestationObject), &att); err != nil {
		t.Fatal(err)
	}
	if att.Fmt != "none" || att.AttStmt == nil || len(att.AttStmt) != 0 || !bytes.Equal(att.AuthData, b64d(t, resp.Response.AuthenticatorData)) {
		t.Fatalf("attestation object fmt %q attStmt %v, authData equal to the response's: %v", att.Fmt, att.AttStmt, bytes.Equal(att.AuthData, b64d(t, resp.Response.AuthenticatorData)))
	}
	ad := att.AuthData
	rpHash := sha256.Sum256([]byte("example.com"))
	if !bytes.Equal(ad[:32], rpHash[:]) || ad[32] != 0x45 /* UP|UV|AT */ || !bytes.Equal(ad[33:37], []byte{0, 0, 0, 0}) {
		t.Fatalf("authData header %x", ad[:37])
	}
	if !bytes.Equal(ad[37:53], make([]byte, 16)) || int(ad[53])<<8|int(ad[54]) != len(held.ID) || !bytes.Equal(ad[55:55+len(held.ID)], held.ID) {
		t.Fatalf("attested credential data %x", ad[37:])
	}
	var key map[int]any
	if err := cbor.Unmarshal(ad[55+len(held.ID):], &key); err != nil {
		t.Fatal(err)
	}
	point, _ := held.PublicKey.Bytes()
	if key[1] != uint64(2) || key[3] != int64(-7) || key[-1] != uint64(1) || !bytes.Equal(key[-2].([]byte), point[1:33]) || !bytes.Equal(key[-3].([]byte), point[33:]) {
		t.Fatalf("COSE key %v", key)
	}

	spki, err := x509.ParsePKIXPublicKey(b64d(t, resp.Response.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if !held.PublicKey.Equal(spki) || resp.Response.PublicKeyAlgorithm != -7 {
		t.Fatalf("publicKey %v alg %d", spki, resp.Response.PublicKeyAlgorithm)
	}
	if len(resp.Response.Transports) == 0 {
		t.Fatal("no transports")
	}
}

func TestAuthenticationResponseFormat(t *testing.T) {
	t.Parallel()
	a := webauthntest.New(webauthntest.Config{Origin: "https://example.com", BackupEligible: true})
	if _, err := a.Create([]byte(creationJSON)); err != nil {
		t.Fatal(err)
	}
	body, err := a.Get([]byte(requestJSON))
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		ID, RawID, Type string
		Response        struct {
			ClientDataJSON, AuthenticatorData, Signature, UserHandle string
		}
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	held := a.Credentials()[0]
	if !bytes.Equal(b64d(t, resp.RawID), held.ID) || !bytes.Equal(b64d(t, resp.Response.UserHandle), []byte("user-1")) {
		t.Fatalf("rawId %q userHandle %q", resp.RawID, resp.Response.UserHandle)
	}
	cdj := b64d(t, resp.Response.ClientDataJSON)
	var cd map[string]any
	if err := json.Unmarshal(cdj, &cd); err != nil {
		t.Fatal(err)
	}
	if cd["type"] != "webauthn.get" || cd["challenge"] != "H-Ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" {
		t.Fatalf("clientData %v", cd)
	}
	ad := b64d(t, resp.Response.AuthenticatorData)
	if len(ad) != 37 || ad[32] != 0x0d /* UP|UV|BE */ || !bytes.Equal(ad[33:], []byte{0, 0, 0, 1}) {
		t.Fatalf("authData %x", ad)
	}
	cdh := sha256.Sum256(cdj)
	digest := sha256.Sum256(append(ad, cdh[:]...))
	if !ecdsa.VerifyASN1(held.PublicKey, digest[:], b64d(t, resp.Response.Signature)) {
		t.Fatal("signature does not verify with the credential's key")
	}
}

func TestCeremonyErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		create  bool
		options string
		want    error
	}{
		{"create: not JSON", true, `{`, webauthntest.ErrBadOptions},
		{"create: challenge not base64url", true, `{"publicKey":{"rp":{"id":"example.com"},"user":{"id":"dQ"},"challenge":"%%"}}`, webauthntest.ErrBadOptions},
		{"create: no challenge", true, `{"publicKey":{"rp":{"id":"example.com"},"user":{"id":"dQ"}}}`, webauthntest.ErrBadOptions},
		{"create: no user handle", true, `{"publicKey":{"rp":{"id":"example.com"},"challenge":"AAAA"}}`, webauthntest.ErrBadOptions},
		{"create: RS256 only", true, `{"publicKey":{"rp":{"id":"example.com"},"user":{"id":"dQ"},"challenge":"AAAA","pubKeyCredParams":[{"type":"public-key","alg":-257}]}}`, webauthntest.ErrUnsupportedAlgorithm},
		{"get: not JSON", false, `[]`, webauthntest.ErrBadOptions},
		{"get: no challenge", false, `{"publicKey":{"rpId":"example.com"}}`, webauthntest.ErrBadOptions},
		{"get: other rp id", false, `{"publicKey":{"rpId":"other.example","challenge":"AAAA"}}`, webauthntest.ErrNoCredential},
		{"get: credential not allowed", false, `{"publicKey":{"rpId":"example.com","challenge":"AAAA","allowCredentials":[{"type":"public-key","id":"AAAA"}]}}`, webauthntest.ErrNoCredential},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := webauthntest.New(webauthntest.Config{Origin: "https://example.com"})
			if _, err := a.Create([]byte(creationJSON)); err != nil {
				t.Fatal(err)
			}
			var err error
			if tt.create {
				_, err = a.Create([]byte(tt.options))
			} else {
				_, err = a.Get([]byte(tt.options))
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if n := len(a.Credentials()); n != 1 {
				t.Fatalf("authenticator holds %d credentials after a failed ceremony, want 1", n)
			}
		})
	}
}

func TestNoCredentialYet(t *testing.T) {
	t.Parallel()
	a := webauthntest.New(webauthntest.Config{Origin: "https://example.com"})
	if _, err := a.Get([]byte(requestJSON)); !errors.Is(err, webauthntest.ErrNoCredential) {
		t.Fatalf("error %v, want ErrNoCredential", err)
	}
	// An unknown credential needs none held.
	if _, err := a.Get([]byte(requestJSON), webauthntest.WithUnknownCredential()); err != nil {
		t.Fatal(err)
	}
}

func TestBareOptionsAndDefaultRPID(t *testing.T) {
	t.Parallel()
	// Options without the publicKey wrapper and without an RP ID: the
	// client takes the RP ID from the origin's host.
	a := webauthntest.New(webauthntest.Config{Origin: "http://localhost:8080"})
	if _, err := a.Create([]byte(`{"rp":{"name":"x"},"user":{"id":"dQ"},"challenge":"AAAA"}`)); err != nil {
		t.Fatal(err)
	}
	if rp := a.Credentials()[0].RPID; rp != "localhost" {
		t.Fatalf("RP ID %q, want localhost", rp)
	}
	if _, err := a.Get([]byte(`{"challenge":"AAAA"}`)); err != nil {
		t.Fatal(err)
	}
}

func TestResidentCredentialReplaced(t *testing.T) {
	t.Parallel()
	a := webauthntest.New(webauthntest.Config{Origin: "https://example.com"})
	for range 2 {
		if _, err := a.Create([]byte(creationJSON)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(a.Credentials()); n != 1 {
		t.Fatalf("%d credentials for one RP ID and user handle, want 1 (the newer replaces the older)", n)
	}
	other := bytes.Replace([]byte(creationJSON), []byte(`"dXNlci0x"`), []byte(`"dXNlci0y"`), 1)
	if _, err := a.Create(other); err != nil {
		t.Fatal(err)
	}
	held := a.Credentials()
	if len(held) != 2 {
		t.Fatalf("%d credentials for two users, want 2", len(held))
	}
	// The newest is used by default; WithCredential picks the other.
	for _, pick := range []struct {
		opts []webauthntest.Option
		want []byte
	}{{nil, held[1].ID}, {[]webauthntest.Option{webauthntest.WithCredential(held[0].ID)}, held[0].ID}} {
		body, err := a.Get([]byte(requestJSON), pick.opts...)
		if err != nil {
			t.Fatal(err)
		}
		var resp struct{ RawID string }
		_ = json.Unmarshal(body, &resp)
		if !bytes.Equal(b64d(t, resp.RawID), pick.want) {
			t.Fatalf("answered with %q, want %x", resp.RawID, pick.want)
		}
	}
	if !a.Remove(held[0].ID) || a.Remove(held[0].ID) || len(a.Credentials()) != 1 {
		t.Fatal("Remove did not forget exactly one credential")
	}
}

func TestConcurrentAssertions(t *testing.T) {
	t.Parallel()
	a := webauthntest.New(webauthntest.Config{Origin: "https://example.com"})
	if _, err := a.Create([]byte(creationJSON)); err != nil {
		t.Fatal(err)
	}
	const n = 20
	counts := make(chan uint32, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			body, err := a.Get([]byte(requestJSON))
			if err != nil {
				t.Error(err)
				return
			}
			var resp struct {
				Response struct{ AuthenticatorData string }
			}
			_ = json.Unmarshal(body, &resp)
			ad, _ := base64.RawURLEncoding.DecodeString(resp.Response.AuthenticatorData)
			counts <- uint32(ad[33])<<24 | uint32(ad[34])<<16 | uint32(ad[35])<<8 | uint32(ad[36])
		})
	}
	wg.Wait()
	close(counts)
	seen := map[uint32]bool{}
	for c := range counts {
		if seen[c] {
			t.Fatalf("counter %d reported twice", c)
		}
		seen[c] = true
	}
	if a.Credentials()[0].SignCount != n {
		t.Fatalf("counter %d after %d assertions", a.Credentials()[0].SignCount, n)
	}
}
