"""Intake's own state (case numbers, forwardings, the outbox, idempotency keys) in one database: a SQLite file
by default, or PostgreSQL (INTAKE_DATABASE_URL) so that several intake replicas share it.

The stores write their SQL once, SQLite's way (`?` parameters, `INSERT OR IGNORE`); `Database.execute` turns it
into PostgreSQL's where they differ. Each store's statements are short and autocommitted; one connection per
database, guarded by a lock (a replica's own concurrency is its event loop's, and each statement is quick).
"""

import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import psycopg

from observability.private_files import private_file

Dialect = Literal["sqlite", "postgresql"]
SCHEMA_LOCK = 7_337_001  # PostgreSQL advisory lock: replicas starting together create the tables one at a time


@dataclass(frozen=True)
class Result:
    rowcount: int
    rows: list[tuple[Any, ...]]

    def one(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None


def postgresql_form(sql: str) -> str:
    """SQLite's spelling of our statements, as PostgreSQL wants them."""
    sql = sql.replace("?", "%s")
    sql = sql.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY")
    if "INSERT OR IGNORE INTO" in sql:
        insert, returning, columns = sql.replace("INSERT OR IGNORE INTO", "INSERT INTO").partition(" RETURNING ")
        sql = f"{insert} ON CONFLICT DO NOTHING" + (f" RETURNING {columns}" if returning else "")
    return sql


class Database:
    def __init__(self, dialect: Dialect, connect: Any) -> None:
        self.dialect = dialect
        self._connect = connect
        self._connection = connect()
        self._lock = threading.Lock()

    @classmethod
    def sqlite(cls, path: Path) -> "Database":
        private_file(path)  # 0600, its folder 0700 if new
        return cls("sqlite", lambda: sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                                     timeout=10))

    @classmethod
    def postgresql(cls, url: str) -> "Database":
        """`url`: postgresql://user:password@host:port/database (libpq's form)."""
        return cls("postgresql", lambda: psycopg.connect(url, autocommit=True, connect_timeout=10))

    @classmethod
    def of(cls, location: "Database | Path") -> "Database":
        """A store's database: the one given, or a SQLite file of its own."""
        return location if isinstance(location, Database) else cls.sqlite(location)

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Result:
        with self._lock:
            if self.dialect == "sqlite":
                cursor = self._connection.execute(sql, tuple(parameters))
                rows = cursor.fetchall()
                return Result(cursor.rowcount, rows)
            return self._postgresql(postgresql_form(sql), tuple(parameters))

    def _postgresql(self, sql: str, parameters: tuple[Any, ...]) -> Result:
        if self._connection.closed:  # the server restarted or the connection dropped: one new try
            self._connection = self._connect()
        with self._connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            rows = cursor.fetchall() if cursor.description else []
            return Result(cursor.rowcount, rows)

    def create(self, schema: str) -> None:
        """CREATE TABLE / INDEX IF NOT EXISTS statements, separated by `;`."""
        statements = [s.strip() for s in schema.split(";") if s.strip()]
        with self._lock:
            if self.dialect == "sqlite":
                self._connection.executescript(schema)
                return
            with self._connection.transaction(), self._connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                for statement in statements:
                    cursor.execute(postgresql_form(statement))

    def close(self) -> None:
        with self._lock:
            self._connection.close()


