package ginauth

import (
	"context"
	"sync"
)

// maxMailJobs bounds the mail work running off the response path at once.
const maxMailJobs = 128

// mailJobs runs the work of the enumeration-safe mail routes (look the
// address up, issue a token, render and send) off the response path, so
// that their responses take the same time whether or not the address has an
// account. Auth.Close waits for the jobs under way. The zero value is ready.
type mailJobs struct {
	wg    sync.WaitGroup
	mu    sync.Mutex
	slots int
}

// start runs fn in a goroutine with a context that keeps ctx's values but
// not its cancellation, unless maxMailJobs jobs are already running: then
// it runs nothing and returns false (an overload; the caller logs it).
func (j *mailJobs) start(ctx context.Context, fn func(ctx context.Context)) bool {
	j.mu.Lock()
	if j.slots >= maxMailJobs {
		j.mu.Unlock()
		return false
	}
	j.slots++
	j.mu.Unlock()
	ctx = context.WithoutCancel(ctx)
	j.wg.Go(func() {
		defer func() {
			j.mu.Lock()
			j.slots--
			j.mu.Unlock()
		}()
		fn(ctx)
	})
	return true
}

// wait blocks until every started job has finished.
func (j *mailJobs) wait() { j.wg.Wait() }
