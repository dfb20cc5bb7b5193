package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastauth/fastauth/audit"
	"github.com/fastauth/fastauth/webhook"
)

// TestAuditWebhooksMetrics runs the server with a webhook to a local
// receiver: the sign-up's event arrives signed (package webhook verifies
// it), the security log lists it, and /metrics counts the delivery. The
// startup line says what is on.
func TestAuditWebhooksMetrics(t *testing.T) {
	t.Parallel()
	secret := webhook.GenerateSecret()
	v := webhook.Verifier{Secrets: []webhook.Secret{secret}}
	var mu sync.Mutex
	var got []webhook.Payload
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m, err := v.VerifyRequest(r)
		if err != nil {
			t.Errorf("webhook does not verify: %v", err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, m.Payload)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(recv.Close)

	srv := startServer(t, map[string]string{
		"AUTH_JWT_SECRET":            testSecret,
		"AUTH_WEBHOOK_URL":           recv.URL + "/hooks?token=hunter2",
		"AUTH_WEBHOOK_SECRET":        secret.Reveal(),
		"AUTH_WEBHOOK_ALLOW_PRIVATE": "true",
	})
	for _, want := range []string{"audit_log=true", "webhook=" + recv.URL, "metrics=true"} {
		if !strings.Contains(srv.out.String(), want) {
			t.Errorf("startup log without %s:\n%s", want, srv.out)
		}
	}
	if strings.Contains(srv.out.String(), "hunter2") || strings.Contains(srv.out.String(), secret.Reveal()) {
		t.Error("the log shows the webhook's query or secret")
	}
	c := newClient(t)
	var me authResponse
	if st := call(t, c, http.MethodPost, srv.base+"/auth/sign-up", map[string]string{"email": "audit@example.com", "password": "correct-horse-42"}, &me); st != http.StatusOK {
		t.Fatalf("sign-up: %d", st)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no webhook within 15 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	if got[0].Type != audit.TypeUserSignedUp {
		t.Errorf("first webhook %+v, want user.signed_up", got[0])
	}
	mu.Unlock()

	var log audit.LogPage
	if st := call(t, c, http.MethodGet, srv.base+"/auth/me/security-log", nil, &log); st != http.StatusOK || len(log.Items) == 0 || log.Items[len(log.Items)-1].Type != audit.TypeUserSignedUp {
		t.Fatalf("security log: %d %+v", st, log)
	}

	for {
		resp, err := http.Get(srv.base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/metrics: %d", resp.StatusCode)
		}
		if strings.Contains(string(body), `fastauth_webhook_deliveries_total{result="delivered"} 1`) {
			if strings.Contains(string(body), me.User.ID) || strings.Contains(string(body), "audit@example.com") {
				t.Error("/metrics shows a user id or an email")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics without the delivery:\n%s", body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestMetricsOff: METRICS=false serves no /metrics, and says so.
func TestMetricsOff(t *testing.T) {
	t.Parallel()
	srv := startServer(t, map[string]string{"AUTH_JWT_SECRET": testSecret, "METRICS": "false"})
	if !strings.Contains(srv.out.String(), "metrics=false") || !strings.Contains(srv.out.String(), "webhook=off") {
		t.Errorf("startup log:\n%s", srv.out)
	}
	resp, err := http.Get(srv.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/metrics with METRICS=false: %d", resp.StatusCode)
	}
}
