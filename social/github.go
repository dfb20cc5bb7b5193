package social

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"golang.org/x/oauth2"
)

// maxGitHubResponse bounds a GitHub API response body.
const maxGitHubResponse = 1 << 20

// githubUser is the part of GET /user a sign-in reads.
type githubUser struct {
	ID    int64   `json:"id"`
	Login string  `json:"login"`
	Name  *string `json:"name"`
}

// githubEmail is one entry of GET /user/emails.
type githubEmail struct {
	Email    string `json:"email"`
	Primary  bool   `json:"primary"`
	Verified bool   `json:"verified"`
}

// githubProfile reads the account (/user: the numeric id is the subject)
// and its primary address (/user/emails, verified flag as GitHub reports
// it). A token without the user:email scope gets 404 from /user/emails:
// the profile then has no address.
func (p *provider) githubProfile(ctx context.Context, tok *oauth2.Token) (Profile, error) {
	var u githubUser
	if found, err := p.githubGet(ctx, tok, "/user", &u); err != nil {
		return Profile{}, err
	} else if !found || u.ID <= 0 {
		return Profile{}, fmt.Errorf("%w: /user has no account id", ErrProviderError)
	}
	prof := Profile{Subject: strconv.FormatInt(u.ID, 10), Name: u.Login}
	if u.Name != nil && *u.Name != "" {
		prof.Name = *u.Name
	}
	prof.Name = trimName(prof.Name)
	var emails []githubEmail
	found, err := p.githubGet(ctx, tok, "/user/emails", &emails)
	if err != nil {
		return Profile{}, err
	}
	if found {
		for _, e := range emails {
			if e.Primary {
				prof.Email = normalizeEmail(e.Email)
				prof.EmailVerified = e.Verified && prof.Email != ""
				break
			}
		}
	}
	return prof, nil
}

// githubGet GETs path of the GitHub API with the token into v. It reports
// found=false for 404; other non-200 answers are errors: 5xx and network
// failures ErrProviderUnavailable, the rest ErrProviderError.
func (p *provider) githubGet(ctx context.Context, tok *oauth2.Token, path string, v any) (found bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.cfg.APIURL+path, nil)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrProviderError, err)
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	tok.SetAuthHeader(req)
	resp, err := p.client.Do(req)
	if err != nil {
		return false, fmt.Errorf("%w: GET %s: %w", ErrProviderUnavailable, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxGitHubResponse+1))
	switch {
	case err != nil:
		return false, fmt.Errorf("%w: GET %s: %w", ErrProviderUnavailable, path, err)
	case resp.StatusCode == http.StatusNotFound:
		return false, nil
	case resp.StatusCode >= http.StatusInternalServerError:
		return false, fmt.Errorf("%w: GET %s: %s", ErrProviderUnavailable, path, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return false, fmt.Errorf("%w: GET %s: %s", ErrProviderError, path, resp.Status)
	case len(body) > maxGitHubResponse:
		return false, fmt.Errorf("%w: GET %s: response too large", ErrProviderError, path)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return false, fmt.Errorf("%w: GET %s: %w", ErrProviderError, path, err)
	}
	return true, nil
}
