package ginauth

import "github.com/fastauth/fastauth/apikeys"

// The bodies of the API-key routes, which the default module of package
// apikeys mounts; re-exported for applications and clients that name them
// here.
type (
	// APIKeyBody is an API key's metadata; see apikeys.APIKeyBody.
	APIKeyBody = apikeys.APIKeyBody
	// CreatedAPIKeyBody is the answer of POST /api-keys.
	CreatedAPIKeyBody = apikeys.CreatedAPIKeyBody
	// APIKeyPage is one page of an organization's API keys.
	APIKeyPage = apikeys.APIKeyPage
	// CreateAPIKeyRequest is the body of POST /api-keys.
	CreateAPIKeyRequest = apikeys.CreateAPIKeyRequest
)
