package social_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/fastauth/fastauth/social"
)

func TestIdentityResponse(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.FixedZone("x", 3600))
	b, err := json.Marshal(social.IdentityResponses([]social.Identity{{ID: "i", Provider: "google", Subject: "s", UserID: "u", Email: "a@example.com", CreatedAt: at}}))
	if err != nil {
		t.Fatal(err)
	}
	if want := `[{"id":"i","provider":"google","subject":"s","email":"a@example.com","created_at":"2026-03-01T11:00:00Z"}]`; string(b) != want {
		t.Fatalf("%s, want %s", b, want)
	}
	if b, _ := json.Marshal(social.IdentityResponses(nil)); string(b) != "[]" {
		t.Fatalf("empty list %s", b)
	}
}
