package conformance

// tokenScenarios lists the scenarios of this domain.
func tokenScenarios() []scenario { return nil }
