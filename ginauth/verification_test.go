package ginauth

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fastauth/fastauth/internal/secret"
)

func TestWellFormedToken(t *testing.T) {
	t.Parallel()
	plain, _, err := secret.New("")
	if err != nil {
		t.Fatal(err)
	}
	for s, want := range map[string]bool{
		plain:                            true,
		strings.Repeat("0", 64):          true,
		"":                               false,
		plain[:63]:                       false,
		plain + "0":                      false,
		strings.ToUpper(plain):           plain == strings.ToUpper(plain),
		strings.Repeat("g", 64):          false,
		"sk-" + plain[3:]:                false,
		strings.Repeat("a", 63) + "\x00": false,
		strings.Repeat("é", 32):          false,
	} {
		if got := wellFormedToken(s); got != want {
			t.Errorf("wellFormedToken(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestWithQuery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"https://app.example/failed", "https://app.example/failed?error=invalid_token"},
		{"https://app.example/failed?lang=en", "https://app.example/failed?error=invalid_token&lang=en"},
		{"/failed?error=old#frag", "/failed?error=invalid_token#frag"},
		{"%zz", "%zz"},
	} {
		if got := withQuery(tc.in, "error", "invalid_token"); got != tc.want {
			t.Errorf("withQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMailJobsBoundAndWait: at most maxMailJobs run at once, extra ones are
// refused, wait returns only when all are done, and jobs outlive the
// cancellation of the context they were started with.
func TestMailJobsBoundAndWait(t *testing.T) {
	t.Parallel()
	var j mailJobs
	release := make(chan struct{})
	var started, finished, canceled atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	var all sync.WaitGroup
	all.Add(maxMailJobs)
	for i := 0; i < maxMailJobs; i++ {
		if !j.start(ctx, func(ctx context.Context) {
			started.Add(1)
			all.Done()
			<-release
			if ctx.Err() != nil {
				canceled.Add(1)
			}
			finished.Add(1)
		}) {
			t.Fatalf("job %d refused below the bound", i)
		}
	}
	all.Wait()
	if j.start(ctx, func(context.Context) { t.Error("job over the bound ran") }) {
		t.Fatal("job over the bound accepted")
	}
	cancel()
	done := make(chan struct{})
	go func() { j.wait(); close(done) }()
	select {
	case <-done:
		t.Fatal("wait returned while jobs run")
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	<-done
	if finished.Load() != maxMailJobs || canceled.Load() != 0 {
		t.Fatalf("finished %d, saw cancellation %d", finished.Load(), canceled.Load())
	}
	if !j.start(context.Background(), func(context.Context) {}) {
		t.Fatal("slots not released")
	}
	j.wait()
}
