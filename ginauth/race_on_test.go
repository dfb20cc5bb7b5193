//go:build race

package ginauth_test

// raceEnabled reports whether the race detector is on (it slows argon2id
// too much for the timing test).
const raceEnabled = true
