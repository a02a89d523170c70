"""One full webapps stack (OpenSearch, bin/broker, bin/operate, bin/tasklist) per test session.

tests/process/test_webapps.py and tests/browser/ share it: whichever asks first starts it, the
session's end stops it, so two full stacks never run at once (the machine has two cores). Ports
apart from the session engine and a dev stack; the run folder is under /tmp (the OpenSearch user
must be able to reach it; pytest's own tmp folder is private). It deploys workflows/, forms/ and
the webapps check's own process and form.
"""

import asyncio
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

from engine import launcher
from engine.settings import PROJECT_ROOT, EngineSettings
from tests.polling import eventually as poll

RESOURCES = PROJECT_ROOT / "tests" / "resources"
CHECK_RESOURCES = ("WebappsCheckProcess.bpmn", "smoke-review.form")

T = TypeVar("T")
_running: list[EngineSettings] = []


def webapps_stack(request: pytest.FixtureRequest) -> EngineSettings:
    """The session's stack; started on first use, stopped by the finalizer of the fixture that started it."""
    if _running:
        return _running[0]
    run_dir = Path(tempfile.mkdtemp(prefix="engine-webapps-"))
    run_dir.chmod(0o755)
    models = run_dir / "models"
    models.mkdir()
    for name in CHECK_RESOURCES:
        shutil.copy(RESOURCES / name, models / name)
    settings = EngineSettings(
        run_dir=run_dir / "engine", webapps=True,
        resource_dirs=(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms", models),
        rest_port=28180, grpc_port=46600, management_port=29700, command_port=46601, internal_port=46602,
        operate_port=28181, operate_management_port=29711, tasklist_port=28182, tasklist_management_port=29712,
        search_http_port=9290, search_transport_port=9390,
    )

    def stop() -> None:
        _running.clear()
        launcher.down(settings)
        shutil.rmtree(run_dir, ignore_errors=True)

    request.addfinalizer(stop)
    result = asyncio.run(launcher.up(settings))
    print(f"\nwebapps engine (OpenSearch, broker, Operate, Tasklist) started in {result.seconds:.1f}s")
    _running.append(settings)
    return settings


async def eventually(check: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = 120.0) -> T:
    """Poll `check` until it returns something truthy (the importers run about once a second)."""
    return await poll(check, what, timeout_s=timeout_s, interval_s=0.25)
