"""The intake outbox without an engine: a fake engine stands in for correlation and the history lookup."""

import asyncio
import threading
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from engine_client import EngineError, MessageNotCorrelated
from intake.app import create_app
from intake.delivery import EngineDelivery
from intake.metrics import IntakeMetrics
from intake.outbox import Kind, NewMessage, Outbox, OutboxMessage, OutboxPolicy, Status
from intake.settings import IntakeSettings
from tests.polling import eventually

TEST_CATALOG = Path(__file__).resolve().parents[1] / "resources" / "catalog"
POLICY = OutboxPolicy(backoff_base=timedelta(seconds=1), backoff_max=timedelta(seconds=8),
                      correlate_ttl=timedelta(hours=1), start_ttl=timedelta(hours=2), lease=timedelta(seconds=30))
PORTAL = {"X-Api-Key": "sandbox-portal-key"}
OPERATIONS = {"X-Api-Key": "sandbox-operations-key"}
WORKERS = {"X-Api-Key": "sandbox-workers-key"}
LAND_AGENCY = {"X-Api-Key": "sandbox-intake-land-agency-key"}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **duration: float) -> None:
        self.now += timedelta(**duration)


class FakeEngine:
    """Waits as the models would (message name + correlationKey), starts instances by business key."""

    def __init__(self) -> None:
        self.waiting: set[tuple[str, str]] = set()
        self.correlated: list[tuple[str, str, dict[str, Any]]] = []
        self.instances: list[tuple[str, str, dict[str, Any]]] = []  # (message, business key, variables)
        self.down = False
        self.refusal: EngineError | None = None
        self.lose_next_answer = False
        self.ended: set[str] = set()  # business keys of instances that ran to their end
        self.runtime_queries: list[dict[str, Any]] = []
        self.history_queries: list[dict[str, Any]] = []

    async def correlate(
        self, message: str, *, business_key: str | None = None, local_keys: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None, process_instance_id: str | None = None,
    ) -> list[dict[str, Any]]:
        if self.down:
            raise httpx.ConnectError("connection refused")
        if self.refusal:
            raise self.refusal
        if business_key is not None:
            self.instances.append((message, business_key, dict(variables or {})))
        else:
            key = str((local_keys or {})["correlationKey"])
            if (message, key) not in self.waiting:
                raise MessageNotCorrelated("POST", "/message", 400, "RestException",
                                           "MismatchingMessageCorrelationException: Cannot correlate message")
            self.waiting.remove((message, key))
            self.correlated.append((message, key, dict(variables or {})))
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise httpx.ReadTimeout("the answer was lost")
        return [{"resultType": "ProcessDefinition" if business_key else "Execution"}]

    async def process_instances(self, **params: Any) -> list[dict[str, Any]]:
        self.runtime_queries.append(params)
        return [{"businessKey": key} for _, key, _ in self.instances
                if key == params["businessKey"] and key not in self.ended]

    async def history_process_instances(self, **params: Any) -> list[dict[str, Any]]:
        self.history_queries.append(params)
        return [{"businessKey": key} for _, key, _ in self.instances if key == params["processInstanceBusinessKey"]]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def metrics() -> IntakeMetrics:
    return IntakeMetrics()


@pytest.fixture
def outbox(tmp_path: Path, clock: Clock, metrics: IntakeMetrics) -> Iterator[Outbox]:
    box = Outbox(tmp_path / "intake.sqlite", POLICY, metrics, clock)
    yield box
    box.close()


def decision(message_id: str = "decision-1", key: str = "ESR-2026-000001-1") -> NewMessage:
    return NewMessage.reply(message_id, "AgencyDecision", key, {"decision": "approve", "decisionReason": ""})


def submission(message_id: str = "submit-req-1", case: str = "ESR-2026-000001") -> NewMessage:
    return NewMessage.start(message_id, "ServiceRequestSubmitted", "PublicServiceRequestProcess", case,
                            {"caseNumber": case, "registerNumber": "УБ99051212", "registryConsent": True})


def sample(metrics: IntakeMetrics, name: str, message: str = "AgencyDecision") -> float:
    return metrics.registry.get_sample_value(f"{name}_total", {"message": message}) or 0.0


async def test_a_message_is_stored_and_delivered_at_once(outbox: Outbox, engine: FakeEngine,
                                                         metrics: IntakeMetrics) -> None:
    engine.waiting.add(("AgencyDecision", "ESR-2026-000001-1"))

    accepted = await outbox.accept(decision(), EngineDelivery(engine))

    assert (accepted.duplicate, accepted.delivery, accepted.status_code) == (False, Status.DELIVERED, 202)
    assert engine.correlated == [("AgencyDecision", "ESR-2026-000001-1", {"decision": "approve", "decisionReason": ""})]
    stored = outbox.get("decision-1")
    assert stored is not None
    assert (stored.status, stored.attempts, stored.kind) == (Status.DELIVERED, 1, Kind.CORRELATE)
    assert stored.delivered_at == outbox.clock()
    assert sample(metrics, "intake_messages_delivered") == 1
    assert metrics.registry.get_sample_value("intake_outbox_pending") == 0


async def test_a_reply_nothing_waits_for_is_retried_with_backoff_until_the_process_waits(
    outbox: Outbox, engine: FakeEngine, clock: Clock
) -> None:
    delivery = EngineDelivery(engine)
    accepted = await outbox.accept(decision(), delivery)
    assert (accepted.duplicate, accepted.delivery) == (False, Status.PENDING)
    first = outbox.get("decision-1")
    assert first is not None
    assert first.next_attempt_at == clock.now + timedelta(seconds=1)
    assert "MismatchingMessageCorrelationException" in (first.last_error or "")

    assert await outbox.deliver_due(delivery) == 0  # not due yet
    clock.advance(seconds=1)
    assert await outbox.deliver_due(delivery) == 1  # second try: still nothing waits, next in 2 s
    second = outbox.get("decision-1")
    assert second is not None
    assert (second.status, second.attempts, second.next_attempt_at) == (
        Status.PENDING, 2, clock.now + timedelta(seconds=2))

    engine.waiting.add(("AgencyDecision", "ESR-2026-000001-1"))  # the process reaches its receive task
    clock.advance(seconds=2)
    assert await outbox.deliver_due(delivery) == 1
    assert outbox.get("decision-1").status == Status.DELIVERED  # type: ignore[union-attr]
    assert len(engine.correlated) == 1


def test_backoff_doubles_up_to_its_cap() -> None:
    assert [POLICY.backoff(n).total_seconds() for n in range(1, 7)] == [1, 2, 4, 8, 8, 8]


async def test_the_engine_away_leaves_the_message_pending(outbox: Outbox, engine: FakeEngine, clock: Clock) -> None:
    engine.down = True
    accepted = await outbox.accept(decision(), EngineDelivery(engine))
    assert accepted.delivery == Status.PENDING
    assert "ConnectError" in (outbox.get("decision-1").last_error or "")  # type: ignore[union-attr]

    engine.down = False
    engine.waiting.add(("AgencyDecision", "ESR-2026-000001-1"))
    clock.advance(seconds=1)
    await outbox.deliver_due(EngineDelivery(engine))
    assert outbox.get("decision-1").status == Status.DELIVERED  # type: ignore[union-attr]


@pytest.mark.parametrize("status", [500, 503, 401, 403, 429])
async def test_server_errors_and_access_problems_are_retried(outbox: Outbox, engine: FakeEngine, status: int) -> None:
    engine.refusal = EngineError("POST", "/message", status, "ProcessEngineException", "try later")
    assert (await outbox.accept(decision(), EngineDelivery(engine))).delivery == Status.PENDING


async def test_a_message_nothing_takes_expires_and_is_listed_and_counted(
    outbox: Outbox, engine: FakeEngine, clock: Clock, metrics: IntakeMetrics
) -> None:
    delivery = EngineDelivery(engine)
    await outbox.accept(decision(), delivery)
    for _ in range(400):  # ten-second steps, past the hour the reply lives
        clock.advance(seconds=10)
        await outbox.deliver_due(delivery)

    assert outbox.count(Status.PENDING) == 0
    [expired] = outbox.messages(Status.EXPIRED)
    assert expired.message_id == "decision-1"
    assert expired.expires_at == datetime(2026, 11, 28, 10, 0, tzinfo=UTC)  # created + the reply TTL
    assert sample(metrics, "intake_messages_expired") == 1
    engine.waiting.add(("AgencyDecision", "ESR-2026-000001-1"))  # too late: an expired message is not sent
    clock.advance(hours=1)
    assert await outbox.deliver_due(delivery) == 0
    assert engine.correlated == []


async def test_operations_see_no_variable_values_and_no_personal_data(outbox: Outbox, engine: FakeEngine) -> None:
    engine.refusal = EngineError("POST", "/message", 400, "InvalidRequestException",
                                 "Cannot convert value УБ99051212 of variable registerNumber")
    await outbox.accept(submission(), EngineDelivery(engine))

    [failed] = outbox.messages(Status.FAILED)
    listed = failed.for_operations()
    assert listed["variableNames"] == ["caseNumber", "registerNumber", "registryConsent"]
    assert "УБ99051212" not in str(listed)
    assert "УБ99******" in listed["lastError"]


async def test_an_engine_refusal_fails_the_message_for_good(
    outbox: Outbox, engine: FakeEngine, clock: Clock, metrics: IntakeMetrics
) -> None:
    engine.refusal = EngineError("POST", "/message", 400, "InvalidRequestException",
                                 "Cannot deliver message: variable decision has the wrong type")
    accepted = await outbox.accept(decision(), EngineDelivery(engine))

    assert accepted.delivery == Status.FAILED
    [failed] = outbox.messages(Status.FAILED)
    assert "variable decision has the wrong type" in (failed.last_error or "")
    assert sample(metrics, "intake_messages_failed") == 1
    engine.refusal = None
    clock.advance(hours=2)
    assert await outbox.deliver_due(EngineDelivery(engine)) == 0  # never tried again, never expires either
    assert outbox.count(Status.FAILED) == 1


async def test_a_repeated_message_id_changes_nothing(outbox: Outbox, engine: FakeEngine) -> None:
    engine.waiting.add(("AgencyDecision", "ESR-2026-000001-1"))
    delivery = EngineDelivery(engine)
    first = await outbox.accept(decision(), delivery)
    engine.waiting.add(("AgencyDecision", "ESR-2026-000001-1"))
    repeat = await outbox.accept(NewMessage.reply("decision-1", "AgencyDecision", "ESR-2026-000001-1",
                                                  {"decision": "reject"}), delivery)

    assert (first.duplicate, repeat.duplicate, repeat.delivery, repeat.status_code) == (
        False, True, Status.DELIVERED, 200)
    assert len(engine.correlated) == 1
    assert outbox.get("decision-1").variables == {"decision": "approve", "decisionReason": ""}  # type: ignore[union-attr]


@pytest.mark.parametrize("ended", [False, True], ids=["running", "ended"])
async def test_a_start_whose_answer_was_lost_does_not_start_a_second_instance(
    outbox: Outbox, engine: FakeEngine, clock: Clock, ended: bool
) -> None:
    delivery = EngineDelivery(engine)
    engine.lose_next_answer = True
    accepted = await outbox.accept(submission(), delivery)
    assert accepted.delivery == Status.PENDING  # the instance started, but intake could not know
    assert engine.runtime_queries == engine.history_queries == []  # the first try needs no lookup
    if ended:
        engine.ended.add("ESR-2026-000001")

    clock.advance(seconds=1)
    await outbox.deliver_due(delivery)

    assert outbox.get("submit-req-1").status == Status.DELIVERED  # type: ignore[union-attr]
    assert [key for _, key, _ in engine.instances] == ["ESR-2026-000001"]
    assert engine.runtime_queries == [{"businessKey": "ESR-2026-000001",
                                       "processDefinitionKey": "PublicServiceRequestProcess"}]
    assert engine.history_queries == ([{"processInstanceBusinessKey": "ESR-2026-000001",
                                        "processDefinitionKey": "PublicServiceRequestProcess"}] if ended else [])


async def test_a_start_that_did_not_land_is_sent_again(outbox: Outbox, engine: FakeEngine, clock: Clock) -> None:
    engine.down = True
    await outbox.accept(submission(), EngineDelivery(engine))
    engine.down = False
    clock.advance(seconds=1)
    await outbox.deliver_due(EngineDelivery(engine))
    assert engine.instances == [("ServiceRequestSubmitted", "ESR-2026-000001",
                                 {"caseNumber": "ESR-2026-000001", "registerNumber": "УБ99051212",
                                  "registryConsent": True})]


def test_two_deliverers_on_one_database_never_deliver_a_message_twice(tmp_path: Path) -> None:
    """Two intakes (threads, each its own connection and event loop) deliver from one database at once."""
    path = tmp_path / "intake.sqlite"
    policy = OutboxPolicy(batch_size=7)
    first, second = Outbox(path, policy), Outbox(path, policy)
    for number in range(300):
        first.store(decision(f"decision-{number}", f"ESR-2026-{number:06d}-1"))
    delivered: Counter[str] = Counter()
    by: Counter[str] = Counter()
    lock = threading.Lock()

    def deliverer(name: str, outbox: Outbox) -> None:
        async def deliver(message: OutboxMessage) -> None:
            await asyncio.sleep(0.0005)
            with lock:
                delivered[message.message_id] += 1
                by[name] += 1

        async def drain() -> None:
            while outbox.count(Status.PENDING):
                await outbox.deliver_due(deliver)

        asyncio.run(drain())

    threads = [threading.Thread(target=deliverer, args=(name, box)) for name, box in (("a", first), ("b", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(delivered) == 300
    assert set(delivered.values()) == {1}
    assert first.count(Status.DELIVERED) == 300
    assert by["a"] + by["b"] == 300
    first.close()
    second.close()


async def test_a_restarted_intake_delivers_what_was_pending(tmp_path: Path, engine: FakeEngine, clock: Clock) -> None:
    path = tmp_path / "intake.sqlite"
    before = Outbox(path, POLICY, clock=clock)
    engine.down = True
    await before.accept(decision("decision-1"), EngineDelivery(engine))
    before.store(decision("decision-2", "ESR-2026-000002-1"))
    before.claim(1, message_id="decision-2")  # then the process dies mid-delivery: the claim is left behind
    before.close()

    engine.down = False
    engine.waiting |= {("AgencyDecision", "ESR-2026-000001-1"), ("AgencyDecision", "ESR-2026-000002-1")}
    after = Outbox(path, POLICY, clock=clock)
    clock.advance(seconds=1)
    await after.deliver_due(EngineDelivery(engine))
    assert [m.message_id for m in after.messages(Status.DELIVERED)] == ["decision-1"]
    clock.advance(seconds=30)  # the dead claim's lease runs out
    await after.deliver_due(EngineDelivery(engine))
    assert [m.message_id for m in after.messages(Status.DELIVERED)] == ["decision-1", "decision-2"]
    after.close()


async def test_the_background_loop_delivers_once_the_process_waits(tmp_path: Path, engine: FakeEngine) -> None:
    policy = OutboxPolicy(backoff_base=timedelta(milliseconds=20), poll_interval=timedelta(milliseconds=20))
    outbox = Outbox(tmp_path / "intake.sqlite", policy)
    delivery = EngineDelivery(engine)
    stop = asyncio.Event()
    loop = asyncio.create_task(outbox.run(delivery, stop))
    try:
        await outbox.accept(decision(), delivery)
        engine.waiting.add(("AgencyDecision", "ESR-2026-000001-1"))

        async def delivered() -> bool:
            return outbox.get("decision-1").status == Status.DELIVERED  # type: ignore[union-attr]

        await eventually(delivered, "the decision to be delivered by the loop", timeout_s=5)
    finally:
        stop.set()
        await asyncio.wait_for(loop, timeout=5)
        outbox.close()


async def test_operations_send_an_expired_message_again(outbox: Outbox, engine: FakeEngine, clock: Clock) -> None:
    await outbox.accept(decision(), EngineDelivery(engine))
    clock.advance(hours=2)
    outbox.expire_overdue()
    assert outbox.requeue("decision-2") is None

    requeued = outbox.requeue("decision-1")

    assert requeued is not None
    assert (requeued.status, requeued.expires_at) == (Status.PENDING, clock.now + timedelta(hours=1))
    engine.waiting.add(("AgencyDecision", "ESR-2026-000001-1"))
    await outbox.deliver_due(EngineDelivery(engine))
    assert outbox.get("decision-1").status == Status.DELIVERED  # type: ignore[union-attr]


# the HTTP API around the outbox


@pytest.fixture
async def api(tmp_path: Path, engine: FakeEngine) -> AsyncIterator[httpx.AsyncClient]:
    """Intake with the fake engine, its lifespan (the outbox loop) running."""
    settings = IntakeSettings(catalog_dir=TEST_CATALOG, database_path=tmp_path / "intake.sqlite",
                              upload_dir=tmp_path / "uploads", outbox=POLICY)
    app = create_app(settings, engine)
    async with (app.router.lifespan_context(app),
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake") as client):
        yield client


def service_request(request_id: str = "req-0000001") -> dict[str, Any]:
    return {"requestId": request_id, "serviceCode": "address-reference",
            "applicant": {"registerNumber": "УБ99051212", "birthDate": "1999-05-12", "phone": "+97699112233"},
            "serviceCentre": "capital:bayanzurkh", "registryConsent": True}


async def test_a_service_request_starts_its_instance_by_business_key(
    api: httpx.AsyncClient, engine: FakeEngine
) -> None:
    first = await api.post("/v1/service-requests", headers=PORTAL, json=service_request())
    again = await api.post("/v1/service-requests", headers=PORTAL, json=service_request())

    assert first.status_code == 202, first.text
    case = first.json()["caseNumber"]
    assert first.json() == {"caseNumber": case, "duplicate": False, "delivery": "delivered"}
    assert (again.status_code, again.json()) == (200, {"caseNumber": case, "duplicate": True, "delivery": "delivered"})
    [(message, business_key, variables)] = engine.instances
    assert (message, business_key, variables["caseNumber"], variables["registryConsent"]) == (
        "ServiceRequestSubmitted", case, case, True)


async def test_a_reply_while_the_engine_is_away_is_accepted_and_listed_for_operations(
    api: httpx.AsyncClient, engine: FakeEngine
) -> None:
    engine.down = True
    body = {"caseNumber": "ESR-2026-000001", "rating": 5, "messageId": "ESR-2026-000001-rating"}

    first = await api.post("/v1/citizen-replies/satisfaction", headers=PORTAL, json=body)
    repeat = await api.post("/v1/citizen-replies/satisfaction", headers=PORTAL, json=body)

    assert (first.status_code, first.json()) == (202, {"accepted": True, "duplicate": False, "delivery": "pending"})
    assert (repeat.status_code, repeat.json()["duplicate"]) == (200, True)
    listing = await api.get("/internal/outbox", params={"status": "pending"}, headers=OPERATIONS)
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    [listed] = listing.json()["messages"]
    assert (listed["messageName"], listed["correlationKey"], listed["variableNames"]) == (
        "SatisfactionRated", "ESR-2026-000001", ["satisfaction"])
    assert (await api.get("/internal/outbox", params={"status": "pending"}, headers=WORKERS)).status_code == 403
    assert (await api.get("/internal/outbox", params={"status": "lost"}, headers=OPERATIONS)).status_code == 422
    scraped = (await api.get("/metrics")).text
    assert "intake_outbox_pending 1.0" in scraped
    for outcome in ("delivered", "expired", "failed"):  # at 0 from the start: an alert sees the first one
        assert f'intake_messages_{outcome}_total{{message="SatisfactionRated"}} 0.0' in scraped


async def test_an_agency_decision_correlates_by_case_and_stage(api: httpx.AsyncClient, engine: FakeEngine) -> None:
    body = {"caseNumber": "ESR-2026-000007", "stage": 2, "agencyId": "land-agency", "decision": "approve",
            "messageId": "land-agency-ESR-2026-000007-2"}
    assert (await api.post("/v1/agency-decisions", headers=LAND_AGENCY, json=body)).status_code == 403  # not forwarded
    forwarded = {"caseNumber": "ESR-2026-000007", "stage": 2, "agency": "land-agency"}
    assert (await api.post("/internal/forwardings", headers=WORKERS, json=forwarded)).status_code == 204
    engine.waiting.add(("AgencyDecision", "ESR-2026-000007-2"))

    response = await api.post("/v1/agency-decisions", headers=LAND_AGENCY, json=body)

    assert (response.status_code, response.json()["delivery"]) == (202, "delivered")
    assert engine.correlated == [("AgencyDecision", "ESR-2026-000007-2", {"decision": "approve", "decisionReason": ""})]


async def test_operations_may_send_again_only_what_expired_or_failed(api: httpx.AsyncClient) -> None:
    body = {"caseNumber": "ESR-2026-000001", "stage": 1, "information": "Хаяг солигдсон", "messageId": "info-1"}
    assert (await api.post("/v1/citizen-replies/information", headers=PORTAL, json=body)).status_code == 202
    assert (await api.post("/internal/outbox/info-2/retry", headers=OPERATIONS)).status_code == 404
    assert (await api.post("/internal/outbox/info-1/retry", headers=OPERATIONS)).status_code == 409  # still pending
    assert (await api.post("/internal/outbox/info-1/retry", headers=PORTAL)).status_code == 403
