"""The messages intake publishes to the engine; the contract tests check each is awaited in a model."""

SERVICE_REQUEST_SUBMITTED = "ServiceRequestSubmitted"
AGENCY_DECISION = "AgencyDecision"
CITIZEN_INFORMATION_PROVIDED = "CitizenInformationProvided"
SATISFACTION_RATED = "SatisfactionRated"

PUBLISHED_MESSAGES = (SERVICE_REQUEST_SUBMITTED, AGENCY_DECISION, CITIZEN_INFORMATION_PROVIDED, SATISFACTION_RATED)
