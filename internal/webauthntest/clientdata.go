package webauthntest

import (
	"encoding/json"
	"fmt"
	"net/url"
)

// Ceremony types of clientDataJSON.
const (
	typeCreate = "webauthn.create"
	typeGet    = "webauthn.get"
)

// clientData is CollectedClientData, members in the order browsers write
// them.
type clientData struct {
	Type        string `json:"type"`
	Challenge   string `json:"challenge"`
	Origin      string `json:"origin"`
	CrossOrigin bool   `json:"crossOrigin"`
}

// clientDataJSON serialises the client data of a ceremony, applying the
// origin and challenge knobs.
func (a *Authenticator) clientDataJSON(ceremony string, challenge []byte, k knobs) ([]byte, error) {
	if k.tamperChallenge {
		challenge = append([]byte(nil), challenge...)
		if len(challenge) == 0 {
			challenge = []byte{0}
		}
		challenge[0] ^= 1
	}
	origin := a.cfg.Origin
	if k.origin != "" {
		origin = k.origin
	}
	return json.Marshal(clientData{Type: ceremony, Challenge: b64(challenge), Origin: origin})
}

// challengeAndRPID decodes the options' challenge and resolves the RP ID
// of a ceremony: the options' rp id, else the host of the origin, as a
// client takes it.
func (a *Authenticator) challengeAndRPID(challengeB64, rpID string) ([]byte, string, error) {
	challenge, err := decodeB64("challenge", challengeB64)
	if err != nil {
		return nil, "", err
	}
	if len(challenge) == 0 {
		return nil, "", fmt.Errorf("%w: no challenge", ErrBadOptions)
	}
	if rpID != "" {
		return challenge, rpID, nil
	}
	u, err := url.Parse(a.cfg.Origin)
	if err != nil || u.Hostname() == "" {
		return nil, "", fmt.Errorf("%w: no rp id in the options and no host in origin %q", ErrBadOptions, a.cfg.Origin)
	}
	return challenge, u.Hostname(), nil
}
