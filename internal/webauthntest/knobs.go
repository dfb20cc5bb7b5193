package webauthntest

// Option changes one thing in a ceremony's response, for negative tests.
// Options that do not apply to a ceremony are ignored by it (a "none"
// attestation carries no signature, so [WithWrongSignature] does nothing on
// [Authenticator.Create]).
type Option func(*knobs)

// knobs is the set of deviations a ceremony applies.
type knobs struct {
	origin           string
	rpID             string
	signCount        *uint32
	noUP, noUV       bool
	wrongSignature   bool
	tamperChallenge  bool
	unknown          bool
	credentialID     []byte
	userHandle       []byte
	backupFlags      *[2]bool
	userHandleAbsent bool
}

func newKnobs(opts []Option) knobs {
	var k knobs
	for _, opt := range opts {
		opt(&k)
	}
	return k
}

// WithOrigin reports this origin in clientDataJSON instead of
// [Config.Origin].
func WithOrigin(origin string) Option {
	return func(k *knobs) { k.origin = origin }
}

// WithRPID hashes this RP ID into the authenticator data (rpIdHash) instead
// of the one the options name. The credential stays scoped to the options'
// RP ID.
func WithRPID(rpID string) Option {
	return func(k *knobs) { k.rpID = rpID }
}

// WithSignCount reports n as the signature counter and stores it as the
// credential's counter, so a value below the last one makes the counter go
// backwards. On registration it sets the initial counter.
func WithSignCount(n uint32) Option {
	return func(k *knobs) { k.signCount = &n }
}

// WithoutUserPresence clears the user-present (UP) flag.
func WithoutUserPresence() Option {
	return func(k *knobs) { k.noUP = true }
}

// WithoutUserVerification clears the user-verified (UV) flag.
func WithoutUserVerification() Option {
	return func(k *knobs) { k.noUV = true }
}

// WithWrongSignature signs the assertion with a fresh key instead of the
// credential's: a well-formed signature that does not verify.
func WithWrongSignature() Option {
	return func(k *knobs) { k.wrongSignature = true }
}

// WithTamperedChallenge reports a challenge in clientDataJSON that differs
// from the options' in one bit.
func WithTamperedChallenge() Option {
	return func(k *knobs) { k.tamperChallenge = true }
}

// WithUnknownCredential answers the assertion with a new credential that
// the server never registered: fresh id and key, with the user handle of
// the credential it would otherwise have used (a random one when the
// authenticator holds none). The new credential is not kept.
func WithUnknownCredential() Option {
	return func(k *knobs) { k.unknown = true }
}

// WithCredential picks the credential with this id for the assertion
// instead of the newest matching one. It must still match the RP ID and
// allowCredentials, else the ceremony fails with [ErrNoCredential].
func WithCredential(id []byte) Option {
	return func(k *knobs) { k.credentialID = id }
}

// WithUserHandle reports this user handle in the assertion instead of the
// credential's.
func WithUserHandle(handle []byte) Option {
	return func(k *knobs) { k.userHandle = handle }
}

// WithoutUserHandle omits the user handle from the assertion, as a
// non-discoverable credential would.
func WithoutUserHandle() Option {
	return func(k *knobs) { k.userHandleAbsent = true }
}

// WithBackupFlags reports these backup-eligible (BE) and backed-up (BS)
// flags instead of the credential's. On registration they become the
// credential's flags.
func WithBackupFlags(eligible, backedUp bool) Option {
	return func(k *knobs) { k.backupFlags = &[2]bool{eligible, backedUp} }
}
