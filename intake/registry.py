"""What intake must remember: case numbers and where each stage was forwarded (accepted messages: outbox.py)."""

from datetime import UTC, datetime
from pathlib import Path

from intake.database import Database


class Registry:
    """Case numbers: ESR-<year>-<number>, the number from the database's own counter (SQLite's AUTOINCREMENT,
    PostgreSQL's sequence), so replicas sharing a PostgreSQL never hand out the same number; a number is skipped
    only when the insert that took it failed."""

    def __init__(self, database: Database | Path) -> None:
        self._db = Database.of(database)
        self._db.create("""
            CREATE TABLE IF NOT EXISTS cases (
                number INTEGER PRIMARY KEY AUTOINCREMENT, case_number TEXT UNIQUE,
                request_id TEXT UNIQUE, service_code TEXT, created_at TEXT);
            CREATE TABLE IF NOT EXISTS forwardings (
                case_number TEXT, stage INTEGER, agency TEXT, PRIMARY KEY (case_number, stage));
        """)

    def open_case(self, request_id: str, service_code: str, prefix: str = "ESR") -> tuple[str, bool]:
        """The case number for this portal request id, and whether it is new (a repeat returns the same)."""
        created = now()
        inserted = self._db.execute(
            "INSERT OR IGNORE INTO cases (request_id, service_code, created_at) VALUES (?, ?, ?) RETURNING number",
            (request_id, service_code, created),
        ).one()
        if inserted is not None:
            return self._number(prefix, int(inserted[0]), created), True
        row = self._db.execute("SELECT number, case_number, created_at FROM cases WHERE request_id = ?",
                               (request_id,)).one()
        assert row is not None, "a row the insert conflicted with"
        number, case_number, created_at = row
        # a repeat; its number may still be being written (another replica), or was never (intake died between)
        return str(case_number) if case_number else self._number(prefix, int(number), str(created_at)), False

    def _number(self, prefix: str, number: int, created_at: str) -> str:
        """The case number follows from the row's counter and year alone, so whoever writes it writes the same."""
        case_number = f"{prefix}-{created_at[:4]}-{number:06d}"
        self._db.execute("UPDATE cases SET case_number = ? WHERE number = ? AND case_number IS NULL",
                         (case_number, number))
        return case_number

    def register_walk_in(self, case_number: str, service_code: str) -> None:
        """A case numbered at a service centre (register-case): intake accepts its uploads and links too."""
        self._db.execute(
            "INSERT OR IGNORE INTO cases (case_number, request_id, service_code, created_at) VALUES (?, ?, ?, ?)",
            (case_number, f"walk-in:{case_number}", service_code, now()),
        )

    def record_forwarding(self, case_number: str, stage: int, agency: str) -> None:
        self._db.execute("INSERT INTO forwardings VALUES (?, ?, ?) ON CONFLICT (case_number, stage) "
                         "DO UPDATE SET agency = excluded.agency", (case_number, stage, agency))

    def forwarded_to(self, case_number: str, stage: int) -> str | None:
        row = self._db.execute("SELECT agency FROM forwardings WHERE case_number = ? AND stage = ?",
                               (case_number, stage)).one()
        return str(row[0]) if row else None

    def known(self, case_number: str) -> bool:
        return self.service_of(case_number) is not None

    def service_of(self, case_number: str) -> str | None:
        """The service code a case was opened for (complaints are opened for "complaint"), None if unknown."""
        row = self._db.execute("SELECT service_code FROM cases WHERE case_number = ?", (case_number,)).one()
        return str(row[0]) if row else None

    def forwardings(self, case_number: str) -> list[dict[str, object]]:
        rows = self._db.execute("SELECT stage, agency FROM forwardings WHERE case_number = ? ORDER BY stage",
                                (case_number,)).rows
        return [{"stage": stage, "agency": agency} for stage, agency in rows]

    def close(self) -> None:
        self._db.close()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
