package signingkey

import (
	"bytes"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// The errors of ParsePEM, New and Generate; every error they return
// matches exactly one of them with errors.Is.
var (
	// ErrNoKey: the data holds no PEM block at all (an empty file).
	ErrNoKey = errors.New("no signing key")
	// ErrMalformed: text outside the PEM blocks, a block without its END
	// line or with bad base64, or DER that is no PKCS#8 private key.
	ErrMalformed = errors.New("malformed PEM")
	// ErrUnsupported: a well-formed key or block this package does not
	// sign with: RSA, curves other than P-256, SEC1 "EC PRIVATE KEY" and
	// PKCS#1 "RSA PRIVATE KEY" encodings, OpenSSH keys, public keys,
	// certificates.
	ErrUnsupported = errors.New("unsupported key")
	// ErrEncrypted: a passphrase-protected key.
	ErrEncrypted = errors.New("encrypted key")
	// ErrDuplicate: the same key twice in one file.
	ErrDuplicate = errors.New("duplicate key")
)

// pkcs8Type is the PEM type of an unencrypted PKCS#8 private key.
const pkcs8Type = "PRIVATE KEY"

// beginMarker starts every PEM block.
var beginMarker = []byte("-----BEGIN ")

// Hints for the errors of the formats people most often have at hand.
const (
	hintGenerate = `generate a key with "openssl genpkey -algorithm ed25519 -out signing-key.pem" ` +
		`(EdDSA) or "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out signing-key.pem" (ES256)`
	hintToPKCS8  = `convert it to PKCS#8 with "openssl pkcs8 -topk8 -nocrypt -in key.pem -out signing-key.pem"`
	hintDecrypt  = `decrypt it with "openssl pkey -in key.pem -out signing-key.pem" and keep that file private`
	hintKeyTypes = "use Ed25519 (EdDSA) or ECDSA P-256 (ES256)"
)

// ParsePEM reads the private keys of a PEM file: one or more PKCS#8
// "PRIVATE KEY" blocks, Ed25519 or ECDSA P-256, in the file's order (the
// first one signs, the others verify). Only whitespace may surround the
// blocks. Any other content is refused with an error that names the
// block, its line and the problem, and matches one of ErrNoKey,
// ErrMalformed, ErrUnsupported, ErrEncrypted and ErrDuplicate.
func ParsePEM(data []byte) ([]*Key, error) {
	var keys []*Key
	first := make(map[string]int) // kid → the block that first held it
	rest := data
	for n := 1; ; n++ {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		if len(rest) == 0 {
			break
		}
		line := 1 + bytes.Count(data[:len(data)-len(rest)], []byte("\n"))
		if !bytes.HasPrefix(rest, beginMarker) {
			return nil, fmt.Errorf("signingkey: line %d: %w: text outside a PEM block; the file must hold only "+
				`"-----BEGIN PRIVATE KEY-----" blocks`, line, ErrMalformed)
		}
		// A block ends before the next BEGIN line, so that a broken block
		// cannot borrow the END line of the one after it.
		end := len(rest)
		if i := bytes.Index(rest[len(beginMarker):], beginMarker); i >= 0 {
			end = len(beginMarker) + i
		}
		block, after := pem.Decode(rest[:end])
		if block == nil {
			return nil, fmt.Errorf("signingkey: PEM block %d (line %d): %w: incomplete block (no matching END line, "+
				"or a body that is not base64)", n, line, ErrMalformed)
		}
		rest = rest[end-len(after):] // what follows must be whitespace or the next block
		key, err := parseBlock(block)
		if err != nil {
			return nil, fmt.Errorf("signingkey: PEM block %d (line %d): %w", n, line, err)
		}
		if m, dup := first[key.ID()]; dup {
			return nil, fmt.Errorf("signingkey: PEM block %d (line %d): %w: the same key as PEM block %d", n, line, ErrDuplicate, m)
		}
		first[key.ID()] = n
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf(`signingkey: %w: no PEM block; want one or more "PRIVATE KEY" (PKCS#8) blocks; %s`, ErrNoKey, hintGenerate)
	}
	return keys, nil
}

// parseBlock reads one PEM block as a key, or says what the block is
// instead. Its errors are "<sentinel>: <detail>".
func parseBlock(block *pem.Block) (*Key, error) {
	if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
		return nil, fmt.Errorf("%w: a passphrase-protected %q block; %s", ErrEncrypted, block.Type, hintDecrypt)
	}
	switch block.Type {
	case pkcs8Type:
		if len(block.Headers) > 0 {
			return nil, fmt.Errorf("%w: a PKCS#8 block has no headers", ErrMalformed)
		}
		priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: not a PKCS#8 private key (%v)", ErrMalformed, err)
		}
		key, err := newKey(priv)
		if err != nil {
			return nil, err
		}
		return key, nil
	case "ENCRYPTED PRIVATE KEY":
		return nil, fmt.Errorf("%w: an encrypted PKCS#8 block; %s", ErrEncrypted, hintDecrypt)
	case "EC PRIVATE KEY":
		k, err := x509.ParseECPrivateKey(block.Bytes)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%w: not a SEC1 EC private key (%v)", ErrMalformed, err)
		case k.Curve != elliptic.P256():
			return nil, fmt.Errorf("%w: %s (SEC1); only P-256 (ES256) is supported; %s", ErrUnsupported, describe(k), hintGenerate)
		}
		return nil, fmt.Errorf(`%w: a SEC1 "EC PRIVATE KEY" block; %s`, ErrUnsupported, hintToPKCS8)
	case "EC PARAMETERS":
		return nil, fmt.Errorf(`%w: an "EC PARAMETERS" block (output of openssl ecparam); keep only the key, %s`, ErrUnsupported, hintToPKCS8)
	case "RSA PRIVATE KEY":
		return nil, fmt.Errorf(`%w: a PKCS#1 "RSA PRIVATE KEY" block; RSA is not supported; %s`, ErrUnsupported, hintGenerate)
	case "OPENSSH PRIVATE KEY":
		return nil, fmt.Errorf("%w: an OpenSSH private key; %s", ErrUnsupported, hintGenerate)
	case "PUBLIC KEY", "CERTIFICATE", "RSA PUBLIC KEY":
		return nil, fmt.Errorf("%w: a %q block; the file must hold private keys; %s", ErrUnsupported, block.Type, hintGenerate)
	}
	return nil, fmt.Errorf(`%w: a %q block; want "PRIVATE KEY" (PKCS#8)`, ErrUnsupported, block.Type)
}
