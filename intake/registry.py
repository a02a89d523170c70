"""What intake must remember: case numbers and where each stage was forwarded (accepted messages: outbox.py)."""

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from observability.private_files import private_file


class Registry:
    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(private_file(path), check_same_thread=False)  # 0600, its folder 0700 if new
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.executescript("""
                CREATE TABLE IF NOT EXISTS cases (
                    number INTEGER PRIMARY KEY AUTOINCREMENT, case_number TEXT UNIQUE,
                    request_id TEXT UNIQUE, service_code TEXT, created_at TEXT);
                CREATE TABLE IF NOT EXISTS forwardings (
                    case_number TEXT, stage INTEGER, agency TEXT, PRIMARY KEY (case_number, stage));
            """)

    def open_case(self, request_id: str, service_code: str, prefix: str = "ESR") -> tuple[str, bool]:
        """The case number for this portal request id, and whether it is new (a repeat returns the same)."""
        with self._lock, self._db:
            row = self._db.execute("SELECT case_number FROM cases WHERE request_id = ?", (request_id,)).fetchone()
            if row:
                return str(row[0]), False
            cursor = self._db.execute(
                "INSERT INTO cases (request_id, service_code, created_at) VALUES (?, ?, ?)",
                (request_id, service_code, now()),
            )
            case_number = f"{prefix}-{datetime.now(UTC).year}-{cursor.lastrowid:06d}"
            self._db.execute("UPDATE cases SET case_number = ? WHERE number = ?", (case_number, cursor.lastrowid))
            return case_number, True

    def register_walk_in(self, case_number: str, service_code: str) -> None:
        """A case numbered at a service centre (register-case): intake accepts its uploads and links too."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO cases (case_number, request_id, service_code, created_at) VALUES (?, ?, ?, ?)",
                (case_number, f"walk-in:{case_number}", service_code, now()),
            )

    def record_forwarding(self, case_number: str, stage: int, agency: str) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO forwardings VALUES (?, ?, ?)", (case_number, stage, agency))

    def forwarded_to(self, case_number: str, stage: int) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT agency FROM forwardings WHERE case_number = ? AND stage = ?",
                                   (case_number, stage)).fetchone()
        return str(row[0]) if row else None

    def known(self, case_number: str) -> bool:
        return self.service_of(case_number) is not None

    def service_of(self, case_number: str) -> str | None:
        """The service code a case was opened for (complaints are opened for "complaint"), None if unknown."""
        with self._lock:
            row = self._db.execute("SELECT service_code FROM cases WHERE case_number = ?", (case_number,)).fetchone()
        return str(row[0]) if row else None

    def forwardings(self, case_number: str) -> list[dict[str, object]]:
        with self._lock:
            rows = self._db.execute("SELECT stage, agency FROM forwardings WHERE case_number = ? ORDER BY stage",
                                    (case_number,)).fetchall()
        return [{"stage": stage, "agency": agency} for stage, agency in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
