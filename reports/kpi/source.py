"""The cases of the KPI report, from the engine's history API (as the reports' own account): every
PublicServiceRequestProcess and ComplaintEscalationProcess instance started in the period, with the variables,
activities (agency stages, SLA timers that fired, the answer) and completed user tasks its figures come from.

Queries are per element, not per instance (the history API filters activities by one instance at a time), and
bounded by the period's start; whatever belongs to other instances is dropped.
"""

import asyncio
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any

from engine_client import EngineClient, engine_date
from reports.kpi.cases import UNKNOWN_STAFF, Complaint, History, Period, ServiceRequest, StaffTask, Stage
from reports.source import all_pages

REQUEST, COMPLAINT = "PublicServiceRequestProcess", "ComplaintEscalationProcess"
STAGE = "SubProcess_AgencyStages"  # one activity instance per stage (sequential multi-instance over `stages`)
STAGE_WARNING, STAGE_BREACH = "BoundaryEvent_AgencySlaWarning", "BoundaryEvent_AgencySlaBreached"
# the citizen is told the outcome of a request: completed, rejected (identity, service, stage) or documents missing
REQUEST_ANSWERS = ("Task_NotifyCompleted", "Task_NotifyRejection", "Task_NotifyStageRejection",
                   "Task_NotifyDocumentsMissing")
REMINDER, ANSWER_OVERDUE = "Event_ReminderDue", "BoundaryEvent_AnswerOverdue"
ELEMENTS = (STAGE, STAGE_WARNING, STAGE_BREACH, *REQUEST_ANSWERS, REMINDER, ANSWER_OVERDUE)
REQUEST_VARIABLES = ("caseNumber", "serviceCode", "serviceName", "serviceCentre", "stages", "satisfaction")
COMPLAINT_VARIABLES = ("caseNumber", "kind", "agency", "relatedCaseNumber", "receivedAt", "answeredAt", "resolvedBy",
                       "slaStatus", "extended", "reopened", "satisfaction")
Json = dict[str, Any]


async def read_history(engine: EngineClient, period: Period, cases: Collection[str] | None = None) -> History:
    """The requests and complaints started in the period (only those with these case numbers, when given)."""
    instances = await started_instances(engine, period)
    variables = await root_variables(engine, [i["id"] for i in instances], {*REQUEST_VARIABLES, *COMPLAINT_VARIABLES})
    chosen = [(i, variables.get(i["id"], {})) for i in instances]
    if cases is not None:
        chosen = [(i, values) for i, values in chosen if values.get("caseNumber") in cases]
    ids = {i["id"] for i, _ in chosen}
    activities, tasks = await asyncio.gather(element_activities(engine, ids, period.since),
                                             staff_tasks(engine, ids, period.since))
    requests = tuple(service_request(i, values, activities[i["id"]], tasks[i["id"]])
                     for i, values in chosen if i["processDefinitionKey"] == REQUEST)
    known = {r.case_number: (r.service_code, r.service_centre) for r in requests}
    about = {str(values["relatedCaseNumber"]) for _, values in chosen if values.get("relatedCaseNumber")}
    requests_about = known | await related_requests(engine, about - set(known))
    complaints = tuple(complaint(i, values, activities[i["id"]], tasks[i["id"]], requests_about)
                       for i, values in chosen if i["processDefinitionKey"] == COMPLAINT)
    return History(period, requests, complaints)


async def started_instances(engine: EngineClient, period: Period) -> list[Json]:
    query: Json = {"processDefinitionKeyIn": [REQUEST, COMPLAINT], "startedBefore": engine_date(period.until),
                   "sorting": [{"sortBy": "startTime", "sortOrder": "asc"}]}
    if period.since:
        query["startedAfter"] = engine_date(period.since)
    return await all_pages(engine, "/history/process-instance", query)


async def root_variables(engine: EngineClient, instances: list[str], names: Iterable[str]) -> dict[str, Json]:
    """Each instance's own (root scope) variables with these names: instance id -> name -> value."""
    values: dict[str, Json] = defaultdict(dict)
    for start in range(0, len(instances), 100):
        body = {"processInstanceIdIn": instances[start:start + 100], "variableNameIn": sorted(names)}
        for variable in await all_pages(engine, "/history/variable-instance", body):
            if variable["activityInstanceId"] == variable["processInstanceId"]:
                values[variable["processInstanceId"]][variable["name"]] = variable["value"]
    return values


async def element_activities(engine: EngineClient, instances: set[str],
                             since: datetime | None) -> dict[str, list[Json]]:
    """The activity instances of the elements the figures read, per process instance."""
    since_query = {"startedAfter": engine_date(since)} if since else {}
    pages = await asyncio.gather(*(all_pages(engine, "/history/activity-instance", {"activityId": element,
                                                                                    **since_query})
                                   for element in ELEMENTS))
    found: dict[str, list[Json]] = defaultdict(list)
    for page in pages:
        for activity in page:
            if activity["processInstanceId"] in instances:
                found[activity["processInstanceId"]].append(activity)
    return found


async def staff_tasks(engine: EngineClient, instances: set[str], since: datetime | None) -> dict[str, list[StaffTask]]:
    """Completed user tasks per case (tasks of a called process count for the case that called it). Who did it:
    the task's assignee (Tasklist completes only claimed tasks); else the user the operation log names."""
    query: Json = {"finished": True, "taskDeleteReason": "completed"}
    if since:
        query["startedAfter"] = engine_date(since)
    found: dict[str, list[StaffTask]] = defaultdict(list)
    for task in await all_pages(engine, "/history/task", query):
        root = task.get("rootProcessInstanceId") or task["processInstanceId"]
        if root in instances:
            staff = task.get("assignee") or await completed_by(engine, task["id"])
            found[root].append(StaffTask(staff, task["taskDefinitionKey"], moment(task["startTime"]),
                                         moment(task["endTime"])))
    return found


async def completed_by(engine: EngineClient, task_id: str) -> str:
    entries = await engine.request("GET", "/history/user-operation", params={
        "taskId": task_id, "operationType": "Complete", "entityType": "Task"})
    return str(entries[0].get("userId") or UNKNOWN_STAFF) if entries else UNKNOWN_STAFF


async def related_requests(engine: EngineClient, case_numbers: set[str]) -> dict[str, tuple[str, str]]:
    """Requests that complaints are about but that started before the period: case -> (service, centre)."""
    found: dict[str, tuple[str, str]] = {}
    for case in sorted(case_numbers):
        instances = await engine.request("POST", "/history/process-instance", json={
            "processDefinitionKey": REQUEST, "variables": [{"name": "caseNumber", "operator": "eq", "value": case}]})
        if instances:
            values = (await root_variables(engine, [instances[0]["id"]], ("serviceCode", "serviceCentre")))[
                instances[0]["id"]]
            found[case] = (str(values.get("serviceCode") or ""), str(values.get("serviceCentre") or ""))
    return found


def service_request(instance: Json, values: Json, activities: list[Json], tasks: list[StaffTask]) -> ServiceRequest:
    return ServiceRequest(
        instance_id=instance["id"], case_number=str(values.get("caseNumber") or instance.get("businessKey") or ""),
        service_code=str(values.get("serviceCode") or ""), service_name=str(values.get("serviceName") or ""),
        service_centre=str(values.get("serviceCentre") or ""), received=moment(instance["startTime"]),
        answered=first_end(activities, REQUEST_ANSWERS), stages=stages(values.get("stages"), activities),
        satisfaction=values.get("satisfaction"), tasks=tuple(tasks),
    )


def stages(declared: str | None, activities: list[Json]) -> tuple[Stage, ...]:
    """The stages the request went through: the k-th iteration of the sequential loop is the k-th of `stages`."""
    planned = json.loads(declared) if declared else []
    iterations = sorted((a for a in activities if a["activityId"] == STAGE), key=lambda a: a["startTime"])
    fired = {(a["parentActivityInstanceId"], a["activityId"]) for a in activities}
    return tuple(
        Stage(number=int(plan.get("number", index + 1)), agency=str(plan.get("agency", "")),
              agency_name=str(plan.get("agencyName", "")), started=moment(iteration["startTime"]),
              ended=moment(iteration["endTime"]) if iteration.get("endTime") else None,
              warned=(iteration["id"], STAGE_WARNING) in fired, breached=(iteration["id"], STAGE_BREACH) in fired)
        for index, (iteration, plan) in enumerate(zip(iterations, planned, strict=False))
    )


def complaint(instance: Json, values: Json, activities: list[Json], tasks: list[StaffTask],
              requests: Mapping[str, tuple[str, str]]) -> Complaint:
    related = values.get("relatedCaseNumber")
    service, centre = requests.get(str(related), (None, None)) if related else (None, None)
    answered, received = values.get("answeredAt"), values.get("receivedAt")
    return Complaint(
        instance_id=instance["id"], case_number=str(values.get("caseNumber") or instance.get("businessKey") or ""),
        kind=str(values.get("kind") or ""), agency=values.get("agency") or None, related_case=related or None,
        related_service=service or None, related_centre=centre or None,
        received=moment(received or instance["startTime"]), answered=moment(answered) if answered else None,
        resolved_by=values.get("resolvedBy"), sla_status=values.get("slaStatus"),
        extended=values.get("extended") is True, reopened=values.get("reopened") is True,
        reminded=any(a["activityId"] == REMINDER and a.get("endTime") and not a.get("canceled") for a in activities),
        overdue=any(a["activityId"] == ANSWER_OVERDUE for a in activities),
        satisfaction=values.get("satisfaction"), tasks=tuple(tasks),
    )


def first_end(activities: list[Json], elements: tuple[str, ...]) -> datetime | None:
    ends = [a["endTime"] for a in activities if a["activityId"] in elements and a.get("endTime")]
    return moment(min(ends)) if ends else None


def moment(text: str) -> datetime:
    """An ISO moment as the REST API (`2026-11-28T09:38:50.090+0000`) or a variable (`…+08:00`) writes it."""
    return datetime.fromisoformat(text)
