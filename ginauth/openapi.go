package ginauth

// This file holds the general information of the OpenAPI document that
// `make openapi` generates with swag into docs/. The operations are
// documented on their handlers; ginauth/openapi_routes_test.go fails when a
// mounted route has no operation in the generated document.
//
// Paths in the document are relative to the base path, /auth by default
// (Config.BasePath).
//
//	@title						fastauth
//	@version					1.0
//	@description				Authentication for Gin services: email/password accounts, JWT access tokens in HttpOnly cookies, rotating refresh tokens, organizations with roles and invites, API keys.
//	@description				Every error answers {"code","message"} with a stable snake_case code. A protected route answers 401 token_expired when the access token has expired: call POST /refresh once, then retry the request. Request bodies are JSON sent with Content-Type: application/json (a charset=utf-8 parameter is allowed); any other media type gets 415 unsupported_media_type.
//	@BasePath					/auth
//	@accept						json
//	@produce					json
//
//	@securityDefinitions.apikey	CookieAuth
//	@in							cookie
//	@name						access_token
//	@description				Browser session: the HttpOnly access_token cookie set by sign-up, sign-in and refresh (the refresh_token cookie, scoped to the base path, is what POST /refresh and POST /sign-out read).
//
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				API key of an organization: "Bearer sk-<64 hex>". Beats the cookie when both are present.
