package conformance

// organizationScenarios lists the scenarios of this domain.
func organizationScenarios() []scenario { return nil }
