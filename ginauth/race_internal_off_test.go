//go:build !race

package ginauth

// raceDetector reports whether the race detector is on (see
// race_internal_on_test.go).
const raceDetector = false
