"""Two intake replicas sharing one PostgreSQL (INTAKE_DATABASE_URL) in front of the real engine: case numbers
unique and without gaps, one case per request id whichever replica takes it, each outbox message delivered by
one replica once, an idempotency key bound to one body across replicas."""

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from engine.postgres import LocalPostgres
from engine.settings import EngineSettings
from engine_client import EngineClient
from intake.database import Database
from intake.idempotency import IdempotencyKeys
from intake.outbox import NewMessage, Outbox, OutboxMessage, OutboxPolicy, Status
from tests.process.harness import BATBOLD, PORTAL_KEY, PROCESS
from tests.process.test_public_service import REFERENCE
from tests.servers import free_port, private_postgresql, running_intake

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def postgres() -> Iterator[LocalPostgres]:
    with private_postgresql() as server:
        yield server


@pytest.fixture(scope="module")
async def replicas(postgres: LocalPostgres, engine_settings: EngineSettings, session_catalog: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[list[httpx.AsyncClient]]:
    uploads = tmp_path_factory.mktemp("replicas")  # shared storage, as a volume both replicas mount
    async with (running_intake(free_port(), engine_settings.rest_url, session_catalog, uploads, postgres.uri()) as a,
                running_intake(free_port(), engine_settings.rest_url, session_catalog, uploads, postgres.uri()) as b):
        # the session's own intake numbers cases on the same engine from 1: these replicas' numbers start apart
        shared = Database.postgresql(postgres.uri())
        shared.execute("SELECT setval(pg_get_serial_sequence('cases', 'number'), 900000)")
        shared.close()
        clients = [httpx.AsyncClient(base_url=server.url, timeout=30) for server in (a, b)]
        yield clients
        for client in clients:
            await client.aclose()


def request(request_id: str) -> dict[str, Any]:
    return {"requestId": request_id, "serviceCode": REFERENCE, "serviceCentre": BATBOLD.service_centre,
            "applicant": {"registerNumber": BATBOLD.register_number, "birthDate": BATBOLD.birth_date,
                          "phone": BATBOLD.phone},
            "deliveryMethod": "electronic", "registryConsent": True}


async def test_requests_through_both_replicas_get_unique_gapless_case_numbers_and_one_instance_each(
    replicas: list[httpx.AsyncClient], api: EngineClient,
) -> None:
    bodies = [request(f"replica-{uuid.uuid4().hex[:12]}") for _ in range(20)]
    answers = await asyncio.gather(*(replicas[n % 2].post("/v1/service-requests", headers=PORTAL_KEY, json=body)
                                     for n, body in enumerate(bodies)))

    assert [a.status_code for a in answers] == [202] * 20
    cases = [str(a.json()["caseNumber"]) for a in answers]
    numbers = sorted(int(case.rsplit("-", 1)[1]) for case in cases)
    assert numbers == list(range(numbers[0], numbers[0] + 20)), "unique, without gaps"
    for case in cases:
        started = await api.history_process_instances(processDefinitionKey=PROCESS, processInstanceBusinessKey=case)
        assert len(started) == 1, f"{case}: one instance"


async def test_one_request_sent_to_both_replicas_at_once_is_one_case(replicas: list[httpx.AsyncClient]) -> None:
    body = request(f"replica-{uuid.uuid4().hex[:12]}")

    answers = await asyncio.gather(*(r.post("/v1/service-requests", headers=PORTAL_KEY, json=body) for r in replicas))

    assert sorted(a.status_code for a in answers) == [200, 202]
    assert len({a.json()["caseNumber"] for a in answers}) == 1


async def test_an_idempotency_key_is_bound_to_one_body_across_replicas(postgres: LocalPostgres) -> None:
    first, second = IdempotencyKeys(Database.postgresql(postgres.uri())), IdempotencyKeys(
        Database.postgresql(postgres.uri()))
    key = f"key-{uuid.uuid4().hex}"
    assert first.claim(key, "a" * 64)
    assert second.claim(key, "a" * 64), "the same body again: a repeat"
    assert not second.claim(key, "b" * 64), "another body: refused"
    first.close()
    second.close()


async def test_two_replicas_delivering_one_outbox_deliver_each_message_once(postgres: LocalPostgres) -> None:
    policy = OutboxPolicy(batch_size=7, lease=timedelta(seconds=30))
    outboxes = [Outbox(Database.postgresql(postgres.uri()), policy) for _ in range(2)]
    ids = [f"replica-message-{uuid.uuid4().hex}" for _ in range(60)]
    for message_id in ids:
        assert outboxes[0].store(NewMessage.reply(message_id, "AgencyDecision", f"{message_id}-1", {"n": 1}))
    delivered: Counter[str] = Counter()

    async def deliver(message: OutboxMessage) -> None:
        await asyncio.sleep(0.005)
        delivered[message.message_id] += 1

    await asyncio.gather(*(asyncio.to_thread(asyncio.run, outbox.deliver_due(deliver)) for outbox in outboxes))

    assert {message_id: delivered[message_id] for message_id in ids} == dict.fromkeys(ids, 1)
    assert all((stored := outboxes[1].get(i)) is not None and stored.status is Status.DELIVERED for i in ids)
    for outbox in outboxes:
        outbox.close()
