"""Intake's case numbers: one per request id, and whole even when intake died between numbering and writing."""

from pathlib import Path

from intake.database import Database
from intake.registry import Registry


def test_a_repeated_request_gets_its_case_number_again(tmp_path: Path) -> None:
    registry = Registry(tmp_path / "intake.sqlite")
    first, new = registry.open_case("req-1", "address-reference")
    again, new_again = registry.open_case("req-1", "address-reference")
    assert (again, new, new_again) == (first, True, False)
    assert first.startswith("ESR-20")
    assert first.endswith("-000001")


def test_a_request_counted_but_never_numbered_is_numbered_by_its_repeat(tmp_path: Path) -> None:
    database = Database.sqlite(tmp_path / "intake.sqlite")
    registry = Registry(database)
    database.execute("INSERT INTO cases (request_id, service_code, created_at) VALUES (?, ?, ?)",
                     ("req-lost", "address-reference", "2026-11-28T10:00:00+00:00"))  # as if intake died here

    case, new = registry.open_case("req-lost", "address-reference")

    assert (case, new) == ("ESR-2026-000001", False)
    assert registry.service_of("ESR-2026-000001") == "address-reference", "written, so the case is known"
