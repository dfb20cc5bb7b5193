// Package social is sign-in with OpenID Connect providers and OAuth2
// presets (Google, Microsoft, GitHub, or any issuer with discovery).
//
// [Module] mounts it on the kernel (a ginauth.Module): GET
// {base}/oauth/{provider}/start and /callback, GET {base}/identities and
// DELETE {base}/identities/{id}, built only on ginauth.Host; an optional
// [SecondFactor] (the mfa module) makes an account with a second factor
// finish its sign-in there.
//
// The rest is the core the handlers call, none of which needs the kernel:
//
//   - provider configuration and presets ([ProviderConfig], [Google],
//     [Microsoft], [GitHub], [Preset]);
//   - discovery that is lazy, cached and retried, so a server starts while
//     a provider is down ([Strategy]);
//   - the start of a flow: state, nonce, PKCE S256 and a sealed flow cookie
//     that binds the flow to the browser ([Strategy.Start], [Flow]);
//   - redirect_to validation ([ValidateRedirect]) and the redirects a
//     callback answers with ([ErrorRedirect], [MFARedirect]);
//   - the callback: the query is parsed strictly ([ParseCallback]), the
//     state checked against the cookie, the code exchanged with the PKCE
//     verifier, the ID token verified (signature, iss, aud, exp, nonce) or,
//     for GitHub, /user and /user/emails read, giving a [Profile]
//     ([Strategy.Callback]);
//   - the linking rules as a pure function over a small lookup interface
//     ([Decide]);
//   - the storage of linked identities ([Store], implemented for GORM by
//     the store package, checked by package socialtest).
//
// go-oidc verifies signature, issuer, audience and expiry; this package
// adds what go-oidc leaves to its caller: the nonce, the authorized party
// of a token with several audiences, the tenant issuer of multi-tenant
// providers, and whether the provider verified the address.
//
// Errors are [*Error] values with a stable code and HTTP status; check them
// with errors.Is against the Err variables and read the code to put in
// auth_error with [Code].
package social
