package conformance

// accountScenarios lists the scenarios of this domain.
func accountScenarios() []scenario { return nil }
