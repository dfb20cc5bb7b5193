package ginauth

// HoldHashSlots takes every password-hashing slot of a, as a burst of
// sign-ins would, and returns the function that frees them: hashes
// requested meanwhile queue (up to HashQueueTimeout).
func HoldHashSlots(a *Auth) (release func()) { return a.hasher.HoldSlots() }
