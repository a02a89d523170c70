import csv
import subprocess
import sys
from pathlib import Path
from typing import Any

from engine.settings import PROJECT_ROOT
from reports.documents import EndedCollection, build_report
from reports.output import as_text, write_chart, write_csv


def document(code: str, source: str, requested: str = "2026-11-02T09:00:00Z", received: str | None = None,
             rejections: int = 0, xyp: str | None = None) -> dict[str, Any]:
    return {"code": code, "name": f"name of {code}", "source": source, "xypService": xyp,
            "reference": None, "requestedAt": requested, "receivedAt": received, "uploadAttempts": rejections + 1,
            "rejections": rejections, "status": "received" if received else "missing", "fallback": None}


COLLECTIONS = [
    EndedCollection("1", "land", [document("id-card", "registry", received="2026-11-02T09:00:01Z", xyp="WS100101"),
                                document("cadastre-map", "citizen", received="2026-11-02T21:00:00Z", rejections=1)]),
    EndedCollection("2", "land", [document("id-card", "citizen", received="2026-11-03T09:00:00Z", xyp="WS100101"),
                                document("cadastre-map", "citizen", received="2026-11-03T15:00:00+00:00")]),
    EndedCollection("3", "licence", [document("cadastre-map", "citizen", received=None),
                                   document("tax", "registry", received="2026-11-02T09:00:00Z", xyp="WS100601")]),
]


def test_figures_per_service() -> None:
    land, licence = build_report(COLLECTIONS).services
    assert (land.service_code, land.instances, land.documents_required) == ("land", 2, 4)
    assert (land.fetched_from_registries, land.asked_from_citizens, land.uploads_rejected) == (1, 3, 1)
    assert land.median_upload_wait_hours == 24.0  # waits 12 h, 24 h, 30 h
    assert land.share_not_brought == 0.25
    assert (licence.fetched_from_registries, licence.asked_from_citizens, licence.share_percent) == (1, 1, "50%")
    assert licence.median_upload_wait_hours is None  # never received: not a wait


def test_candidates_ranked_by_times_asked() -> None:
    first, second = build_report(COLLECTIONS).candidates
    assert (first.document_code, first.times_asked, first.services) == ("cadastre-map", 3, ("land", "licence"))
    assert (first.has_registry_source, first.uploads_rejected) == (False, 1)
    assert (second.document_code, second.times_asked, second.has_registry_source) == ("id-card", 1, True)


def test_table_csv_and_chart(tmp_path: Path) -> None:
    report = build_report(COLLECTIONS)
    text = as_text(report)
    assert all(part in text for part in ("land", "25%", "cadastre-map"))
    by_service, candidates = write_csv(report, tmp_path)
    rows = list(csv.DictReader(by_service.open(encoding="utf-8")))
    assert [(r["service_code"], r["fetched_from_registries"], r["asked_from_citizens"]) for r in rows] == [
        ("land", "1", "3"), ("licence", "1", "1")]
    ranked = list(csv.DictReader(candidates.open(encoding="utf-8")))
    assert (ranked[0]["rank"], ranked[0]["document_code"], ranked[0]["services"]) == ("1", "cadastre-map",
                                                                                      "land|licence")
    chart = write_chart(report, tmp_path / "documents.png")
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert chart.stat().st_size > 10_000


def test_no_instances_yet() -> None:
    assert "No ended" in as_text(build_report([]))


def test_the_command_says_plainly_when_the_engine_does_not_answer(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "reports", "documents", "--engine-url", "http://127.0.0.1:9/engine-rest",
               "--out", str(tmp_path)]
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().startswith(
        "report: the engine did not answer at http://127.0.0.1:9/engine-rest (ConnectError")
    assert "Traceback" not in result.stderr
