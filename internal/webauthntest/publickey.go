package webauthntest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// coseAlgES256 is the COSE algorithm identifier of ECDSA P-256 with SHA-256.
const coseAlgES256 = -7

// creationOptions is the PublicKeyCredentialCreationOptionsJSON members the
// authenticator reads.
type creationOptions struct {
	RP struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"rp"`
	User struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		DisplayName string `json:"displayName"`
	} `json:"user"`
	Challenge        string `json:"challenge"`
	PubKeyCredParams []struct {
		Type string `json:"type"`
		Alg  int    `json:"alg"`
	} `json:"pubKeyCredParams"`
	ExcludeCredentials []descriptor `json:"excludeCredentials"`
	Extensions         struct {
		CredProps bool `json:"credProps"`
	} `json:"extensions"`
}

// requestOptions is the PublicKeyCredentialRequestOptionsJSON members the
// authenticator reads.
type requestOptions struct {
	Challenge        string       `json:"challenge"`
	RPID             string       `json:"rpId"`
	AllowCredentials []descriptor `json:"allowCredentials"`
}

// descriptor is a PublicKeyCredentialDescriptorJSON.
type descriptor struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// decodeOptions unmarshals the publicKey member of data, or data itself
// when it has none, into v.
func decodeOptions(data []byte, v any) error {
	var wrapper struct {
		PublicKey json.RawMessage `json:"publicKey"`
	}
	if err := json.Unmarshal(data, &wrapper); err != nil {
		return fmt.Errorf("%w: %w", ErrBadOptions, err)
	}
	if len(wrapper.PublicKey) > 0 {
		data = wrapper.PublicKey
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: %w", ErrBadOptions, err)
	}
	return nil
}

// decodeB64 decodes a base64url member, with or without padding, as the
// browsers' parse*OptionsFromJSON do.
func decodeB64(member, s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not base64url: %w", ErrBadOptions, member, err)
	}
	return b, nil
}

// b64 encodes as base64url without padding, the encoding of every binary
// member of the response JSON.
func b64(b []byte) string {
	return base64.RawURLEncoding.EncodeToString(b)
}

// acceptsES256 reports whether the creation options allow an ES256 key. An
// empty list means the client's defaults, which include ES256.
func (o *creationOptions) acceptsES256() bool {
	if len(o.PubKeyCredParams) == 0 {
		return true
	}
	for _, p := range o.PubKeyCredParams {
		if p.Type == "public-key" && p.Alg == coseAlgES256 {
			return true
		}
	}
	return false
}

// descriptorIDs decodes the ids of a descriptor list.
func descriptorIDs(member string, list []descriptor) ([][]byte, error) {
	ids := make([][]byte, 0, len(list))
	for _, d := range list {
		id, err := decodeB64(member, d.ID)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}
