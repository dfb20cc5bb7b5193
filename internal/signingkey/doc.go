// Package signingkey holds the asymmetric keys that sign fastauth access
// tokens: Ed25519 (JWS algorithm EdDSA) and ECDSA on P-256 (ES256).
//
// Keys come from PEM files of one or more PKCS#8 "PRIVATE KEY" blocks, in
// order: the first key signs, the others only verify (rotation). Each key
// is named by its RFC 7638 JWK thumbprint (SHA-256, base64url), which is
// the `kid` header of the tokens it signs, and publishes itself as a public
// JWK for the issuer's JWK Set document. Generate makes a fresh key for
// development, with the PEM to save.
//
// Anything else in a key file (RSA keys, other curves, SEC1 or PKCS#1
// encodings, encrypted keys, public keys, stray text, the same key twice)
// is refused with an error that names the block and the problem and
// matches one of the Err* sentinels.
package signingkey
