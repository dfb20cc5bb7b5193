package ginauth_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
	"github.com/fastauth/fastauth/ginauth/module"
)

// namedModule is a module with a name and a Mount result.
type namedModule struct {
	name string
	err  error
}

func (m namedModule) Name() string             { return m.name }
func (m namedModule) Mount(ginauth.Host) error { return m.err }

// bearerModule tries to become the bearer authenticator, which the
// default API-key module already is.
type bearerModule struct{}

func (bearerModule) Name() string { return "bearer" }
func (bearerModule) Mount(h ginauth.Host) error {
	return h.SetBearerAuthenticator(refuseAll{})
}

// factorModule sets two second factors; the second must be refused.
type factorModule struct{}

func (factorModule) Name() string { return "factors" }
func (factorModule) Mount(h ginauth.Host) error {
	if err := h.SetSecondFactor(noFactor{}); err != nil {
		return err
	}
	if h.SecondFactor() == nil {
		return errors.New("SecondFactor() is nil after SetSecondFactor")
	}
	return h.SetSecondFactor(noFactor{})
}

// noFactor is a second factor no account has.
type noFactor struct{}

func (noFactor) StartSecondFactor(context.Context, string, string) (string, []string, error) {
	return "", nil, nil
}

// refuseAll is a bearer authenticator that refuses every credential.
type refuseAll struct{}

func (refuseAll) AuthenticateBearer(context.Context, string) (*ginauth.Principal, error) {
	return nil, module.ErrInvalidCredential
}
func (refuseAll) WellFormed(string) bool { return false }

// TestRegisterRefusesBadModules: a nil module, an empty or repeated name
// (also the name of a default module), a second bearer authenticator and
// a failing Mount make Register fail instead of serving half a module.
func TestRegisterRefusesBadModules(t *testing.T) {
	t.Parallel()
	st, cleanup := newExampleStore(context.Background())
	t.Cleanup(cleanup)
	boom := errors.New("boom")
	for _, tc := range []struct {
		name    string
		modules []ginauth.Module
		want    error
	}{
		{"nil", []ginauth.Module{nil}, ginauth.ErrInvalidConfig},
		{"empty name", []ginauth.Module{namedModule{}}, ginauth.ErrInvalidConfig},
		{"repeated name", []ginauth.Module{namedModule{name: "a"}, namedModule{name: "a"}}, ginauth.ErrInvalidConfig},
		{"failing mount", []ginauth.Module{namedModule{name: "a", err: boom}}, boom},
		{"name of a default module", []ginauth.Module{namedModule{name: "apikeys"}}, ginauth.ErrInvalidConfig},
		{"second bearer authenticator", []ginauth.Module{bearerModule{}}, ginauth.ErrInvalidConfig},
		{"second second factor", []ginauth.Module{factorModule{}}, ginauth.ErrInvalidConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := exampleConfig()
			cfg.Modules = tc.modules
			if _, err := ginauth.Register(gin.New(), cfg, st); !errors.Is(err, tc.want) {
				t.Fatalf("Register = %v, want %v", err, tc.want)
			}
		})
	}
	cfg := exampleConfig()
	cfg.Modules = []ginauth.Module{namedModule{name: "a"}, namedModule{name: "b"}}
	auth, err := ginauth.Register(gin.New(), cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	_ = auth.Close()
}

// closingModule records its Close in order.
type closingModule struct {
	namedModule
	closed *[]string
	err    error
}

// Mount registers the module's background work with Host.OnClose.
func (m closingModule) Mount(h ginauth.Host) error {
	h.OnClose(func() error {
		*m.closed = append(*m.closed, m.name)
		return m.err
	})
	return nil
}

// TestCloseClosesModules: Auth.Close runs what the modules registered
// with Host.OnClose, the last registered first, and returns their errors.
func TestCloseClosesModules(t *testing.T) {
	t.Parallel()
	st, cleanup := newExampleStore(context.Background())
	t.Cleanup(cleanup)
	var closed []string
	boom := errors.New("boom")
	cfg := exampleConfig()
	cfg.Modules = []ginauth.Module{
		closingModule{namedModule: namedModule{name: "a"}, closed: &closed},
		namedModule{name: "b"},
		closingModule{namedModule: namedModule{name: "c"}, closed: &closed, err: boom},
	}
	auth, err := ginauth.Register(gin.New(), cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	if err := auth.Close(); !errors.Is(err, boom) {
		t.Fatalf("Close = %v, want the module's error", err)
	}
	if len(closed) != 2 || closed[0] != "c" || closed[1] != "a" {
		t.Fatalf("closed %v, want [c a]", closed)
	}
}
