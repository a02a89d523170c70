"""The messages intake publishes to the engine; the contract tests check each is awaited in a model."""

SERVICE_REQUEST_SUBMITTED = "ServiceRequestSubmitted"
AGENCY_DECISION = "AgencyDecision"
CITIZEN_INFORMATION_PROVIDED = "CitizenInformationProvided"
SATISFACTION_RATED = "SatisfactionRated"
COMPLAINT_SUBMITTED = "ComplaintSubmitted"
COMPLAINT_SATISFACTION_RATED = "ComplaintSatisfactionRated"
REGISTRY_CONSENT_GIVEN = "RegistryConsentGiven"
DOCUMENT_UPLOADED = "DocumentUploaded"

PUBLISHED_MESSAGES = (SERVICE_REQUEST_SUBMITTED, AGENCY_DECISION, CITIZEN_INFORMATION_PROVIDED, SATISFACTION_RATED,
                      COMPLAINT_SUBMITTED, COMPLAINT_SATISFACTION_RATED, REGISTRY_CONSENT_GIVEN, DOCUMENT_UPLOADED)
