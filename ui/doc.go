// Package ui is the pages module: server-rendered account pages for people
// under {BasePath}/ui/ (sign-in, sign-up, forgot and reset password,
// confirm email, accept invite, account, organizations), which an
// application mounts as they are or replaces.
//
// The pages are html/template with embedded assets, no inline script and
// a strict Content-Security-Policy. Every form works in two ways: with
// scripts, assets/ui.js sends it to the JSON API through the SDK bundle
// (assets/fastauth-sdk.js, built by `make sdk`); without them, it is a
// plain form post to the page, which the module answers by calling the
// same JSON route in process (the request's cookies, address and
// cross-origin headers go along, so the API's rules, the cross-origin
// guard included, hold for both). A page shows what the mounted modules
// offer: second factors with mfa, passkeys with passkeys, linked
// identities with social, the profile with users, roles with a module
// named roles, the audit log with audit.
//
// When mounted, the module makes the links in mails (email confirmation,
// password reset, organization invite) point at its pages (Host.MailLinks);
// the confirmation and reset pages act on a button press, never on GET, so
// that mail scanners that prefetch links change nothing.
//
// Mount it with one line:
//
//	cfg.Modules = append(cfg.Modules, ui.New(ui.Config{}))
package ui
