"""The workers' clients against the real sandbox: errors mapped to the taxonomy, repeats dropped."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from sandbox.server import Sandbox
from workers.clients.agencies import AgencyClient, AgencyEndpoint
from workers.clients.notify import Notifier
from workers.clients.outbox import Outbox
from workers.clients.xyp import XypClient
from workers.errors import InvalidJobData, TransientError


@pytest.fixture
async def http(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client
        await client.delete(f"{sandbox.http_url}/control/faults")


async def test_an_agency_refusing_the_credentials_becomes_an_incident_with_its_message(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    wrong_key = AgencyEndpoint(url=f"{sandbox.http_url}/agencies/police", api_key=SecretStr("not-the-key"))
    agencies = AgencyClient(http, {"police": wrong_key})

    with pytest.raises(InvalidJobData) as refused:
        await agencies.send("police", "cases", {"caseNumber": "ESR-X", "stage": 1}, idempotency_key="k-1")
    with pytest.raises(InvalidJobData, match="no endpoint configured for agency 'tax-authority'"):
        await agencies.send("tax-authority", "cases", {}, idempotency_key="k-2")

    assert str(refused.value).startswith("agency police refused the request (401):")
    assert "X-Api-Key" in str(refused.value)


async def test_the_registry_answers_none_for_no_record_and_retries_on_faults(
    sandbox: Sandbox, http: httpx.AsyncClient
) -> None:
    xyp = XypClient(http, sandbox.http_url, SecretStr("sandbox-xyp-token"))
    assert await xyp.fetch("WS100401", "ШЮ96101522", "req-1") is None, "this citizen has no vehicle"
    assert (await xyp.fetch("WS100101", "ШЮ96101522", "req-2") or {})["givenName"]

    await http.put(f"{sandbox.http_url}/control/faults/xyp", json={"errorRate": 1.0})
    with pytest.raises(TransientError, match="XYP registry service WS100101 answered 500"):
        await xyp.fetch("WS100101", "ШЮ96101522", "req-3")


async def test_a_repeated_e_mail_is_sent_once(sandbox: Sandbox, http: httpx.AsyncClient, tmp_path: Path) -> None:
    notifier = Notifier(http, sandbox.http_url, sandbox.http_url, "127.0.0.1", sandbox.settings.smtp_port,
                        "no-reply@esra.local", Outbox(tmp_path / "outbox.sqlite"))
    message_id = f"ESR-MAIL-{uuid.uuid4().hex[:6]}-received"

    await notifier.email("citizen@example.com", "Хүсэлт хүлээн авлаа", "Туршилт", message_id)
    await notifier.email("citizen@example.com", "Хүсэлт хүлээн авлаа", "Туршилт", message_id)

    mails = (await http.get(f"{sandbox.http_url}/control/mail/received")).json()["received"]
    mine = [m for m in mails if m["messageId"] == f"<{message_id}@esra.local>"]
    assert len(mine) == 1
    assert mine[0]["subject"] == "Хүсэлт хүлээн авлаа"


async def test_mail_server_down_is_transient(sandbox: Sandbox, http: httpx.AsyncClient, tmp_path: Path) -> None:
    notifier = Notifier(http, sandbox.http_url, sandbox.http_url, "127.0.0.1", sandbox.settings.smtp_port,
                        "no-reply@esra.local", Outbox(tmp_path / "outbox.sqlite"))
    await http.put(f"{sandbox.http_url}/control/faults/mail", json={"down": True})
    with pytest.raises(TransientError, match="mail server"):
        await notifier.email("citizen@example.com", "Гарчиг", "Текст", "ESR-MAIL-DOWN-received")
