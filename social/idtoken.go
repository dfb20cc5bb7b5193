package social

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"

	"golang.org/x/oauth2"
)

// idClaims are the ID token claims this package reads beyond go-oidc's.
type idClaims struct {
	Email         string    `json:"email"`
	EmailVerified claimBool `json:"email_verified"`
	Name          string    `json:"name"`
	Tid           string    `json:"tid"`
	Azp           string    `json:"azp"`
}

// oidcProfile verifies the ID token of tok and returns its profile.
// go-oidc checks the signature against the JWKS, iss (unless the issuer is
// a tenant template), aud and exp; this adds the tenant issuer, the
// authorized party of a token with several audiences (OIDC Core
// 3.1.3.7), the nonce and the subject. When the token carries no address
// the userinfo endpoint is asked, and its answer used only for the same
// subject.
func (p *provider) oidcProfile(ctx context.Context, ep *endpoints, tok *oauth2.Token, nonce string) (Profile, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Profile{}, fmt.Errorf("%w: the token response has no id_token", ErrInvalidIDToken)
	}
	idt, err := ep.verifier.Verify(p.clientContext(ctx), raw)
	if err != nil {
		return Profile{}, fmt.Errorf("%w: %w", ErrInvalidIDToken, err)
	}
	var c idClaims
	if err := idt.Claims(&c); err != nil {
		return Profile{}, fmt.Errorf("%w: claims: %w", ErrInvalidIDToken, err)
	}
	if err := checkTenantIssuer(p.cfg.IssuerTemplate, idt.Issuer, c.Tid); err != nil {
		return Profile{}, err
	}
	if len(idt.Audience) > 1 && c.Azp != p.cfg.ClientID {
		return Profile{}, fmt.Errorf("%w: several audiences and azp %q is not the client", ErrInvalidIDToken, c.Azp)
	}
	if c.Azp != "" && c.Azp != p.cfg.ClientID {
		return Profile{}, fmt.Errorf("%w: azp %q is not the client", ErrInvalidIDToken, c.Azp)
	}
	if idt.Nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return Profile{}, ErrNonceMismatch
	}
	if !validSubject(idt.Subject) {
		return Profile{}, fmt.Errorf("%w: invalid sub", ErrInvalidIDToken)
	}
	prof := Profile{
		Subject:       idt.Subject,
		Email:         normalizeEmail(c.Email),
		EmailVerified: bool(c.EmailVerified),
		Name:          trimName(c.Name),
	}
	if prof.Email == "" && ep.oidc.UserInfoEndpoint() != "" {
		info, err := ep.oidc.UserInfo(p.clientContext(ctx), oauth2.StaticTokenSource(tok))
		if err == nil && info.Subject == idt.Subject {
			var uc idClaims
			if info.Claims(&uc) == nil {
				prof.Email, prof.EmailVerified = normalizeEmail(uc.Email), bool(uc.EmailVerified)
			}
		}
	}
	if prof.Email == "" {
		prof.EmailVerified = false
	}
	return prof, nil
}

// checkTenantIssuer checks iss against an issuer template with a tenant
// placeholder: the token's tid must be a plain tenant id and iss the
// template with it.
func checkTenantIssuer(tmpl, iss, tid string) error {
	if !strings.Contains(tmpl, tenantPlaceholder) {
		return nil // go-oidc checked iss
	}
	if tid == "" || strings.ContainsFunc(tid, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.')
	}) {
		return fmt.Errorf("%w: missing or malformed tid", ErrInvalidIDToken)
	}
	if want := strings.ReplaceAll(tmpl, tenantPlaceholder, tid); iss != want {
		return fmt.Errorf("%w: issuer %q, want %q", ErrInvalidIDToken, iss, want)
	}
	return nil
}
