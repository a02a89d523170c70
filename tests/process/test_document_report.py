"""The document reduction report on the session's stack: the test runs the requests, then checks the report's
figures against them. The report reads the engine's history API with the reports' own account (the history is
written in the engine's transaction, so there is nothing to wait for once the instances have ended)."""

import asyncio
import sys
from asyncio.subprocess import PIPE
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.settings import PROJECT_ROOT, EngineSettings
from engine_client import EngineClient
from local_stack import REPORTS_ACCOUNT
from reports.documents import build_report
from reports.source import ended_collections
from tests.process.documents import OYUUNCHIMEG, child_of, upload_and_decide
from tests.process.harness import BATBOLD, Harness

pytestmark = pytest.mark.engine
PROPERTY, LAND = "property-ownership-registration", "land-possession-right"


async def run_requests(h: Harness) -> None:
    """Three requests whose document counts are known: see the expectations below."""
    case, _ = await h.submit(PROPERTY, BATBOLD)  # id-card, civil-status from XYP; the agreement rejected once
    child = await child_of(h, case)
    await upload_and_decide(h, case, child, "purchase-agreement", "reject", "Гарын үсэг дутуу байна.")
    await upload_and_decide(h, case, child, "purchase-agreement")
    assert await h.ended(child) == "completed"

    case, _ = await h.submit(PROPERTY, BATBOLD, registryConsent=False)  # all three from the citizen
    child = await child_of(h, case)
    for code in ("id-card", "civil-status", "purchase-agreement"):
        await upload_and_decide(h, case, child, code)
    assert await h.ended(child) == "completed"

    case, _ = await h.submit(LAND, OYUUNCHIMEG)  # no property record in XYP: that one and the site plan asked
    child = await child_of(h, case)
    for code in ("property-record", "site-plan"):
        await upload_and_decide(h, case, child, code)
    assert await h.ended(child) == "completed"


async def test_report_figures_match_the_requests_the_test_ran(
    harness: Harness, engine_settings: EngineSettings, tmp_path: Path
) -> None:
    started = datetime.now(UTC)
    await run_requests(harness)

    async with EngineClient(engine_settings.rest_url, REPORTS_ACCOUNT.user,
                            REPORTS_ACCOUNT.password.get_secret_value()) as reports_engine:
        found = await ended_collections(reports_engine, since=started)
    assert len(found) == 3, [c.service_code for c in found]
    report = build_report(found)

    land, property_ = report.services
    assert (property_.service_code, property_.instances, property_.documents_required) == (PROPERTY, 2, 6)
    assert (property_.fetched_from_registries, property_.asked_from_citizens, property_.uploads_rejected) == (2, 4, 1)
    assert property_.share_percent == "33%"
    assert (land.service_code, land.instances, land.documents_required) == (LAND, 1, 4)
    assert (land.fetched_from_registries, land.asked_from_citizens, land.uploads_rejected, land.share_percent) == (
        2, 2, 0, "50%")
    elapsed_hours = (datetime.now(UTC) - started).total_seconds() / 3600
    for figures in (property_, land):
        assert figures.median_upload_wait_hours is not None
        # the dossier's times are whole seconds (the engine's clock.utc()): a wait can read as zero
        assert 0 <= figures.median_upload_wait_hours <= elapsed_hours
    first, *others = report.candidates
    assert (first.document_code, first.times_asked, first.uploads_rejected) == ("purchase-agreement", 2, 1)
    assert {(c.document_code, c.times_asked, c.has_registry_source) for c in others} == {
        ("id-card", 1, True), ("civil-status", 1, True), ("property-record", 1, True), ("site-plan", 1, False)}

    command = [sys.executable, "-m", "reports", "documents", "--engine-url", engine_settings.rest_url,
               "--since", started.isoformat(), "--out", str(tmp_path)]
    process = await asyncio.create_subprocess_exec(*command, cwd=PROJECT_ROOT, stdout=PIPE, stderr=PIPE)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    printed = stdout.decode()
    assert f"{PROPERTY}  2" in printed
    assert "purchase-agreement" in printed
    assert (tmp_path / "documents-by-service.csv").read_text(encoding="utf-8").count("\n") == 3
    assert (tmp_path / "documents.png").read_bytes()[:4] == b"\x89PNG"
