package passkeys

import "time"

// SetPurgeEvery sets how often m deletes expired ceremonies (before Mount).
func (m *Module) SetPurgeEvery(d time.Duration) { m.purgeEvery = d }
