"""Message ids already sent by channels that cannot drop repeats themselves (e-mail)."""

import sqlite3
import threading
from pathlib import Path


class Outbox:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
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
