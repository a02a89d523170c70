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
