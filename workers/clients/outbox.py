"""Message ids already sent by channels that cannot drop repeats themselves (e-mail)."""

import sqlite3
import threading
from pathlib import Path

from observability.private_files import private_file


class Outbox:
    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(private_file(path), check_same_thread=False)  # 0600, its folder 0700 if new
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS sent (message_id TEXT PRIMARY KEY, at TEXT)")

    def was_sent(self, message_id: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM sent WHERE message_id = ?", (message_id,)).fetchone()
        return row is not None

    def mark_sent(self, message_id: str) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR IGNORE INTO sent VALUES (?, datetime('now'))", (message_id,))
