"""SMS gateway, e-Mongolia inbox and the SMTP sink over real HTTP and SMTP."""

import asyncio
import smtplib
import uuid
from email.message import EmailMessage
from typing import Any

import httpx

from sandbox.server import Sandbox


def message_id() -> str:
    return f"test-{uuid.uuid4()}"


async def received(client: httpx.AsyncClient, system: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = (await client.get(f"/control/{system}/received")).json()["received"]
    return entries


async def test_sms_counts_segments_and_drops_a_repeated_message_id(client: httpx.AsyncClient) -> None:
    sms = {"to": "+97699112233", "text": "Таны " + "х" * 66, "messageId": message_id()}  # 71 Cyrillic characters
    first = await client.post("/sms/messages", json=sms)
    assert first.status_code == 200
    assert first.json() == {"accepted": True, "segments": 2, "encoding": "UCS-2", "duplicate": False}
    again = await client.post("/sms/messages", json=sms)
    assert again.json() == {"accepted": True, "duplicate": True}
    latin = await client.post("/sms/messages", json={**sms, "text": "a" * 160, "messageId": message_id()})
    assert (latin.json()["encoding"], latin.json()["segments"]) == ("GSM-7", 1)
    mine = [e for e in await received(client, "sms") if e["messageId"] == sms["messageId"]]
    assert len(mine) == 1
    assert (mine[0]["to"], mine[0]["text"], mine[0]["segments"]) == (sms["to"], sms["text"], 2)


async def test_sms_to_a_number_that_is_not_mongolian_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/sms/messages", json={"to": "99112233", "text": "x", "messageId": message_id()})
    assert response.status_code == 422


async def test_inbox_drops_a_repeated_message_id(client: httpx.AsyncClient) -> None:
    message = {"regnum": "ТА05250861", "title": "Хүсэлт хүлээн авлаа",
               "body": "Таны хүсэлтийг хүлээн авлаа. Дугаар: ESRA-1.", "messageId": message_id()}
    first = await client.post("/inbox/messages", json=message)
    again = await client.post("/inbox/messages", json=message)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json() == {"accepted": True, "duplicate": False}
    assert again.json() == {"accepted": True, "duplicate": True}
    mine = [e for e in await received(client, "inbox") if e["messageId"] == message["messageId"]]
    assert [(e["regnum"], e["title"]) for e in mine] == [("ТА05250861", "Хүсэлт хүлээн авлаа")]


def send_mail(port: int, subject: str, body: str, mid: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "no-reply@esra.local", "nomin.d@example.com", subject
    message["Message-ID"] = f"<{mid}@esra.local>"
    message.set_content(body)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(message)


async def test_smtp_records_a_message_with_a_mongolian_subject(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    mid, subject = message_id(), "Таны хүсэлт шийдвэрлэгдлээ: ESRA-2025-000123"
    body = "Сайн байна уу, Номин.\nТаны хүсэлтийг зөвшөөрлөө."
    await asyncio.to_thread(send_mail, sandbox.settings.smtp_port, subject, body, mid)
    mine = [e for e in await received(client, "mail") if e["messageId"] == f"<{mid}@esra.local>"]
    assert len(mine) == 1
    assert (mine[0]["subject"], mine[0]["body"].strip()) == (subject, body)
    assert (mine[0]["sender"], mine[0]["rcptTos"]) == ("no-reply@esra.local", ["nomin.d@example.com"])


async def test_delete_received_clears_every_system(client: httpx.AsyncClient) -> None:
    await client.post("/sms/messages", json={"to": "+97699112233", "text": "x", "messageId": message_id()})
    assert (await client.delete("/control/received")).status_code == 204
    for system in ("xyp", "agencies", "sms", "inbox", "mail"):
        assert await received(client, system) == []
    assert (await client.get("/control/nowhere/received")).status_code == 404
