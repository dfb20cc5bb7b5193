package conformance

// mailScenarios lists the scenarios of this domain.
func mailScenarios() []scenario { return nil }
