package oidctest

import (
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// Paths of the [GitHub] fake's endpoints, as on github.com (OAuth) and
// api.github.com (REST API), both under [GitHub.URL].
const (
	GitHubAuthorizePath = "/login/oauth/authorize"
	GitHubTokenPath     = "/login/oauth/access_token"
	GitHubUserPath      = "/user"
	GitHubEmailsPath    = "/user/emails"
)

// GitHubUser is the account a [GitHub] fake signs in.
type GitHubUser struct {
	// ID is the numeric account id: the stable subject.
	ID int64
	// Login is the user name; Name the display name.
	Login, Name string
	// Email is the public profile address /user shows (null when empty).
	Email string
	// Emails are the addresses /user/emails lists.
	Emails []GitHubEmail
}

// GitHubEmail is one entry of /user/emails.
type GitHubEmail struct {
	Email      string `json:"email"`
	Primary    bool   `json:"primary"`
	Verified   bool   `json:"verified"`
	Visibility string `json:"visibility,omitempty"` // "public", "private" or empty (null)
}

// GitHubConfig configures a [GitHub] fake.
type GitHubConfig struct {
	// ClientID, ClientSecret and RedirectURIs are as in [Config].
	ClientID, ClientSecret string
	RedirectURIs           []string
	// User is the account the authorize endpoint signs in.
	User GitHubUser
	// Now is the fake's clock; time.Now when nil.
	Now func() time.Time
}

// GitHub is a GitHub-style OAuth2 provider (no OpenID Connect) on an
// httptest server: the authorize and access_token endpoints of github.com
// and the /user and /user/emails endpoints of its REST API. /user/emails
// needs a token granted the user:email (or user) scope and answers 404
// otherwise, as GitHub does. Its methods are safe for concurrent use.
type GitHub struct {
	server *httptest.Server
	auth   *authServer[GitHubUser]
}

// NewGitHub starts a GitHub fake; Close stops it.
func NewGitHub(cfg GitHubConfig) *GitHub {
	if cfg.ClientID == "" {
		cfg.ClientID = DefaultClientID
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = DefaultClientSecret
	}
	g := &GitHub{auth: newAuthServer(client{id: cfg.ClientID, secret: cfg.ClientSecret, redirectURIs: cfg.RedirectURIs}, cfg.User, cfg.Now)}
	g.auth.tokenPrefix = "gho_"
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+GitHubAuthorizePath, g.auth.available(func(w http.ResponseWriter, r *http.Request) {
		g.auth.authorize(w, r, false)
	}))
	mux.HandleFunc("POST "+GitHubTokenPath, g.auth.available(g.serveToken))
	mux.HandleFunc("GET "+GitHubUserPath, g.auth.available(g.serveUser))
	mux.HandleFunc("GET "+GitHubEmailsPath, g.auth.available(g.serveEmails))
	g.server = httptest.NewServer(mux)
	return g
}

// StartGitHub starts a GitHub fake for the test and stops it when the test
// ends.
func StartGitHub(tb testing.TB, cfg GitHubConfig) *GitHub {
	tb.Helper()
	g := NewGitHub(cfg)
	tb.Cleanup(g.Close)
	return g
}

// Close stops the fake's server.
func (g *GitHub) Close() { g.server.Close() }

// URL is the base URL of both the OAuth endpoints and the REST API (where
// GitHub has https://github.com and https://api.github.com).
func (g *GitHub) URL() string { return g.server.URL }

// Endpoint is the OAuth2 endpoint for golang.org/x/oauth2, with the
// client credentials sent in the form as GitHub expects.
func (g *GitHub) Endpoint() oauth2.Endpoint {
	return oauth2.Endpoint{
		AuthURL:   g.server.URL + GitHubAuthorizePath,
		TokenURL:  g.server.URL + GitHubTokenPath,
		AuthStyle: oauth2.AuthStyleInParams,
	}
}

// ClientID returns the client's id.
func (g *GitHub) ClientID() string { return g.auth.client.id }

// ClientSecret returns the client's secret.
func (g *GitHub) ClientSecret() string { return g.auth.client.secret }

// SetUser changes the account the authorize endpoint signs in.
func (g *GitHub) SetUser(u GitHubUser) { g.auth.setUser(u) }

// SetKnobs replaces the knobs; only Down and AuthorizeError apply.
func (g *GitHub) SetKnobs(k Knobs) { g.auth.setKnobs(k) }

// LastAuthorizeRequest returns the query of the last request to the
// authorize endpoint.
func (g *GitHub) LastAuthorizeRequest() url.Values { return g.auth.lastAuthorizeRequest() }

// serveToken is /login/oauth/access_token. Like GitHub it answers errors
// with 200 and an error member, in form encoding unless the client asks
// for JSON.
func (g *GitHub) serveToken(w http.ResponseWriter, r *http.Request) {
	asJSON := acceptsJSON(r)
	gr, terr := g.auth.exchange(r)
	if terr != nil {
		writeGitHubToken(w, asJSON, [][2]string{{"error", terr.githubCode}, {"error_description", terr.description}})
		return
	}
	writeGitHubToken(w, asJSON, [][2]string{
		{"access_token", g.auth.issueAccessToken(gr)},
		{"scope", strings.Join(scopes(gr.scope), ",")},
		{"token_type", "bearer"},
	})
}

// acceptsJSON reports whether the Accept header asks for JSON.
func acceptsJSON(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "application/json" {
			return true
		}
	}
	return false
}

// writeGitHubToken writes the ordered members as JSON or as a form.
func writeGitHubToken(w http.ResponseWriter, asJSON bool, members [][2]string) {
	if asJSON {
		m := make(map[string]string, len(members))
		for _, kv := range members {
			m[kv[0]] = kv[1]
		}
		writeJSON(w, http.StatusOK, m)
		return
	}
	var b strings.Builder
	for i, kv := range members {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(kv[0]) + "=" + url.QueryEscape(kv[1]))
	}
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}

// githubUser is the /user response (the members a sign-in uses).
type githubUser struct {
	Login     string  `json:"login"`
	ID        int64   `json:"id"`
	NodeID    string  `json:"node_id"`
	AvatarURL string  `json:"avatar_url"`
	HTMLURL   string  `json:"html_url"`
	Type      string  `json:"type"`
	Name      *string `json:"name"`
	Email     *string `json:"email"`
}

// serveUser is GET /user.
func (g *GitHub) serveUser(w http.ResponseWriter, r *http.Request) {
	gr, ok := g.auth.bearer(r)
	if !ok {
		badCredentials(w)
		return
	}
	u := gr.user
	writeJSON(w, http.StatusOK, githubUser{
		Login:     u.Login,
		ID:        u.ID,
		NodeID:    "U_" + strconv.FormatInt(u.ID, 36),
		AvatarURL: g.server.URL + "/avatars/" + strconv.FormatInt(u.ID, 10),
		HTMLURL:   g.server.URL + "/" + u.Login,
		Type:      "User",
		Name:      nullable(u.Name),
		Email:     nullable(u.Email),
	})
}

// serveEmails is GET /user/emails.
func (g *GitHub) serveEmails(w http.ResponseWriter, r *http.Request) {
	gr, ok := g.auth.bearer(r)
	if !ok {
		badCredentials(w)
		return
	}
	if !hasScope(gr.scope, "user:email") && !hasScope(gr.scope, "user") {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user"})
		return
	}
	emails := gr.user.Emails
	if emails == nil {
		emails = []GitHubEmail{}
	}
	writeJSON(w, http.StatusOK, emails)
}

// badCredentials answers GitHub's 401.
func badCredentials(w http.ResponseWriter) {
	writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"})
}

// nullable is nil for "", so that JSON shows null as GitHub does.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
