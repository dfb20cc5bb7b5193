package conformance

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// builtinMatrix is what each built-in role (and a non-member) gets from
// every organization and API-key route: "status code" by "METHOD path
// caller". It was recorded on the release before section 16 and must not
// change: permissions mirror the built-in roles exactly. (Recorded by
// running this scenario on main at 87c6ac9, before section 16; an empty
// code is a success body.)
var builtinMatrix = map[string]string{
	"DELETE /auth/api-keys/:id admin":                                              "200 ",
	"DELETE /auth/api-keys/:id member":                                             "403 forbidden",
	"DELETE /auth/api-keys/:id outsider":                                           "404 api_key_not_found",
	"DELETE /auth/api-keys/:id owner":                                              "200 ",
	"DELETE /auth/organizations/:organization_id admin":                            "403 forbidden",
	"DELETE /auth/organizations/:organization_id member":                           "403 forbidden",
	"DELETE /auth/organizations/:organization_id outsider":                         "404 organization_not_found",
	"DELETE /auth/organizations/:organization_id owner":                            "200 ",
	"DELETE /auth/organizations/:organization_id/invites/:invite_id admin":         "200 ",
	"DELETE /auth/organizations/:organization_id/invites/:invite_id member":        "403 forbidden",
	"DELETE /auth/organizations/:organization_id/invites/:invite_id outsider":      "404 organization_not_found",
	"DELETE /auth/organizations/:organization_id/invites/:invite_id owner":         "200 ",
	"DELETE /auth/organizations/:organization_id/members/:member_user_id admin":    "200 ",
	"DELETE /auth/organizations/:organization_id/members/:member_user_id member":   "403 forbidden",
	"DELETE /auth/organizations/:organization_id/members/:member_user_id outsider": "404 organization_not_found",
	"DELETE /auth/organizations/:organization_id/members/:member_user_id owner":    "200 ",
	"GET /auth/api-keys admin":                                                     "200 ",
	"GET /auth/api-keys member":                                                    "200 ",
	"GET /auth/api-keys outsider":                                                  "200 ",
	"GET /auth/api-keys owner":                                                     "200 ",
	"GET /auth/organizations/:organization_id admin":                               "200 ",
	"GET /auth/organizations/:organization_id member":                              "200 ",
	"GET /auth/organizations/:organization_id outsider":                            "404 organization_not_found",
	"GET /auth/organizations/:organization_id owner":                               "200 ",
	"GET /auth/organizations/:organization_id/invites admin":                       "200 ",
	"GET /auth/organizations/:organization_id/invites member":                      "403 forbidden",
	"GET /auth/organizations/:organization_id/invites outsider":                    "404 organization_not_found",
	"GET /auth/organizations/:organization_id/invites owner":                       "200 ",
	"GET /auth/organizations/:organization_id/members admin":                       "200 ",
	"GET /auth/organizations/:organization_id/members member":                      "403 forbidden",
	"GET /auth/organizations/:organization_id/members outsider":                    "404 organization_not_found",
	"GET /auth/organizations/:organization_id/members owner":                       "200 ",
	"PATCH /auth/organizations/:organization_id admin":                             "200 ",
	"PATCH /auth/organizations/:organization_id member":                            "403 forbidden",
	"PATCH /auth/organizations/:organization_id outsider":                          "404 organization_not_found",
	"PATCH /auth/organizations/:organization_id owner":                             "200 ",
	"PATCH /auth/organizations/:organization_id/members/:member_user_id admin":     "403 forbidden",
	"PATCH /auth/organizations/:organization_id/members/:member_user_id member":    "403 forbidden",
	"PATCH /auth/organizations/:organization_id/members/:member_user_id outsider":  "404 organization_not_found",
	"PATCH /auth/organizations/:organization_id/members/:member_user_id owner":     "200 ",
	"POST /auth/api-keys admin":                                                    "201 ",
	"POST /auth/api-keys member":                                                   "201 ",
	"POST /auth/api-keys outsider":                                                 "201 ",
	"POST /auth/api-keys owner":                                                    "201 ",
	"POST /auth/organizations/:organization_id/invites admin":                      "201 ",
	"POST /auth/organizations/:organization_id/invites member":                     "403 forbidden",
	"POST /auth/organizations/:organization_id/invites outsider":                   "404 organization_not_found",
	"POST /auth/organizations/:organization_id/invites owner":                      "201 ",
}

// matrixPrefixes are the routes the matrix covers: every mounted route under
// these prefixes must have its rows (generated from the route list).
var matrixPrefixes = []string{"/auth/organizations/:organization_id", "/auth/api-keys"}

// rolesMatrix sends every covered route, for an owner, an admin, a member
// and an outsider, in an organization set up afresh for each request, and
// compares status and code with builtinMatrix.
func rolesMatrix(t *testing.T, h *Harness) {
	var routes []string
	for _, r := range h.Routes {
		for _, p := range matrixPrefixes {
			if strings.HasPrefix(r.Path, p) && !strings.Contains(r.Path, "/roles") && !strings.Contains(r.Path, "/audit-log") {
				routes = append(routes, r.Method+" "+r.Path)
			}
		}
	}
	slices.Sort(routes)
	got := map[string]string{}
	for _, route := range routes {
		method, path, _ := strings.Cut(route, " ")
		for _, caller := range []string{"owner", "admin", "member", "outsider"} {
			owner, _ := h.SignUp(t)
			org := owner.createOrganization(t, "Acme")
			admin, _ := h.join(t, owner, org, "admin")
			member, _ := h.join(t, owner, org, "member")
			target, _ := h.join(t, owner, org, "member")
			outsider, _ := h.SignUp(t)
			var inv InviteBody
			owner.Post(h.Path("/organizations/"+org+"/invites"), map[string]string{"email": h.Email(), "role": "member"}).Expect(t, http.StatusCreated).Decode(t, &inv)
			owner.switchOrganization(t, org)
			key := owner.createAPIKey(t, "owner-key")
			c := map[string]*Client{"owner": owner, "admin": admin, "member": member, "outsider": outsider}[caller]
			p := strings.NewReplacer(":organization_id", org, ":member_user_id", target.whoami(t).UserID,
				":invite_id", inv.ID, ":id", key.ID).Replace(path)
			var body any
			switch {
			case method == http.MethodPatch && strings.HasSuffix(path, ":member_user_id"):
				body = map[string]string{"role": "admin"}
			case method == http.MethodPatch:
				body = map[string]string{"name": "Renamed"}
			case method == http.MethodPost && strings.HasSuffix(path, "/invites"):
				body = map[string]string{"email": h.Email(), "role": "member"}
			case method == http.MethodPost:
				body = map[string]string{"name": "k"}
			}
			r := c.Do(method, p, body, nil)
			got[route+" "+caller] = fmt.Sprintf("%d %s", r.Status, r.Code())
		}
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		want, ok := builtinMatrix[k]
		switch {
		case !ok:
			t.Errorf("no recorded answer for %s (got %q): %q: %q,", k, got[k], k, got[k])
		case want != got[k]:
			t.Errorf("%s: %s, before section 16 %s", k, got[k], want)
		}
	}
	for k := range builtinMatrix {
		if _, ok := got[k]; !ok {
			t.Errorf("%s is recorded but no longer mounted", k)
		}
	}
}
