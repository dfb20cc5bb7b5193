package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/fastauth/fastauth/internal/signingkey"
)

// loadSigningKeys returns the PEM of the EdDSA or ES256 signing keys
// (ginauth.Config.SigningKeys): AUTH_SIGNING_KEY_FILE's, checked here so
// that a bad file is reported under its variable's name, or a key
// generated for this run, with a warning. Under HS256 it returns nil.
func loadSigningKeys(cfg config, log *slog.Logger) ([]byte, error) {
	if cfg.TokenAlg == "HS256" {
		return nil, nil
	}
	if cfg.SigningKeyFile == "" {
		k, err := signingkey.Generate(signingkey.Algorithm(cfg.TokenAlg))
		if err != nil {
			return nil, fmt.Errorf("generate a signing key: %w", err)
		}
		log.Warn("AUTH_SIGNING_KEY_FILE is not set: using a key generated for this run; tokens stop verifying when the server restarts and other services must fetch the new JWK Set (set AUTH_SIGNING_KEY_FILE to a PKCS#8 PEM file)", "kid", k.ID())
		return k.MarshalPEM()
	}
	bad := func(format string, args ...any) error {
		return &envError{name: "AUTH_SIGNING_KEY_FILE", value: cfg.SigningKeyFile, reason: fmt.Sprintf(format, args...)}
	}
	data, err := os.ReadFile(cfg.SigningKeyFile)
	if err != nil {
		return nil, bad("cannot read it: %v", err)
	}
	keys, err := signingkey.ParsePEM(data)
	if err != nil {
		return nil, bad("%v", err)
	}
	if alg := keys[0].Algorithm(); string(alg) != cfg.TokenAlg {
		return nil, bad("its first key (the one that signs) is an %s key; AUTH_TOKEN_ALG is %s", alg, cfg.TokenAlg)
	}
	return data, nil
}
