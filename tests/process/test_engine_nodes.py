"""The engine client given several nodes: a call that cannot reach one is made on the next."""

import asyncio

import httpx
import pytest

from engine.settings import EngineSettings
from engine_client import EngineClient
from tests.servers import free_port

pytestmark = pytest.mark.engine


async def test_a_call_to_a_dead_node_is_made_on_the_next_which_stays_current(engine_settings: EngineSettings) -> None:
    dead = f"http://127.0.0.1:{free_port()}/engine-rest"
    password = engine_settings.admin_password.get_secret_value()
    async with EngineClient(f"{dead},{engine_settings.rest_url}", engine_settings.admin_user, password) as client:
        assert client.rest_url == dead
        assert await client.request("GET", "/engine") == [{"name": "default"}]
        assert client.rest_url == engine_settings.rest_url
        assert await client.request("GET", "/engine") == [{"name": "default"}]


async def test_with_every_node_dead_the_transport_error_reaches_the_caller() -> None:
    dead = ",".join(f"http://127.0.0.1:{free_port()}/engine-rest" for _ in range(2))
    async with EngineClient(dead, "demo", "demo") as client:
        with pytest.raises(httpx.ConnectError):
            await client.request("GET", "/engine")


async def test_a_write_whose_connection_broke_is_not_made_again_but_the_next_call_goes_to_the_next_node(
    engine_settings: EngineSettings,
) -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1024)  # the request arrived; the node "dies" before answering
        writer.close()

    broken = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = broken.sockets[0].getsockname()[1]
    password = engine_settings.admin_password.get_secret_value()
    try:
        async with EngineClient(f"http://127.0.0.1:{port}/engine-rest,{engine_settings.rest_url}",
                                engine_settings.admin_user, password) as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.request("POST", "/message", json={"messageName": "Nothing"})
            assert client.rest_url == engine_settings.rest_url, "moved on for the next call"
            assert await client.request("GET", "/engine") == [{"name": "default"}]
    finally:
        broken.close()
        await broken.wait_closed()
