"""The hostile corpus: malformed and hostile bodies and uploads sent to every intake endpoint over real HTTP, with
the real engine, workers and sandbox behind it. The corpus is data (tests/resources/hostile/*.json: a valid body
per endpoint and what each case changes in it) plus cases generated here for every JSON endpoint (oversized,
chunked, deeply nested, wrong media type, not JSON, unknown fields, bad keys, ...).

Each case gets the status the policy gives it, a bounded body naming the field, and never the value it sent.
Afterwards: the engine started only the valid controls sent beside the corpus, the outbox holds nothing of the
corpus, the waiting instances it aimed at still wait, and no log line holds a register number, phone or e-mail.
"""

import contextlib
import copy
import hashlib
import io
import json
import logging
import re
import unicodedata
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import structlog

from engine_client import EngineClient
from local_stack import PORTAL_KEY
from observability.logs import configure_logging
from sandbox.server import Sandbox
from tests.history import History
from tests.process.documents import CHECK, FROM_CITIZEN, child_of
from tests.process.harness import BATBOLD, OUTBOX_STATES, PROCESS, Harness
from tests.servers import AppServer
from workers.runtime import ExternalTaskRuntime

pytestmark = pytest.mark.engine

CORPUS = Path(__file__).resolve().parents[1] / "resources" / "hostile"
SINGLE, REFERENCE = "no-documents-single-stage", "address-reference"
COMPLAINTS = "ComplaintEscalationProcess"
STARTED_BY_MESSAGES = (PROCESS, COMPLAINTS)
# the synthetic citizen of the corpus's bodies (tests/resources/hostile/*.json)
PERSONAL = ("ТЕ88021514", "+97688123456", "dorj.batbold@example.mn", "Дорж Батболд")
KEYS = {"portal": PORTAL_KEY, "police": "sandbox-intake-police-key", "workers": "sandbox-workers-key",
        "operations": "sandbox-operations-key", "unknown": "hostile-unknown-key"}
INJECTIONS = ("<script", "<svg", "<img", "DROP TABLE", "UNION SELECT", "' OR '", "DELETE FROM")  # as sent
MAX_REFUSAL_BYTES = 4096
SIZED = re.compile(r"\{(\d+) (characters|digits)\}")
JSON_ENDPOINTS = ("service-requests", "complaints", "agency-decisions", "information-replies",
                  "satisfaction-replies", "consent-replies", "complaint-ratings", "forwardings", "walk-in-cases")
WRONG_CALLER = {"portal": "workers", "police": "portal", "workers": "portal"}
KEY_FIELDS = {"POST /v1/service-requests": ("submit-", "requestId"), "POST /v1/complaints": ("complaint-", "requestId")}


@dataclass
class Attempt:
    endpoint: str
    name: str
    method: str
    path: str
    status: int
    caller: str | None = None
    content: bytes | None = None
    content_type: str | None = None
    chunked: bool = False
    refused_field: str | None = None  # the field a 422 must name
    sent: list[str] = field(default_factory=list)  # values no answer may echo
    probe: str | None = None  # the outbox message id the request would have been stored under


@dataclass
class Targets:
    case: str  # a service request waiting for the police's decision on stage 1
    instance: str
    docs_case: str  # a service request waiting for the citizen's photo and employment letter
    docs_instance: str
    docs_child: str

    def fill(self, text: str, unique: str) -> str:
        text = SIZED.sub(lambda m: ("9" if m.group(2) == "digits" else "a") * int(m.group(1)), text)
        sha = hashlib.sha256(b"hostile").hexdigest()
        return (text.replace("{docs_case}", self.docs_case).replace("{case}", self.case)
                .replace("{unique}", unique).replace("{sha}", sha).replace("{SHA}", sha.upper()))


def filled(value: Any, targets: Targets, unique: str) -> Any:
    if isinstance(value, str):
        return targets.fill(value, unique)
    if isinstance(value, list):
        return [filled(v, targets, unique) for v in value]
    if isinstance(value, dict):
        return {k: filled(v, targets, unique) for k, v in value.items()}
    return value


def set_path(body: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        body = body.setdefault(part, {})
    body[last] = value


def encoded(body: Any) -> bytes:
    """JSON as a client would send it: UTF-8, bidi controls raw; escaped only where UTF-8 cannot carry it."""
    try:
        return json.dumps(body, ensure_ascii=False).encode()
    except UnicodeEncodeError:  # a lone surrogate
        return json.dumps(body).encode()


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if len(value.strip()) >= 5 else []
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    return []


def probe_of(endpoint: str, body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    prefix, key = KEY_FIELDS.get(endpoint, ("", "messageId"))
    value = body.get(key)
    return f"{prefix}{value}" if isinstance(value, str) else None


def unique_id() -> str:
    return f"hostile-{uuid.uuid4().hex[:12]}"


def json_attempts(targets: Targets) -> list[Attempt]:
    """The data cases of every JSON endpoint, then the generated ones."""
    attempts = []
    for name in JSON_ENDPOINTS:
        spec = json.loads((CORPUS / f"{name}.json").read_text())
        method, path = spec["endpoint"].split(" ")
        for case in spec["cases"]:
            unique = unique_id()
            body = filled(copy.deepcopy(spec["body"]), targets, unique)
            changes = filled(case.get("set", {}), targets, unique)
            for dotted, value in changes.items():
                set_path(body, dotted, value)
            for dotted in case.get("drop", []):
                body.pop(dotted)
            content = targets.fill(case["raw"], unique).encode() if "raw" in case else encoded(body)
            attempts.append(Attempt(spec["endpoint"], case["name"], method, path, case["status"], spec["caller"],
                                    content, "application/json", refused_field=case.get("field"),
                                    sent=[*PERSONAL, *strings(changes)], probe=probe_of(spec["endpoint"], body)))
        attempts += generated(spec["endpoint"], spec["caller"], filled(spec["body"], targets, unique_id()))
    return attempts


def generated(endpoint: str, caller: str, body: dict[str, Any]) -> list[Attempt]:
    """What every JSON endpoint refuses alike: size, shape, media type, keys."""
    method, path = endpoint.split(" ")
    probe = probe_of(endpoint, body)
    valid = encoded(body)
    text_field = next(k for k, v in body.items() if isinstance(v, str) and k not in ("requestId", "messageId"))
    nested = b'{"' + text_field.encode() + b'": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"
    cases: list[tuple[str, int, dict[str, Any]]] = [
        ("oversized body declared in Content-Length (1 MiB)", 413,
         {"content": encoded(body | {text_field: "а" * 524_288})}),
        ("oversized body sent in chunks without a length (1 MiB)", 413,
         {"content": encoded(body | {text_field: "а" * 524_288}), "chunked": True}),
        ("JSON nested 20 000 deep", 400, {"content": nested}),
        (f"a 60 000-character {text_field}", 422,
         {"content": encoded(body | {text_field: "<script>" + "a" * 60_000}), "refused_field": text_field}),
        ("a thousand unknown fields", 422, {"content": encoded(body | {f"x{i}": i for i in range(1000)})}),
        ("an unknown field", 422, {"content": encoded(body | {"isAdmin": True}), "refused_field": "isAdmin"}),
        ("every field of the wrong type", 422,
         {"content": encoded({k: [v] if not isinstance(v, list) else {} for k, v in body.items()})}),
        ("truncated JSON", 422, {"content": valid.decode()[: len(valid.decode()) // 2].encode()}),
        ("bytes that are not UTF-8", 400, {"content": b'{"' + text_field.encode() + b'": "\xff\xfe\xc0\xaf"}'}),
        ("a JSON array", 422, {"content": encoded([body])}),
        ("JSON null", 422, {"content": b"null"}),
        ("a body sent as text/plain", 415, {"content": valid, "content_type": "text/plain"}),
        ("a body without a media type", 415, {"content": valid, "content_type": None}),
        ("no API key", 401, {"caller": None}),
        ("an unknown API key", 401, {"caller": "unknown"}),
        ("another caller's API key", 403, {"caller": WRONG_CALLER[caller]}),
    ]
    return [Attempt(endpoint, name, method, path, status, **({"caller": caller, "content": valid,
                                                              "content_type": "application/json", "probe": probe,
                                                              "sent": list(PERSONAL)} | fields))
            for name, status, fields in cases]


def multipart(fields: dict[str, str], files: list[dict[str, Any]], boundary: str) -> bytes:
    """A multipart body written by hand, as a hostile client would: file names go raw, not escaped."""
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    for file in files:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file["name"]}"\r\n'
        head += f'Content-Type: {file["contentType"]}\r\n\r\n'
        parts.append(head.encode("utf-8", "surrogatepass") + file_content(file) + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def file_content(file: dict[str, Any]) -> bytes:
    if "hex" in file:
        return bytes.fromhex(file["hex"])
    if "size" in file:
        head = b"%PDF-1.4\n"
        return head + b"0" * (int(file["size"]) - len(head))
    return str(file["text"]).encode()


def upload_attempts(targets: Targets) -> list[Attempt]:
    spec = json.loads((CORPUS / "uploads.json").read_text())
    attempts = []
    for case in spec["cases"]:
        unique = unique_id()
        fields = filled(spec["fields"], targets, unique) | filled(case.get("setFields", {}), targets, unique)
        for name in case.get("dropFields", []):
            fields.pop(name)
        file = filled(spec["file"], targets, unique) | filled(case.get("file") or {}, targets, unique)
        files = [] if "file" in case and case["file"] is None else [file] * case.get("files", 1)
        boundary = uuid.uuid4().hex
        content_type = case.get("contentType", f"multipart/form-data; boundary={boundary}")
        content = (targets.fill(case["raw"], unique).encode() if "raw" in case
                   else multipart(fields, files, boundary))
        sent = [*PERSONAL, *strings(case.get("setFields", {})), *strings((case.get("file") or {}).get("name", ""))]
        attempts.append(Attempt(spec["endpoint"], case["name"], "POST", "/v1/uploads", case["status"], "portal",
                                content, content_type, refused_field=case.get("field"), sent=sent,
                                probe=fields.get("messageId")))
    return attempts


def read_attempts(targets: Targets) -> list[Attempt]:
    spec = json.loads((CORPUS / "reads.json").read_text())
    return [Attempt(case["endpoint"], case["name"], case["method"], targets.fill(case["path"], unique_id()),
                    case["status"], case.get("caller"), case["raw"].encode() if "raw" in case else None,
                    case.get("contentType")) for case in spec["cases"]]


async def send(client: httpx.AsyncClient, attempt: Attempt) -> httpx.Response:
    headers = {"X-Api-Key": KEYS[attempt.caller]} if attempt.caller else {}
    if attempt.content_type:
        headers["Content-Type"] = attempt.content_type
    content: Any = attempt.content
    if attempt.chunked and attempt.content is not None:
        whole = attempt.content

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(whole), 16_384):
                yield whole[start:start + 16_384]
        content = chunks()
    return await client.request(attempt.method, attempt.path, content=content, headers=headers)


def problems_with(attempt: Attempt, response: httpx.Response) -> list[str]:
    """What is wrong with the answer to one attempt (nothing: an empty list)."""
    found = []
    if response.status_code != attempt.status:
        found.append(f"status {response.status_code}, expected {attempt.status}: {response.text[:300]}")
    text = response.text
    if len(response.content) > MAX_REFUSAL_BYTES:
        found.append(f"a body of {len(response.content)} bytes")
    echoed = [value[:40] for value in attempt.sent if value in text]
    echoed += [marker for marker in INJECTIONS if marker in text]
    if echoed:
        found.append(f"echoes {echoed}")
    if attempt.refused_field and attempt.refused_field not in locations(response):
        found.append(f"does not name {attempt.refused_field}: {text[:300]}")
    return found


def locations(response: httpx.Response) -> set[str]:
    with contextlib.suppress(ValueError):
        detail = response.json().get("detail")
        if isinstance(detail, list):
            return {str(part) for problem in detail for part in problem.get("loc", [])}
    return set()


class LogLines(logging.Handler):
    """Standard-library records (uvicorn, httpx), formatted with their tracebacks."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter("%(levelname)s %(name)s %(message)s").format(record))


@contextlib.contextmanager
def captured_logs() -> Iterator[list[str]]:
    """Every line logged meanwhile, as production renders it: structlog's processors (masking included) into a
    buffer instead of stdout, and the standard library's records."""
    buffer, records = io.StringIO(), LogLines()
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(buffer))
    logging.getLogger().addHandler(records)
    lines: list[str] = []
    try:
        yield lines
    finally:
        logging.getLogger().removeHandler(records)
        configure_logging("INFO", "json")  # the session's own, as tests/conftest.py set it
        lines += buffer.getvalue().splitlines() + [line for r in records.lines for line in r.splitlines()]


def engine_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def personal_data_in(line: str) -> bool:
    """A full register number, a +976 phone, an e-mail with more than its first character, or a value of the
    corpus's citizen or of the harness's (the masked forms are УБ99******, +97699****33, b***@mail.mn)."""
    known = (*PERSONAL[:3], BATBOLD.register_number, BATBOLD.phone, BATBOLD.phone.removeprefix("+976"))
    return any(value in line for value in known) or any(p.search(line) for p in UNMASKED)


UNMASKED = (re.compile(r"[А-ЯЁӨҮ]{2}[0-9]{8}"), re.compile(r"\+976[ -]?[0-9]{8}"),
            re.compile(r"[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+"))


@dataclass
class Run:
    """What the corpus and the controls got, and what the engine, the outbox and the logs held afterwards."""

    targets: Targets
    attempts: list[Attempt]
    answers: list[httpx.Response]
    controls: dict[str, httpx.Response]
    started: dict[str, str]  # instance id -> business key: message-started instances since the corpus began
    stored_probes: list[str]  # corpus message ids the outbox knows
    probed: int
    aimed_in_outbox: list[dict[str, Any]]  # messages since the corpus began at its target cases, controls aside
    waiting_path: list[str]  # the police's case before the decision control
    waiting_variables: dict[str, Any]
    check_tasks: int
    decision: dict[str, httpx.Response]
    decided_path: list[str]
    decided_variables: dict[str, Any]
    log_lines: list[str]


async def waiting_uploads(h: Harness, child: str) -> int | None:
    waits = [a for a in await h.history.activities(child)
             if a["activityId"] == "ReceiveTask_AwaitUpload" and not a["endTime"]]
    return len(waits) if len(waits) == 2 else None


async def targets_waiting(h: Harness) -> Targets:
    """Two requests of BATBOLD's (outside the corpus's window): one at the police, one awaiting documents."""
    case, instance = await h.submit(SINGLE, BATBOLD)
    await h.wait_forwarded(case, 1)
    docs_case, docs_instance = await h.submit(FROM_CITIZEN, BATBOLD)
    docs_child = await child_of(h, docs_case)
    await h.history.wait_for(lambda: waiting_uploads(h, docs_child), "both documents to be awaited")
    return Targets(case, instance, docs_case, docs_instance, docs_child)


async def send_controls(h: Harness, targets: Targets) -> tuple[dict[str, httpx.Response], set[str]]:
    """Valid requests beside the corpus: each must be accepted once, a repeat answered as one, and the same key
    with another body refused (the demo scripts' old fault: two services, one second, one request id); their
    answers and the message ids they are stored under."""
    portal = {"X-Api-Key": PORTAL_KEY}
    request = h.request_body(REFERENCE, BATBOLD) | {"requestId": unique_id()}
    complaint = {"requestId": unique_id(), "kind": "complaint", "topic": "other", "channel": "portal",
                 "citizen": {"registerNumber": PERSONAL[0], "name": unicodedata.normalize("NFD", CONTROL_NAME),
                             "phone": PERSONAL[1]},
                 "text": unicodedata.normalize("NFD", CONTROL_TEXT.replace("\n", "\r\n"))}
    upload_id = unique_id()
    pdf = b"%PDF-1.4\n% control " + upload_id.encode() + b"\n%%EOF\n"

    async def upload(content: bytes) -> httpx.Response:
        return await h.intake.post("/v1/uploads", headers=portal,
                                   files={"file": ("Цээж зураг.pdf", content, "application/pdf")},
                                   data={"caseNumber": targets.docs_case, "documentCode": "photo",
                                         "messageId": upload_id})

    answers = {
        "request": await h.intake.post("/v1/service-requests", headers=portal, json=request),
        "request again": await h.intake.post("/v1/service-requests", headers=portal, json=request),
        "request id reused for another service": await h.intake.post(
            "/v1/service-requests", headers=portal, json=request | {"serviceCode": SINGLE}),
        "complaint": await h.intake.post("/v1/complaints", headers=portal, json=complaint),
        "complaint id reused for another text": await h.intake.post(
            "/v1/complaints", headers=portal, json=complaint | {"text": "Өөр гомдол."}),
        "upload": await upload(pdf),
        "upload again": await upload(pdf),
        "upload message id reused for other bytes": await upload(pdf + b"% other\n"),
    }
    return answers, {f"submit-{request['requestId']}", f"complaint-{complaint['requestId']}", upload_id}


CONTROL_NAME = "Ёндон Йөндон"
CONTROL_TEXT = "Өргөдөл ё й\n<script>alert(1)</script> '; DROP TABLE x;"


async def send_decisions(h: Harness, targets: Targets) -> dict[str, httpx.Response]:
    """The police decide once; the same message id with another decision is refused, the same again is a repeat."""
    decision = {"caseNumber": targets.case, "stage": 1, "agencyId": "police", "decision": "approve",
                "messageId": unique_id()}
    police = {"X-Api-Key": KEYS["police"]}
    return {
        "decision": await h.intake.post("/v1/agency-decisions", headers=police, json=decision),
        "message id reused for another decision": await h.intake.post(
            "/v1/agency-decisions", headers=police, json=decision | {"decision": "reject"}),
        "decision again": await h.intake.post("/v1/agency-decisions", headers=police, json=decision),
    }


async def outbox_findings(h: Harness, run_attempts: list[Attempt], targets: Targets, since: datetime,
                          control_ids: set[str]) -> tuple[list[str], int, list[dict[str, Any]]]:
    """Corpus message ids the outbox knows (looked up one by one; an id with a slash or over 256 characters
    cannot be, the listing covers those), how many were looked up, and the messages aimed at the corpus's cases."""
    operations = {"X-Api-Key": KEYS["operations"]}
    probes = sorted({a.probe for a in run_attempts if a.probe and "/" not in a.probe and len(a.probe) <= 256})
    looked_up = {p: (await h.intake.get(f"/internal/outbox/{quote(p, safe='')}", headers=operations)).status_code
                 for p in probes}
    stored = [p for p, status in looked_up.items() if status != 404]
    corpus_ids = {a.probe for a in run_attempts if a.probe}
    aimed_at = {targets.case, f"{targets.case}-1", targets.docs_case, f"{targets.docs_case}:photo",
                f"{targets.docs_case}:employment-letter"}
    aimed = []
    for status in OUTBOX_STATES:
        listing = (await h.intake.get("/internal/outbox", params={"status": status, "limit": 1000},
                                      headers=operations)).json()
        assert listing["count"] <= 1000, "the listing would leave messages out"
        aimed += [m for m in listing["messages"] if m["messageId"] in corpus_ids or (
            (m["correlationKey"] or m["businessKey"]) in aimed_at and m["messageId"] not in control_ids
            and datetime.fromisoformat(m["createdAt"]) >= since)]
    return stored, len(looked_up), aimed


@pytest.fixture(scope="module")
async def run(api: EngineClient, history: History, sandbox: Sandbox, intake: AppServer,
              workers: ExternalTaskRuntime) -> AsyncIterator[Run]:
    h = Harness(api, history, sandbox.http_url, intake.url)
    targets = await targets_waiting(h)
    attempts = json_attempts(targets) + upload_attempts(targets) + read_attempts(targets)
    began = datetime.now(UTC) - timedelta(milliseconds=5)
    with captured_logs() as log_lines:
        answers = [await send(h.intake, attempt) for attempt in attempts]
        controls, control_ids = await send_controls(h, targets)
        for name, process in (("request", PROCESS), ("complaint", COMPLAINTS)):  # started, if they were accepted
            with contextlib.suppress(KeyError):
                await h.instance_of(controls[name].json()["caseNumber"], process)
        started = {}
        for process in STARTED_BY_MESSAGES:
            for found in await api.history_process_instances(processDefinitionKey=process,
                                                             startedAfter=engine_time(began)):
                started[str(found["id"])] = str(found.get("businessKey"))
        await h.history.wait_for(lambda: h.history.open_user_tasks(targets.docs_child, CHECK), "the check task")
        stored, probed, aimed = await outbox_findings(h, attempts, targets, began, control_ids)
        waiting_path = await history.path(targets.instance)
        waiting_variables = await history.variables(targets.instance)
        check_tasks = len(await history.open_user_tasks(targets.docs_child, CHECK))
        decision = await send_decisions(h, targets)
        decided_path = await history.wait_for(lambda: after_decision(history, targets.instance), "the decision")
        decided_variables = await history.variables(targets.instance)
    yield Run(targets, attempts, answers, controls, started, stored, probed, aimed, waiting_path, waiting_variables,
              check_tasks, decision, decided_path, decided_variables, log_lines)
    for leftover in (targets.instance, targets.docs_instance, *started):
        with contextlib.suppress(Exception):
            await api.request("DELETE", f"/process-instance/{leftover}")
    await h.close()


async def after_decision(history: History, instance: str) -> list[str] | None:
    path = await history.path(instance)
    return path if "ReceiveTask_AwaitAgencyDecision" in path else None


def test_the_corpus_covers_every_endpoint_with_over_a_hundred_inputs(run: Run) -> None:
    by_endpoint = Counter(a.endpoint for a in run.attempts)
    print(f"\nhostile inputs tried: {len(run.attempts)}")
    for endpoint, count in sorted(by_endpoint.items()):
        print(f"  {count:4d}  {endpoint}")
    assert len(run.attempts) >= 100
    assert set(by_endpoint) >= {f"POST {p}" for p in (
        "/v1/service-requests", "/v1/complaints", "/v1/agency-decisions", "/v1/citizen-replies/information",
        "/v1/citizen-replies/satisfaction", "/v1/citizen-replies/consent", "/v1/complaint-replies/satisfaction",
        "/v1/uploads", "/internal/forwardings", "/internal/cases")}


def test_every_hostile_input_gets_the_status_the_policy_gives_it(run: Run) -> None:
    wrong = [f"{a.endpoint} · {a.name}: {r.status_code}, expected {a.status}: {r.text[:200]}"
             for a, r in zip(run.attempts, run.answers, strict=True) if r.status_code != a.status]
    assert wrong == [], "\n".join(wrong)


def test_no_refusal_echoes_what_was_sent_and_each_is_small_and_names_its_field(run: Run) -> None:
    found = {f"{a.endpoint} · {a.name}": problems for a, response in zip(run.attempts, run.answers, strict=True)
             if (problems := problems_with(a, response))}
    assert found == {}, "\n".join(f"{name}: {problems}" for name, problems in found.items())


def test_the_engine_started_only_the_valid_controls(run: Run) -> None:
    controls = {run.controls[name].json()["caseNumber"] for name in ("request", "complaint")}
    assert sorted(run.started.values()) == sorted(controls), "an instance started that no valid control asked for"


def test_nothing_of_the_corpus_reached_the_outbox(run: Run) -> None:
    assert run.probed >= 100
    assert run.stored_probes == [], "stored in the outbox"
    assert run.aimed_in_outbox == [], "aimed at the corpus's cases"


def test_the_instances_the_corpus_aimed_at_still_waited(run: Run) -> None:
    assert "ReceiveTask_AwaitAgencyDecision" not in run.waiting_path, "a hostile decision was taken"
    assert "decision" not in run.waiting_variables
    assert run.check_tasks == 1, "only the valid control upload opened a check task"


def test_a_key_reused_with_another_body_is_refused_and_a_repeat_is_one(run: Run) -> None:
    statuses = {name: response.status_code for name, response in run.controls.items()}
    assert statuses == {"request": 202, "request again": 200, "request id reused for another service": 409,
                        "complaint": 202, "complaint id reused for another text": 409,
                        "upload": 202, "upload again": 200, "upload message id reused for other bytes": 409}
    first, again = run.controls["request"].json(), run.controls["request again"].json()
    assert (again["caseNumber"], again["duplicate"]) == (first["caseNumber"], True)
    conflict = run.controls["request id reused for another service"].json()
    assert conflict["detail"][0]["loc"] == ["body", "requestId"]
    assert "caseNumber" not in conflict, "the second service got no case"


def test_a_decision_key_reused_with_another_decision_is_refused_and_only_the_first_is_taken(run: Run) -> None:
    statuses = {name: response.status_code for name, response in run.decision.items()}
    assert statuses == {"decision": 202, "message id reused for another decision": 409, "decision again": 200}
    assert run.decision["decision again"].json() == {"accepted": True, "duplicate": True, "delivery": "delivered"}
    assert run.decided_path.count("ReceiveTask_AwaitAgencyDecision") == 1
    assert run.decided_variables["decision"] == "approve"


async def test_free_text_reaches_the_engine_in_nfc_with_line_feeds_and_otherwise_verbatim(
    run: Run, history: History
) -> None:
    case = run.controls["complaint"].json()["caseNumber"]
    [instance] = [i for i, key in run.started.items() if key == case]
    variables = await history.variables(instance)
    assert (variables["citizenName"], variables["complaintText"]) == (CONTROL_NAME, CONTROL_TEXT)
    assert unicodedata.is_normalized("NFC", variables["complaintText"])


def test_no_log_line_holds_a_register_number_phone_or_email(run: Run) -> None:
    assert len(run.log_lines) > 10, "the logs were captured"
    assert [line[:300] for line in run.log_lines if personal_data_in(line)] == []
