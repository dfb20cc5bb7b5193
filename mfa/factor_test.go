package mfa

import (
	"context"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// fakeFactor is a Factor with a chosen method.
type fakeFactor string

func (f fakeFactor) Method() string                                 { return string(f) }
func (f fakeFactor) Count(context.Context, string) (int, error)     { return 1, nil }
func (f fakeFactor) Verify(*gin.Context, string, FactorProof) error { return nil }

// TestAddFactor: a factor is added once per method, never under a method
// of this package or an empty one.
func TestAddFactor(t *testing.T) {
	t.Parallel()
	m := NewModule(Config{}, nil)
	if err := m.AddFactor(fakeFactor("passkey")); err != nil {
		t.Fatalf("AddFactor(passkey): %v", err)
	}
	for _, tc := range []struct{ method, want string }{
		{"passkey", "already added"}, {"", "not an external method"},
		{MethodTOTP, "not an external method"}, {MethodRecoveryCode, "not an external method"},
	} {
		err := m.AddFactor(fakeFactor(tc.method))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("AddFactor(%q) = %v, want an error with %q", tc.method, err, tc.want)
		}
	}
	if f, ok := m.ceremonyFactor(); !ok || f.Method() != "passkey" {
		t.Fatalf("ceremonyFactor = %v, %v", f, ok)
	}
}

// TestAddNotice: an event gets one notice; the module's own events cannot
// be taken over.
func TestAddNotice(t *testing.T) {
	t.Parallel()
	m := NewModule(Config{}, nil)
	if err := m.AddNotice("passkey.added", "Passkey added", "A passkey was added."); err != nil {
		t.Fatalf("AddNotice: %v", err)
	}
	for _, event := range []string{"passkey.added", EventTOTPEnabled} {
		if err := m.AddNotice(event, "x", "y"); err == nil {
			t.Errorf("AddNotice(%s) twice: no error", event)
		}
	}
	if n := m.notices["passkey.added"]; n.subject != "Passkey added" {
		t.Fatalf("notice %+v", n)
	}
}
