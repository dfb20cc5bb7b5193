package signingkey_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/internal/signingkey"
)

// sentinels are the errors ParsePEM documents.
var sentinels = []error{
	signingkey.ErrNoKey,
	signingkey.ErrMalformed,
	signingkey.ErrUnsupported,
	signingkey.ErrEncrypted,
	signingkey.ErrDuplicate,
}

// readKey returns a file of testdata/ (made by testdata/generate.sh with
// OpenSSL).
func readKey(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func join(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestParsePEM(t *testing.T) {
	t.Parallel()
	ed, p256 := readKey(t, "ed25519.pem"), readKey(t, "p256.pem")
	for _, tc := range []struct {
		name string
		data []byte
		algs []signingkey.Algorithm
	}{
		{"ed25519", ed, []signingkey.Algorithm{signingkey.EdDSA}},
		{"p256", p256, []signingkey.Algorithm{signingkey.ES256}},
		{"rotation: signing key first", join(p256, ed), []signingkey.Algorithm{signingkey.ES256, signingkey.EdDSA}},
		{"blank lines and CRLF around blocks", join([]byte("\r\n\n  "), bytes.ReplaceAll(ed, []byte("\n"), []byte("\r\n")), []byte("\n\n"), p256, []byte("\t\n")),
			[]signingkey.Algorithm{signingkey.EdDSA, signingkey.ES256}},
		{"no final newline", bytes.TrimRight(ed, "\n"), []signingkey.Algorithm{signingkey.EdDSA}},
	} {
		keys, err := signingkey.ParsePEM(tc.data)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if len(keys) != len(tc.algs) {
			t.Errorf("%s: %d keys, want %d", tc.name, len(keys), len(tc.algs))
			continue
		}
		for i, k := range keys {
			if k.Algorithm() != tc.algs[i] {
				t.Errorf("%s: key %d is %s, want %s", tc.name, i+1, k.Algorithm(), tc.algs[i])
			}
		}
	}

	// The file's order is kept: the first key is the one a rotation adds.
	a, _ := signingkey.ParsePEM(join(ed, p256))
	b, _ := signingkey.ParsePEM(join(p256, ed))
	if a[0].ID() != b[1].ID() || a[1].ID() != b[0].ID() {
		t.Fatal("ParsePEM does not keep the file's order")
	}
}

func TestParsePEMErrors(t *testing.T) {
	t.Parallel()
	ed, p256 := readKey(t, "ed25519.pem"), readKey(t, "p256.pem")
	truncated := ed[:bytes.Index(ed, []byte("-----END"))]
	badBase64 := bytes.Replace(ed, []byte("MC4CAQ"), []byte("MC4C!Q"), 1)
	withHeader := bytes.Replace(ed, []byte("KEY-----\n"), []byte("KEY-----\nComment: x\n\n"), 1)
	for _, tc := range []struct {
		name string
		data []byte
		want error
		msg  []string // substrings of the message
	}{
		{"empty", nil, signingkey.ErrNoKey, []string{"no PEM block", "openssl genpkey -algorithm ed25519"}},
		{"whitespace", []byte(" \n\r\n\t"), signingkey.ErrNoKey, []string{"no PEM block"}},
		{"garbage", []byte("not a key\n"), signingkey.ErrMalformed, []string{"line 1:", "text outside a PEM block"}},
		{"binary", []byte{0x30, 0x82, 0x01, 0x00, 0xff}, signingkey.ErrMalformed, []string{"text outside a PEM block"}},
		{"text before the block", join([]byte("my key:\n"), ed), signingkey.ErrMalformed, []string{"line 1:", "text outside"}},
		{"text between blocks", join(ed, []byte("\n# next\n"), p256), signingkey.ErrMalformed, []string{"line 5:", "text outside"}},
		{"text after the last block", join(ed, []byte("trailing")), signingkey.ErrMalformed, []string{"text outside"}},
		{"text after END on its line", join(bytes.TrimRight(ed, "\n"), []byte(" x\n")), signingkey.ErrMalformed, []string{"block 1 (line 1)", "incomplete block"}},
		{"truncated block", truncated, signingkey.ErrMalformed, []string{"PEM block 1 (line 1)", "incomplete block"}},
		{"truncated block before a good one", join(truncated, p256), signingkey.ErrMalformed, []string{"PEM block 1 (line 1)", "incomplete block"}},
		{"good block, then a truncated one", join(p256, truncated), signingkey.ErrMalformed, []string{"PEM block 2 (line 6)", "incomplete block"}},
		{"bad base64", badBase64, signingkey.ErrMalformed, []string{"PEM block 1", "incomplete block"}},
		{"PKCS#8 with headers", withHeader, signingkey.ErrMalformed, []string{"has no headers"}},
		{"PKCS#8 label on junk DER", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), signingkey.ErrMalformed, []string{"not a PKCS#8 private key"}},
		{"PKCS#8 RSA", readKey(t, "rsa.pem"), signingkey.ErrUnsupported, []string{"PEM block 1 (line 1): unsupported key: RSA key; use Ed25519 (EdDSA) or ECDSA P-256 (ES256)"}},
		{"PKCS#8 P-384", readKey(t, "p384.pem"), signingkey.ErrUnsupported, []string{"ECDSA key on curve P-384; only P-256 (ES256)"}},
		{"PKCS#8 X25519", readKey(t, "x25519.pem"), signingkey.ErrUnsupported, []string{"ECDH key", "not signatures"}},
		{"SEC1 P-256", readKey(t, "p256-sec1.pem"), signingkey.ErrUnsupported, []string{`SEC1 "EC PRIVATE KEY"`, `openssl pkcs8 -topk8 -nocrypt -in key.pem -out signing-key.pem`}},
		{"SEC1 P-384", readKey(t, "p384-sec1.pem"), signingkey.ErrUnsupported, []string{"curve P-384 (SEC1)", "only P-256"}},
		{"openssl ecparam output", readKey(t, "p256-ecparam.pem"), signingkey.ErrUnsupported, []string{`PEM block 1 (line 1)`, `"EC PARAMETERS"`, "openssl pkcs8 -topk8"}},
		{"PKCS#1 RSA", readKey(t, "rsa-pkcs1.pem"), signingkey.ErrUnsupported, []string{`PKCS#1 "RSA PRIVATE KEY"`, "RSA is not supported", "openssl genpkey -algorithm ed25519"}},
		{"encrypted PKCS#8", readKey(t, "ed25519-encrypted.pem"), signingkey.ErrEncrypted, []string{"encrypted PKCS#8", "openssl pkey -in key.pem"}},
		{"encrypted SEC1", readKey(t, "p256-sec1-encrypted.pem"), signingkey.ErrEncrypted, []string{`passphrase-protected "EC PRIVATE KEY"`}},
		{"public key", readKey(t, "ed25519-public.pem"), signingkey.ErrUnsupported, []string{`a "PUBLIC KEY" block; the file must hold private keys`}},
		{"certificate", readKey(t, "p256-cert.pem"), signingkey.ErrUnsupported, []string{`a "CERTIFICATE" block`}},
		{"OpenSSH", []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"), signingkey.ErrUnsupported, []string{"OpenSSH private key"}},
		{"other block type", []byte("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n"), signingkey.ErrUnsupported, []string{`a "FOO" block; want "PRIVATE KEY" (PKCS#8)`}},
		{"a good key, then RSA", join(ed, readKey(t, "rsa.pem")), signingkey.ErrUnsupported, []string{"PEM block 2 (line 4)", "RSA key"}},
		{"duplicate", join(ed, p256, ed), signingkey.ErrDuplicate, []string{"PEM block 3 (line 9): duplicate key: the same key as PEM block 1"}},
	} {
		keys, err := signingkey.ParsePEM(tc.data)
		if err == nil {
			t.Errorf("%s: %d keys, want an error", tc.name, len(keys))
			continue
		}
		if keys != nil {
			t.Errorf("%s: keys returned with the error", tc.name)
		}
		checkDocumented(t, err)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		for _, m := range tc.msg {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%s: %q does not say %q", tc.name, err, m)
			}
		}
	}
}

// checkDocumented fails unless err matches exactly one of the documented
// sentinels and carries the package's prefix.
func checkDocumented(t testing.TB, err error) {
	t.Helper()
	n := 0
	for _, s := range sentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("error %q matches %d documented errors, want 1", err, n)
	}
	if !strings.HasPrefix(err.Error(), "signingkey: ") {
		t.Fatalf("error %q lacks the signingkey: prefix", err)
	}
}
