//go:build race

package ginauth

// raceDetector reports whether the race detector is on: allocation counts
// through sync.Pool (gin's contexts) are not exact under it, since the
// race runtime drops pooled items at random. `make alloc-test` runs the
// allocation tests without it.
const raceDetector = true
