package passkeys

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"
)

// DefaultMaxPasskeys is how many passkeys an account may hold when
// [Config.MaxPasskeys] is 0. The bound keeps the creation and request
// options (which list them) small.
const DefaultMaxPasskeys = 25

// Config is the relying party: who the passkeys are for and which web
// origins may use them.
type Config struct {
	// RPID is the relying party id, the domain the passkeys are scoped
	// to: "example.com" (then valid on example.com and its subdomains) or
	// "localhost". A domain, not a URL: no scheme, port or path; not an IP
	// address (browsers refuse them). Required.
	RPID string
	// RPDisplayName is the name authenticators show ("Example"). Required.
	RPDisplayName string
	// Origins are the web origins the ceremonies may run on, as browsers
	// report them: "https://example.com", "https://app.example.com",
	// "http://localhost:8080". Each host must be the RP ID or a subdomain of
	// it; plain http is accepted for localhost only (a secure context).
	// At least one is required.
	Origins []string
	// MaxPasskeys bounds the passkeys of one account; 0 means
	// [DefaultMaxPasskeys].
	MaxPasskeys int
}

// normalized validates c and returns it with the RP ID lowercased, the
// origins serialized as browsers do (lowercase scheme and host, default
// port dropped, no trailing slash) and the defaults filled in.
func (c Config) normalized() (Config, error) {
	var errs []error
	out := c
	out.RPID = strings.ToLower(strings.TrimSpace(c.RPID))
	switch {
	case out.RPID == "":
		errs = append(errs, errors.New("RPID is required"))
	case net.ParseIP(strings.Trim(out.RPID, "[]")) != nil:
		errs = append(errs, fmt.Errorf("RPID %q is an IP address; browsers accept only domains", c.RPID))
	case strings.ContainsAny(out.RPID, ":/?#@ ") || strings.HasSuffix(out.RPID, ".") || strings.HasPrefix(out.RPID, "."):
		errs = append(errs, fmt.Errorf("RPID %q must be a bare domain such as example.com (no scheme, port, path or dots at the ends)", c.RPID))
	default:
		if err := protocol.ValidateRPID(out.RPID); err != nil {
			errs = append(errs, fmt.Errorf("RPID %q: %w", c.RPID, err))
		}
	}
	out.RPDisplayName = strings.TrimSpace(c.RPDisplayName)
	if out.RPDisplayName == "" {
		errs = append(errs, errors.New("RPDisplayName is required"))
	}
	if len(c.Origins) == 0 {
		errs = append(errs, errors.New("at least one origin is required"))
	}
	out.Origins = nil
	for _, o := range c.Origins {
		n, err := normalizeOrigin(o, out.RPID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !slices.Contains(out.Origins, n) {
			out.Origins = append(out.Origins, n)
		}
	}
	switch {
	case c.MaxPasskeys < 0:
		errs = append(errs, fmt.Errorf("MaxPasskeys %d is negative", c.MaxPasskeys))
	case c.MaxPasskeys == 0:
		out.MaxPasskeys = DefaultMaxPasskeys
	}
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("passkeys: config: %w", errors.Join(errs...))
	}
	return out, nil
}

// Validate reports every problem of c, or nil.
func (c Config) Validate() error {
	_, err := c.normalized()
	return err
}

// normalizeOrigin parses one configured origin and serializes it as a
// browser reports it in clientDataJSON.
func normalizeOrigin(raw, rpID string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("origin %q: %w", raw, err)
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	switch {
	case scheme != "http" && scheme != "https":
		return "", fmt.Errorf("origin %q must be an http or https URL such as https://example.com", raw)
	case host == "" || u.Opaque != "":
		return "", fmt.Errorf("origin %q has no host", raw)
	case u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", fmt.Errorf("origin %q must be scheme://host[:port] only (no user, path, query or fragment)", raw)
	case host != rpID && !strings.HasSuffix(host, "."+rpID):
		return "", fmt.Errorf("origin %q: host %q is not the RP ID %q nor a subdomain of it", raw, host, rpID)
	case scheme == "http" && host != "localhost" && !strings.HasSuffix(host, ".localhost"):
		return "", fmt.Errorf("origin %q: plain http is a secure context on localhost only; use https", raw)
	}
	port := u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		return scheme + "://" + net.JoinHostPort(host, port), nil
	}
	return scheme + "://" + host, nil
}
