"""The messages intake sends to the engine; the contract tests check each is awaited in a model.

Every message goes through the outbox (intake/outbox.py). Correlation keys (the `correlationKey` input parameter
of each waiting element): AgencyDecision and CitizenInformationProvided `<case>-<stage>` (a complaint's
organisation answer: `<case>-<forwardingCount>`, sent as its stage), SatisfactionRated, ComplaintSatisfactionRated
and RegistryConsentGiven `<case>`, DocumentUploaded `<case>:<document code>`.
"""

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

# Messages that start an instance (message start event), with the process each starts.
STARTS_PROCESS = {SERVICE_REQUEST_SUBMITTED: "PublicServiceRequestProcess",
                  COMPLAINT_SUBMITTED: "ComplaintEscalationProcess"}


def stage_key(case_number: str, stage: int) -> str:
    """AgencyDecision and CitizenInformationProvided: the stage, or a complaint's forwarding number."""
    return f"{case_number}-{stage}"


def document_key(case_number: str, document_code: str) -> str:
    """DocumentUploaded: one wait per required document."""
    return f"{case_number}:{document_code}"
