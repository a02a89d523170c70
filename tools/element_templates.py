"""Camunda Modeler element templates (Camunda 7 schema) for every topic our workers handle, generated from the
task registry (`workers.tasks.HANDLERS`), so an analyst picks "Forward to agency" from a list and fills its fields.

Each template applies to a `bpmn:ServiceTask`: the external-task type and topic are fixed (hidden), the
`retries` extension property is editable, each input variable of the handler is an input parameter and each
output an output parameter, and the BPMN error codes the handler may throw are named in the description.

Why outputs are output parameters: input parameters make the task a variable scope of its own (Operaton's
BpmnParse turns an activity with an input/output mapping into a scope). A result the worker returns under the
name of one of its inputs (forwardingCount, remindersSent, dueDate, ...) is then set on that local variable and
vanishes with the task, unless an output parameter carries it out. Output parameters also let the analyst
rename where a result goes.

Usage: .venv/bin/python tools/element_templates.py [--check]
Writes .camunda/element-templates/esra-tasks.json, where Camunda Modeler 5 finds templates for every diagram
below the project folder. --check writes nothing and exits 1 when the file is not what the registry gives.
A template's version goes up by one whenever its content changes, so the Modeler offers to update tasks that use
the older version.
"""

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from domain.notifications import STANDARD_FIELDS, placeholders
from domain.notifications import TEMPLATES as NOTIFICATION_TEXTS
from workers.registry import TaskHandler
from workers.settings import WorkerSettings
from workers.tasks import HANDLERS

Json = dict[str, Any]

PROJECT_ROOT = Path(__file__).resolve().parents[1]
OUTPUT = PROJECT_ROOT / ".camunda" / "element-templates" / "esra-tasks.json"
SCHEMA = "https://unpkg.com/@camunda/element-templates-json-schema/resources/schema.json"
ID_PREFIX = "esra.task."
RETRIES_PROPERTY = "retries"  # the extension property workers/runtime.py reads
DEFAULT_RETRIES = WorkerSettings.model_fields["default_retries"].default

GROUPS = [
    {"id": "execution", "label": "Гүйцэтгэл · Execution"},
    {"id": "inputs", "label": "Оролтын хувьсагч · Inputs"},
    {"id": "outputs", "label": "Гаралтын хувьсагч · Outputs"},
]

# What the task does, in the Mongolian the models use for it (task verb + object).
TASK_LABELS_MN = {
    "compute-deadline": "Хариу өгөх хугацаа тооцох",
    "confirm-dossier-complete": "Бичиг баримт бүрэн эсэхийг шалгах",
    "deliver-result": "Үр дүнг цахимаар хүргэх",
    "fetch-registry-document": "Улсын бүртгэлээс баримт татах",
    "forward-complaint": "Гомдлыг байгууллагад шилжүүлэх",
    "forward-information": "Мэдээллийг байгууллагад шилжүүлэх",
    "forward-to-agency": "Хүсэлтийг байгууллагад шилжүүлэх",
    "notify-citizen": "Иргэнд мэдэгдэх",
    "prepare-reference": "Улсын бүртгэлээс лавлагаа авах",
    "register-case": "Биечлэн ирсэн хүсэлт, гомдлыг бүртгэх",
    "remind-agency": "Байгууллагад сануулга илгээх",
    "remind-organisation": "Хугацааг байгууллагад сануулах",
    "resolve-service": "Үйлчилгээг жагсаалтаас тодорхойлох",
    "verify-identity": "Хувийн мэдээллийг шалгах",
}

# What each process variable means; one name means one thing across all topics.
MEANINGS = {
    "additionalInformation": "What the citizen added when the agency asked for more information.",
    "agencyCaseId": "The agency's own id of the case, from its system's answer.",
    "answerDueAt": "When the organisation holding the complaint is overdue (the breach timer).",
    "applicantName": "The applicant's name as the state registry holds it.",
    "birthDate": "The applicant's birth date, checked against the register number and the registry.",
    "caseNumber": "The case number: ESR-… for a service request, CMP-… for a complaint (…-W… for walk-ins).",
    "caseSeries": "Which numbering a walk-in case gets: service-request (ESR-W…) or complaint (CMP-W…).",
    "channel": "Where the case came in; register-case returns service-centre (name another variable here to keep a "
               "channel set before, as the walk-in complaint does).",
    "citizenName": "The citizen's name as given with the complaint.",
    "complaintText": "The complaint's text as the citizen wrote it.",
    "deadlineChange": "Why the deadline is computed: initial (on receipt), extension (extended once) or re-forward "
                      "(a new organisation's own time to answer).",
    "deadlineDays": "The deadline in days, from the ComplaintRouting decision.",
    "deadlineKind": "The kind of days a deadline counts: calendar, or working days on the Mongolian calendar.",
    "decisionReason": "The agency's reason for its decision, for the citizen's message.",
    "document": "One item of requiredDocuments, as the multi-instance hands it over.",
    "documentCollection": "DocumentReductionProcess's waits as ISO 8601 durations: consentWithin, reminderAfter, "
                          "expireAfter.",
    "documentResults": "What each document's iteration recorded: one {document, state} per finished iteration.",
    "documentsComplete": "Whether every required document arrived.",
    "dossier": "The case's documents, one entry per required document: code, name, source, reference, times, "
               "status.",
    "dueAt": "The moment the complaint's due date is over, Asia/Ulaanbaatar.",
    "dueDate": "The last local day to answer the complaint: the legal deadline, extended if it was.",
    "email": "The citizen's e-mail address, used when there is no phone.",
    "extended": "Whether the complaint's deadline was extended (once at most).",
    "extensionDays": "Calendar days the extension adds (within the catalogue's maximum).",
    "fetchedAt": "When the worker fetched the document from the registry (the worker's clock).",
    "followUpNote": "The coordinator's note sent with a breach notice.",
    "forwardTo": "The catalogue agency to forward the complaint to (an id of catalog/agencies.yaml).",
    "forwardedTo": "The agency holding the complaint (catalogue id).",
    "forwardedToName": "The Mongolian name of the agency holding the complaint.",
    "forwardingCount": "How many times the complaint was forwarded; each forwarding takes the next number.",
    "identityVerified": "Whether the register number, birth date and registry record agree.",
    "kind": "The complaint's kind: inquiry, complaint, petition or suggestion.",
    "lastNotificationChannel": "The channel the last notification went by: sms, email or inbox.",
    "lastNotificationId": "The message id of the last notification; receivers drop repeats by it.",
    "lastReminderKind": "The kind of the last reminder sent to the agency: warning or breach.",
    "notificationFields": "Values for the message text's own placeholders, e.g. ${json.object('dueDate', dueDate)}.",
    "notificationKey": "Tells apart repeated messages of one status (a document code, a forwarding number).",
    "notificationStatus": "Which message the citizen gets (its Mongolian text is in domain/*_texts.py).",
    "phone": "The citizen's phone number; an SMS goes there when present.",
    "receivedAt": "When the case was received; a walk-in case is received when it is registered.",
    "registerNumber": "The citizen's register number (two Cyrillic letters and eight digits).",
    "registryReference": "Where the document came from: xyp:<service>:<request id>.",
    "rejectionReason": "Why the request or document was refused, in Mongolian, for the citizen's message.",
    "relatedCaseNumber": "The service request the complaint is about, if any.",
    "reminderKind": "warning (at the SLA warning point) or breach (after the due point, with the coordinator's note).",
    "reminderTimes": "The moments to remind the organisation holding the complaint.",
    "remindersSent": "How many reminders the organisation holding the complaint got so far.",
    "requiredDocuments": "The service's required documents from the catalogue: code, name, source, xypService, "
                         "maxUploadAttempts.",
    "resultDeliveredAt": "When the result reached the citizen's e-Mongolia inbox.",
    "resultDocument": "The result to deliver, e.g. a reference's registry answer {source, serviceCode, found, data}.",
    "satisfactionWait": "How long the citizen has to rate the answer (ISO 8601 duration).",
    "serviceCode": "The service's code in the catalogue (catalog/services/<code>.yaml).",
    "serviceKind": "The kind of service: reference, single-stage or multi-stage.",
    "serviceName": "The service's Mongolian name.",
    "sex": "The applicant's sex from the register number: male or female.",
    "slaWarningWorkingDays": "Working days from forwarding to the stage's SLA warning point.",
    "slaWorkingDays": "The stage's SLA in working days on the Mongolian calendar.",
    "stage": "The agency stage in hand: one item of stages.",
    "stageDueAt": "When the stage's SLA is breached.",
    "stageWarningAt": "When the agency is reminded (the stage's SLA warning point).",
    "stages": "The agencies that decide, in order: number, agency, agencyName, task.",
    "topic": "The complaint's topic: system-access, personal-data, service-decision, staff-conduct, service-delay "
             "or other.",
}



def status_choice(status: str, title: str) -> str:
    """A notification status with its Mongolian title and the notificationFields its text needs."""
    own = sorted(placeholders(status) - STANDARD_FIELDS)
    return f"{status} · {title}" + (f" (notificationFields: {', '.join(own)})" if own else "")


# Inputs that only take one of a known list of values: chosen from a dropdown, never an expression.
CHOICES: Mapping[str, Mapping[str, str]] = {
    "notificationStatus": {status: status_choice(status, title) for status, (title, _) in NOTIFICATION_TEXTS.items()},
}


class TemplateError(ValueError):
    """The registry has something the templates cannot describe yet (a new topic or variable)."""


def english_label(topic: str) -> str:
    return topic.replace("-", " ").capitalize()


def summary(handler: TaskHandler[Any, Any]) -> str:
    """The first paragraph of the handler module's docstring, which starts with `<topic>: `."""
    doc = sys.modules[handler.function.__module__].__doc__ or ""
    first = " ".join(doc.strip().split("\n\n")[0].split())
    prefix = f"{handler.topic}: "
    if not first.startswith(prefix):
        raise TemplateError(f"{handler.function.__module__}: its docstring must start with {prefix!r}")
    text = first.removeprefix(prefix)
    return text[:1].upper() + text[1:]


def without_none(annotation: Any) -> Any:
    """The annotation without `| None` (an optional field's absence is told by its default)."""
    if get_origin(annotation) in (Union, UnionType):
        args = [arg for arg in get_args(annotation) if arg is not NoneType]
        return args[0] if len(args) == 1 else Union[tuple(args)]  # noqa: UP007
    return annotation


def is_structured(annotation: Any) -> bool:
    """Lists, objects and nested models travel as JSON text in a String variable."""
    bare = without_none(annotation)
    origin = get_origin(bare) or bare
    return origin in (list, dict) or (isinstance(origin, type) and issubclass(origin, BaseModel))


def value_kind(annotation: Any) -> str:
    bare = without_none(annotation)
    origin = get_origin(bare) or bare
    if origin is list:
        return "JSON text (list)"
    if isinstance(origin, type) and issubclass(origin, BaseModel):
        fields = [field.alias or name for name, field in origin.model_fields.items()]
        return f"JSON text (object: {', '.join(fields)})"
    if origin is dict:
        return "JSON text (object)"
    if origin is Literal:
        return "One of: " + ", ".join(map(str, get_args(bare)))
    if isinstance(origin, type) and issubclass(origin, Enum):
        return "One of: " + ", ".join(str(member.value) for member in origin)
    kinds = {bool: "true or false", int: "Whole number", date: "Date (YYYY-MM-DD)",
             datetime: "Date and time (ISO 8601)", str: "Text"}
    return kinds.get(origin, "Text")


def juel_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def default_expression(name: str, field: FieldInfo) -> str:
    """The process variable of the same name, as the worker would read it without a mapping: a missing variable
    is null (the worker then names the field in its incident), or the model's own default when it has one."""
    default = field.get_default(call_default_factory=True)
    if field.is_required() or default is None:
        return f"${{execution.getVariable('{name}')}}"
    return f"${{execution.hasVariable('{name}') ? {name} : {juel_literal(default)}}}"


def meaning(topic: str, name: str) -> str:
    if name not in MEANINGS:
        raise TemplateError(f"{topic}: variable {name} has no meaning in MEANINGS (tools/element_templates.py)")
    return MEANINGS[name]


def input_property(topic: str, name: str, field: FieldInfo) -> Json:
    structured = is_structured(field.annotation)
    default = field.get_default(call_default_factory=True)
    presence = "Required." if field.is_required() else f"Optional (when absent: {json.dumps(default)})."
    kind = "One of the listed values" if name in CHOICES else value_kind(field.annotation)
    prop: Json = {
        "label": f"{name} · JSON" if structured else name,
        "description": f"{meaning(topic, name)} {kind}. {presence}",
        "group": "inputs",
    }
    bare = without_none(field.annotation)
    choices = CHOICES.get(name) or ({str(v): str(v) for v in get_args(bare)} if get_origin(bare) is Literal else None)
    if choices:
        first = default if isinstance(default, str) and default in choices else next(iter(choices))
        prop |= {"type": "Dropdown", "value": first,
                 "choices": [{"name": label, "value": value} for value, label in choices.items()]}
    else:
        prop |= {"type": "Text" if structured else "String", "value": default_expression(name, field),
                 "description": prop["description"] + " Default: the process variable of this name; a literal or "
                                "another ${…} expression also works.",
                 "constraints": {"notEmpty": True}}
    return prop | {"binding": {"type": "camunda:inputParameter", "name": name}}


def output_property(topic: str, name: str, field: FieldInfo) -> Json:
    return {
        "label": f"{name} · JSON" if is_structured(field.annotation) else name,
        "description": f"{meaning(topic, name)} {value_kind(field.annotation)}. Written to the process variable "
                       "named here.",
        "group": "outputs",
        "type": "String",
        "value": name,
        "constraints": {"notEmpty": True},
        "binding": {"type": "camunda:outputParameter", "source": f"${{{name}}}"},
    }


def errors_text(errors: Iterable[str]) -> str:
    codes = list(errors)
    if not codes:
        return "Throws no BPMN error."
    return ("BPMN errors (catch each with an error boundary event on this task): " + ", ".join(codes) + ".")


def template(handler: TaskHandler[Any, Any]) -> Json:
    topic = handler.topic
    if topic not in TASK_LABELS_MN:
        raise TemplateError(f"{topic}: no Mongolian label in TASK_LABELS_MN (tools/element_templates.py)")
    inputs = [input_property(topic, field.alias or name, field)
              for name, field in handler.input_model.model_fields.items()]
    outputs = [output_property(topic, field.alias or name, field)
               for name, field in handler.output_model.model_fields.items()]
    module = handler.function.__module__.replace(".", "/") + ".py"
    return {
        "$schema": SCHEMA,
        "name": f"{english_label(topic)} · {TASK_LABELS_MN[topic]}",
        "id": ID_PREFIX + topic,
        "description": f"{summary(handler)} External task {topic} ({module}). {errors_text(handler.errors)}",
        "keywords": [topic, TASK_LABELS_MN[topic], *handler.errors],
        "appliesTo": ["bpmn:ServiceTask"],
        "groups": GROUPS,
        "properties": [
            {"type": "Hidden", "value": "external", "binding": {"type": "property", "name": "camunda:type"}},
            {"type": "Hidden", "value": topic, "binding": {"type": "property", "name": "camunda:topic"}},
            {"label": "Оролдлогын тоо · Retries", "group": "execution", "type": "String", "value": str(DEFAULT_RETRIES),
             "description": "Attempts before a fault becomes an incident in Cockpit (with backoff between them).",
             "constraints": {"notEmpty": True, "pattern": {"value": "^[0-9]+$", "message": "A whole number, e.g. 3"}},
             "binding": {"type": "camunda:property", "name": RETRIES_PROPERTY}},
            *inputs,
            *outputs,
        ],
    }


def versioned(current: Json, previous: Json | None) -> Json:
    """Keep the previous version when nothing changed, else the next one; `version` goes after `id`."""
    version = 1
    if previous is not None:
        unchanged = {k: v for k, v in previous.items() if k != "version"} == current
        version = int(previous.get("version", 1)) + (0 if unchanged else 1)
    ordered: Json = {}
    for key, value in current.items():
        ordered[key] = value
        if key == "id":
            ordered["version"] = version
    return ordered


def build(handlers: Iterable[TaskHandler[Any, Any]], previous: Iterable[Json] = ()) -> list[Json]:
    before = {t["id"]: t for t in previous}
    built = [template(handler) for handler in sorted(handlers, key=lambda h: h.topic)]
    return [versioned(t, before.get(t["id"])) for t in built]


def render(templates: list[Json]) -> str:
    return json.dumps(templates, ensure_ascii=False, indent=2) + "\n"


def generate(handlers: Iterable[TaskHandler[Any, Any]], path: Path) -> str:
    """The file's text for these handlers, versioned against what the file holds now."""
    previous = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    return render(build(handlers, previous))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date; write nothing")
    args = parser.parse_args(argv)
    text = generate(HANDLERS, OUTPUT)
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else None
    where = OUTPUT.relative_to(PROJECT_ROOT)
    if args.check:
        if text != current:
            print(f"{where} is out of date: run .venv/bin/python tools/element_templates.py", file=sys.stderr)
            return 1
        print(f"{where} is up to date ({len(HANDLERS)} templates)")
        return 0
    if text != current:
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        OUTPUT.write_text(text, encoding="utf-8")
    print(f"{where}: {len(HANDLERS)} templates{'' if text != current else ', unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
