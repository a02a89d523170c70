"""The outbox: every message intake accepts is stored here before the caller gets an answer, then delivered to
the engine, at once and, when that does not land, again with exponential backoff until it lands or its time to
live runs out. The engine does not buffer messages: a reply that comes before the process waits for it is
refused ("nothing waits") and tried again here until the process gets there.

One row per message id (the caller's idempotency key: a repeated id changes nothing). States:

    pending ──delivered──▶ delivered
       │ ├──engine refused it for good (4xx)──▶ failed     (counted, listed for operations)
       │ └──time to live over──▶ expired                    (counted, listed for operations)
       └── retried: attempts + 1, next attempt after base · 2^(attempts-1), at most `backoff_max`

Several deliverers may share the database (two intakes, or the request path and the background loop of
one): a message is claimed with one UPDATE ... WHERE status = 'pending' AND next_attempt_at <= now, which
also sets `claimed_by` and pushes `next_attempt_at` out by the lease; only the claim holder records the
outcome. A deliverer that dies mid-delivery leaves the claim to lapse, and another tries again after the
lease. On PostgreSQL the claim's inner SELECT takes `FOR UPDATE SKIP LOCKED`; the rest is the same SQL.
"""

import asyncio
import contextlib
import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import structlog
from pydantic import BaseModel, Field

from intake.database import Database
from intake.metrics import IntakeMetrics
from observability.masking import mask_text

log = structlog.get_logger("intake.outbox")
ERROR_CHARS = 1000


class Kind(StrEnum):
    START = "start"  # starts a process instance (message start event), business key = case number
    CORRELATE = "correlate"  # a reply to a waiting receive task or catch event, by its correlationKey


class Status(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    EXPIRED = "expired"
    FAILED = "failed"


class OutboxPolicy(BaseModel):
    """Times to live and retry pacing (ISO durations in the environment: INTAKE_OUTBOX__CORRELATE_TTL=P2D)."""

    start_ttl: timedelta = timedelta(days=7)  # a citizen's request outlives a long engine outage
    correlate_ttl: timedelta = timedelta(days=1)  # a reply finds its wait within minutes, or something is wrong
    backoff_base: timedelta = timedelta(seconds=1)
    backoff_max: timedelta = timedelta(minutes=5)
    lease: timedelta = timedelta(seconds=60)  # longer than one delivery (lookup + correlation, 15 s timeouts each)
    poll_interval: timedelta = timedelta(seconds=1)
    batch_size: int = Field(default=20, ge=1)

    def ttl(self, kind: Kind) -> timedelta:
        return self.start_ttl if kind is Kind.START else self.correlate_ttl

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed try (1 → base, 2 → 2·base, …, capped)."""
        doublings: int = min(max(attempts - 1, 0), 30)
        wait: timedelta = self.backoff_base * (2**doublings)
        return min(wait, self.backoff_max)


@dataclass(frozen=True)
class NewMessage:
    """A message as an endpoint accepts it."""

    message_id: str
    kind: Kind
    name: str
    variables: Mapping[str, Any]
    business_key: str | None = None  # start: the case number the new instance carries
    correlation_key: str | None = None  # correlate: the waiting element's local `correlationKey`
    process_key: str | None = None  # start: the process it starts (to look for an instance already started)

    @classmethod
    def start(cls, message_id: str, name: str, process_key: str, business_key: str,
              variables: Mapping[str, Any]) -> "NewMessage":
        return cls(message_id, Kind.START, name, variables, business_key=business_key, process_key=process_key)

    @classmethod
    def reply(cls, message_id: str, name: str, correlation_key: str, variables: Mapping[str, Any]) -> "NewMessage":
        return cls(message_id, Kind.CORRELATE, name, variables, correlation_key=correlation_key)


@dataclass(frozen=True)
class OutboxMessage:
    message_id: str
    kind: Kind
    name: str
    business_key: str | None
    correlation_key: str | None
    process_key: str | None
    variables: dict[str, Any]
    created_at: datetime
    expires_at: datetime
    attempts: int  # tries started so far, this one included once claimed
    next_attempt_at: datetime
    status: Status
    delivered_at: datetime | None
    last_error: str | None
    claimed_by: str | None

    def for_operations(self) -> dict[str, Any]:
        """What operations see: no variable values (they carry personal data), the last error masked."""
        return {
            "messageId": self.message_id, "kind": self.kind, "messageName": self.name,
            "businessKey": self.business_key, "correlationKey": self.correlation_key, "processKey": self.process_key,
            "variableNames": sorted(self.variables), "createdAt": iso(self.created_at),
            "expiresAt": iso(self.expires_at), "attempts": self.attempts, "nextAttemptAt": iso(self.next_attempt_at),
            "deliveredAt": iso(self.delivered_at) if self.delivered_at else None, "status": self.status,
            "lastError": mask_text(self.last_error) if self.last_error else None,
        }


@dataclass(frozen=True)
class Accepted:
    """The answer to whoever sent the message: stored (new or a repeat) and where its delivery stands."""

    duplicate: bool
    delivery: Status

    @property
    def status_code(self) -> int:
        return 200 if self.duplicate else 202

    def body(self) -> dict[str, Any]:
        return {"accepted": True, "duplicate": self.duplicate, "delivery": self.delivery}


class Refused(Exception):
    """The engine refused the message for good (it will never take it as it is): no more retries."""


Deliver = Callable[[OutboxMessage], Awaitable[object]]
Accept = Callable[[NewMessage], Awaitable[Accepted]]
Clock = Callable[[], datetime]

COLUMNS = ("message_id, kind, message_name, business_key, correlation_key, process_key, variables, created_at, "
           "expires_at, attempts, next_attempt_at, status, delivered_at, last_error, claimed_by")


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Fixed-width UTC text: compares in time order as text (and reads well in a SQL shell)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def message_of(row: tuple[Any, ...]) -> OutboxMessage:
    (message_id, kind, name, business_key, correlation_key, process_key, variables, created_at, expires_at,
     attempts, next_attempt_at, status, delivered_at, last_error, claimed_by) = row
    return OutboxMessage(
        message_id=message_id, kind=Kind(kind), name=name, business_key=business_key,
        correlation_key=correlation_key, process_key=process_key, variables=json.loads(variables),
        created_at=datetime.fromisoformat(created_at), expires_at=datetime.fromisoformat(expires_at),
        attempts=int(attempts), next_attempt_at=datetime.fromisoformat(next_attempt_at), status=Status(status),
        delivered_at=datetime.fromisoformat(delivered_at) if delivered_at else None, last_error=last_error,
        claimed_by=claimed_by,
    )


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_CHARS]


class Outbox:
    """The outbox table in intake's database (autocommit: each statement is its own transaction). Replicas
    sharing a PostgreSQL each run the delivery loop: a claim takes a message for one delivery (rows another
    replica is claiming are skipped), so each message is tried by one replica at a time."""

    def __init__(self, database: Database | Path, policy: OutboxPolicy | None = None,
                 metrics: IntakeMetrics | None = None, clock: Clock = utc_now) -> None:
        self.policy = policy or OutboxPolicy()
        self.metrics = metrics
        self.clock = clock
        self._db = Database.of(database)
        self._db.create("""
                CREATE TABLE IF NOT EXISTS outbox (
                    message_id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('start', 'correlate')),
                    message_name TEXT NOT NULL,
                    business_key TEXT,
                    correlation_key TEXT,
                    process_key TEXT,
                    variables TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'delivered', 'expired', 'failed')),
                    delivered_at TEXT,
                    last_error TEXT,
                    claimed_by TEXT);
                CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at);
        """)
        if metrics is not None:
            metrics.watch_pending(lambda: self.count(Status.PENDING))

    def close(self) -> None:
        self._db.close()

    # storing and reading
    def store(self, message: NewMessage) -> bool:
        """Keep the message for delivery; False (and nothing changes) when its id was stored before."""
        now = self.clock()
        stored = self._db.execute(
            "INSERT OR IGNORE INTO outbox (message_id, kind, message_name, business_key, correlation_key, "
            "process_key, variables, created_at, expires_at, attempts, next_attempt_at, status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 'pending')",
            (message.message_id, message.kind.value, message.name, message.business_key,
             message.correlation_key, message.process_key,
             json.dumps(dict(message.variables), ensure_ascii=False), iso(now),
             iso(now + self.policy.ttl(message.kind)), iso(now)),
        )
        return stored.rowcount == 1

    def get(self, message_id: str) -> OutboxMessage | None:
        row = self._db.execute(f"SELECT {COLUMNS} FROM outbox WHERE message_id = ?", (message_id,)).one()
        return message_of(row) if row else None

    def messages(self, status: Status, limit: int = 100) -> list[OutboxMessage]:
        rows = self._db.execute(f"SELECT {COLUMNS} FROM outbox WHERE status = ? ORDER BY created_at LIMIT ?",
                                (status.value, limit)).rows
        return [message_of(row) for row in rows]

    def count(self, status: Status) -> int:
        row = self._db.execute("SELECT count(*) FROM outbox WHERE status = ?", (status.value,)).one()
        return int(row[0]) if row else 0

    # claiming and recording outcomes
    def claim(self, limit: int, message_id: str | None = None) -> list[OutboxMessage]:
        """Take pending messages that are due (or the one `message_id`, if due) for one delivery each: nobody
        else gets them until the lease runs out or the outcome is recorded."""
        now = self.clock()
        token = uuid.uuid4().hex
        which = "AND message_id = ?" if message_id is not None else ""
        parameters: tuple[Any, ...] = (token, iso(now + self.policy.lease), iso(now))
        chosen: tuple[Any, ...] = (iso(now), *((message_id,) if message_id is not None else ()), limit)
        skip_claimed = " FOR UPDATE SKIP LOCKED" if self._db.dialect == "postgresql" else ""
        rows = self._db.execute(
            f"UPDATE outbox SET claimed_by = ?, next_attempt_at = ?, attempts = attempts + 1 "
            f"WHERE status = 'pending' AND next_attempt_at <= ? AND message_id IN ("
            f"  SELECT message_id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? {which} "
            f"  ORDER BY next_attempt_at LIMIT ?{skip_claimed}) "
            f"RETURNING {COLUMNS}",
            parameters + chosen,
        ).rows
        return [message_of(row) for row in rows]

    def _record(self, message: OutboxMessage, assignments: str, values: tuple[Any, ...]) -> bool:
        """Apply an outcome if this claim still holds the message (False: the lease ran out, someone else has it)."""
        updated = self._db.execute(
            f"UPDATE outbox SET {assignments}, claimed_by = NULL "
            "WHERE message_id = ? AND claimed_by = ? AND status = 'pending'",
            (*values, message.message_id, message.claimed_by),
        )
        if updated.rowcount != 1:
            log.warning("outbox claim lapsed before the outcome was recorded", message_id=message.message_id,
                        message=message.name)
        return updated.rowcount == 1

    def mark_delivered(self, message: OutboxMessage) -> None:
        if self._record(message, "status = 'delivered', delivered_at = ?", (iso(self.clock()),)) and self.metrics:
            self.metrics.delivered.labels(message.name).inc()

    def mark_failed(self, message: OutboxMessage, error: str) -> None:
        if self._record(message, "status = 'failed', last_error = ?", (error[:ERROR_CHARS],)) and self.metrics:
            self.metrics.failed.labels(message.name).inc()

    def mark_retry(self, message: OutboxMessage, error: str) -> datetime:
        next_attempt = self.clock() + self.policy.backoff(message.attempts)
        self._record(message, "next_attempt_at = ?, last_error = ?", (iso(next_attempt), error[:ERROR_CHARS]))
        return next_attempt

    def expire_overdue(self) -> list[OutboxMessage]:
        """Pending messages past their time to live (and not held by a delivery now) end as expired."""
        now = iso(self.clock())
        rows = self._db.execute(
            "UPDATE outbox SET status = 'expired', claimed_by = NULL "
            "WHERE status = 'pending' AND expires_at <= ? AND (claimed_by IS NULL OR next_attempt_at <= ?) "
            f"RETURNING {COLUMNS}", (now, now),
        ).rows
        expired = [message_of(row) for row in rows]
        for message in expired:
            log.error("message expired undelivered", message_id=message.message_id, message=message.name,
                      correlation_key=message.correlation_key, business_key=message.business_key,
                      attempts=message.attempts, last_error=message.last_error)
            if self.metrics:
                self.metrics.expired.labels(message.name).inc()
        return expired

    def requeue(self, message_id: str) -> OutboxMessage | None:
        """Operations send an expired or failed message again (once the cause is fixed), with a fresh time to
        live; the attempt count goes on (a start that may have landed is looked up before it is sent)."""
        now = self.clock()
        message = self.get(message_id)
        if message is None or message.status not in (Status.EXPIRED, Status.FAILED):
            return None
        self._db.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, expires_at = ?, claimed_by = NULL "
            "WHERE message_id = ? AND status IN ('expired', 'failed')",
            (iso(now), iso(now + self.policy.ttl(message.kind)), message_id),
        )
        return self.get(message_id)

    # delivering
    async def deliver(self, message: OutboxMessage, deliver: Deliver) -> Status:
        """One try of a claimed message; the outcome is recorded, never raised."""
        bound = log.bind(message_id=message.message_id, message=message.name, attempt=message.attempts,
                         correlation_key=message.correlation_key, business_key=message.business_key)
        try:
            await deliver(message)
        except Refused as refusal:
            self.mark_failed(message, str(refusal))
            bound.error("message refused by the engine for good", error=str(refusal)[:ERROR_CHARS])
            return Status.FAILED
        except Exception as error:  # every other fault is retried until the time to live runs out
            next_attempt = self.mark_retry(message, describe(error))
            bound.info("message not delivered yet; will retry", error=describe(error),
                       next_attempt_at=iso(next_attempt))
            return Status.PENDING
        self.mark_delivered(message)
        bound.info("message delivered")
        return Status.DELIVERED

    async def accept(self, message: NewMessage, deliver: Deliver) -> Accepted:
        """Store, then try once at once (the common case lands here); a repeated id only reports where its
        first delivery stands."""
        if not self.store(message):
            stored = self.get(message.message_id)
            return Accepted(duplicate=True, delivery=stored.status if stored else Status.PENDING)
        claimed = self.claim(1, message_id=message.message_id)
        if not claimed:  # a background loop got it first
            return Accepted(duplicate=False, delivery=Status.PENDING)
        return Accepted(duplicate=False, delivery=await self.deliver(claimed[0], deliver))

    async def deliver_due(self, deliver: Deliver) -> int:
        """Expire what is overdue, then deliver everything due now, a batch at a time; the number tried."""
        self.expire_overdue()
        tried = 0
        while batch := self.claim(self.policy.batch_size):
            await asyncio.gather(*(self.deliver(message, deliver) for message in batch))
            tried += len(batch)
            if len(batch) < self.policy.batch_size:
                break
        return tried

    async def run(self, deliver: Deliver, stop: asyncio.Event) -> None:
        """The background loop: every poll interval, deliver what is due, until `stop` is set."""
        while not stop.is_set():
            try:
                await self.deliver_due(deliver)
            except Exception:  # e.g. the database busy: logged, and the next round tries again
                log.exception("outbox round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.policy.poll_interval.total_seconds())
