package conformance

import "sync"

// concurrently runs fn(0..n-1) in n goroutines released at the same moment
// and waits for all of them.
func concurrently(n int, fn func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func(i int) {
			defer done.Done()
			ready.Done()
			<-start
			fn(i)
		}(i)
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// raceScenarios are the cross-domain race rules (the domain files hold
// their own).
func raceScenarios() []scenario { return nil }
