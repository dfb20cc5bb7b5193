// Package tokenverify lets other Go services accept the access tokens a
// fastauth server issues, without its secret and without a network call
// per request.
//
// The fastauth server signs its access tokens with an asymmetric key
// (EdDSA or ES256) and publishes the public keys as a JWK Set at
// /auth/.well-known/jwks.json. A Verifier fetches that document, keeps the
// keys in memory and verifies each token locally: the signature with the
// key its kid names (each key verifies its own algorithm only), then the
// same claim checks as the fastauth server itself (exp required and in the
// future with no leeway, iat and nbf at most the clock skew ahead, iss and
// aud equal to the configured ones, and the fastauth claims held to the
// server's own rules, fastauth.AccessClaims.Check). It is
// the very token the fastauth middleware verifies; this package reads it
// into a Principal.
//
//	v, err := tokenverify.New(ctx, tokenverify.Config{
//		JWKSURL:  "https://auth.example.com/auth/.well-known/jwks.json",
//		Issuer:   "fastauth",
//		Audience: "fastauth",
//	})
//	mux.Handle("/api/", v.Middleware(api))          // net/http
//	r.Use(ginverify.Middleware(v))                  // Gin (package ginverify)
//	p, ok := tokenverify.PrincipalFrom(r.Context()) // in a handler
//
// # Keys
//
// The key set is fetched when New is called (in the background: New never
// blocks on the network; requests that arrive first wait for that fetch),
// refreshed every Config.RefreshInterval, and refetched at once when a
// token names a key id the set lacks (a key rotation), at most once per
// 30 seconds whatever the tokens say, so that forged kids cannot make the
// verifier hammer the issuer. A key removed from the document stops
// verifying at the next fetch. While the document cannot be fetched the
// verifier keeps the keys it has; when it has none yet (the issuer is down
// at start) every token is refused with 401 and the fetch is retried with
// exponential backoff.
//
// # Requests
//
// Middleware and ginverify.Middleware take the token from an
// `Authorization: Bearer <token>` header or, without that header, from
// the access-token cookie (Config.CookieName, default "access_token"), and
// answer refusals like the fastauth server: 401 with
// {"code":"invalid_token"|"token_expired","message":...} (token_expired
// tells the client to refresh at the fastauth server and retry), and 403
// forbidden for an unsafe cookie-authenticated request from another
// origin (cross-site request forgery).
package tokenverify
