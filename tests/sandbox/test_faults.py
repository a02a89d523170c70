"""Fault switches over real HTTP/SMTP: down 503, slow, errorRate 500, and reset."""

import asyncio
import smtplib
import time
import uuid

import httpx
import pytest

from sandbox.server import Sandbox
from tests.sandbox.test_messaging import send_mail


async def call(client: httpx.AsyncClient, system: str) -> httpx.Response:
    """One valid request to the system, so that only the fault can make it fail."""
    unique = uuid.uuid4().hex
    if system == "xyp":
        return await client.post("/xyp/WS100101", headers={"X-Xyp-Token": "sandbox-xyp-token"},
                                 json={"regnum": "УБ99051212", "requestId": unique})
    if system == "agencies":
        return await client.post(
            "/agencies/police/cases", headers={"X-Api-Key": "sandbox-police-key", "Idempotency-Key": unique},
            json={"caseNumber": f"F-{unique[:8]}", "stage": 1, "serviceCode": "x", "applicant": {}})
    if system == "sms":
        return await client.post("/sms/messages", json={"to": "+97699112233", "text": "x", "messageId": unique})
    return await client.post("/inbox/messages",
                             json={"regnum": "УБ99051212", "title": "Гарчиг", "body": "Мэдээ", "messageId": unique})


HTTP_SYSTEMS = ["xyp", "agencies", "sms", "inbox"]


@pytest.mark.parametrize("system", HTTP_SYSTEMS)
async def test_down_answers_503_with_a_reason_until_reset(client: httpx.AsyncClient, system: str) -> None:
    assert (await client.put(f"/control/faults/{system}", json={"down": True})).status_code == 200
    down = await call(client, system)
    assert down.status_code == 503
    assert system in down.json()["reason"]
    others = [s for s in HTTP_SYSTEMS if s != system]
    assert (await call(client, others[0])).status_code in (200, 202)
    assert (await client.delete("/control/faults")).status_code == 204
    assert (await call(client, system)).status_code in (200, 202)


@pytest.mark.parametrize("system", HTTP_SYSTEMS)
async def test_slow_delays_the_answer(client: httpx.AsyncClient, system: str) -> None:
    await client.put(f"/control/faults/{system}", json={"slowSeconds": 0.4})
    started = time.monotonic()
    response = await call(client, system)
    elapsed = time.monotonic() - started
    assert response.status_code in (200, 202)
    assert 0.38 <= elapsed < 0.4 + 1.5


@pytest.mark.parametrize("system", HTTP_SYSTEMS)
async def test_error_rate_one_always_answers_500(client: httpx.AsyncClient, system: str) -> None:
    await client.put(f"/control/faults/{system}", json={"errorRate": 1.0})
    responses = [await call(client, system) for _ in range(3)]
    assert [r.status_code for r in responses] == [500, 500, 500]
    assert "sandbox fault" in responses[0].json()["reason"]


async def test_error_rate_is_seeded_and_partial(client: httpx.AsyncClient) -> None:
    await client.put("/control/faults/sms", json={"errorRate": 0.5})
    statuses = [(await call(client, "sms")).status_code for _ in range(40)]
    assert 5 < statuses.count(500) < 35
    assert set(statuses) == {200, 500}


async def test_an_error_answers_the_status_asked_for_and_each_is_counted(client: httpx.AsyncClient) -> None:
    await client.put("/control/faults/sms", json={"errorRate": 1.0, "errorStatus": 503})
    assert [(await call(client, "sms")).status_code for _ in range(3)] == [503, 503, 503]
    assert (await client.get("/control/faults/applied")).json() == {"sms": {"error": 3}}


async def test_faults_are_listed_and_bad_values_refused(client: httpx.AsyncClient) -> None:
    await client.put("/control/faults/xyp", json={"slowSeconds": 1.5})
    assert (await client.get("/control/faults")).json()["xyp"] == {
        "down": False, "slowSeconds": 1.5, "errorRate": 0.0, "errorStatus": 500}
    assert (await client.put("/control/faults/xyp", json={"errorRate": 2})).status_code == 422
    assert (await client.put("/control/faults/xyp", json={"errorStatus": 404})).status_code == 422
    assert (await client.put("/control/faults/ldap", json={"down": True})).status_code == 404


async def test_mail_down_answers_421_and_recovers_after_reset(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    await client.put("/control/faults/mail", json={"down": True})
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        await asyncio.to_thread(send_mail, sandbox.settings.smtp_port, "Мэдэгдэл", "Текст", uuid.uuid4().hex)
    assert refused.value.smtp_code == 421
    await client.delete("/control/faults")
    await asyncio.to_thread(send_mail, sandbox.settings.smtp_port, "Мэдэгдэл", "Текст", uuid.uuid4().hex)


async def test_health_and_control_ignore_faults(client: httpx.AsyncClient) -> None:
    for system in HTTP_SYSTEMS:
        await client.put(f"/control/faults/{system}", json={"down": True})
    assert (await client.get("/health")).json() == {"status": "UP"}
    assert (await client.get("/control/sms/received")).status_code == 200
