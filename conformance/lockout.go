package conformance

import (
	"net/http"
	"sync"
	"testing"
)

// lockoutConcurrentGuesses: 40 wrong guesses at one account sent at once,
// with the lockout at 10: each sign-in reserves its attempt before any
// password work, so exactly 10 are evaluated (401) and the other 30 get
// 429, and the account is locked afterwards.
func lockoutConcurrentGuesses(t *testing.T, h *Harness) {
	email := h.Email()
	h.SignUpAs(t, email)
	const n = 40
	statuses := make([]int, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		c := h.NewClient()
		wg.Go(func() {
			<-start
			r := c.Post(h.Path("/sign-in"), credentials(email, "wrong-password-1"))
			if r.Err != nil {
				t.Error(r.Err)
			}
			statuses[i] = r.Status
		})
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[http.StatusUnauthorized] != 10 || count[http.StatusTooManyRequests] != n-10 {
		t.Fatalf("%d concurrent wrong guesses: %v by status; want exactly 10 × 401 (the lockout threshold) and %d × 429", n, count, n-10)
	}
	expectRateLimited(t, h.NewClient().Post(h.Path("/sign-in"), credentials(email, Password)), 1, 60)
}

// lockoutClearedByPasswordReset: resetting the password through the mailed
// link ends a lockout: the owner signs in with the new password at once.
func lockoutClearedByPasswordReset(t *testing.T, h *Harness) {
	email := h.Email()
	h.SignUpAs(t, email)
	failSignIns(t, h, email, 10)
	expectRateLimited(t, h.NewClient().Post(h.Path("/sign-in"), credentials(email, Password)), 1, 60)
	h.forgot(t, email)
	h.reset(h.NewClient(), h.resetMail(t, email, 1), newPassword).Expect(t, http.StatusOK)
	h.NewClient().SignIn(t, email, newPassword)
}
