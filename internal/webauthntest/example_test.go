package webauthntest_test

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/fastauth/fastauth/internal/webauthntest"
)

// exampleUser is the smallest webauthn.User.
type exampleUser struct {
	creds []webauthn.Credential
}

func (u *exampleUser) WebAuthnID() []byte                         { return []byte("a random per-user handle") }
func (u *exampleUser) WebAuthnName() string                       { return "alice@example.com" }
func (u *exampleUser) WebAuthnDisplayName() string                { return "Alice" }
func (u *exampleUser) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// A passkey is registered and then used for a usernameless sign-in, the
// server being go-webauthn. The options go to the authenticator as the
// server would send them to the browser; its answers are what the browser
// would post back.
func Example() {
	rp, err := webauthn.New(&webauthn.Config{
		RPID:          "example.com",
		RPDisplayName: "Example",
		RPOrigins:     []string{"https://example.com"},
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementRequired,
			UserVerification: protocol.VerificationRequired,
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	passkey := webauthntest.New(webauthntest.Config{Origin: "https://example.com", BackupEligible: true})
	alice := &exampleUser{}

	// Registration.
	creation, session, _ := rp.BeginRegistration(alice)
	options, _ := json.Marshal(creation) // {"publicKey":{...}}
	body, err := passkey.Create(options)
	if err != nil {
		fmt.Println(err)
		return
	}
	parsed, _ := protocol.ParseCredentialCreationResponseBytes(body)
	cred, err := rp.CreateCredential(alice, *session, parsed)
	if err != nil {
		fmt.Println(err)
		return
	}
	alice.creds = append(alice.creds, *cred)
	fmt.Println("registered:", cred.AttestationFormat, "attestation, backup eligible:", cred.Flags.BackupEligible)

	// Usernameless sign-in: no allowCredentials, the user handle finds the user.
	assertion, session, _ := rp.BeginDiscoverableLogin()
	options, _ = json.Marshal(assertion)
	body, _ = passkey.Get(options)
	parsedAssertion, _ := protocol.ParseCredentialRequestResponseBytes(body)
	byHandle := func(rawID, userHandle []byte) (webauthn.User, error) {
		if !bytes.Equal(userHandle, alice.WebAuthnID()) {
			return nil, fmt.Errorf("unknown user handle")
		}
		return alice, nil
	}
	used, err := rp.ValidateDiscoverableLogin(byHandle, *session, parsedAssertion)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("signed in, sign count:", used.Authenticator.SignCount)

	// A response from another origin is refused.
	assertion, session, _ = rp.BeginDiscoverableLogin()
	options, _ = json.Marshal(assertion)
	body, _ = passkey.Get(options, webauthntest.WithOrigin("https://evil.example"))
	parsedAssertion, _ = protocol.ParseCredentialRequestResponseBytes(body)
	_, err = rp.ValidateDiscoverableLogin(byHandle, *session, parsedAssertion)
	fmt.Println("other origin:", err)

	// Output:
	// registered: none attestation, backup eligible: true
	// signed in, sign count: 1
	// other origin: Error validating origin
}
