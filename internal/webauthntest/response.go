package webauthntest

// registrationResponse is RegistrationResponseJSON, as
// PublicKeyCredential.toJSON() gives it after navigator.credentials.create().
type registrationResponse struct {
	ID                      string                 `json:"id"`
	RawID                   string                 `json:"rawId"`
	Type                    string                 `json:"type"`
	Response                attestationResponse    `json:"response"`
	AuthenticatorAttachment string                 `json:"authenticatorAttachment"`
	ClientExtensionResults  clientExtensionResults `json:"clientExtensionResults"`
}

// attestationResponse is AuthenticatorAttestationResponseJSON.
type attestationResponse struct {
	ClientDataJSON     string   `json:"clientDataJSON"`
	AuthenticatorData  string   `json:"authenticatorData"`
	Transports         []string `json:"transports"`
	PublicKey          string   `json:"publicKey"`
	PublicKeyAlgorithm int      `json:"publicKeyAlgorithm"`
	AttestationObject  string   `json:"attestationObject"`
}

// authenticationResponse is AuthenticationResponseJSON, as
// PublicKeyCredential.toJSON() gives it after navigator.credentials.get().
type authenticationResponse struct {
	ID                      string                 `json:"id"`
	RawID                   string                 `json:"rawId"`
	Type                    string                 `json:"type"`
	Response                assertionResponse      `json:"response"`
	AuthenticatorAttachment string                 `json:"authenticatorAttachment"`
	ClientExtensionResults  clientExtensionResults `json:"clientExtensionResults"`
}

// assertionResponse is AuthenticatorAssertionResponseJSON.
type assertionResponse struct {
	ClientDataJSON    string `json:"clientDataJSON"`
	AuthenticatorData string `json:"authenticatorData"`
	Signature         string `json:"signature"`
	UserHandle        string `json:"userHandle,omitempty"`
}

// clientExtensionResults carries the outputs of the extensions the
// authenticator supports: credProps, answered when it was requested.
type clientExtensionResults struct {
	CredProps *credProps `json:"credProps,omitempty"`
}

// credProps is the credProps extension output.
type credProps struct {
	RK bool `json:"rk"`
}

// transports a platform passkey reports.
var transports = []string{"hybrid", "internal"}
