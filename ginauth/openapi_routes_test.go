package ginauth_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/internal/testdb"
	"github.com/fastauth/fastauth/mfa"
	"github.com/fastauth/fastauth/passkeys"
	"github.com/fastauth/fastauth/roles"
	"github.com/fastauth/fastauth/social"
	"github.com/fastauth/fastauth/store/sqlite"
	"github.com/fastauth/fastauth/users"
)

// swaggerDoc is the part of docs/swagger.json these tests read.
type swaggerDoc struct {
	BasePath            string                                 `json:"basePath"`
	SecurityDefinitions map[string]json.RawMessage             `json:"securityDefinitions"`
	Paths               map[string]map[string]swaggerOperation `json:"paths"`
}

type swaggerOperation struct {
	Security   []map[string][]string `json:"security"`
	Parameters []struct {
		In string `json:"in"`
	} `json:"parameters"`
	Responses map[string]struct {
		Schema *struct {
			Ref string `json:"$ref"`
		} `json:"schema"`
	} `json:"responses"`
}

func loadSpec(t *testing.T) swaggerDoc {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "docs", "swagger.json"))
	if err != nil {
		t.Fatalf("read the generated spec (run `make openapi`): %v", err)
	}
	var doc swaggerDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("parse docs/swagger.json: %v", err)
	}
	return doc
}

// mountedRoutes registers ginauth on a SQLite store and returns its routes
// as "METHOD /path/{param}" relative to the base path.
func mountedRoutes(t *testing.T) (basePath string, routes []string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "routes.db"))
	if err != nil {
		t.Fatal(err)
	}
	st := testdb.Store(t, db)
	gin.SetMode(gin.TestMode)
	r := gin.New()
	// The document covers the kernel and the modules whose packages
	// `make openapi` reads (mfa, passkeys, social, audit).
	if err := st.Audit().Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	auditModule, err := audit.NewModule(st.Audit(), audit.ModuleConfig{NoBackground: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Roles().Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	usersModule, err := users.New(st.Users(), users.Config{})
	if err != nil {
		t.Fatal(err)
	}
	second := mfa.NewModule(mfa.Config{Issuer: "openapi", Key: make([]byte, mfa.KeySize)}, st.MFA())
	rp := passkeys.Config{RPID: "localhost", RPDisplayName: "openapi", Origins: []string{"http://localhost:8080"}}
	auth, err := ginauth.Register(r, ginauth.Config{
		Secret: []byte("openapi-routes-test-secret-0123456789abcdef"),
		Argon2: ginauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32, AllowWeak: true},
		Modules: []ginauth.Module{
			second,
			passkeys.NewModule(rp, st.Passkeys(), second),
			auditModule,
			social.NewModule(social.ModuleConfig{Config: social.Config{
				CallbackBaseURL: "https://api.example/auth/oauth",
				FlowKey:         make([]byte, 32),
			}}, st.Identities()),
			usersModule,
			roles.New(st.Roles(), st, roles.Config{}),
		},
	}, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = auth.Close() })
	basePath = auth.Config().BasePath
	param := regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)
	for _, rt := range r.Routes() {
		if !strings.HasPrefix(rt.Path, basePath+"/") {
			continue
		}
		p := param.ReplaceAllString(strings.TrimPrefix(rt.Path, basePath), "{$1}")
		routes = append(routes, rt.Method+" "+p)
	}
	sort.Strings(routes)
	return basePath, routes
}

// TestOpenAPICoversEveryRoute fails when a route mounted by Register has no
// operation in docs/swagger.json, or the document has an operation that is
// not mounted. Regenerate with `make openapi` after changing annotations.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	doc := loadSpec(t)
	basePath, routes := mountedRoutes(t)
	if len(routes) == 0 {
		t.Fatal("Register mounted no routes under the base path")
	}
	if doc.BasePath != basePath {
		t.Errorf("spec basePath = %q, want the default base path %q", doc.BasePath, basePath)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	mounted := map[string]bool{}
	for _, r := range routes {
		mounted[r] = true
		if !documented[r] {
			method, path, _ := strings.Cut(r, " ")
			t.Errorf("route %s %s%s is mounted but has no operation in docs/swagger.json (path %s under basePath %s)", method, basePath, path, path, basePath)
		}
	}
	for op := range documented {
		if !mounted[op] {
			t.Errorf("docs/swagger.json documents %s (relative to basePath %s), which Register does not mount", op, basePath)
		}
	}
}

// public lists the operations that need no principal; every other one must
// declare its security schemes and 401. cookieOnly lists the browser-session
// routes, which refuse API keys.
var public = map[string]bool{
	"POST /sign-up":                  true,
	"POST /sign-in":                  true,
	"POST /refresh":                  true,
	"POST /sign-out":                 true,
	"POST /email/confirm/send":       true,
	"GET /email/confirm":             true,
	"POST /email/confirm":            true,
	"POST /password/forgot":          true,
	"POST /password/reset":           true,
	"GET /.well-known/jwks.json":     true,
	"POST /mfa/verify":               true,
	"POST /mfa/passkey/options":      true,
	"POST /passkeys/sign-in/options": true,
	"POST /passkeys/sign-in":         true,
	"GET /oauth/{provider}/start":    true, // link=true needs a session (401 otherwise)
	"GET /oauth/{provider}/callback": true,
}

var cookieOnly = map[string]bool{
	"GET /sessions":                               true,
	"DELETE /sessions/{session_id}":               true,
	"POST /sessions/revoke-others":                true,
	"POST /password/change":                       true,
	"POST /organizations/current":                 true,
	"POST /organizations/invites/accept":          true,
	"POST /api-keys":                              true,
	"GET /mfa":                                    true,
	"POST /mfa/totp/setup":                        true,
	"POST /mfa/totp/enable":                       true,
	"POST /mfa/totp/disable":                      true,
	"POST /mfa/recovery-codes":                    true,
	"POST /mfa/step-up":                           true,
	"GET /passkeys":                               true,
	"POST /passkeys/register/options":             true,
	"POST /passkeys/register":                     true,
	"PATCH /passkeys/{id}":                        true,
	"DELETE /passkeys/{id}":                       true,
	"GET /identities":                             true,
	"DELETE /identities/{id}":                     true,
	"PATCH /me":                                   true,
	"DELETE /me":                                  true,
	"GET /me/export":                              true,
	"GET /admin/users":                            true,
	"POST /admin/users/{user_id}/disable":         true,
	"POST /admin/users/{user_id}/enable":          true,
	"POST /admin/users/{user_id}/revoke-sessions": true,
}

// TestOpenAPIErrorsAndSecurity checks the shape every operation shares:
// error responses carry the {code,message} body, the two security schemes
// exist, and every non-public operation declares which it accepts.
func TestOpenAPIErrorsAndSecurity(t *testing.T) {
	doc := loadSpec(t)
	for _, name := range []string{"CookieAuth", "BearerAuth"} {
		if _, ok := doc.SecurityDefinitions[name]; !ok {
			t.Errorf("security definition %s is missing", name)
		}
	}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			name := strings.ToUpper(method) + " " + path
			success := false
			for status, resp := range op.Responses {
				switch {
				case strings.HasPrefix(status, "2") || strings.HasPrefix(status, "3"):
					success = true
				default:
					if resp.Schema == nil || resp.Schema.Ref != "#/definitions/ErrorBody" {
						t.Errorf("%s: response %s must have the ErrorBody schema", name, status)
					}
				}
			}
			if !success {
				t.Errorf("%s: no success response", name)
			}
			need := func(status, why string) {
				if _, ok := op.Responses[status]; !ok {
					t.Errorf("%s: declares no %s response (%s)", name, status, why)
				}
			}
			for _, p := range op.Parameters {
				if p.In == "body" {
					need("400", "invalid_request for a malformed body")
					need("413", "body_too_large")
				}
			}
			if !public[name] {
				need("401", "invalid_token, token_expired")
			}
			if cookieOnly[name] {
				need("403", "API keys are refused")
				if len(op.Security) != 1 || op.Security[0]["CookieAuth"] == nil {
					t.Errorf("%s: a browser-session route must declare CookieAuth only", name)
				}
			} else if !public[name] && len(op.Security) != 2 {
				t.Errorf("%s: must accept both CookieAuth and BearerAuth", name)
			}
			if public[name] != (len(op.Security) == 0) {
				if public[name] {
					t.Errorf("%s: a public route must not declare security", name)
				} else {
					t.Errorf("%s: declares no security scheme (@Security CookieAuth and/or BearerAuth)", name)
				}
			}
		}
	}
}

// documentedTypes are the Go types behind the document's object
// definitions, by definition name (swag --useStructName).
var documentedTypes = map[string]any{
	"APIKeyBody": ginauth.APIKeyBody{}, "APIKeyPage": ginauth.APIKeyPage{}, "AcceptInviteRequest": ginauth.AcceptInviteRequest{},
	"ActiveOrgBody": ginauth.ActiveOrgBody{}, "AuthResponse": ginauth.AuthResponse{}, "ChangePasswordRequest": ginauth.ChangePasswordRequest{},
	"ChangeRoleRequest": ginauth.ChangeRoleRequest{}, "ConfirmEmailResponse": ginauth.ConfirmEmailResponse{},
	"CreateAPIKeyRequest": ginauth.CreateAPIKeyRequest{}, "CreateInviteRequest": ginauth.CreateInviteRequest{},
	"CreateOrganizationRequest": ginauth.CreateOrganizationRequest{}, "CreatedAPIKeyBody": ginauth.CreatedAPIKeyBody{},
	"CreatedInviteBody": ginauth.CreatedInviteBody{}, "CredentialsRequest": ginauth.CredentialsRequest{}, "EmailRequest": ginauth.EmailRequest{},
	"ErrorBody": ginauth.ErrorBody{}, "InviteBody": ginauth.InviteBody{}, "JWKBody": ginauth.JWKBody{}, "JWKSetBody": ginauth.JWKSetBody{}, "OrganizationBody": ginauth.OrganizationBody{},
	"OrganizationMemberBody": ginauth.OrganizationMemberBody{}, "RenameOrganizationRequest": ginauth.RenameOrganizationRequest{},
	"ResetPasswordRequest": ginauth.ResetPasswordRequest{}, "ResetPasswordResponse": ginauth.ResetPasswordResponse{},
	"RevokedSessionsResponse": ginauth.RevokedSessionsResponse{}, "SessionBody": ginauth.SessionBody{},
	"SessionAssuranceBody": ginauth.SessionAssuranceBody{}, "SessionResponse": ginauth.SessionResponse{}, "StatusResponse": ginauth.StatusResponse{},
	"SwitchOrganizationRequest": ginauth.SwitchOrganizationRequest{}, "TokenRequest": ginauth.TokenRequest{}, "UserBody": ginauth.UserBody{},
	"AuditEvent": audit.Event{}, "AuditActor": audit.Actor{}, "AuditTarget": audit.Target{}, "AuditLogPage": audit.LogPage{},
	// The mfa module's bodies.
	"MFAStatusResponse": mfa.StatusResponse{}, "TOTPSetupResponse": mfa.TOTPSetupResponse{}, "CodeRequest": mfa.CodeRequest{},
	"RecoveryCodesResponse": mfa.RecoveryCodesResponse{}, "TOTPDisableResponse": mfa.TOTPDisableResponse{}, "VerifyRequest": mfa.VerifyRequest{},
	// The passkeys module's bodies.
	"PasskeyOptions": passkeys.Options{}, "Passkey": passkeys.Passkey{}, "PasskeyRegisterRequest": passkeys.RegisterRequest{},
	"PasskeySignInRequest": passkeys.SignInRequest{}, "PasskeyRenameRequest": passkeys.RenameRequest{}, "PasskeyMFAOptionsRequest": passkeys.SecondFactorOptionsRequest{},
	// The social module's.
	"IdentityResponse": social.IdentityResponse{},
	// The users module's.
	"RoleBody": roles.RoleBody{}, "PermissionBody": roles.PermissionBody{}, "CreateRoleRequest": roles.CreateRoleRequest{},
	"UpdateRoleRequest": roles.UpdateRoleRequest{},
	"ProfileRequest":    users.ProfileRequest{}, "DeleteAccountRequest": users.DeleteAccountRequest{}, "DisableUserRequest": users.DisableRequest{},
	"AdminUser": users.AdminUser{}, "AdminUserList": users.AdminUserList{}, "RevokedSessions": users.RevokedSessions{},
	"DeletedAccount": users.DeletedAccount{}, "UserExport": users.Export{}, "UserExportAccount": users.ExportUser{},
}

// TestOpenAPIRequiredFields: a property is required in the document
// exactly when the server always writes it (responses) or needs it
// (requests): when its Go field has no omitempty. Typed clients (the SDK)
// then need no `?.` for what is always there.
func TestOpenAPIRequiredFields(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "docs", "swagger.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Definitions map[string]struct {
			Type       string                     `json:"type"`
			Required   []string                   `json:"required"`
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for name, def := range doc.Definitions {
		if def.Type != "object" {
			continue // enums (Role, OrganizationKind)
		}
		v, ok := documentedTypes[name]
		if !ok {
			t.Errorf("definition %s: add its Go type to documentedTypes", name)
			continue
		}
		var want, got []string
		var props []string
		for _, f := range jsonFields(reflect.TypeOf(v)) {
			props = append(props, f.name)
			if !f.omitempty {
				want = append(want, f.name)
			}
		}
		got = append(got, def.Required...)
		sort.Strings(want)
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("definition %s: required %v, want %v (every field without omitempty)", name, got, want)
		}
		if len(props) != len(def.Properties) {
			t.Errorf("definition %s: %d properties, the Go type has %d", name, len(def.Properties), len(props))
		}
	}
}

type jsonField struct {
	name      string
	omitempty bool
}

// jsonFields lists the JSON fields of struct type t as encoding/json
// writes them, embedded structs flattened.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if f.Anonymous && tag == "" {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, omitempty: strings.Contains(opts, "omitempty")})
	}
	return out
}
