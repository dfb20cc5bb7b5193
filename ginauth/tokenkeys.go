package ginauth

import (
	"fmt"

	"github.com/fastauth/fastauth/internal/signingkey"
)

// algHS256 is the default TokenAlgorithm: a shared secret.
const algHS256 = "HS256"

// signingKeys reads SigningKeys for TokenAlgorithm (defaults applied):
// nil under HS256, else the keys, the first of TokenAlgorithm. Errors name
// the field and wrap ErrInvalidConfig; none carries key material.
func (c Config) signingKeys() ([]*signingkey.Key, error) {
	switch c.TokenAlgorithm {
	case algHS256:
		if len(c.SigningKeys) > 0 {
			return nil, fmt.Errorf("%w: SigningKeys are for TokenAlgorithm EdDSA or ES256, not HS256", ErrInvalidConfig)
		}
		return nil, nil
	case string(signingkey.EdDSA), string(signingkey.ES256):
	default:
		return nil, fmt.Errorf("%w: TokenAlgorithm %q: want HS256, EdDSA or ES256", ErrInvalidConfig, c.TokenAlgorithm)
	}
	keys, err := signingkey.ParsePEM(c.SigningKeys)
	if err != nil {
		return nil, fmt.Errorf("%w: SigningKeys: %w", ErrInvalidConfig, err)
	}
	if first := keys[0].Algorithm(); string(first) != c.TokenAlgorithm {
		return nil, fmt.Errorf("%w: SigningKeys: the first key signs, and it is an %s key; TokenAlgorithm is %s", ErrInvalidConfig, first, c.TokenAlgorithm)
	}
	return keys, nil
}

// newAccessSigner is the accessSigner of cfg (defaults applied).
func newAccessSigner(cfg Config, rules claimRules) (accessSigner, error) {
	keys, err := cfg.signingKeys()
	if err != nil {
		return nil, err
	}
	if keys == nil {
		return newHS256Signer(cfg.Secret, cfg.PreviousSecrets, rules)
	}
	if len(cfg.Secret) < 32 {
		return nil, fmt.Errorf("%w: Secret must be at least 32 bytes", ErrInvalidConfig)
	}
	return newAsymmetricSigner(keys, rules)
}
