"""The record stream rotates at its size limit (engine/exporter) and a reader follows it (engine/records)."""

import os

import pytest

from engine.api import CamundaApi
from engine.records import RecordLog, identity
from engine.settings import EngineSettings

pytestmark = pytest.mark.engine
PADDING = "ж" * 40_000  # 80 kB of UTF-8 per instance: the session engine rotates every 2 MiB


async def test_the_stream_rotates_at_its_limit_and_the_reader_loses_no_record(
    api: CamundaApi, records: RecordLog, engine_settings: EngineSettings
) -> None:
    if os.environ.get("ENGINE_EXTERNAL") == "1":
        pytest.skip("an external engine has its own rotation limit")
    live = engine_settings.records_path
    before = identity(live)
    instances: list[int] = []
    while identity(live) == before and len(instances) < 100:
        instances.append(await api.create_instance("WebappsCheckProcess", {"name": "Дулмаа", "padding": PADDING}))

    assert identity(live) != before, "no rotation after 100 instances of 80 kB"
    assert live.with_name(f"{live.name}.1").stat().st_size >= engine_settings.records_max_bytes
    def padded(instance: int) -> bool:
        return bool(records.variables(instance).get("padding") == PADDING)

    for instance in instances:
        await records.wait_for(lambda: padded(instance), f"instance {instance}'s variables")  # noqa: B023
        await api.cancel_instance(instance)
    for instance in instances:
        assert await records.wait_for(lambda: records.ended(instance), "the cancel") == "terminated"  # noqa: B023
