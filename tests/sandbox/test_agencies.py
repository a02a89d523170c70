"""Agencies over real HTTP: one case per Idempotency-Key, decisions sent back to a local stand-in of intake."""

import time
import uuid
from typing import Any

import httpx
import pytest

from sandbox.server import Sandbox
from tests.sandbox.conftest import Receiver, eventually, free_port, sandbox_settings

KEY = {"X-Api-Key": "sandbox-land-agency-key"}


def new_case() -> str:
    return f"ESRA-T-{uuid.uuid4().hex[:8]}"


def case_body(case_number: str, stage: int = 1) -> dict[str, Any]:
    return {"caseNumber": case_number, "stage": stage, "serviceCode": "land-possession-right",
            "applicant": {"registerNumber": "УБ99051212", "name": "Ганбаатар Батболд"},
            "documents": [{"code": "id-card", "source": "registry"}]}


async def forward(client: httpx.AsyncClient, case_number: str, agency: str = "land-agency",
                  key: str | None = None, stage: int = 1) -> httpx.Response:
    headers = {"X-Api-Key": f"sandbox-{agency}-key", "Idempotency-Key": key or f"{case_number}-{stage}-forward"}
    return await client.post(f"/agencies/{agency}/cases", headers=headers, json=case_body(case_number, stage))


async def callbacks_of(client: httpx.AsyncClient, case_number: str) -> list[dict[str, Any]]:
    callbacks = (await client.get("/control/agencies/received")).json()["callbacks"]
    return [c for c in callbacks if c["caseNumber"] == case_number]


async def test_the_same_idempotency_key_twice_makes_one_case(client: httpx.AsyncClient) -> None:
    case_number = new_case()
    first, second = await forward(client, case_number), await forward(client, case_number)
    assert (first.status_code, second.status_code) == (202, 200)
    assert first.json() == second.json()
    assert first.json()["accepted"] is True
    assert first.json()["agencyCaseId"].startswith("land-agency-")
    received = (await client.get("/control/agencies/received")).json()["received"]
    mine = [e for e in received if e["body"]["caseNumber"] == case_number]
    assert len(mine) == 1
    assert mine[0]["idempotencyKey"] == f"{case_number}-1-forward"


async def test_unknown_agency_is_404_and_a_wrong_key_401(client: httpx.AsyncClient) -> None:
    case_number = new_case()
    assert (await forward(client, case_number, agency="ministry-of-magic")).status_code == 404
    response = await client.post("/agencies/police/cases", headers={**KEY, "Idempotency-Key": "k"},
                                 json=case_body(case_number))
    assert response.status_code == 401
    assert "X-Api-Key" in response.json()["reason"]


async def test_never_sends_nothing_until_decide_then_intake_gets_the_decision(
    client: httpx.AsyncClient, receiver: Receiver
) -> None:
    case_number = new_case()
    await forward(client, case_number, stage=2)
    assert await callbacks_of(client, case_number) == []  # behaviour "never" scheduled nothing
    response = await client.post(f"/control/agencies/land-agency/cases/{case_number}/decide",
                                 json={"stage": 2, "decision": "reject", "reason": "Газрын зураг дутуу."})
    assert response.status_code == 202
    assert response.json() == {"messageId": f"land-agency-{case_number}-2-1"}
    arrived = await eventually(lambda: _first(receiver.for_case(case_number)))
    assert arrived["path"] == "/v1/agency-decisions"
    assert arrived["apiKey"] == "sandbox-intake-land-agency-key"
    assert arrived["body"] == {"caseNumber": case_number, "stage": 2, "agencyId": "land-agency",
                               "decision": "reject", "reason": "Газрын зураг дутуу.",
                               "messageId": f"land-agency-{case_number}-2-1"}
    delivered = await eventually(lambda: _delivered(client, case_number))
    assert delivered["attempts"][0]["status"] == 202


async def test_a_delayed_behaviour_answers_by_itself_after_the_delay(
    client: httpx.AsyncClient, receiver: Receiver
) -> None:
    behaviour = {"decision": "approve", "delaySeconds": 0.3}
    assert (await client.put("/control/agencies/tax-authority", json=behaviour)).json() == behaviour
    case_number = new_case()
    sent_at = time.monotonic()
    assert (await forward(client, case_number, agency="tax-authority")).status_code == 202
    arrived = await eventually(lambda: _first(receiver.for_case(case_number)))
    assert arrived["monotonic"] - sent_at >= 0.29
    assert arrived["apiKey"] == "sandbox-intake-tax-authority-key"
    assert arrived["body"]["decision"] == "approve"
    assert arrived["body"]["reason"]  # a Mongolian default reason
    assert arrived["body"]["messageId"] == f"tax-authority-{case_number}-1-1"


async def test_need_info_asks_once_and_approves_after_the_information(
    client: httpx.AsyncClient, receiver: Receiver
) -> None:
    await client.put("/control/agencies/police", json={"decision": "need-info"})
    case_number = new_case()
    await forward(client, case_number, agency="police")
    asked = await eventually(lambda: _first(receiver.for_case(case_number)))
    assert asked["body"]["decision"] == "need-info"
    response = await client.post(
        f"/agencies/police/cases/{case_number}/information",
        headers={"X-Api-Key": "sandbox-police-key", "Idempotency-Key": f"{case_number}-1-information"},
        json={"caseNumber": case_number, "stage": 1, "information": "Хаяг: Баянзүрх дүүрэг, 4-р хороо."},
    )
    assert response.status_code == 202
    answered = await eventually(lambda: _nth(receiver.for_case(case_number), 2))
    assert answered["body"]["decision"] == "approve"
    assert answered["body"]["messageId"] == f"police-{case_number}-1-2"


async def test_decide_on_a_case_the_agency_does_not_hold_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post(f"/control/agencies/police/cases/{new_case()}/decide",
                                 json={"stage": 1, "decision": "approve"})
    assert response.status_code == 404


async def test_a_refused_callback_is_recorded_and_not_retried(client: httpx.AsyncClient, receiver: Receiver) -> None:
    case_number = new_case()
    receiver.status_for_case[case_number] = 403
    await forward(client, case_number)
    await client.post(f"/control/agencies/land-agency/cases/{case_number}/decide",
                      json={"stage": 1, "decision": "approve"})
    refused = await eventually(lambda: _with_outcome(client, case_number, "refused"))
    assert [a["status"] for a in refused["attempts"]] == [403]


async def test_callbacks_to_an_intake_that_is_down_are_retried_then_recorded_as_failed() -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    sandbox = Sandbox(sandbox_settings(nobody, callback_attempts=3, callback_backoff_seconds=0.05))
    await sandbox.start()
    try:
        async with httpx.AsyncClient(base_url=sandbox.http_url) as client:
            case_number = new_case()
            await forward(client, case_number)
            await client.post(f"/control/agencies/land-agency/cases/{case_number}/decide",
                              json={"stage": 1, "decision": "approve"})
            failed = await eventually(lambda: _with_outcome(client, case_number, "failed"))
            assert len(failed["attempts"]) == 3
            assert all("ConnectError" in a["error"] for a in failed["attempts"])
            assert (await client.get("/health")).status_code == 200
            assert (await forward(client, new_case())).status_code == 202
    finally:
        await sandbox.stop()


async def _first(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    return items[0] if items else None


async def _nth(items: list[dict[str, Any]], n: int) -> dict[str, Any] | None:
    return items[n - 1] if len(items) >= n else None


async def _delivered(client: httpx.AsyncClient, case_number: str) -> dict[str, Any] | None:
    return await _with_outcome(client, case_number, "delivered")


async def _with_outcome(client: httpx.AsyncClient, case_number: str, outcome: str) -> dict[str, Any] | None:
    found = [c for c in await callbacks_of(client, case_number) if c["outcome"] == outcome]
    return found[0] if found else None


@pytest.mark.parametrize("decision", ["approve", "reject", "need-info", "never"])
async def test_every_behaviour_can_be_set(client: httpx.AsyncClient, decision: str) -> None:
    response = await client.put("/control/agencies/capital-governor", json={"decision": decision})
    assert response.status_code == 200
    assert (await client.get("/control/agencies")).json()["capital-governor"]["decision"] == decision


async def test_a_reminder_is_recorded_once_and_decides_nothing(client: httpx.AsyncClient) -> None:
    case_number = new_case()
    await forward(client, case_number)
    headers = KEY | {"Idempotency-Key": f"{case_number}-1-warning"}
    body = {"stage": 1, "kind": "warning", "dueAt": "2026-12-01T09:00:00+00:00"}
    first = await client.post(f"/agencies/land-agency/cases/{case_number}/reminders", headers=headers, json=body)
    second = await client.post(f"/agencies/land-agency/cases/{case_number}/reminders", headers=headers, json=body)
    unknown = await client.post("/agencies/land-agency/cases/ESRA-NONE/reminders", headers=headers, json=body)

    assert (first.status_code, second.status_code, unknown.status_code) == (202, 200, 404)
    received = (await client.get("/control/agencies/received")).json()["received"]
    reminders = [e for e in received if e["kind"] == "reminder" and e["body"]["caseNumber"] == case_number]
    assert [r["body"]["kind"] for r in reminders] == ["warning"]
    assert await callbacks_of(client, case_number) == []
