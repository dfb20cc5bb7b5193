package oidctest

import (
	"encoding/json"
	"net/http"
	"time"
)

// tokenResponse is the token endpoint's success response.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	IDToken     string `json:"id_token,omitempty"`
	Scope       string `json:"scope,omitempty"`
}

// serveToken is the token endpoint: the code is exchanged for an access
// token and, with the openid scope, an ID token.
func (p *Provider) serveToken(w http.ResponseWriter, r *http.Request) {
	g, terr := p.auth.exchange(r)
	if terr != nil {
		if terr.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="token"`)
		}
		writeJSON(w, terr.status, map[string]string{"error": terr.code, "error_description": terr.description})
		return
	}
	resp := tokenResponse{
		AccessToken: p.auth.issueAccessToken(g),
		TokenType:   "Bearer",
		ExpiresIn:   int(tokenTTL / time.Second),
		Scope:       g.scope,
	}
	if hasScope(g.scope, "openid") {
		idToken, err := p.idToken(g)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error", "error_description": err.Error()})
			return
		}
		resp.IDToken = idToken
	}
	writeJSON(w, http.StatusOK, resp)
}

// idToken signs the ID token of grant g, applying the knobs.
func (p *Provider) idToken(g *grant[User]) (string, error) {
	k := p.auth.currentKnobs()
	now := p.auth.now()
	iss, aud, nonce := p.Issuer(), p.auth.client.id, g.nonce
	if k.Issuer != "" {
		iss = k.Issuer
	}
	if k.Audience != "" {
		aud = k.Audience
	}
	if k.Nonce != "" {
		nonce = k.Nonce
	}
	iat := now
	if k.Expired {
		iat = now.Add(-2 * time.Hour)
	}
	claims := userClaims(g.user, g.scope)
	claims["iss"] = iss
	claims["aud"] = aud
	claims["iat"] = iat.Unix()
	claims["auth_time"] = iat.Unix()
	claims["exp"] = iat.Add(tokenTTL).Unix()
	if nonce != "" {
		claims["nonce"] = nonce
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	key := p.key
	if k.UnknownKey {
		if key, err = p.rogueKey(); err != nil {
			return "", err
		}
	}
	return key.sign(payload)
}
