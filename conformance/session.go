package conformance

// sessionScenarios lists the scenarios of this domain.
func sessionScenarios() []scenario { return nil }
