package tokenverify

import (
	"encoding/json"
	"errors"
	"net/http"
)

// Error codes of the refusals, those of the fastauth server.
const (
	CodeInvalidToken = "invalid_token"
	CodeTokenExpired = "token_expired"
	CodeForbidden    = "forbidden"
)

// ErrorBody is the JSON body of a refusal, the shape of every fastauth
// error: {"code","message"}.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// refusal is how WriteError answers one kind of error.
type refusal struct {
	status int
	body   []byte // the JSON ErrorBody
	auth   string // WWW-Authenticate (RFC 6750, section 3)
}

func newRefusal(status int, code, message, auth string) refusal {
	body, _ := json.Marshal(ErrorBody{Code: code, Message: message}) // strings only: cannot fail
	return refusal{status: status, body: body, auth: auth}
}

// The refusals, encoded once.
var (
	refuseNoCredentials = newRefusal(http.StatusUnauthorized, CodeInvalidToken,
		"authentication required", `Bearer`)
	refuseExpired = newRefusal(http.StatusUnauthorized, CodeTokenExpired,
		"the access token has expired; refresh it and retry", `Bearer error="invalid_token", error_description="the access token expired"`)
	refuseBadAuthorization = newRefusal(http.StatusUnauthorized, CodeInvalidToken,
		"the Authorization header must be Bearer <access token>", `Bearer error="invalid_request"`)
	refuseKeysUnavailable = newRefusal(http.StatusUnauthorized, CodeInvalidToken,
		"the access token cannot be verified now: the issuer's signing keys are unavailable; retry shortly", `Bearer error="invalid_token"`)
	refuseInvalid = newRefusal(http.StatusUnauthorized, CodeInvalidToken,
		"the access token is invalid", `Bearer error="invalid_token"`)
	refuseCrossOrigin = newRefusal(http.StatusForbidden, CodeForbidden,
		"cross-origin request refused: an unsafe request from another site needs its origin in the trusted origins", "")
)

// WriteError answers a request that Authenticate refused with err, as the
// fastauth server answers: 401 {"code":"token_expired"} for an expired
// token (the client refreshes and retries), 401 {"code":"invalid_token"}
// for a missing, malformed or refused one (and for any error it does not
// know), 403 {"code":"forbidden"} for ErrCrossOrigin. 401 answers carry a
// WWW-Authenticate: Bearer header. The body never repeats the token or
// the reason it was refused beyond these codes.
func WriteError(w http.ResponseWriter, err error) {
	r := refusalFor(err)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	if r.auth != "" {
		h.Set("WWW-Authenticate", r.auth)
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}

// refusalFor maps an error of Authenticate to its refusal.
func refusalFor(err error) refusal {
	switch {
	case errors.Is(err, ErrTokenExpired):
		return refuseExpired
	case errors.Is(err, ErrCrossOrigin):
		return refuseCrossOrigin
	case errors.Is(err, ErrNoCredentials):
		return refuseNoCredentials
	case errors.Is(err, errBadAuthorization):
		return refuseBadAuthorization
	case errors.Is(err, ErrKeysUnavailable):
		return refuseKeysUnavailable
	}
	return refuseInvalid
}
