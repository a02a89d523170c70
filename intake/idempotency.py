"""Idempotency keys: a caller's key (a service request's or complaint's requestId, a reply's messageId, an upload's
messageId) stands for one body only.

The first acceptance stores, with the key, the SHA-256 of the canonical body: the message it becomes and the
validated body (after normalisation and defaults) as JSON with sorted keys, so the order of fields, white space
in the JSON or NFD instead of NFC do not make a different body. The same key with the same body is a repeat (the
outbox answers it: 200, `duplicate: true`); the same key with any other body is refused with 409 and nothing is
stored, numbered or sent. A key the outbox holds from before this table existed is taken at its word.
"""

import hashlib
import json
from collections.abc import Awaitable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel

from intake.database import Database
from intake.outbox import Accepted, NewMessage


def fingerprint(message_name: str, body: BaseModel | Mapping[str, Any]) -> str:
    """The SHA-256 of the canonical body of a message."""
    fields = body.model_dump(mode="json", by_alias=True) if isinstance(body, BaseModel) else dict(body)
    canonical = json.dumps({"message": message_name, "body": fields}, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyKeys:
    """The `idempotency_keys` table in intake's database."""

    def __init__(self, database: Database | Path) -> None:
        self._db = Database.of(database)
        self._db.create("CREATE TABLE IF NOT EXISTS idempotency_keys ("
                        "key TEXT PRIMARY KEY, body_sha256 TEXT NOT NULL, created_at TEXT NOT NULL)")

    def claim(self, key: str, body_sha256: str) -> bool:
        """True when the key is new (now bound to this body) or was bound to this same body; False for another."""
        self._db.execute("INSERT OR IGNORE INTO idempotency_keys VALUES (?, ?, ?)",
                         (key, body_sha256, datetime.now(UTC).isoformat(timespec="seconds")))
        row = self._db.execute("SELECT body_sha256 FROM idempotency_keys WHERE key = ?", (key,)).one()
        return row is not None and row[0] == body_sha256

    def close(self) -> None:
        self._db.close()


class Accept(Protocol):
    """What an endpoint calls with a message it accepts: `body` is what the caller sent (validated), `key_field`
    the name of its idempotency key in that body."""

    def __call__(self, message: NewMessage, body: BaseModel | Mapping[str, Any],
                 key_field: str = "messageId") -> Awaitable[Accepted]: ...
