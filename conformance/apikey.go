package conformance

// apiKeyScenarios lists the scenarios of this domain.
func apiKeyScenarios() []scenario { return nil }
