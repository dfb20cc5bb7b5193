package ginauth_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fastauth/fastauth/conformance"
	"github.com/fastauth/fastauth/ginauth"
)

// foldingBackend plays a store whose email comparison ignores accents and
// width, as a MySQL column with a _ci collation does: its UserByEmail
// finds "ada@example.com" for "àda@example.com" and "ａda@example.com".
type foldingBackend struct {
	ginauth.Backend
}

var foldEmail = strings.NewReplacer("à", "a", "ä", "a", "ａ", "a").Replace

func (b foldingBackend) UserByEmail(ctx context.Context, email string) (ginauth.User, error) {
	return b.Backend.UserByEmail(ctx, foldEmail(email))
}

// TestLookAlikeAddressFromStoreIsNotFound: whatever the backend's
// collation, an account whose stored address differs from the normalized
// one asked for is not found: no sign-in, no reset mail.
func TestLookAlikeAddressFromStoreIsNotFound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, cleanup := newExampleStore(ctx)
	t.Cleanup(cleanup)
	mail := &conformance.Mailbox{}
	cfg := exampleConfig()
	cfg.Mailer = mail
	url := serveAuth(t, foldingBackend{st}, cfg)
	if res := post(t, url+"/auth/sign-up", `{"email":"ada@example.com","password":"correct-horse-42"}`); res.StatusCode != http.StatusOK {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}
	for _, addr := range []string{"àda@example.com", "ａda@example.com", "adä@example.com"} {
		if res := post(t, url+"/auth/sign-in", `{"email":"`+addr+`","password":"correct-horse-42"}`); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("sign-in as %s with ada's password: %d, want 401", addr, res.StatusCode)
		}
		if res := post(t, url+"/auth/password/forgot", `{"email":"`+addr+`"}`); res.StatusCode != http.StatusOK {
			t.Errorf("forgot for %s: %d", addr, res.StatusCode)
		}
	}
	if res := post(t, url+"/auth/sign-in", `{"email":"ada@example.com","password":"correct-horse-42"}`); res.StatusCode != http.StatusOK {
		t.Fatalf("sign-in as ada: %d", res.StatusCode)
	}
	time.Sleep(100 * time.Millisecond) // mails are sent off the response path
	if n := len(mail.To("ada@example.com", ginauth.MailPasswordReset)); n != 0 {
		t.Fatalf("%d reset mails to ada@example.com asked for by look-alike addresses", n)
	}
}
