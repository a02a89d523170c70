"""The model elements the simulation mirrors, by their ids in workflows/*.bpmn: what it counts as flows, and
what the validation against the real engine compares."""

PROCESS = "PublicServiceRequestProcess"
CHILD_PROCESS = "DocumentReductionProcess"

# PublicServiceRequestProcess
PORTAL_START = "StartEvent_PortalRequestSubmitted"  # portal and kiosk, through intake
WALK_IN_START = "StartEvent_WalkInRequestReceived"  # the start form, filled in at the counter
DOCUMENTS_MISSING = "BoundaryEvent_DocumentsMissing"
FORWARD = "Task_ForwardToAgency"
STAGE_APPROVED = "EndEvent_StageApproved"
STAGE_REJECTED = "EndEvent_StageRejected"
INFORMATION_NEEDED = "Task_NotifyInformationNeeded"
AGENCY_REMINDED = "EndEvent_AgencyReminded"  # the stage's warning point passed before the decision
FOLLOW_UP = "UserTask_FollowUpSlaBreach"  # the stage's due point passed before the decision
FOLLOWED_UP = "EndEvent_SlaBreachFollowedUp"
HAND_OVER = "UserTask_HandOverResult"
REQUEST_REJECTED = "EndEvent_RequestRejected"
REQUEST_CLOSED_DOCUMENTS_MISSING = "EndEvent_RequestClosedDocumentsMissing"
REQUEST_REJECTED_AT_STAGE = "EndEvent_RequestRejectedAtStage"
REQUEST_COMPLETED = "EndEvent_RequestCompleted"

# DocumentReductionProcess
NO_DOCUMENTS = "EndEvent_NoDocumentsNeeded"
ASK_CONSENT = "Task_AskRegistryConsent"
CONSENT_NOT_GIVEN = "Event_ConsentNotGiven"
RECORD_NOT_FOUND = "BoundaryEvent_RegistryRecordNotFound"
DOCUMENT_FETCHED = "EndEvent_DocumentFetched"
CHECK = "UserTask_CheckUploadedDocument"
CITIZEN_REMINDED = "EndEvent_CitizenReminded"
DOCUMENT_RECEIVED = "EndEvent_DocumentReceived"
DOCUMENT_NOT_UPLOADED = "EndEvent_DocumentNotUploaded"
ATTEMPTS_USED_UP = "EndEvent_UploadAttemptsUsedUp"
DOSSIER_RETURNED = "EndEvent_DossierReturned"

REQUEST_ENDS = (REQUEST_REJECTED, REQUEST_CLOSED_DOCUMENTS_MISSING, REQUEST_REJECTED_AT_STAGE, REQUEST_COMPLETED)
STAFF_TASKS = (WALK_IN_START, CHECK, HAND_OVER, FOLLOW_UP)  # work of a centre's staff (handling_minutes keys)

# Flows that follow from durations alone (a timer passing while nobody acted), not from anyone's choice: an
# engine run at accelerated time cannot show them, so the validation leaves them out.
TIME_DRIVEN = frozenset({AGENCY_REMINDED, FOLLOW_UP, FOLLOWED_UP, CITIZEN_REMINDED})
# Flows whose counts the validation compares: every start, user task and end event that a choice decides.
COMPARED = (PORTAL_START, WALK_IN_START, ASK_CONSENT, CONSENT_NOT_GIVEN, NO_DOCUMENTS, RECORD_NOT_FOUND,
            DOCUMENT_FETCHED, CHECK, DOCUMENT_RECEIVED, DOCUMENT_NOT_UPLOADED, ATTEMPTS_USED_UP, DOSSIER_RETURNED,
            DOCUMENTS_MISSING, FORWARD, INFORMATION_NEEDED, STAGE_APPROVED, STAGE_REJECTED, HAND_OVER, *REQUEST_ENDS)
