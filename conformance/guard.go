package conformance

// guardScenarios lists the scenarios of this domain.
func guardScenarios() []scenario { return nil }
