package conformance

// inviteScenarios lists the scenarios of this domain.
func inviteScenarios() []scenario { return nil }
