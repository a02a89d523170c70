"""The record log reads only complete lines, however the file grows."""

import json
from pathlib import Path

from engine.records import RecordLog


def variable_event(name: str, value: object, instance: int = 7) -> dict[str, object]:
    return {
        "recordType": "EVENT", "valueType": "VARIABLE", "intent": "CREATED", "key": 1,
        "value": {"name": name, "value": json.dumps(value), "scopeKey": instance, "processInstanceKey": instance},
    }


def test_partial_lines_wait_for_their_end(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    line = json.dumps(variable_event("caseNumber", "ESR-1"))
    path.write_text(line[:20])
    log = RecordLog(path)
    assert log.variables(7) == {}

    with path.open("a") as stream:
        stream.write(line[20:] + "\n")
    assert log.variables(7) == {"caseNumber": "ESR-1"}


def test_missing_file_reads_as_empty(tmp_path: Path) -> None:
    assert RecordLog(tmp_path / "none.jsonl").path(1) == []


def rotate(path: Path, generations: int = 2) -> None:
    """What the exporter does past its size limit: .1 -> .2, the live file -> .1, a new live file."""
    for number in range(generations, 1, -1):
        older = path.with_name(f"{path.name}.{number - 1}")
        if older.exists():
            older.replace(path.with_name(f"{path.name}.{number}"))
    path.replace(path.with_name(f"{path.name}.1"))
    path.touch()


def append(path: Path, *names: str) -> None:
    with path.open("a") as stream:
        for name in names:
            stream.write(json.dumps(variable_event(name, 1)) + "\n")


def test_rotations_lose_nothing_even_two_between_reads(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    append(path, "a")
    log = RecordLog(path)
    assert set(log.variables(7)) == {"a"}

    append(path, "b")  # written before the rotation, not yet read
    rotate(path)
    append(path, "c")
    assert set(log.variables(7)) == {"a", "b", "c"}

    append(path, "d")
    rotate(path)
    append(path, "e")
    rotate(path)  # two rotations before the next read: "d" is now in .2
    append(path, "f")
    assert set(log.variables(7)) == {"a", "b", "c", "d", "e", "f"}
    assert len(log.records) == 6  # nothing read twice


def test_a_new_reader_starts_with_the_oldest_file_kept(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    append(path, "a")
    rotate(path)
    append(path, "b")
    rotate(path)
    append(path, "c")
    rotate(path)  # "a" is dropped with the oldest generation
    append(path, "d")

    assert [r["value"]["name"] for r in RecordLog(path).events("VARIABLE")] == ["b", "c", "d"]
