package mfa

import (
	"encoding/json"
	"testing"
)

// TestBodies checks the JSON field names of the bodies against the
// contract.
func TestBodies(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		v    any
		want string
	}{
		{NewStatusResponse(Status{TOTPEnabled: true, RecoveryCodesRemaining: 9}, 2), `{"totp_enabled":true,"recovery_codes_remaining":9,"passkeys":2}`},
		{NewTOTPSetupResponse(TOTPSetup{Secret: "S", OtpauthURL: "U", QRCode: "Q"}), `{"secret":"S","otpauth_url":"U","qr_code":"Q"}`},
		{NewRecoveryCodesResponse(RecoveryCodes{Codes: []string{"a", "b"}}), `{"recovery_codes":["a","b"]}`},
		{TOTPDisableResponse{}, `{"totp_enabled":false}`},
		{MFARequiredResponse{Code: "mfa_required", Message: "m", MFAToken: "t", Methods: []string{"totp"}}, `{"code":"mfa_required","message":"m","mfa_token":"t","methods":["totp"]}`},
		{VerifyRequest{MFAToken: "t", Code: "c"}, `{"mfa_token":"t","code":"c"}`},
		{CodeRequest{Code: "c"}, `{"code":"c"}`},
	} {
		got, err := json.Marshal(c.v)
		if err != nil || string(got) != c.want {
			t.Errorf("%T = %s, %v; want %s", c.v, got, err, c.want)
		}
	}
}
